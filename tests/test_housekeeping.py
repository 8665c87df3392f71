"""Retention: signatures anonymised after their action closes, IP addresses deleted after a week; the housekeeping loop."""

import logging
import os
import signal
from datetime import timedelta
from io import StringIO

import pytest
from django.core.management import CommandError, call_command
from django.utils import timezone

from actions.petitions.models import Action, Signature
from campaign import housekeeping
from tests.factories import make_campaign

pytestmark = pytest.mark.django_db


def make_action(slug, closes_at=None):
    return Action.objects.create(
        campaign=make_campaign(slug=f"campaign-{slug}"),
        slug=slug,
        title_en=slug,
        summary_en="Summary.",
        targets_en="The authorities.",
        appeal_en="Act now.",
        status=Action.Status.PUBLISHED,
        opens_at=closes_at - timedelta(days=60) if closes_at else None,
        closes_at=closes_at,
    )


def make_signature(action, email, **fields):
    fields = {"name": "Ana López", "country": "ES", "language": "en", "comment": "For my sister.", "ip_address": "203.0.113.5", **fields}
    return Signature.objects.create(action=action, email=email, confirmed_at=timezone.now(), **fields)


def run(command, *args):
    out = StringIO()
    call_command(command, *args, stdout=out)
    return out.getvalue()


def test_anonymise_signatures_of_long_closed_actions_only_and_only_once(settings):
    settings.SIGNATURE_RETENTION_MONTHS = 6
    now = timezone.now()
    long_closed = make_action("long-closed", closes_at=now - timedelta(days=200))
    recently_closed = make_action("recently-closed", closes_at=now - timedelta(days=100))
    still_open = make_action("open")
    old = [make_signature(long_closed, "ana@example.org", created_at=now - timedelta(days=300)), make_signature(long_closed, "bob@example.org", country="FR")]
    kept = [make_signature(recently_closed, "ana@example.org"), make_signature(still_open, "ana@example.org")]

    assert run("anonymise_signatures").startswith("2 signatures anonymised")
    for signature in old:
        signature.refresh_from_db()
        assert (signature.name, signature.email, signature.comment, signature.ip_address) == ("", "", "", None)
        assert signature.anonymised_at is not None and not signature.mailbox.endswith("example.org")
    assert {signature.country.code for signature in old} == {"ES", "FR"}, "countries stay, for the counts"
    assert long_closed.signatures.count() == 2, "the count stays"
    for signature in kept:
        signature.refresh_from_db()
        assert signature.email == "ana@example.org" and signature.anonymised_at is None
    # Idempotent: a second run changes nothing.
    first_run = {signature.pk: signature.anonymised_at for signature in Signature.objects.filter(anonymised_at__isnull=False)}
    assert run("anonymise_signatures").startswith("0 signatures anonymised")
    assert first_run == {signature.pk: signature.anonymised_at for signature in Signature.objects.filter(anonymised_at__isnull=False)}


def test_delete_signature_addresses_after_a_week_only_and_only_once():
    action = make_action("open")
    now = timezone.now()
    old = make_signature(action, "old@example.org", created_at=now - timedelta(days=8))
    new = make_signature(action, "new@example.org", created_at=now - timedelta(days=2))
    assert run("delete_signature_addresses").startswith("1 IP addresses deleted")
    old.refresh_from_db()
    new.refresh_from_db()
    assert old.ip_address is None and old.email == "old@example.org"
    assert new.ip_address == "203.0.113.5"
    assert run("delete_signature_addresses").startswith("0 IP addresses deleted")


def test_the_petition_jobs_are_registered():
    jobs = housekeeping.discover()
    assert {"anonymise_signatures", "delete_signature_addresses"} <= set(jobs)


@pytest.fixture
def only_these_jobs(monkeypatch):
    """Replace the registry with the given jobs (after the apps' own have registered)."""
    housekeeping.discover()

    def use(jobs):
        monkeypatch.setattr(housekeeping, "jobs", dict(jobs))

    return use


def test_housekeeping_runs_every_job_once_and_logs_each_result(caplog):
    action = make_action("open")
    make_signature(action, "old@example.org", created_at=timezone.now() - timedelta(days=30))
    with caplog.at_level(logging.INFO, logger="campaign.housekeeping"):
        call_command("housekeeping")
    assert "Housekeeping job delete_signature_addresses: 1 IP addresses deleted" in caplog.text
    assert "Housekeeping job anonymise_signatures: 0 signatures anonymised" in caplog.text
    assert Signature.objects.get().ip_address is None


def test_one_failing_job_does_not_stop_the_others(only_these_jobs, caplog):
    ran = []

    def broken():
        raise RuntimeError("disk full")

    only_these_jobs({"broken": broken, "fine": lambda: ran.append(1) or "done"})
    with caplog.at_level(logging.INFO, logger="campaign.housekeeping"), pytest.raises(CommandError, match="1 job"):
        call_command("housekeeping")
    assert ran == [1]
    assert "Housekeeping job broken failed" in caplog.text and "RuntimeError: disk full" in caplog.text
    assert "Housekeeping job fine: done" in caplog.text


def test_the_loop_survives_failures_and_stops_on_sigterm(only_these_jobs, caplog):
    rounds = []

    def broken():
        raise RuntimeError("database away")

    def count_then_stop():
        rounds.append(1)
        if len(rounds) == 3:
            os.kill(os.getpid(), signal.SIGTERM)  # as honcho does when `make run` stops
        return len(rounds)

    only_these_jobs({"broken": broken, "counter": count_then_stop})
    before = signal.getsignal(signal.SIGTERM)
    with caplog.at_level(logging.INFO, logger="campaign.housekeeping"):
        call_command("housekeeping", "--every", "0.01")
    assert len(rounds) == 3, "the loop went on after each failure, and stopped on SIGTERM"
    assert caplog.text.count("Housekeeping job broken failed") == 3
    assert "Housekeeping stopping (SIGTERM)" in caplog.text
    assert signal.getsignal(signal.SIGTERM) is before, "the previous handler is put back"


def test_housekeeping_refuses_unknown_jobs_and_bad_intervals():
    with pytest.raises(CommandError, match="No such job"):
        call_command("housekeeping", "--job", "nonsense")
    with pytest.raises(CommandError, match="above 0"):
        call_command("housekeeping", "--every", "0")


def test_one_job_can_be_run_alone(caplog):
    with caplog.at_level(logging.INFO, logger="campaign.housekeeping"):
        call_command("housekeeping", "--job", "delete_signature_addresses")
    assert "delete_signature_addresses" in caplog.text and "anonymise_signatures" not in caplog.text
