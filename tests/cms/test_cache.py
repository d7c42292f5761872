"""The Redis cache backend keeps its redis-py client instead of making one per call."""

from cms.cache import RedisCache


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
