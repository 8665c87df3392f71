"""Exact under concurrency: 200 people signing at once give 200 signatures and a count of 200.

(a) On PostgreSQL, 200 threads post the form through Django at the same
    time (CI's second pass, with DATABASE_URL). Threads cannot share
    SQLite's in-memory test database, so that pass skips it.
(b) On SQLite as `make run` serves it: gunicorn with several workers, its own
    VAR_DIR, the local settings, 200 concurrent posts over HTTP, and no
    "database is locked" anywhere.
(c) Concurrent duplicates: see tests/test_petition_signing.py, and the same
    through the form below.
"""

import os
import re
import signal
import subprocess
import sys
import time
import urllib.error
import urllib.request
from concurrent.futures import ThreadPoolExecutor
from urllib.parse import urlencode

import pytest
from django.conf import settings
from django.db import connection
from django.test import Client

from actions.petitions.live import public_count
from actions.petitions.management.commands.load_actions import KOSOVO_APPEAL
from actions.petitions.models import Action, Signature
from tests.test_make_run import free_port

SIGNERS = 200
CLIENTS = 50
SLUG = KOSOVO_APPEAL["slug"]
ACTION_PATH = f"/en/act/{SLUG}/"
ORIGIN = "https://campaign.example.org"


def needs_a_database_server():
    if connection.vendor != "postgresql":
        pytest.skip("threads cannot share SQLite's in-memory test database; CI's PostgreSQL pass (DATABASE_URL) runs this, and the gunicorn test covers SQLite")


def post_as(number, email=None):
    client = Client()
    try:
        response = client.post(
            ACTION_PATH, {"name": f"Signer {number}", "email": email or f"signer{number}@example.org", "country": "FR"}, HTTP_ORIGIN=ORIGIN
        )
        return response.status_code, response.get("Location")
    finally:
        connection.close()


@pytest.mark.django_db(transaction=True)
def test_200_concurrent_signers_on_postgresql_give_exactly_200(seeded, settings):
    needs_a_database_server()
    settings.SIGNATURE_COUNT_SECONDS = 0
    Action.objects.filter(slug=SLUG).update(count_unconfirmed=True)
    with ThreadPoolExecutor(max_workers=CLIENTS) as pool:
        answers = list(pool.map(post_as, range(SIGNERS)))
    assert answers == [(303, f"/en/act/{SLUG}/thanks/")] * SIGNERS
    action = Action.objects.get(slug=SLUG)
    assert action.signatures.count() == SIGNERS
    assert public_count(action.pk) == (SIGNERS, action.goal)


@pytest.mark.django_db(transaction=True)
def test_concurrent_posts_of_one_address_give_one_row_on_postgresql(seeded):
    needs_a_database_server()
    with ThreadPoolExecutor(max_workers=20) as pool:
        answers = list(pool.map(lambda n: post_as(n, email=f"Same.Person+{n}@gmail.com"), range(20)))
    assert {answer for answer in answers} == {(303, f"/en/act/{SLUG}/thanks/")}
    assert Signature.objects.count() == 1


# (b) SQLite under gunicorn, as `make run` serves it --------------------------


def manage(env, *args):
    return subprocess.run([sys.executable, "manage.py", *args], cwd=settings.BASE_DIR, env=env, check=True, capture_output=True, text=True).stdout


@pytest.fixture(scope="module")
def gunicorn_on_sqlite(tmp_path_factory):
    """gunicorn started as the Procfile starts it (3 workers), on SQLite in WAL mode, in a VAR_DIR of its own."""
    var_dir = tmp_path_factory.mktemp("petition-sqlite-var")
    port = free_port()
    env = {key: value for key, value in os.environ.items() if key not in {"DATABASE_URL", "REDIS_URL", "DJANGO_SETTINGS_MODULE", "SITE_URL"}}
    env.update(DJANGO_SETTINGS_MODULE="campaign.settings.local", VAR_DIR=str(var_dir), SITE_URL=f"http://127.0.0.1:{port}", SIGNATURE_COUNT_SECONDS="1")
    manage(env, "migrate", "--noinput", "--verbosity", "0")
    manage(env, "collectstatic", "--noinput", "--verbosity", "0")
    manage(env, "load_seed")
    # The count includes unconfirmed signatures, so that it can be compared with the rows at once.
    manage(env, "shell", "-c", f"from actions.petitions.models import Action; Action.objects.filter(slug={SLUG!r}).update(count_unconfirmed=True)")
    log_path = var_dir / "gunicorn.log"
    # The Procfile's web line, with make run's three workers.
    gunicorn = os.path.join(os.path.dirname(sys.executable), "gunicorn")
    command = [gunicorn, "campaign.wsgi", "--config", "campaign/gunicorn_conf.py", "--bind", f"127.0.0.1:{port}", "--workers", "3"]
    with open(log_path, "w") as log:
        server = subprocess.Popen(command, cwd=settings.BASE_DIR, env=env, stdout=log, stderr=subprocess.STDOUT, start_new_session=True)
    base_url = f"http://127.0.0.1:{port}"
    try:
        deadline = time.monotonic() + 60
        while True:
            assert server.poll() is None, log_path.read_text()
            try:
                with urllib.request.urlopen(base_url + "/en/", timeout=5) as response:  # noqa: S310 - our own server on loopback
                    if response.status == 200:
                        break
            except OSError:
                pass
            assert time.monotonic() < deadline, "gunicorn did not start:\n" + log_path.read_text()
            time.sleep(0.3)
        yield base_url, env, log_path
    finally:
        os.killpg(server.pid, signal.SIGTERM)
        try:
            server.wait(timeout=30)
        except subprocess.TimeoutExpired:
            os.killpg(server.pid, signal.SIGKILL)


def post_over_http(base_url, number):
    data = urlencode({"name": f"Signer {number}", "email": f"signer{number}@example.org", "country": "FR"}).encode()
    request = urllib.request.Request(base_url + ACTION_PATH, data=data, headers={"Origin": base_url})  # noqa: S310 - our own server on loopback
    try:
        with urllib.request.urlopen(request, timeout=60) as response:  # noqa: S310 - follows the 303 to the thank-you page
            return response.status, response.geturl()
    except urllib.error.HTTPError as error:
        return error.code, error.read().decode(errors="replace")[:200]
    except OSError as error:
        return None, repr(error)


def test_200_concurrent_signers_through_gunicorn_on_sqlite_give_exactly_200(gunicorn_on_sqlite):
    base_url, env, log_path = gunicorn_on_sqlite
    with ThreadPoolExecutor(max_workers=CLIENTS) as pool:
        answers = list(pool.map(lambda number: post_over_http(base_url, number), range(SIGNERS)))
    failures = [answer for answer in answers if answer != (200, f"{base_url}/en/act/{SLUG}/thanks/")]
    assert not failures, failures[:5]
    rows = manage(env, "shell", "-c", f"from actions.petitions.models import Signature; print(Signature.objects.filter(action__slug={SLUG!r}).count())")
    assert int(rows.split()[-1]) == SIGNERS
    time.sleep(1.2)  # past SIGNATURE_COUNT_SECONDS
    with urllib.request.urlopen(base_url + ACTION_PATH, timeout=10) as response:  # noqa: S310 - our own server on loopback
        html = response.read().decode()
    assert re.search(r'<p class="signature-count__total"><bdi>200</bdi> people have signed</p>', html)
    log = log_path.read_text()
    assert "database is locked" not in log
    assert "Traceback" not in log and '" 500 ' not in log
