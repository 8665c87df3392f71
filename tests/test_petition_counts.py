"""The live count: in each language's plural forms, on cached pages, fresh within SIGNATURE_COUNT_SECONDS, never rebuilding a page."""

import re
import time
from unittest import mock

import pytest
from django.core.cache import cache
from django.db import connection
from django.test.signals import template_rendered
from django.test.utils import CaptureQueriesContext
from django.utils import timezone

from actions.petitions import live
from actions.petitions.live import public_count, render_count, signature_count
from actions.petitions.management.commands.load_actions import KOSOVO_APPEAL
from actions.petitions.models import Action, Signature
from campaign.caching import content_generation
from tests.factories import KOSOVO_PATH

pytestmark = pytest.mark.usefixtures("seeded")

SLUG = KOSOVO_APPEAL["slug"]
STORY = f"/en{KOSOVO_PATH}"
NNBSP = "\u00a0"


@pytest.fixture
def action():
    return Action.objects.get(slug=SLUG)


@pytest.fixture(autouse=True)
def fresh_memo():
    render_count.cache_clear()
    yield
    render_count.cache_clear()


def total(html):
    return re.search(r'<p class="signature-count__total">(.*?)</p>', html, re.S)[1]


def goal_sentence(html):
    return re.search(r'<p class="signature-count__goal">(.*?)</p>', html, re.S)[1]


def add_signatures(action, count, confirmed=True, start=0):
    Signature.objects.bulk_create(
        Signature(
            action=action,
            name=f"Signer {n}",
            email=f"signer{n}@example.org",
            mailbox=f"signer{n}@example.org",
            country="FR",
            language="en",
            confirmed_at=timezone.now() if confirmed else None,
        )
        for n in range(start, start + count)
    )
    live.signatures_changed()  # bulk_create sends no signal


# Plural forms and numbers, in every language -------------------------------

PLURALS = {
    "en": {
        0: "<bdi>0</bdi> people have signed",
        1: "<bdi>1</bdi> person has signed",
        2: "<bdi>2</bdi> people have signed",
        1234: "<bdi>1,234</bdi> people have signed",
    },
    "fr": {
        0: "<bdi>0</bdi> personne a signé",
        1: "<bdi>1</bdi> personne a signé",
        2: "<bdi>2</bdi> personnes ont signé",
        1000: f"<bdi>1{NNBSP}000</bdi> personnes ont signé",
    },
    "es": {
        0: "<bdi>0</bdi> personas han firmado",
        1: "<bdi>1</bdi> persona ha firmado",
        5: "<bdi>5</bdi> personas han firmado",
        1000: f"<bdi>1{NNBSP}000</bdi> personas han firmado",
        1000000: f"<bdi>1{NNBSP}000{NNBSP}000</bdi> de personas han firmado",
    },
    # Arabic's six forms: zero, one, two, few (3–10), many (11–99), other (100, 1000…).
    "ar": {
        0: "لم يوقّع أحد بعد",
        1: "وقّع شخص واحد",
        2: "وقّع شخصان",
        5: "وقّع <bdi>5</bdi> أشخاص",
        10: "وقّع <bdi>10</bdi> أشخاص",
        11: "وقّع <bdi>11</bdi> شخصًا",
        99: "وقّع <bdi>99</bdi> شخصًا",
        100: "وقّع <bdi>100</bdi> شخص",
        103: "وقّع <bdi>103</bdi> أشخاص",
        1000: "وقّع <bdi>1000</bdi> شخص",
    },
}


@pytest.mark.parametrize("language,count,expected", [(language, count, text) for language, forms in PLURALS.items() for count, text in forms.items()])
def test_the_count_sentence_uses_the_languages_plural_form(language, count, expected):
    assert total(render_count(language, count, 10000)) == expected


GOALS = {
    "en": {1: "Our goal: <bdi>1</bdi> signature", 10000: "Our goal: <bdi>10,000</bdi> signatures"},
    "fr": {1: f"Notre objectif{NNBSP}: <bdi>1</bdi> signature", 10000: f"Notre objectif{NNBSP}: <bdi>10{NNBSP}000</bdi> signatures"},
    "es": {1: "Nuestro objetivo: <bdi>1</bdi> firma", 10000: f"Nuestro objetivo: <bdi>10{NNBSP}000</bdi> firmas"},
    "ar": {
        1: "هدفنا: توقيع واحد",
        2: "هدفنا: توقيعان",
        7: "هدفنا: <bdi>7</bdi> توقيعات",
        50: "هدفنا: <bdi>50</bdi> توقيعًا",
        10000: "هدفنا: <bdi>10000</bdi> توقيع",
    },
}


@pytest.mark.parametrize("language,goal,expected", [(language, goal, text) for language, goals in GOALS.items() for goal, text in goals.items()])
def test_the_goal_sentence_uses_the_languages_plural_form(language, goal, expected):
    assert goal_sentence(render_count(language, 0, goal)) == expected


