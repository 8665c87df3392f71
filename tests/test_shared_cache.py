"""The cache that `make run` really runs with is one cache for all its processes.

Each check starts separate Python processes on `campaign.settings.local` (the
settings `make run` uses), with their own VAR_DIR, and REDIS_URL when the
suite runs against Redis, as the second CI pass does.
"""

import os
import subprocess
import sys
import uuid

from django.conf import settings

INCREMENTS = 300
PROCESSES = 4

COUNT_UP = """
import django; django.setup()
from django.core.cache import cache
cache.add(KEY, 0, timeout=None)
for _ in range(INCREMENTS):
    cache.incr(KEY)
"""


def run_python(code, tmp_path, **variables):
    env = {**os.environ, "DJANGO_SETTINGS_MODULE": "campaign.settings.local", "VAR_DIR": str(tmp_path)}
    prelude = "".join(f"{name} = {value!r}\n" for name, value in variables.items())
    return subprocess.Popen([sys.executable, "-c", prelude + code], cwd=settings.BASE_DIR, env=env, stdout=subprocess.PIPE, text=True)


def test_counts_from_several_processes_add_up_exactly(tmp_path):
    """django-ratelimit's counters are increments like these: none may be lost."""
    key = f"test-counter-{uuid.uuid4().hex}"
    workers = [run_python(COUNT_UP, tmp_path, KEY=key, INCREMENTS=INCREMENTS) for _ in range(PROCESSES)]
    for worker in workers:
        worker.wait(timeout=120)
        assert worker.returncode == 0
    reader = run_python("import django; django.setup()\nfrom django.core.cache import cache\nprint(cache.get(KEY))", tmp_path, KEY=key)
    assert reader.communicate(timeout=60)[0].strip() == str(INCREMENTS * PROCESSES)


def test_an_edit_in_one_process_is_seen_by_the_next_request_of_another(tmp_path):
    """The content generation is read from the shared cache, not remembered per process."""
    read = "import django; django.setup()\nfrom campaign.caching import content_generation\nprint(content_generation())"
    bump = "import django; django.setup()\nfrom campaign.caching import bump_content_generation\nbump_content_generation()"
    first = run_python(read, tmp_path).communicate(timeout=60)[0].strip()
    assert run_python(bump, tmp_path).wait(timeout=60) == 0
    second = run_python(read, tmp_path).communicate(timeout=60)[0].strip()
    assert int(second) == int(first) + 1
