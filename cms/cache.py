"""Django's Redis cache backend, with one redis-py client per server kept for the life of
the process; and the generation numbers that caches of rendered work are keyed by.

Django's client makes a new ``redis.Redis`` around the same connection pool for every
call, and redis-py builds its table of response callbacks each time: about 140 µs, more
than the round trip to a Redis on the same machine (about 100 µs). A ``redis.Redis`` is
safe to share between threads (each command takes a connection from the pool), so one is
kept per pool instead. Everything else is Django's: pools, serialisation, the options in
``CACHES``.
"""

import time
from typing import Any

from django.core.cache import caches
from django.core.cache.backends.redis import RedisCache as DjangoRedisCache
from django.core.cache.backends.redis import RedisCacheClient as DjangoRedisCacheClient


class RedisCacheClient(DjangoRedisCacheClient):
    def __init__(self, *args: Any, **kwargs: Any) -> None:
        super().__init__(*args, **kwargs)
        self._clients: dict[int, Any] = {}

    def get_client(self, key: str | None = None, *, write: bool = False) -> Any:
        pool = self._get_connection_pool(write)
        # Pools are kept in self._pools for the life of this client, so their ids are not
        # reused.
        client = self._clients.get(id(pool))
        if client is None:
            client = self._clients[id(pool)] = self._client(connection_pool=pool)
        return client


class RedisCache(DjangoRedisCache):
    def __init__(self, server: str | list[str], params: dict[str, Any]) -> None:
        super().__init__(server, params)
        self._class = RedisCacheClient


class Generation:
    """A number kept in a cache that moves whenever everything kept under it is to be made
    afresh: keys that carry it are never read again after ``bump()``, and nothing has to be
    deleted (which keeps a Redis shared with rate limits safe).

    It starts from the clock, never from 0: if the number is evicted, entries kept under an
    earlier run of numbers are never mistaken for current ones.
    """

    def __init__(self, key: str, *, alias: str = "default") -> None:
        self.key = key
        self.alias = alias

    def current(self) -> int:
        number = caches[self.alias].get(self.key)
        return self.start() if number is None else number

    def start(self) -> int:
        """The number, set from the clock if no one has set it (a lost race keeps the
        other's)."""
        cache = caches[self.alias]
        cache.add(self.key, time.time_ns(), timeout=None)
        return cache.get(self.key)

    def bump(self) -> None:
        cache = caches[self.alias]
        try:
            cache.incr(self.key)
        except ValueError:
            cache.add(self.key, time.time_ns(), timeout=None)
