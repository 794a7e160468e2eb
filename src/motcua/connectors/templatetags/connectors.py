"""Template helpers of the connectors: how a source is named to people."""

from __future__ import annotations

from django import template

from motcua.connectors.registry import source_label as _source_label

register = template.Library()


@register.filter
def source_label(name: str) -> str:
    """ "population" -> "Cơ sở dữ liệu quốc gia về dân cư"."""
    return _source_label(str(name or ""))
