"""Benchmark of the Kosovo story page, run by `make bench`.

In one run, against one gunicorn server started exactly as `make run` starts
it, this measures side by side:

1. throughput of the Kosovo page for an anonymous visitor, and of the very
   same bytes served as a static file by whitenoise, and their ratio;
2. p50 and p99 latency of both at 16 concurrent clients;
3. the SQL queries the page makes, with a cold and with a warm cache;
4. the page's compressed weight as a browser fetches it (HTML, CSS,
   JavaScript, fonts, images), by type.

It prints a Markdown table, writes it to VAR_DIR/results.md and exits with
status 1 when a target is missed (the TARGET_* constants below). Everything it writes lives in
its own VAR_DIR (var/bench/ by default): the developer's database, media and
static files are never touched. See `python bench/run.py --help`.
"""

import argparse
import json
import os
import platform
import signal
import socket
import subprocess
import sys
import time
from datetime import UTC, datetime
from pathlib import Path

import loadgen
import weight as page_weight

BENCH_DIR = Path(__file__).resolve().parent
BASE_DIR = BENCH_DIR.parent
BIN_DIR = Path(sys.executable).parent
KOSOVO_PATH = "/en/campaigns/stop-violence-against-women/stories/kosovo-trafficked-women-and-girls/"
STATIC_COPY = "bench/kosovo.html"  # relative to STATIC_ROOT and STATIC_URL

KB = 1000  # bytes; the weight targets are in (decimal) kilobytes
TARGET_RATIO = 0.6  # page throughput / static file throughput
TARGET_TOTAL_BYTES = 100 * KB
TARGET_JS_BYTES = 20 * KB
# Above this, other processes competed noticeably for the CPU during the load test.
BUSY_MACHINE_CORES = 0.25


class BenchError(Exception):
    """The benchmark could not run; the message says why."""


# --------------------------------------------------------------------------
# Environment and set-up


def bench_env(var_dir, redis_url=None):
    env = dict(os.environ)
    env["DJANGO_SETTINGS_MODULE"] = "campaign.settings.local"  # as `make run` does
    env["VAR_DIR"] = str(var_dir)
    # Never reach the developer's database or shared cache: SQLite and the
    # shared DiskCache under the bench VAR_DIR, unless asked otherwise.
    env.pop("DATABASE_URL", None)
    env.pop("REDIS_URL", None)
    if redis_url:
        env["REDIS_URL"] = redis_url
        env["CACHE_KEY_PREFIX"] = "svaw-bench"
    env.setdefault("LOG_LEVEL", "WARNING")
    env["PYTHONUNBUFFERED"] = "1"
    return env


def manage(env, *args):
    command = [sys.executable, "manage.py", *args]
    result = subprocess.run(command, cwd=BASE_DIR, env=env, capture_output=True, text=True, check=False)  # noqa: S603 - our own manage.py
    if result.returncode != 0:
        raise BenchError(f"`manage.py {' '.join(args)}` failed:\n{result.stdout}{result.stderr}")
    return result.stdout


def set_up(env):
    Path(env["VAR_DIR"]).mkdir(parents=True, exist_ok=True)
    manage(env, "migrate", "--noinput", "--verbosity", "0")
    manage(env, "collectstatic", "--noinput", "--verbosity", "0")
    manage(env, "load_seed")


def probe(env, port, var_dir):
    """Render the page with the test client (saving it as a static file) and count its queries."""
    command = [
        sys.executable,
        str(BENCH_DIR / "probe.py"),
        "--path",
        KOSOVO_PATH,
        "--host",
        f"127.0.0.1:{port}",
        "--static-copy",
        STATIC_COPY,
        "--sql-log",
        str(var_dir / "queries.sql"),
    ]
    result = subprocess.run(command, cwd=BASE_DIR, env=env, capture_output=True, text=True, check=False)  # noqa: S603 - our own script
    if result.returncode != 0:
        raise BenchError(f"bench/probe.py failed:\n{result.stdout}{result.stderr}")
    info = json.loads(result.stdout.strip().splitlines()[-1])
    if info["status"] != 200:
        raise BenchError(f"The Kosovo page answered HTTP {info['status']} instead of 200 (is the seed loaded?)")
    return info


