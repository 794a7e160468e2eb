"""Accent-insensitive text for search: "Đăng ký khai sinh" and "dang ky khai sinh" fold to the same words."""

from __future__ import annotations

import unicodedata


def fold(text: str) -> str:
    """Lower-case `text`, strip Vietnamese diacritics (đ becomes d) and collapse whitespace."""
    decomposed = unicodedata.normalize("NFD", text.lower())
    # đ/Đ is a letter of its own, not d plus a mark, so NFD leaves it alone.
    stripped = "".join(c for c in decomposed if not unicodedata.combining(c)).replace("đ", "d")
    return " ".join(stripped.split())
