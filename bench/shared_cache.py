"""Which cache can `make run` share between its processes? Measured, not guessed.

For each candidate this measures, in one process, the two operations on the
hit path of a cached page (read the content generation; read a stored page of
about 30 KB) and, from four processes at once, whether increments add up
(rate limits need them to). Run: `.venv/bin/python bench/shared_cache.py`
(add `--redis-url redis://127.0.0.1:6379/14` to include Redis).

Candidates: DiskCache (SQLite, the choice), Django's DatabaseCache on a SQLite
file of its own, Django's FileBasedCache, and Redis when given. A per-process
memory cache is shown for scale; it is not shared, which is the bug being
fixed.
"""

import argparse
import multiprocessing
import os
import sys
import tempfile
import time
from pathlib import Path

BASE_DIR = Path(__file__).resolve().parent.parent
sys.path.insert(0, str(BASE_DIR))
os.environ.setdefault("DJANGO_SETTINGS_MODULE", "campaign.settings.local")

PAGE = os.urandom(10_000) * 3  # about the size of a stored page in three encodings
READS = 3000
INCREMENTS = 250
PROCESSES = 4


def candidates(directory, redis_url):
    found = {
        "DiskCache (SQLite, shared)": {
            "BACKEND": "campaign.cache_backends.SharedDiskCache",
            "LOCATION": f"{directory}/disk",
            "SHARDS": 4,
            "DATABASE_TIMEOUT": 0.25,
        },
        "Django DatabaseCache (SQLite file)": {"BACKEND": "django.core.cache.backends.db.DatabaseCache", "LOCATION": "cache_table"},
        "Django FileBasedCache": {"BACKEND": "django.core.cache.backends.filebased.FileBasedCache", "LOCATION": f"{directory}/files"},
        "LocMemCache (one per process: not shared)": {"BACKEND": "django.core.cache.backends.locmem.LocMemCache"},
    }
    if redis_url:
        found["Redis"] = {"BACKEND": "campaign.cache_backends.RedisCache", "LOCATION": redis_url, "KEY_PREFIX": "svaw-cache-bench"}
    return found


def configure(directory, config):
    import django
    from django.conf import settings

    if not settings.configured:
        settings.configure(
            CACHES={"default": config},
            DATABASES={
                "default": {
                    "ENGINE": "django.db.backends.sqlite3",
                    "NAME": f"{directory}/cache.sqlite3",
                    "OPTIONS": {"init_command": "PRAGMA journal_mode=WAL;"},
                }
            },
            INSTALLED_APPS=[],
        )
        django.setup()


def count_up(directory, config, key):
    configure(directory, config)
    from django.core.cache import cache

    cache.add(key, 0, None)  # a memory cache starts empty in each process
    for _ in range(INCREMENTS):
        cache.incr(key)


def measure(directory, name, config):
    configure(directory, config)
    from django.core.cache import cache
    from django.core.management import call_command

    if config["BACKEND"].endswith("DatabaseCache"):
        call_command("createcachetable", verbosity=0)
    cache.set("generation", 1_000_000, None)
    cache.set("page", PAGE, None)
    timings = {}
    for key in ("generation", "page"):
        started = time.perf_counter()
        for _ in range(READS):
            cache.get(key)
        timings[key] = (time.perf_counter() - started) / READS * 1e6
    cache.set("counter", 0, None)
    context = multiprocessing.get_context("spawn")
    workers = [context.Process(target=count_up, args=(directory, config, "counter")) for _ in range(PROCESSES)]
    for worker in workers:
        worker.start()
    for worker in workers:
        worker.join()
    counted = cache.get("counter")
    return name, timings["generation"], timings["page"], counted


def run_one(queue, directory, name, config):
    queue.put(measure(directory, name, config))


def main():
    parser = argparse.ArgumentParser(description=__doc__, formatter_class=argparse.RawDescriptionHelpFormatter)
    parser.add_argument("--redis-url", help="also measure Redis at this URL (its keys are prefixed svaw-cache-bench)")
    args = parser.parse_args()
    expected = INCREMENTS * PROCESSES
    print(f"| cache | read generation (µs) | read a 30 KB page (µs) | {PROCESSES}×{INCREMENTS} increments from {PROCESSES} processes |")
    print("|---|---:|---:|---:|")
    context = multiprocessing.get_context("spawn")
    with tempfile.TemporaryDirectory() as directory:
        for name, config in candidates(directory, args.redis_url).items():
            queue = context.Queue()
            process = context.Process(target=run_one, args=(queue, directory, name, config))
            process.start()
            name, generation, page, counted = queue.get()
            process.join()
            verdict = "exact" if counted == expected else f"**{counted}** (lost {expected - (counted or 0)})"
            print(f"| {name} | {generation:.1f} | {page:.1f} | {verdict} |")


if __name__ == "__main__":
    main()