def test_the_progress_bar_is_a_labelled_progress_element_with_a_sentence():
    html = render_count("en", 2500, 10000)
    assert '<progress class="signature-count__bar" max="10000" value="2500" aria-label="Signatures collected towards the goal">25%</progress>' in html
    over = render_count("en", 12345, 10000)
    assert 'max="10000" value="10000"' in over, "a count past the goal fills the bar"
    assert "<bdi>12,345</bdi> people have signed" in over
    no_goal = render_count("en", 5, 0)
    assert "<progress" not in no_goal and "signature-count__goal" not in no_goal


def test_the_progress_bar_is_labelled_in_arabic():
    assert 'aria-label="نسبة التواقيع المجمّعة من الهدف"' in render_count("ar", 1, 10)


# The renderer: cheap, remembered, and exact --------------------------------


def test_a_rendered_count_is_remembered_per_language_count_and_goal(action):
    from django.template import loader

    with mock.patch.object(live, "render_to_string", wraps=loader.render_to_string) as rendered:
        first = signature_count(str(action.pk))
        for _ in range(5):
            assert signature_count(str(action.pk)) == first
        assert rendered.call_count == 1
        from django.utils import translation

        with translation.override("ar"):
            signature_count(str(action.pk))
        assert rendered.call_count == 2


def test_a_cached_count_costs_no_query(action):
    signature_count(str(action.pk))
    with CaptureQueriesContext(connection) as queries:
        signature_count(str(action.pk))
    assert len(queries) == 0


@pytest.mark.parametrize("argument", ["", "abc", "999999", "1; drop", "-1"])
def test_a_bad_argument_renders_nothing(argument):
    assert signature_count(argument) == ""


def test_the_count_is_confirmed_signatures_plus_paper_unless_staff_count_unconfirmed(action, settings):
    settings.SIGNATURE_COUNT_SECONDS = 0
    add_signatures(action, 3, confirmed=True)
    add_signatures(action, 2, confirmed=False, start=10)
    assert public_count(action.pk) == (3, 10000)
    Action.objects.filter(pk=action.pk).update(paper_signatures=1500)
    cache.delete(live.COUNT_KEY.format(action.pk))  # what saving the action does
    assert public_count(action.pk) == (1503, 10000)
    Action.objects.filter(pk=action.pk).update(count_unconfirmed=True)
    cache.delete(live.COUNT_KEY.format(action.pk))
    assert public_count(action.pk) == (1505, 10000)


def test_counting_with_the_action_gives_the_same_count(action, settings):
    from actions.petitions.live import counted

    add_signatures(action, 4, confirmed=True)
    add_signatures(action, 3, confirmed=False, start=10)
    for count_unconfirmed, expected in ((False, 4), (True, 7)):
        Action.objects.filter(pk=action.pk).update(count_unconfirmed=count_unconfirmed, paper_signatures=10)
        cache.clear()
        counted(Action.objects.filter(pk=action.pk))
        assert public_count(action.pk) == (expected + 10, 10000)


def test_a_staff_edit_of_the_goal_or_paper_signatures_shows_at_once(action, django_capture_on_commit_callbacks, settings):
    settings.SIGNATURE_COUNT_SECONDS = 3600
    assert public_count(action.pk) == (0, 10000)
    action.paper_signatures = 250
    action.goal = 20000
    with django_capture_on_commit_callbacks(execute=True):
        action.save()
    assert public_count(action.pk) == (250, 20000)


# On cached pages ---------------------------------------------------------


def test_a_new_count_shows_on_the_cached_story_page_which_is_not_rebuilt(client, action, settings, django_capture_on_commit_callbacks):
    settings.SIGNATURE_COUNT_SECONDS = 1
    Action.objects.filter(pk=action.pk).update(count_unconfirmed=True)
    cache.clear()
    assert total(client.get(STORY).content.decode()) == "<bdi>0</bdi> people have signed"
    generation = content_generation()

    with django_capture_on_commit_callbacks(execute=True):
        response = client.post(f"/en/act/{SLUG}/", {"name": "Ana", "email": "ana@example.org", "country": "ES"}, HTTP_ORIGIN="https://campaign.example.org")
    assert response.status_code == 303
    time.sleep(1.1)  # past the count's time in the cache

    templates = []

    def record(sender, template, **kwargs):
        templates.append(template.name)

    template_rendered.connect(record)
    try:
        with CaptureQueriesContext(connection) as queries:
            html = client.get(STORY).content.decode()
    finally:
        template_rendered.disconnect(record)
    assert total(html) == "<bdi>1</bdi> person has signed"
    assert "stories/story_detail.html" not in templates, "the page came from the cache"
    assert len(queries) == 1, "the count alone was read: the action with its signatures counted"
    assert content_generation() == generation


