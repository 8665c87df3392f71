"""Benchmark of signing: signatures per second through gunicorn, with many people signing at once.

Not a test: run it by hand, on SQLite as `make run` serves it, or on
PostgreSQL, and read the table it prints.

    .venv/bin/python bench/signatures.py                      # SQLite (WAL) under var/bench-signatures/
    .venv/bin/python bench/signatures.py --database-url postgres://postgres@127.0.0.1:5432/svaw_bench

It sets up its own VAR_DIR (database, static files, DiskCache), starts
gunicorn exactly as the Procfile does, creates an action of its own
(counting unconfirmed signatures, so that the count can be compared with the
rows at once), and has `--clients` clients post the real form (with an
Origin header, as a browser does) `--signatures` times, each with its own
address. Every answer must be the 303 to the thank-you page. It then checks
that the database holds exactly that many signatures and that the action's
page shows exactly that count, and reports errors, including any
"database is locked" in the server's log.

With --database-url, give a scratch database: it is migrated, and the
benchmark's action (with its signatures and their queued emails) is deleted
afterwards. Exits non-zero when a target is missed (TARGETS below).
"""

import argparse
import http.client
import math
import os
import re
import shutil
import signal
import subprocess
import sys
import threading
import time
from pathlib import Path
from urllib.parse import urlencode

from run import BASE_DIR, Server, free_port

# Signatures per second, with zero errors and an exact count.
TARGETS = {"postgresql": 200, "sqlite": 50}
SLUG = "bench-signatures"


class BenchError(Exception):
    pass


def environment(args, port):
    env = {key: value for key, value in os.environ.items() if key not in {"DATABASE_URL", "REDIS_URL"}}
    env.update(
        DJANGO_SETTINGS_MODULE="campaign.settings.local",
        VAR_DIR=str(args.var_dir),
        SITE_URL=f"http://127.0.0.1:{port}",
        SIGNATURE_COUNT_SECONDS="1",
        LOG_LEVEL="WARNING",
        PYTHONUNBUFFERED="1",
    )
    if args.database_url:
        env["DATABASE_URL"] = args.database_url
    if args.redis_url:
        env.update(REDIS_URL=args.redis_url, CACHE_KEY_PREFIX=f"svaw-bench-signatures-{os.getpid()}")
    return env


def manage(env, *arguments):
    result = subprocess.run([sys.executable, "manage.py", *arguments], cwd=BASE_DIR, env=env, capture_output=True, text=True, check=False)  # noqa: S603 - our own manage.py
    if result.returncode != 0:
        raise BenchError(f"`manage.py {' '.join(arguments[:2])}` failed:\n{result.stdout}{result.stderr}")
    return result.stdout


def django_shell(env, code):
    """Run `code` in manage.py shell; returns the last line it printed."""
    return manage(env, "shell", "--no-imports", "-c", code).strip().splitlines()[-1]


def set_up(env, fresh_sqlite):
    var_dir = Path(env["VAR_DIR"])
    if fresh_sqlite and var_dir.exists():
        shutil.rmtree(var_dir)
    var_dir.mkdir(parents=True, exist_ok=True)
    manage(env, "migrate", "--noinput", "--verbosity", "0")
    manage(env, "collectstatic", "--noinput", "--verbosity", "0")
    manage(env, "load_seed")
    django_shell(
        env,
        "from actions.petitions.models import Action; from campaign.models import Campaign\n"
        f"Action.objects.filter(slug={SLUG!r}).delete()\n"
        f"Action.objects.create(campaign=Campaign.objects.order_by('pk').first(), slug={SLUG!r}, title_en='Benchmark appeal', summary_en='S.',"
        " targets_en='T.', appeal_en='A.', status='published', count_unconfirmed=True, goal=1000000)\n"
        "print('ok')",
    )


def clean_up(env):
    django_shell(
        env,
        "from actions.petitions.models import Action; from post_office.models import Email\n"
        f"Action.objects.filter(slug={SLUG!r}).delete()\n"
        "Email.objects.filter(to__icontains='@bench.example.org').delete()\n"
        "print('ok')",
    )


class Results:
    def __init__(self):
        self.lock = threading.Lock()
        self.latencies = []
        self.errors = 0
        self.examples = []

    def add(self, latency=None, error=None):
        with self.lock:
            if error is None:
                self.latencies.append(latency)
            else:
                self.errors += 1
                if len(self.examples) < 5:
                    self.examples.append(error)

    def percentile(self, fraction):
        if not self.latencies:
            return float("nan")
        ordered = sorted(self.latencies)
        return ordered[max(0, min(len(ordered) - 1, math.ceil(fraction * len(ordered)) - 1))]


def sign_many(port, total, clients, run_id):
    """`clients` threads post the form until `total` signatures are sent; returns (Results, seconds)."""
    path = f"/en/act/{SLUG}/"
    thanks = f"/en/act/{SLUG}/thanks/"
    origin = f"http://127.0.0.1:{port}"
    numbers = iter(range(total))
    numbers_lock = threading.Lock()
    results = Results()
    barrier = threading.Barrier(clients + 1)

    def client():
        connection = http.client.HTTPConnection("127.0.0.1", port, timeout=60)
        barrier.wait()
        while True:
            with numbers_lock:
                number = next(numbers, None)
            if number is None:
                break
            body = urlencode({"name": f"Signer {number}", "email": f"signer{run_id}.{number}@bench.example.org", "country": "FR", "website": ""})
            headers = {"Content-Type": "application/x-www-form-urlencoded", "Origin": origin, "User-Agent": "svaw-bench/1"}
            started = time.perf_counter()
            try:
                connection.request("POST", path, body=body, headers=headers)
                response = connection.getresponse()
                response.read()
            except (OSError, http.client.HTTPException) as error:
                connection.close()
                results.add(error=repr(error))
                continue
            if response.status == 303 and response.getheader("Location") == thanks:
                results.add(latency=time.perf_counter() - started)
            else:
                results.add(error=f"HTTP {response.status} {response.getheader('Location') or ''}")
        connection.close()

    threads = [threading.Thread(target=client, daemon=True) for _ in range(clients)]
    for thread in threads:
        thread.start()
    barrier.wait()
    began = time.perf_counter()
    for thread in threads:
        thread.join()
    return results, time.perf_counter() - began


