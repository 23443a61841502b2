"""Cache-aside for computed representations (seed section 8), with one invalidation per entity.

Keys are `bridge:<entity>:<id>` (the `bridge:` part is the cache's key prefix), and
`bridge:<entity>:<id>:<part>` for other results built from the same rows (`part="rapport"`: the
data of the entity's report); invalidating an entity drops all of them. A Redis outage
makes every read a miss, served from Baserow: the caches ignore Redis errors, so reads degrade
to uncached instead of failing.
"""

from collections.abc import Callable
from typing import Any, TypeVar

from django.core.cache import cache
from prometheus_client import Counter

CACHE_HITS = Counter("cache_hits_total", "Cache-aside hits, by entity.", ["entity"])
CACHE_MISSES = Counter("cache_misses_total", "Cache-aside misses, by entity.", ["entity"])

# Seconds each cached representation lives (seed section 8.1). Only these entities are cached.
CACHE_TTLS = {"personne": 300, "projet": 300, "formation": 600}

T = TypeVar("T")


# The other results cached per entity row, dropped with it.
CACHE_PARTS = ("rapport",)


def cache_key(entity: str, row_id: int, part: str | None = None) -> str:
    return f"{entity}:{row_id}" if part is None else f"{entity}:{row_id}:{part}"


def cached(entity: str, row_id: int, load: Callable[[], T], *, part: str | None = None) -> T:
    key = cache_key(entity, row_id, part)
    label = entity if part is None else f"{entity}_{part}"
    value = cache.get(key)
    if value is not None:
        CACHE_HITS.labels(label).inc()
        return value
    CACHE_MISSES.labels(label).inc()
    value = load()
    cache.set(key, value, CACHE_TTLS[entity])
    return value


def cache_put(entity: str, row_id: int, value: Any) -> None:
    """Store a representation loaded along with something else (a report's data), so the two
    answer from the same reading of Baserow."""
    cache.set(cache_key(entity, row_id), value, CACHE_TTLS[entity])


def _invalidate(entity: str, row_ids: Any) -> None:
    ids = [row_ids] if isinstance(row_ids, int) else list(row_ids)
    if ids:
        parts = (None, *CACHE_PARTS)
        cache.delete_many([cache_key(entity, row_id, part) for row_id in ids for part in parts])


def cache_invalidate_personne(*personne_ids: int) -> None:
    """After a change to personnes, or to their attributions or interventions."""
    _invalidate("personne", personne_ids)


def cache_invalidate_projet(*projet_ids: int) -> None:
    """After a change to projets, or to their tâches or interventions."""
    _invalidate("projet", projet_ids)


def cache_invalidate_formation(*formation_ids: int) -> None:
    """After a change to formations, or to their blocs, modules or attributions."""
    _invalidate("formation", formation_ids)


def cache_delete_pattern(pattern: str) -> None:
    """Drop cached representations by pattern (Redis); other caches are cleared whole."""
    delete_pattern = getattr(cache, "delete_pattern", None)
    if delete_pattern is not None:
        delete_pattern(pattern)
    else:  # the in-process cache of the zero-configuration mode, or no cache at all
        cache.clear()