def test_the_count_is_at_most_signature_count_seconds_old(client, action, settings):
    settings.SIGNATURE_COUNT_SECONDS = 60
    Action.objects.filter(pk=action.pk).update(count_unconfirmed=True)
    cache.clear()
    client.get(STORY)
    add_signatures(action, 3)
    assert total(client.get(STORY).content.decode()) == "<bdi>0</bdi> people have signed", "kept for a minute"
    cache.delete(live.COUNT_KEY.format(action.pk))  # what expiry does
    assert total(client.get(STORY).content.decode()) == "<bdi>3</bdi> people have signed"


def test_the_count_on_pages_is_formatted_for_the_language(client, action, settings):
    settings.SIGNATURE_COUNT_SECONDS = 0
    Action.objects.filter(pk=action.pk).update(paper_signatures=12345)
    assert total(client.get(f"/fr/act/{SLUG}/").content.decode()) == f"<bdi>12{NNBSP}345</bdi> personnes ont signé"
    assert total(client.get(f"/en/act/{SLUG}/").content.decode()) == "<bdi>12,345</bdi> people have signed"
    assert total(client.get(f"/ar/act/{SLUG}/").content.decode()) == "وقّع <bdi>12345</bdi> شخصًا"


def test_a_cached_story_page_with_its_count_costs_no_query(client):
    client.get(STORY)
    with CaptureQueriesContext(connection) as queries:
        assert client.get(STORY).status_code == 200
    assert len(queries) == 0


def test_the_story_page_needs_no_more_queries_for_its_action(client):
    cache.clear()
    with CaptureQueriesContext(connection) as queries:
        client.get(STORY)
    assert len(queries) <= 6, [query["sql"] for query in queries.captured_queries]


def test_outside_caches_keep_a_page_with_a_count_no_longer_than_the_count(client, action, settings):
    settings.SIGNATURE_COUNT_SECONDS = 3
    cache.clear()
    for path in (STORY, f"/en/act/{SLUG}/", "/en/act/", f"/en/act/{SLUG}/thanks/", "/en/campaigns/stop-violence-against-women/"):
        cache_control = {part.strip() for part in client.get(path)["Cache-Control"].split(",")}
        assert {"public", "max-age=3", "s-maxage=3"} <= cache_control, path
    report = client.get("/en/campaigns/stop-violence-against-women/resources/so-does-that-mean-i-have-rights/")
    assert "max-age=300" in report["Cache-Control"], "pages without a count keep the usual time"


def test_a_cdn_revalidating_a_page_gets_304_until_the_count_changes(client, action, settings):
    settings.SIGNATURE_COUNT_SECONDS = 0
    Action.objects.filter(pk=action.pk).update(count_unconfirmed=True)
    cache.clear()
    etag = client.get(STORY, HTTP_ACCEPT_ENCODING="br")["ETag"]
    assert client.get(STORY, HTTP_ACCEPT_ENCODING="br", HTTP_IF_NONE_MATCH=etag).status_code == 304
    add_signatures(action, 1)
    response = client.get(STORY, HTTP_ACCEPT_ENCODING="br", HTTP_IF_NONE_MATCH=etag)
    assert response.status_code == 200 and response["ETag"] != etag


def test_an_unchanged_count_costs_no_query_however_old(action, settings):
    settings.SIGNATURE_COUNT_SECONDS = 0
    assert public_count(action.pk) == (0, 10000)
    with CaptureQueriesContext(connection) as queries:
        for _ in range(3):
            assert public_count(action.pk) == (0, 10000)
    assert len(queries) == 0


def test_signing_confirming_and_withdrawing_move_the_count_on(action, settings, django_capture_on_commit_callbacks):
    from actions.petitions import services

    settings.SIGNATURE_COUNT_SECONDS = 0
    assert public_count(action.pk) == (0, 10000)
    with django_capture_on_commit_callbacks(execute=True):
        signature = services.sign(action, services.Signer(name="Ana", email="ana@example.org", country="ES"), language="en")
    assert public_count(action.pk) == (0, 10000), "not confirmed yet"
    with django_capture_on_commit_callbacks(execute=True):
        services.confirm(services.confirmation_token(signature))
    assert public_count(action.pk) == (1, 10000)
    with django_capture_on_commit_callbacks(execute=True):
        services.withdraw(Signature.objects.get())
    assert public_count(action.pk) == (0, 10000)


def test_under_a_stream_of_signatures_the_count_is_recounted_at_most_every_few_seconds(action, settings, django_capture_on_commit_callbacks):
    from actions.petitions import services

    settings.SIGNATURE_COUNT_SECONDS = 60
    Action.objects.filter(pk=action.pk).update(count_unconfirmed=True)
    assert public_count(action.pk) == (0, 10000)
    recounts = 0
    for n in range(5):
        with django_capture_on_commit_callbacks(execute=True):
            services.sign(action, services.Signer(name="A", email=f"a{n}@example.org", country="ES"), language="en")
        with CaptureQueriesContext(connection) as queries:
            assert public_count(action.pk) == (0, 10000), "batched: kept for SIGNATURE_COUNT_SECONDS"
        recounts += len(queries)
    assert recounts == 0