def in_process(env, port, static_url, profile_lines=0):
    """Time the page and the static copy through the WSGI application alone (no server)."""
    command = [
        sys.executable,
        str(BENCH_DIR / "inprocess.py"),
        "--path",
        KOSOVO_PATH,
        "--static-url",
        static_url,
        "--host",
        f"127.0.0.1:{port}",
        "--profile",
        str(profile_lines),
    ]
    result = subprocess.run(command, cwd=BASE_DIR, env=env, capture_output=True, text=True, check=False)  # noqa: S603 - our own script
    if result.returncode != 0:
        raise BenchError(f"bench/inprocess.py failed:\n{result.stdout}{result.stderr}")
    return json.loads(result.stdout.strip().splitlines()[-1])


def compress_static_copy(path):
    """Write the .br and .gz variants, as collectstatic does for every static file."""
    from whitenoise.compress import Compressor

    for suffix in (".br", ".gz"):
        Path(str(path) + suffix).unlink(missing_ok=True)
    Compressor(quiet=True).compress(str(path))


def free_port():
    with socket.socket(socket.AF_INET, socket.SOCK_STREAM) as sock:
        sock.bind(("127.0.0.1", 0))
        return sock.getsockname()[1]


# --------------------------------------------------------------------------
# The server


class Server:
    """gunicorn, started as `make run` starts it; always stopped by `stop()`."""

    def __init__(self, env, port, workers, log_path, access_log=True):
        self.env, self.port, self.workers, self.log_path = env, port, workers, log_path
        self.access_log = access_log
        self.process = None
        self.log = None

    def command(self):
        # The Procfile's web line.
        command = [str(BIN_DIR / "gunicorn"), "campaign.wsgi", "--config", "campaign/gunicorn_conf.py"]
        command += ["--bind", f"127.0.0.1:{self.port}", "--workers", str(self.workers)]
        if not self.access_log:
            command += ["--access-logfile", os.devnull]
        return command

    def start(self, ready_path, timeout=60):
        self.log = open(self.log_path, "ab")  # noqa: SIM115 - closed in stop()
        self.process = subprocess.Popen(  # noqa: S603 - our own gunicorn command
            self.command(), cwd=BASE_DIR, env=self.env, stdout=self.log, stderr=subprocess.STDOUT, start_new_session=True
        )
        deadline = time.monotonic() + timeout
        while time.monotonic() < deadline:
            if self.process.poll() is not None:
                raise BenchError(f"gunicorn exited with status {self.process.returncode}; see {self.log_path}")
            try:
                status, _headers, _body = loadgen.fetch(self.port, ready_path, timeout=5)
                if status == 200:
                    return
            except OSError:
                pass
            time.sleep(0.2)
        raise BenchError(f"gunicorn did not answer {ready_path} within {timeout} s; see {self.log_path}")

    def worker_pids(self):
        if self.process is None or not Path("/proc").is_dir():
            return []
        pids = []
        for entry in Path("/proc").iterdir():
            if entry.name.isdigit():
                try:
                    fields = (entry / "stat").read_text().rsplit(")", 1)[1].split()
                except OSError:
                    continue
                if int(fields[1]) == self.process.pid:
                    pids.append(int(entry.name))
        return pids

    def cpu_seconds(self):
        """CPU time used so far by the gunicorn workers (Linux only, else None)."""
        pids = self.worker_pids()
        if not pids:
            return None
        ticks = 0
        for pid in pids:
            try:
                fields = Path(f"/proc/{pid}/stat").read_text().rsplit(")", 1)[1].split()
            except OSError:
                return None
            ticks += int(fields[11]) + int(fields[12])  # utime + stime
        return ticks / os.sysconf("SC_CLK_TCK")

    def stop(self):
        if self.process is not None and self.process.poll() is None:
            workers = self.worker_pids()
            self.process.terminate()  # gunicorn's graceful shutdown
            try:
                self.process.wait(timeout=20)
            except subprocess.TimeoutExpired:
                self.process.kill()
                self.process.wait(timeout=10)
                for pid in workers:
                    try:
                        os.kill(pid, signal.SIGKILL)
                    except ProcessLookupError:
                        pass
        self.process = None
        if self.log is not None:
            self.log.close()
            self.log = None


# --------------------------------------------------------------------------
# Measurements


