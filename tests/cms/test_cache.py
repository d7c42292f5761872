"""The Redis cache backend keeps its redis-py client instead of making one per call; a
generation number moves on and never comes back to an earlier value."""

from django.core.cache import caches

from cms.cache import Generation, RedisCache


def test_every_call_to_one_server_shares_one_client():
    cache = RedisCache("redis://cache.internal:6379/0", {"OPTIONS": {}})

    client = cache._cache.get_client("a")

    assert cache._cache.get_client("b") is client
    assert cache._cache.get_client(None, write=True) is client
    assert client.connection_pool.connection_kwargs["host"] == "cache.internal"


def test_reads_go_to_a_replica_and_writes_to_the_primary():
    cache = RedisCache("redis://primary.internal:6379/0,redis://replica.internal:6379/0", {})

    read = cache._cache.get_client("a")
    written = cache._cache.get_client("a", write=True)

    assert read.connection_pool.connection_kwargs["host"] == "replica.internal"
    assert written.connection_pool.connection_kwargs["host"] == "primary.internal"
    assert cache._cache.get_client("b") is read
    assert cache._cache.get_client("b", write=True) is written


def test_a_generation_moves_on_and_never_returns_to_an_earlier_number():
    generation = Generation("test:generation")
    first = generation.current()
    assert generation.current() == first

    generation.bump()
    bumped = generation.current()
    # Evicted (or flushed): it starts again from the clock, past every number it gave.
    caches["default"].delete("test:generation")
    restarted = generation.current()
    generation.bump()

    assert first < bumped < restarted < generation.current()


def test_a_bump_with_no_number_yet_starts_one():
    generation = Generation("test:never-read")
    caches["default"].delete("test:never-read")

    generation.bump()

    assert generation.current() > 0
