"""Counters in Django's cache that slow down guessing: so many attempts per client in a fixed window.

The counters live in the default cache. The embedded default (local memory) counts per process; a
deployment with several workers or machines points CACHES at a shared cache so the limits hold overall.
"""

from __future__ import annotations

import hashlib
import time
from dataclasses import dataclass

from django.core.cache import cache
from django.http import HttpRequest
from rest_framework.throttling import BaseThrottle


@dataclass(frozen=True)
class Limit:
    scope: str
    count: int  # attempts allowed per window
    window: int  # seconds


def client_address(request: HttpRequest) -> str:
    """The client's address, read as the API's throttles read it (settings REST_FRAMEWORK["NUM_PROXIES"])."""
    return BaseThrottle().get_ident(request) or "unknown"


def _slot(limit: Limit, ident: str, now: float) -> tuple[str, int]:
    """The cache key of the current window, and the seconds left until it ends."""
    window = int(now // limit.window)
    digest = hashlib.sha256(ident.encode("utf-8", "surrogatepass")).hexdigest()[:32]
    return f"ratelimit:{limit.scope}:{digest}:{window}", max(1, limit.window - int(now % limit.window))


def hit(limit: Limit, ident: str, *, now: float | None = None) -> int | None:
    """Count one attempt of `ident`: None if it is within the limit, else the seconds until it may retry."""
    key, left = _slot(limit, ident, time.time() if now is None else now)
    cache.add(key, 0, timeout=limit.window + 1)
    try:
        used = cache.incr(key)
    except ValueError:  # the window ended between add() and incr()
        cache.set(key, 1, timeout=limit.window + 1)
        used = 1
    return None if used <= limit.count else left


def exhausted(limit: Limit, ident: str, *, now: float | None = None) -> int | None:
    """Without counting: the seconds until `ident` may retry if it has used up `limit`, else None."""
    key, left = _slot(limit, ident, time.time() if now is None else now)
    return left if cache.get(key, 0) >= limit.count else None