def check_same_bytes(port, static_url):
    """The page as the server renders it, its headers, and whether the static copy has the same bytes."""
    page_status, headers, page = loadgen.fetch(port, KOSOVO_PATH)
    static_status, _headers, static = loadgen.fetch(port, static_url)
    if page_status != 200:
        raise BenchError(f"The Kosovo page answered HTTP {page_status} from gunicorn")
    return page, headers, static_status == 200 and static == page


def system_busy_seconds():
    """CPU time the whole machine has spent busy so far (Linux only, else None)."""
    try:
        fields = [int(value) for value in Path("/proc/stat").read_text().splitlines()[0].split()[1:]]
    except (OSError, ValueError, IndexError):
        return None
    idle = fields[3] + (fields[4] if len(fields) > 4 else 0)  # idle + iowait
    steal = fields[7] if len(fields) > 7 else 0  # time the hypervisor gave to others
    return (sum(fields[:8]) - idle - steal) / os.sysconf("SC_CLK_TCK")


def load_test(server, args, targets):
    """Warm up, then time the targets in short alternating slices.

    Alternating (ABBA order) spreads any drift or any other load on the
    machine evenly over both targets. Returns ({label: Sample}, [per-slice samples]).
    """
    totals = {label: loadgen.Sample(label=label, path=path, clients=args.clients) for label, path, _size in targets}
    for label, path, size in targets:  # warm-up: fills every worker's page cache, not recorded
        loadgen.run(server.port, path, label=label, clients=args.clients, seconds=args.warmup, expect_bytes=size, accept_encoding=args.accept_encoding)
    probes = {"server": server.cpu_seconds, "machine": system_busy_seconds}
    slice_seconds = args.seconds / args.slices
    slices = []
    for number in range(args.slices):
        order = targets if number % 2 == 0 else list(reversed(targets))
        for label, path, size in order:
            sample = loadgen.run(
                server.port,
                path,
                label=label,
                clients=args.clients,
                seconds=slice_seconds,
                expect_bytes=size,
                max_requests=args.max_requests,
                cpu_probes=probes,
                accept_encoding=args.accept_encoding,
            )
            totals[label].merge(sample)
            slices.append(sample)
        latest = ", ".join(f"{sample.label} {sample.throughput:.0f} req/s" for sample in slices[-len(targets) :])
        print(f"  slice {number + 1}/{args.slices}: {latest}", flush=True)
    return totals, slices


def slice_ratios(slices):
    """Page/static throughput ratio of each pair of neighbouring slices."""
    by_label = {}
    for sample in slices:
        by_label.setdefault(sample.label, []).append(sample)
    pairs = zip(by_label.get("page", []), by_label.get("static", []), strict=False)
    return sorted(page.throughput / static.throughput for page, static in pairs if static.throughput)


# --------------------------------------------------------------------------
# Report


def kb(value):
    return f"{value / KB:.1f} KB"


def verdict(ok):
    return "met" if ok else "**MISSED**"


