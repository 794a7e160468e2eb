"""Typed readers of settings from the environment that fail loudly on bad values."""

from __future__ import annotations

import os
from pathlib import Path
from urllib.parse import parse_qs, unquote, urlsplit

from django.core.exceptions import ImproperlyConfigured


def env_str(name: str, default: str) -> str:
    return os.environ.get(name, default)


def env_bool(name: str, default: bool) -> bool:
    raw = os.environ.get(name)
    if raw is None or raw == "":
        return default
    value = raw.strip().lower()
    if value in ("1", "true", "yes", "on"):
        return True
    if value in ("0", "false", "no", "off"):
        return False
    raise ImproperlyConfigured(f"{name}={raw!r}: expected one of 1/0, true/false, yes/no, on/off")


def env_int(name: str, default: int, *, minimum: int | None = None) -> int:
    raw = os.environ.get(name)
    if raw is None or raw == "":
        return default
    try:
        value = int(raw)
    except ValueError:
        raise ImproperlyConfigured(f"{name}={raw!r}: expected a whole number") from None
    if minimum is not None and value < minimum:
        raise ImproperlyConfigured(f"{name}={value}: must be at least {minimum}")
    return value


def env_list(name: str, default: list[str]) -> list[str]:
    raw = os.environ.get(name)
    if raw is None or raw.strip() == "":
        return default
    return [item.strip() for item in raw.split(",") if item.strip()]


def env_choice(name: str, default: str, choices: tuple[str, ...]) -> str:
    value = os.environ.get(name) or default
    if value not in choices:
        raise ImproperlyConfigured(f"{name}={value!r}: expected one of {', '.join(choices)}")
    return value


def env_path(name: str, default: Path) -> Path:
    raw = os.environ.get(name)
    return Path(raw).expanduser().resolve() if raw else default


def database_from_url(url: str, *, sqlite_default: Path, conn_max_age: int) -> dict:
    """Turn DATABASE_URL into a Django DATABASES entry; empty means the embedded SQLite file."""
    common = {"CONN_MAX_AGE": conn_max_age, "CONN_HEALTH_CHECKS": conn_max_age > 0}
    if not url:
        return common | sqlite_options(sqlite_default)
    parts = urlsplit(url)
    if parts.scheme == "sqlite":
        path = unquote(parts.path)
        if parts.netloc:  # sqlite://relative/path is almost always a typo for sqlite:///
            raise ImproperlyConfigured(f"DATABASE_URL={url!r}: use sqlite:////absolute/path.sqlite3")
        if not path or path == "/":
            raise ImproperlyConfigured(f"DATABASE_URL={url!r}: names no SQLite file")
        return common | sqlite_options(Path(path))
    if parts.scheme not in ("postgres", "postgresql"):
        raise ImproperlyConfigured(
            f"DATABASE_URL: unsupported scheme {parts.scheme!r} (use postgres://… or sqlite:///…)"
        )
    name = parts.path.lstrip("/")
    if not name:
        raise ImproperlyConfigured(f"DATABASE_URL={url!r}: names no database")
    try:
        port = parts.port
    except ValueError:
        raise ImproperlyConfigured(f"DATABASE_URL={url!r}: the port is not a number") from None
    options = {key: values[-1] for key, values in parse_qs(parts.query).items()}
    return common | {
        "ENGINE": "django.db.backends.postgresql",
        "NAME": unquote(name),
        "USER": unquote(parts.username or ""),
        "PASSWORD": unquote(parts.password or ""),
        "HOST": parts.hostname or "",
        "PORT": str(port or ""),
        "OPTIONS": options,
        "TEST": {"NAME": f"test_{unquote(name)}"},
    }


def sqlite_options(path: Path) -> dict:
    path.parent.mkdir(parents=True, exist_ok=True)  # the embedded default needs no setup step
    # Several processes (web, worker) write at once: WAL + BEGIN IMMEDIATE + a busy timeout,
    # rather than Django's defaults, which fail with "database is locked" under concurrency.
    return {
        "ENGINE": "django.db.backends.sqlite3",
        "NAME": path,
        "OPTIONS": {
            "transaction_mode": "IMMEDIATE",
            "timeout": 20,
            "init_command": "PRAGMA journal_mode=WAL;",
        },
    }