def shown_count(port):
    connection = http.client.HTTPConnection("127.0.0.1", port, timeout=10)
    try:
        connection.request("GET", f"/en/act/{SLUG}/")
        html = connection.getresponse().read().decode()
    finally:
        connection.close()
    match = re.search(r'<p class="signature-count__total"><bdi>([\d,]+)</bdi>', html)
    return int(match[1].replace(",", "")) if match else None


def parse_args(argv):
    parser = argparse.ArgumentParser(description=__doc__, formatter_class=argparse.RawDescriptionHelpFormatter)
    parser.add_argument("--database-url", help="a scratch PostgreSQL database (default: SQLite in WAL mode under --var-dir, as make run)")
    parser.add_argument("--redis-url", help="a scratch Redis database as the shared cache (default: DiskCache under --var-dir, as make run)")
    parser.add_argument("--signatures", type=int, default=2000, help="how many signatures to send (default 2000)")
    parser.add_argument("--clients", type=int, default=50, help="concurrent clients (default 50)")
    parser.add_argument("--workers", type=int, default=int(os.environ.get("WORKERS", "3")), help="gunicorn workers (default $WORKERS or 3, as make run)")
    parser.add_argument("--var-dir", type=Path, default=BASE_DIR / "var" / "bench-signatures", help="the benchmark's VAR_DIR (default var/bench-signatures)")
    args = parser.parse_args(argv)
    if args.signatures < 1 or args.clients < 1 or args.workers < 1:
        parser.error("--signatures, --clients and --workers must be positive")
    args.var_dir = args.var_dir.resolve()
    return args


def main(argv=None):
    args = parse_args(argv)
    signal.signal(signal.SIGTERM, lambda signum, frame: sys.exit(128 + signum))
    database = "postgresql" if args.database_url else "sqlite"
    port = free_port()
    env = environment(args, port)
    server = None
    try:
        print(f"Setting up {args.var_dir} on {database} (migrate, collectstatic, load_seed, the benchmark's action)…", flush=True)
        set_up(env, fresh_sqlite=not args.database_url)
        log_path = args.var_dir / "gunicorn.log"
        log_path.write_bytes(b"")
        server = Server(env, port, args.workers, log_path)
        server.start("/en/")
        # One signature first, untimed: every worker has imported and connected by the time the clock starts.
        warm, _seconds = sign_many(port, args.workers * 2, args.workers * 2, f"warm{os.getpid()}")
        if warm.errors:
            raise BenchError(f"the warm-up signatures failed: {warm.examples}")
        print(f"Signing: {args.signatures} signatures from {args.clients} concurrent clients, {args.workers} gunicorn workers…", flush=True)
        results, seconds = sign_many(port, args.signatures, args.clients, f"run{os.getpid()}")
        expected = args.signatures + args.workers * 2
        time.sleep(1.2)  # past SIGNATURE_COUNT_SECONDS
        shown = shown_count(port)
        rows = int(django_shell(env, f"from actions.petitions.models import Signature\nprint(Signature.objects.filter(action__slug={SLUG!r}).count())"))
        server.stop()
        log = log_path.read_text(errors="replace")
        locked = log.count("database is locked")
        tracebacks = log.count("Traceback")
        if args.database_url:
            clean_up(env)
    except BenchError as error:
        print(f"\nBenchmark failed: {error}", file=sys.stderr)
        return 2
    except KeyboardInterrupt:
        print("\nInterrupted.", file=sys.stderr)
        return 130
    finally:
        if server is not None:
            server.stop()

    rate = len(results.latencies) / seconds if seconds else 0.0
    exact = rows == expected and shown == expected
    errors = results.errors + locked + tracebacks
    target = TARGETS[database]
    lines = [
        f"## Signatures per second ({database}, {args.workers} gunicorn workers, {args.clients} concurrent clients, {os.cpu_count()} CPUs)",
        "",
        "| | |",
        "|---|---:|",
        f"| signatures sent | {args.signatures} |",
        f"| time (s) | {seconds:.2f} |",
        f"| **signatures per second** | **{rate:.0f}** (target ≥ {target}) |",
        f"| p50 latency (ms) | {results.percentile(0.5) * 1000:.1f} |",
        f"| p99 latency (ms) | {results.percentile(0.99) * 1000:.1f} |",
        f"| errors (answers other than the 303 to the thank-you page) | {results.errors} |",
        f"| \"database is locked\" / tracebacks in the server log | {locked} / {tracebacks} |",
        f"| rows in the database (expected {expected}, with the warm-up) | {rows} |",
        f"| count on the action's page | {shown} |",
        f"| exact | {'yes' if exact else '**NO**'} |",
    ]
    if results.examples:
        lines += ["", "Errors: " + "; ".join(results.examples)]
    print("\n" + "\n".join(lines))
    missed = rate < target or errors or not exact
    if missed:
        print(f"\nTarget missed: {rate:.0f}/s (target ≥ {target}), {errors} errors, exact: {exact}", file=sys.stderr)
    return 1 if missed else 0


if __name__ == "__main__":
    sys.exit(main())