def report(args, info, samples, slices, weight, same_bytes, django_only, git_commit):
    page, static = samples["page"], samples["static"]
    ratio = page.throughput / static.throughput if static.throughput else 0.0
    ratios = slice_ratios(slices)
    total, js = weight.total, weight.kind_total("javascript")
    errors = page.errors + static.errors
    checks = [
        (f"throughput ratio page/static {ratio:.3f} (target ≥ {TARGET_RATIO})", ratio >= TARGET_RATIO),
        (f"total page weight {kb(total)} (target ≤ {kb(TARGET_TOTAL_BYTES)})", total <= TARGET_TOTAL_BYTES),
        (f"JavaScript weight {kb(js)} (target ≤ {kb(TARGET_JS_BYTES)})", js <= TARGET_JS_BYTES),
        (f"errors during the load test: {errors}", errors == 0),
    ]

    def ms(sample, fraction):
        return f"{sample.percentile(fraction) * 1000:.1f}"

    def cpu_ms(sample):
        seconds = sample.cpu.get("server")
        return None if seconds is None or not sample.completed else seconds / sample.completed * 1000

    def cores(sample, name):
        seconds = sample.cpu.get(name)
        return f"{seconds / sample.seconds:.2f}" if seconds is not None and sample.seconds else "n/a"

    def others(sample):
        machine, server, client = (sample.cpu.get(name) for name in ("machine", "server", "client"))
        if machine is None or server is None or client is None or not sample.seconds:
            return "n/a"
        return f"{max(0.0, machine - server - client) / sample.seconds:.2f}"

    page_ms, static_ms = cpu_ms(page), cpu_ms(static)
    fmt = lambda value: "n/a" if value is None else f"{value:.2f}"  # noqa: E731
    cpu_ratio = f"{static_ms / page_ms:.2f} (static/page)" if page_ms and static_ms else ""
    spread = f"per-slice ratios {ratios[0]:.2f}–{ratios[-1]:.2f}, median {ratios[len(ratios) // 2]:.2f}" if ratios else ""

    # Clients keep their connection open, but gunicorn's sync workers close it after each response.
    reconnect = " (the server closes each connection: one new TCP connection per request)" if info.get("connection_close") else " (persistent connections)"
    lines = [
        "## Kosovo page benchmark",
        "",
        f"{datetime.now(UTC):%Y-%m-%d %H:%M} UTC · commit {git_commit} · Python {platform.python_version()} · {os.cpu_count()} CPUs · "
        f"gunicorn as `make run` starts it, {args.workers} workers{'' if args.access_log else ', no access log'} · "
        f"cache: {'Redis' if args.redis_url else 'DiskCache (shared by the workers)'} · {args.clients} concurrent clients{reconnect} · "
        f"{args.seconds:g} s per target in {args.slices} alternating slices, after {args.warmup:g} s warm-up per target",
        "",
        f"Page: `{KOSOVO_PATH}` ({info['bytes']} bytes of HTML); static copy: `{info['static_url']}` ({'same bytes' if same_bytes else 'NOT the same bytes'}). "
        + (
            f"Load-test requests send `Accept-Encoding: {args.accept_encoding}`: the page is compressed by Django on every request, "
            "the static copy is served from the .br/.gz files written beside it."
            if args.accept_encoding
            else "Load-test requests send no Accept-Encoding, so both answers are the same uncompressed bytes."
        ),
        "",
        "| | Kosovo page (Django, anonymous) | Static copy of the page (whitenoise) | Page / static |",
        "|---|---:|---:|---:|",
        f"| Throughput (requests/s) | {page.throughput:.0f} | {static.throughput:.0f} "
        f"| **{ratio:.2f}** (target ≥ {TARGET_RATIO}: {verdict(ratio >= TARGET_RATIO)}); {spread} |",
        f"| p50 latency (ms) | {ms(page, 0.5)} | {ms(static, 0.5)} | |",
        f"| p99 latency (ms) | {ms(page, 0.99)} | {ms(static, 0.99)} | |",
        f"| Server CPU per request (ms) | {fmt(page_ms)} | {fmt(static_ms)} | {cpu_ratio} |",
        f"| CPU used by gunicorn workers (cores) | {cores(page, 'server')} | {cores(static, 'server')} | |",
        f"| CPU used by the load generator (cores) | {cores(page, 'client')} | {cores(static, 'client')} | |",
        f"| CPU used by everything else (cores) | {others(page)} | {others(static)} | |",
        f"| Requests (errors) | {page.requests} ({page.errors}) | {static.requests} ({static.errors}) | |",
        f"| Django alone, no server (µs per request) | {django_only['page_us']:.0f} | {django_only['static_us']:.0f} "
        f"| {django_only['static_us'] / django_only['page_us']:.2f} (static/page) |",
        f"| Django alone, `Accept-Encoding: {django_only['browser_encoding']}` (µs per request) "
        f"| {django_only['page_compressed_us']:.0f} | {django_only['static_compressed_us']:.0f} "
        f"| {django_only['static_compressed_us'] / django_only['page_compressed_us']:.2f} (static/page) |",
        "",
        "### SQL queries of the Kosovo page",
        "",
        "| First request of a fresh process | Cold cache (page cache emptied) | Warm cache |",
        "|---:|---:|---:|",
        f"| {info['queries_first_request']} | {info['queries_cold']} | {info['queries_warm']} |",
        "",
        f"Response: `Cache-Control: {info['cache_control']}`; sets cookies: {', '.join(info['sets_cookie']) or 'none'}. "
        f"The SQL is in `{args.var_dir / 'queries.sql'}`.",
        "",
        "### Page weight as a browser fetches it (`Accept-Encoding: br, gzip`, body bytes on the wire)",
        "",
        "| Type | Files | On the wire | Uncompressed |",
        "|---|---:|---:|---:|",
    ]
    for kind, (count, wire, decoded) in sorted(weight.by_kind().items()):
        lines.append(f"| {kind} | {count} | {kb(wire)} | {kb(decoded)} |")
    lines += [
        f"| **Total** | {len(weight.resources)} | **{kb(total)}** (target ≤ {kb(TARGET_TOTAL_BYTES)}: {verdict(total <= TARGET_TOTAL_BYTES)}) | "
        f"{kb(sum(r.decoded_bytes for r in weight.resources))} |",
        f"| of which JavaScript | | **{kb(js)}** (target ≤ {kb(TARGET_JS_BYTES)}: {verdict(js <= TARGET_JS_BYTES)}) | |",
        "",
        "| File | Type | Encoding | On the wire (bytes) | Uncompressed (bytes) |",
        "|---|---|---|---:|---:|",
    ]
    lines += [f"| `{r.url}` | {r.kind} | {r.encoding} | {r.wire_bytes} | {r.decoded_bytes} |" for r in weight.resources]
    if weight.alternatives:
        lines += ["", "Other image candidates (srcset), not counted: " + ", ".join(f"`{r.url}` ({r.wire_bytes} B)" for r in weight.alternatives)]
    if weight.external:
        lines += ["", "Other origins referenced (not fetched): " + ", ".join(f"`{url}`" for url in weight.external)]
    if weight.failed:
        lines += ["", "Files that did not load: " + ", ".join(f"`{r.url}` (HTTP {r.status})" for r in weight.failed)]
    if django_only.get("profile"):
        lines += ["", f"Profile of the page inside Django (cache hits): `{args.var_dir / 'profile.txt'}`."]
    busy = [value for value in (others(page), others(static)) if value != "n/a" and float(value) > BUSY_MACHINE_CORES]
    if busy:
        lines += [
            "",
            f"**Warning:** other work used up to {max(busy)} cores during the load test (kernel networking included); "
            "throughput and latency are noisy, and only the alternating slices keep the ratio fair. Rerun on an idle machine.",
        ]
    for sample in (page, static):
        if sample.error_examples:
            lines += ["", f"Errors ({sample.label}): " + "; ".join(sample.error_examples)]
    lines += ["", "### Targets", ""]
    lines += [f"- {verdict(ok)}: {text}" for text, ok in checks]
    missed = [text for text, ok in checks if not ok]
    return "\n".join(lines) + "\n", missed


