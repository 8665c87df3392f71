"""The two cache backends the site runs on: DiskCache alone, Redis at scale.

SharedDiskCache: DiskCache's Django backend, with two changes. Reads wait
out a busy SQLite lock instead of answering "missing": a read of the content
generation that came back empty by mistake would look like a cache flush.
And its SQLite connections stay open between requests: Django closes caches
when each request finishes, and reopening costs ten statements, several
times the price of the read itself.

RedisCache: Django's Redis cache, reusing one client per connection pool.
Django builds a new redis.Redis object for every cache operation; with
redis-py 8 that costs about 160 µs each (it registers ~170 response
callbacks), more than the round trip itself. redis.Redis is thread-safe and
the pool is already shared, so one client per pool is enough.
"""

from diskcache import DjangoCache
from django.core.cache.backends import redis as django_redis


class SharedDiskCache(DjangoCache):
    def get(self, key, default=None, version=None, read=False, expire_time=False, tag=False, retry=True):
        return super().get(key, default, version, read, expire_time, tag, retry)

    def close(self, **kwargs):
        pass


class PooledRedisCacheClient(django_redis.RedisCacheClient):
    def __init__(self, *args, **kwargs):
        super().__init__(*args, **kwargs)
        self._clients = {}

    def get_client(self, key=None, *, write=False):
        index = self._get_connection_pool_index(write)
        client = self._clients.get(index)
        if client is None:
            client = self._clients[index] = self._client(connection_pool=self._get_connection_pool(index))
        return client


class RedisCache(django_redis.RedisCache):
    def __init__(self, server, params):
        super().__init__(server, params)
        self._class = PooledRedisCacheClient
