"""Django-side half of the benchmark, run by bench/run.py in a subprocess.

It uses the benchmark's own VAR_DIR (passed in the environment), renders a
page with Django's test client exactly as the server will (same Host header),
writes the HTML to a file, and counts the SQL queries the page makes:

* cold, first request of a fresh process (empty cache, nothing loaded yet);
* cold again, after emptying the page cache in a process that has served
  the page (cache.clear() for the per-process memory cache; for a shared
  cache, a new content generation, so that nothing shared is flushed);
* warm, the next request (served from the page cache).

It prints one JSON object on stdout.
"""

import argparse
import json
import sys
from pathlib import Path

BASE_DIR = Path(__file__).resolve().parent.parent


def main():
    parser = argparse.ArgumentParser()
    parser.add_argument("--path", required=True)
    parser.add_argument("--host", required=True, help="the Host header the server will see, e.g. 127.0.0.1:8123")
    parser.add_argument("--static-copy", help="save the rendered page here, relative to STATIC_ROOT")
    parser.add_argument("--sql-log", type=Path, help="where to save the SQL of the cold request")
    args = parser.parse_args()

    sys.path.insert(0, str(BASE_DIR))
    import django

    django.setup()
    from django.conf import settings
    from django.core.cache import cache
    from django.db import connection
    from django.test import Client
    from django.test.utils import CaptureQueriesContext

    from campaign.caching import bump_content_generation

    client = Client(HTTP_HOST=args.host)

    def get():
        with CaptureQueriesContext(connection) as queries:
            response = client.get(args.path)
        return response, [query["sql"] for query in queries.captured_queries]

    def make_cold():
        # A process-local cache can simply be emptied; a shared one (Redis)
        # must not be flushed, so start a new content generation instead, as
        # saving content does: every cached page is then rebuilt.
        if "locmem" in settings.CACHES["default"]["BACKEND"].lower():
            cache.clear()
        else:
            bump_content_generation()

    if "locmem" not in settings.CACHES["default"]["BACKEND"].lower():
        make_cold()  # a shared cache may still hold the page from an earlier run
    first, first_sql = get()
    warm, warm_sql = get()
    make_cold()
    cold, cold_sql = get()
    warm_again, warm_again_sql = get()

    result = {
        "status": first.status_code,
        "bytes": len(first.content),
        "sets_cookie": sorted(first.cookies.keys()),
        "cache_control": first.headers.get("Cache-Control", ""),
        "queries_first_request": len(first_sql),
        "queries_cold": len(cold_sql),
        "queries_warm": max(len(warm_sql), len(warm_again_sql)),
        "same_html_every_time": first.content == warm.content == cold.content == warm_again.content,
    }
    if args.static_copy and first.status_code == 200:
        target = Path(settings.STATIC_ROOT) / args.static_copy
        target.parent.mkdir(parents=True, exist_ok=True)
        target.write_bytes(first.content)
        result["static_file"] = str(target)
        result["static_url"] = settings.STATIC_URL + args.static_copy
    if args.sql_log:
        args.sql_log.parent.mkdir(parents=True, exist_ok=True)
        sections = [
            ("first request of a fresh process", first_sql),
            ("after emptying the page cache", cold_sql),
            ("warm (served from the page cache)", warm_again_sql),
        ]
        args.sql_log.write_text("".join(f"-- {title}: {len(sql)} queries\n" + "".join(f"{q};\n" for q in sql) + "\n" for title, sql in sections))
    json.dump(result, sys.stdout)


if __name__ == "__main__":
    main()