def git_commit():
    try:
        result = subprocess.run(["git", "rev-parse", "--short", "HEAD"], cwd=BASE_DIR, capture_output=True, text=True, check=False)  # noqa: S603, S607
        commit = result.stdout.strip() or "unknown"
        dirty = subprocess.run(["git", "status", "--porcelain", "--untracked-files=no"], cwd=BASE_DIR, capture_output=True, text=True, check=False)  # noqa: S603, S607
        return commit + ("+changes" if dirty.stdout.strip() else "")
    except OSError:
        return "unknown"


# --------------------------------------------------------------------------


def parse_args(argv):
    parser = argparse.ArgumentParser(description=__doc__, formatter_class=argparse.RawDescriptionHelpFormatter)
    parser.add_argument("--seconds", type=float, default=10.0, help="timed seconds per target (default 10)")
    parser.add_argument("--warmup", type=float, default=2.0, help="untimed warm-up seconds per target (default 2)")
    parser.add_argument("--slices", type=int, default=20, help="split each target's timed seconds into this many slices, alternating targets (default 20)")
    parser.add_argument("--clients", type=int, default=16, help="concurrent clients (default 16)")
    parser.add_argument("--workers", type=int, default=int(os.environ.get("WORKERS", "3")), help="gunicorn workers (default $WORKERS or 3)")
    parser.add_argument("--max-requests", type=int, default=1_000_000, help="upper bound on requests per slice")
    parser.add_argument(
        "--var-dir", type=Path, default=Path(os.environ.get("BENCH_VAR_DIR", BASE_DIR / "var" / "bench")), help="the benchmark's VAR_DIR (default var/bench)"
    )
    parser.add_argument("--no-access-log", dest="access_log", action="store_false", help="run gunicorn without `make run`'s --access-logfile -")
    parser.add_argument(
        "--accept-encoding",
        default="",
        metavar="VALUE",
        help="send this Accept-Encoding in the load test, e.g. 'br, gzip' as browsers do (default: none, so both targets send the same bytes)",
    )
    parser.add_argument("--profile", action="store_true", help="profile the page inside Django even if the ratio target is met")
    parser.add_argument(
        "--redis-url",
        help="use this Redis as the shared cache instead of each worker's memory, for comparison; "
        "give a scratch database (keys are prefixed svaw-bench, nothing is flushed)",
    )
    args = parser.parse_args(argv)
    if args.seconds <= 0 or args.warmup < 0 or args.slices < 1 or args.clients < 1 or args.workers < 1:
        parser.error("--seconds, --slices, --clients and --workers must be positive")
    args.var_dir = args.var_dir.resolve()
    return args


