"""Time (and optionally profile) the page and its static copy inside Django.

Run by bench/run.py in a subprocess with the benchmark's environment. It
calls the WSGI application that gunicorn serves (campaign.wsgi) directly, with
no HTTP server, socket or load generator in the way, so it shows what the
Django side of each request costs. Prints one JSON object on stdout.
"""

import argparse
import cProfile
import io
import json
import pstats
import statistics
import sys
import time
from pathlib import Path

BASE_DIR = Path(__file__).resolve().parent.parent
BROWSER_ENCODING = "br, gzip"


def main():
    parser = argparse.ArgumentParser()
    parser.add_argument("--path", required=True)
    parser.add_argument("--static-url", required=True)
    parser.add_argument("--host", required=True)
    parser.add_argument("--requests", type=int, default=2000, help="timed requests per target")
    parser.add_argument("--profile", type=int, default=0, help="also profile the page and print this many functions")
    args = parser.parse_args()

    sys.path.insert(0, str(BASE_DIR))
    from campaign.wsgi import application

    host, _, port = args.host.partition(":")

    def environ(path, accept_encoding=""):
        env = {
            "REQUEST_METHOD": "GET",
            "PATH_INFO": path,
            "QUERY_STRING": "",
            "SERVER_NAME": host,
            "SERVER_PORT": port or "80",
            "SERVER_PROTOCOL": "HTTP/1.1",
            "HTTP_HOST": args.host,
            "HTTP_ACCEPT": "text/html,*/*",
            "REMOTE_ADDR": "127.0.0.1",
            "wsgi.version": (1, 0),
            "wsgi.url_scheme": "http",
            "wsgi.input": io.BytesIO(b""),
            "wsgi.errors": sys.stderr,
            "wsgi.multithread": False,
            "wsgi.multiprocess": True,
            "wsgi.run_once": False,
        }
        if accept_encoding:
            env["HTTP_ACCEPT_ENCODING"] = accept_encoding
        return env

    statuses = {}

    def call(path, accept_encoding=""):
        def start_response(status, headers, exc_info=None):
            statuses[path] = status

        body = application(environ(path, accept_encoding), start_response)
        try:
            for _chunk in body:
                pass
        finally:
            if hasattr(body, "close"):
                body.close()

    for path in (args.path, args.static_url):  # warm up: imports, page cache, file index
        for _ in range(50):
            call(path)
            call(path, BROWSER_ENCODING)

    # Alternate blocks of requests and keep each block's mean; the median
    # block is robust to other work on the machine. Each target is timed as
    # the load test asks for it (no Accept-Encoding) and as browsers do.
    cases = [(path, encoding) for encoding in ("", BROWSER_ENCODING) for path in (args.path, args.static_url)]
    blocks = {case: [] for case in cases}
    block = max(1, args.requests // 10)
    for _ in range(10):
        for case in cases:
            started = time.perf_counter()
            for _ in range(block):
                call(*case)
            blocks[case].append((time.perf_counter() - started) / block)

    def micros(path, encoding):
        return statistics.median(blocks[(path, encoding)]) * 1e6

    result = {
        "page_status": statuses.get(args.path, ""),
        "static_status": statuses.get(args.static_url, ""),
        "page_us": micros(args.path, ""),
        "static_us": micros(args.static_url, ""),
        "browser_encoding": BROWSER_ENCODING,
        "page_compressed_us": micros(args.path, BROWSER_ENCODING),
        "static_compressed_us": micros(args.static_url, BROWSER_ENCODING),
    }
    if args.profile:
        profiler = cProfile.Profile()
        profiler.enable()
        for _ in range(args.requests):
            call(args.path)
        profiler.disable()
        out = io.StringIO()
        stats = pstats.Stats(profiler, stream=out)
        stats.sort_stats("cumulative").print_stats(args.profile)
        result["profile"] = out.getvalue()
    json.dump(result, sys.stdout)


if __name__ == "__main__":
    main()
