"""A small closed-loop HTTP load generator, standard library only.

Each client is a thread with its own persistent `http.client.HTTPConnection`
that sends GET after GET for a fixed time and records every latency. A
connection that the server closes (gunicorn's sync workers close after every
response) is reopened by http.client on the next request, as a browser would.
Only 127.0.0.1 is ever contacted.
"""

import http.client
import itertools
import math
import threading
import time
from dataclasses import dataclass, field

LOCALHOST = "127.0.0.1"


@dataclass
class Sample:
    """What one timed run against one URL produced."""

    label: str
    path: str
    clients: int
    seconds: float = 0.0  # timed duration
    completed: int = 0  # successful requests completed within the timed duration
    latencies: list = field(default_factory=list)  # seconds, every successful request
    errors: int = 0
    error_examples: list = field(default_factory=list)
    # CPU seconds used during the timed duration, by name: "client" (this
    # process), plus whatever the caller's probes measure; None if unknown.
    cpu: dict = field(default_factory=dict)

    @property
    def requests(self):
        return len(self.latencies)

    @property
    def throughput(self):
        return self.completed / self.seconds if self.seconds else 0.0

    def percentile(self, fraction):
        """Nearest-rank percentile of the latencies, in seconds."""
        if not self.latencies:
            return float("nan")
        ordered = sorted(self.latencies)
        rank = max(1, min(len(ordered), math.ceil(fraction * len(ordered))))
        return ordered[rank - 1]

    def merge(self, other):
        first = not self.seconds
        self.seconds += other.seconds
        self.completed += other.completed
        self.latencies += other.latencies
        self.errors += other.errors
        self.error_examples = (self.error_examples + other.error_examples)[:5]
        for name, value in other.cpu.items():
            mine = 0.0 if first else self.cpu.get(name)
            self.cpu[name] = None if mine is None or value is None else mine + value


def fetch(port, path, headers=None, timeout=10.0):
    """One GET; returns (status, headers as a dict with lower-case names, raw body bytes)."""
    conn = http.client.HTTPConnection(LOCALHOST, port, timeout=timeout)
    try:
        conn.request("GET", path, headers=headers or {})
        response = conn.getresponse()
        body = response.read()
        return response.status, {name.lower(): value for name, value in response.getheaders()}, body
    finally:
        conn.close()


def run(port, path, *, label, clients, seconds, expect_bytes=None, max_requests=1_000_000, cpu_probes=None, accept_encoding=""):
    """Hammer `path` with `clients` concurrent connections for `seconds`.

    Throughput counts the requests completed within `seconds`; the latency
    of the requests still in flight at the end is recorded too.
    `expect_bytes`: a response of another length counts as an error (so a
    page that suddenly renders differently, or an error page, is not timed
    as a success). `max_requests` bounds the run whatever the speed.
    `cpu_probes`: {name: callable returning CPU seconds used so far, or None}.
    `accept_encoding`: sent as Accept-Encoding if given (the body is then
    read as it comes, compressed, and not decoded).
    """
    cpu_probes = dict(cpu_probes or {})
    cpu_probes["client"] = time.process_time
    sample = Sample(label=label, path=path, clients=clients)
    lock = threading.Lock()
    budget = itertools.count()  # next() on a count is atomic in CPython
    start_barrier = threading.Barrier(clients + 1)
    headers = {"Accept": "text/html,*/*", "User-Agent": "svaw-bench/1"}
    if accept_encoding:
        headers["Accept-Encoding"] = accept_encoding
    deadline = [0.0]

    def client():
        latencies, errors, examples, completed = [], 0, [], 0
        conn = http.client.HTTPConnection(LOCALHOST, port, timeout=10)
        start_barrier.wait()
        perf = time.perf_counter
        end = deadline[0]
        try:
            while perf() < end and next(budget) < max_requests:
                started = perf()
                try:
                    conn.request("GET", path, headers=headers)
                    response = conn.getresponse()
                    body = response.read()
                except (OSError, http.client.HTTPException) as exc:
                    conn.close()
                    errors += 1
                    if len(examples) < 3:
                        examples.append(repr(exc))
                    continue
                elapsed = perf() - started
                if response.status != 200 or (expect_bytes is not None and len(body) != expect_bytes):
                    errors += 1
                    if len(examples) < 3:
                        examples.append(f"HTTP {response.status}, {len(body)} bytes")
                    continue
                latencies.append(elapsed)
                if started + elapsed <= end:
                    completed += 1
        finally:
            conn.close()
            with lock:
                sample.completed += completed
                sample.latencies += latencies
                sample.errors += errors
                sample.error_examples = (sample.error_examples + examples)[:5]

    threads = [threading.Thread(target=client, name=f"bench-client-{i}", daemon=True) for i in range(clients)]
    for thread in threads:
        thread.start()
    began = time.perf_counter()
    deadline[0] = began + seconds
    cpu_before = {name: probe() for name, probe in cpu_probes.items()}
    start_barrier.wait()
    time.sleep(max(0.0, deadline[0] - time.perf_counter()))
    cpu_after = {name: probe() for name, probe in cpu_probes.items()}
    for thread in threads:
        thread.join(timeout=30)
    sample.seconds = seconds
    for name, before in cpu_before.items():
        after = cpu_after[name]
        sample.cpu[name] = None if before is None or after is None else after - before
    return sample