def main(argv=None):
    args = parse_args(argv)
    # A `kill` runs the clean-up below just like Ctrl-C does.
    signal.signal(signal.SIGTERM, lambda signum, frame: sys.exit(128 + signum))
    env = bench_env(args.var_dir, args.redis_url)
    server = None
    try:
        if not (BIN_DIR / "gunicorn").exists():
            raise BenchError(f"No gunicorn next to {sys.executable}: run this with the project's virtualenv (.venv/bin/python bench/run.py or make bench).")
        print(f"Setting up {args.var_dir} (migrate, collectstatic, load_seed)…", flush=True)
        set_up(env)
        (args.var_dir / "gunicorn.log").write_bytes(b"")
        (args.var_dir / "profile.txt").unlink(missing_ok=True)
        for attempt in range(3):
            port = free_port()
            print("Rendering the page and counting its queries…", flush=True)
            info = probe(env, port, args.var_dir)
            compress_static_copy(info["static_file"])
            server = Server(env, port, args.workers, args.var_dir / "gunicorn.log", access_log=args.access_log)
            print(f"Starting gunicorn on 127.0.0.1:{port} with {args.workers} workers…", flush=True)
            try:
                server.start(info["static_url"])
                break
            except BenchError:
                server.stop()
                if attempt == 2:
                    raise
        html, headers, same_bytes = check_same_bytes(port, info["static_url"])
        if not same_bytes:
            # The server rendered other bytes than the test client: serve those.
            print("The static copy differs from the served page; saving the served bytes and restarting…", flush=True)
            Path(info["static_file"]).write_bytes(html)
            compress_static_copy(info["static_file"])
            server.stop()
            server.start(info["static_url"])
            html, headers, same_bytes = check_same_bytes(port, info["static_url"])
            if not same_bytes:
                raise BenchError("The page's HTML changes from one request to the next; cannot compare it with a static copy.")
        info["bytes"] = len(html)
        info["connection_close"] = headers.get("connection", "").lower() == "close"

        print("Measuring the page weight…", flush=True)
        weight = page_weight.measure(port, KOSOVO_PATH)

        print(f"Load test: {args.clients} clients, warm-up {args.warmup:g} s per target, then {args.seconds:g} s per target…", flush=True)
        size = None if args.accept_encoding else len(html)  # compressed sizes vary (Django's gzip adds random bytes)
        targets = [("page", KOSOVO_PATH, size), ("static", info["static_url"], size)]
        samples, slices = load_test(server, args, targets)
        server.stop()

        page, static = samples["page"], samples["static"]
        missed_ratio = static.throughput and page.throughput / static.throughput < TARGET_RATIO
        profile_lines = 40 if (args.profile or missed_ratio) else 0
        print("Timing both inside Django alone (no HTTP server)" + (", with a profile…" if profile_lines else "…"), flush=True)
        django_only = in_process(env, port, info["static_url"], profile_lines)
        if django_only.get("profile"):
            (args.var_dir / "profile.txt").write_text(django_only["profile"], encoding="utf-8")
    except BenchError as exc:
        print(f"\nBenchmark failed: {exc}", file=sys.stderr)
        return 2
    except KeyboardInterrupt:
        print("\nInterrupted.", file=sys.stderr)
        return 130
    finally:
        if server is not None:
            server.stop()

    text, missed = report(args, info, samples, slices, weight, same_bytes, django_only, git_commit())
    results = args.var_dir / "results.md"
    results.write_text(text, encoding="utf-8")
    print()
    print(text)
    print(f"(Written to {results})")
    if missed:
        print("\nTargets missed:\n" + "\n".join(f"  - {text}" for text in missed), file=sys.stderr)
        return 1
    return 0


if __name__ == "__main__":
    sys.exit(main())
