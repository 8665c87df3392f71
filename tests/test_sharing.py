"""Send this page to a friend: by the site's own mail, within limits, and leaving nothing behind."""

import re
from email import message_from_string
from pathlib import Path
from urllib.parse import quote

import pytest
from django.conf import settings
from django.core.cache import cache
from django.db import connection
from django.db.models.query import QuerySet
from django.test.utils import CaptureQueriesContext
from django.urls import reverse
from django.utils import timezone, translation
from django.utils.text import Truncator
from hypothesis import HealthCheck, example, given
from hypothesis import settings as hypothesis_settings
from hypothesis import strategies as st
from post_office.models import Email

from actions.sharing import services
from actions.sharing.models import ShareCount
from actions.sharing.pages import shared_page
from actions.sharing.text import looks_like_a_link
from campaign.models import Campaign, Section
from stories.models import Report, Story
from tests.factories import CAMPAIGN_SLUG, KOSOVO_PATH, REPORT_PATH, make_story
from tests.test_i18n import entries, visible_text

pytestmark = pytest.mark.usefixtures("seeded")

SITE_URL = "https://campaign.example.org"
SAME_ORIGIN = {"HTTP_SEC_FETCH_SITE": "same-origin"}
SENDER = "lea@example.org"
FRIENDS = ["ana@example.net", "bob@example.net", "chen@example.net"]
ISOLATE, END_ISOLATE = "\u2068", "\u2069"


def share_url(language="en", page=None):
    return f"/{language}/share/?page={page or f'/{language}{KOSOVO_PATH}'}"


def sent_url(language="en", page=None):
    return f"/{language}/share/sent/?page={page or f'/{language}{KOSOVO_PATH}'}"


def form_data(**fields):
    data = {"name": "Léa", "email": SENDER, "friend_1": FRIENDS[0], "friend_2": "", "friend_3": "", "note": "", "website": ""}
    return {**data, **fields}


def post(client, language="en", page=None, headers=SAME_ORIGIN, remote_addr="127.0.0.1", **fields):
    return client.post(share_url(language, page), form_data(**fields), REMOTE_ADDR=remote_addr, **headers)


def errors_of(response):
    """The messages shown next to the fields, without the hidden "Error:" prefix."""
    html = response.content.decode()
    messages = re.findall(r'<p class="field__error"[^>]*>(.*?)</p>', html, re.S)
    return [re.sub(r"<[^>]+>", "", re.sub(r'<span class="visually-hidden">.*?</span>', "", message)).strip() for message in messages]


def summary_of(response):
    block = re.search(r'<div class="error-summary".*?</div>', response.content.decode(), re.S)
    return [] if block is None else [re.sub(r"<[^>]+>", "", item) for item in re.findall(r"<li>(.*?)</li>", block.group(), re.S)]


def limits(settings, **rates):
    settings.VISITOR_MAIL_LIMITS = {"ip": "1000/h", "sender": "1000/h", "recipient": "1000/h", "site": "1000/h", **rates}


# Which pages can be sent ------------------------------------------------------


@pytest.mark.parametrize(
    "path,model,title_field,summary_field",
    [
        (KOSOVO_PATH, Story, "title", "lead"),
        (REPORT_PATH, Report, "title", "summary"),
        (f"/campaigns/{CAMPAIGN_SLUG}/", Campaign, "title", "intro"),
        (f"/campaigns/{CAMPAIGN_SLUG}/issues/", Section, "title", "intro"),
    ],
)
def test_a_page_is_described_from_the_database_in_its_own_language(path, model, title_field, summary_field):
    page = shared_page(f"/fr{path}")
    obj = model.objects.get(slug=path.rstrip("/").rsplit("/", 1)[-1])
    assert page.title == getattr(obj, f"{title_field}_fr")
    first_paragraph = " ".join(re.split(r"\n\s*\n", getattr(obj, f"{summary_field}_fr").strip())[0].split())
    assert first_paragraph and page.summary == Truncator(first_paragraph).words(60)
    assert page.url == f"{SITE_URL}/fr{path}"
    assert (page.language, page.title_language, page.summary_language) == ("fr", "fr", "fr")


def test_the_summary_is_the_first_paragraph_shortened():
    story = Story.objects.get()
    story.lead_en = " ".join(["word"] * 200) + "\n\nSecond paragraph."
    story.save()
    page = shared_page(f"/en{KOSOVO_PATH}")
    assert "Second paragraph" not in page.summary
    assert page.summary.endswith("…") and len(page.summary.split()) == 60


@pytest.mark.parametrize("path,title", [("/ar/", "Campaigns for human rights"), ("/es/campaigns/", "Campaigns")])
def test_the_home_page_and_the_campaign_list_get_a_generic_line(path, title):
    page = shared_page(path)
    language = path.split("/")[1]
    with translation.override(language):
        assert page.title == translation.gettext(title) != title
        assert page.summary == translation.gettext("Amnesty International campaigns to stop violence against women.")
    assert page.url == SITE_URL + path


def test_a_page_is_resolved_in_its_own_language_whatever_language_is_active():
    with translation.override("en"):
        page = shared_page(f"/es{KOSOVO_PATH}")
    assert page.title == Story.objects.get().title_es


def test_an_untranslated_title_says_it_is_english():
    story = Story.objects.get()
    story.title_fr = ""
    story.save()
    page = shared_page(f"/fr{KOSOVO_PATH}")
    assert page.title == story.title_en
    assert (page.title_language, page.summary_language) == ("en", "fr")


@pytest.mark.parametrize(
    "path",
    [
        "",
        "/",
        "//evil.example/",
        "https://evil.example/",
        "/en/no-such-page/",
        f"/en{KOSOVO_PATH}".rstrip("/"),
        f"/en{KOSOVO_PATH}?utm=1",
        f"/en{KOSOVO_PATH}#facts",
        f"/de{KOSOVO_PATH}",
        f"/en/..{KOSOVO_PATH}",
        "/en/preview/stories.story/1/",
        "/en/share/",
        "/en/share/sent/",
        "/sitemap.xml",
        "/robots.txt",
        "/media/images/x.webp",
        "/admin/",
        "/en/\x00",
        "/\\evil.example",
        "/en/campaigns/%2e%2e/",
        "/en/campaigns/" + "a" * 600 + "/",
        None,
        42,
    ],
)
def test_nothing_but_a_published_page_of_this_site_can_be_sent(path):
    assert shared_page(path) is None


@pytest.mark.parametrize("change", ["draft story", "future story", "draft campaign"])
def test_an_unpublished_page_cannot_be_sent(client, change):
    story = Story.objects.get()
    if change == "draft story":
        story.status = Story.Status.DRAFT
        story.save()
    elif change == "future story":
        story.published_at = timezone.now() + timezone.timedelta(days=1)
        story.save()
    else:
        Campaign.objects.update(status=Campaign.Status.DRAFT)
    assert shared_page(f"/en{KOSOVO_PATH}") is None
    assert post(client, "en").status_code == 404
    assert not Email.objects.exists()


# The form page ----------------------------------------------------------------


def test_the_form_asks_for_names_addresses_a_note_and_hides_a_trap(client):
    html = client.get(share_url("en")).content.decode()
    form = re.search(r"<form .*?</form>", html, re.S).group()
    assert f'action="/en/share/?page=/en{KOSOVO_PATH}"' in form and 'method="post"' in form
    assert 'autocomplete="name"' in form and 'autocomplete="email"' in form
    assert len(re.findall(r'<input type="email"', form)) == 4, "the visitor's address and three friends'"
    assert re.search(r'name="friend_1"[^>]*\brequired\b', form)
    assert not re.search(r'name="friend_2"[^>]*\brequired\b', form)
    assert re.search(r'<textarea name="note"[^>]*maxlength="300"', form)
    trap = re.search(r'<div class="visually-hidden"><label for="id_website">Leave this empty</label> <input [^>]*></div>', form).group()
    assert 'tabindex="-1"' in trap and 'autocomplete="off"' in trap
    assert "csrfmiddlewaretoken" not in html
    assert "Kosovo: Trafficked women and girls have human rights" in html, "the page being sent is named"


def test_the_form_page_is_fast(client):
    def queries_for(url):
        with CaptureQueriesContext(connection) as queries:
            assert client.get(url).status_code == 200
        return len(queries)

    before = queries_for(share_url("fr"))
    campaign = Campaign.objects.get()
    for n in range(10):
        make_story(campaign, f"story-{n}", facts=3)
    # One query for the page being sent, the rest for the site's navigation (as on the story page, tests/test_caching.py).
    assert queries_for(share_url("fr")) == queries_for(sent_url("fr")) == before <= 6


@pytest.mark.parametrize("url", [f"/en{KOSOVO_PATH}", share_url("en"), sent_url("en")])
def test_the_story_and_the_form_stay_cacheable_and_cookie_free(client, url):
    post(client, "en")  # a share posted just before changes nothing for the next visitor
    response = client.get(url)
    assert response.status_code == 200
    assert not response.cookies and "Set-Cookie" not in response
    assert "Cookie" not in response.get("Vary", "")
    assert "public" in response["Cache-Control"]


def test_plain_links_to_share_elsewhere_and_nothing_loaded_from_another_origin(client):
    html = client.get(share_url("fr")).content.decode()
    page_url = f"{SITE_URL}/fr{KOSOVO_PATH}"
    url, title = quote(page_url, safe=""), quote(Story.objects.get().title_fr, safe="")
    for address in [
        f"https://wa.me/?text={title}%20{url}",
        f"https://t.me/share/url?url={url}&amp;text={title}",
        f"https://www.facebook.com/sharer/sharer.php?u={url}",
        f"https://x.com/intent/post?url={url}&amp;text={title}",
    ]:
        assert f'<a href="{address}" rel="noopener noreferrer">' in html, address
    assert 'href="mailto:?subject=' in html
    assert f'<input id="page-link" class="copy-field" type="url" value="{page_url}" readonly dir="ltr">' in html
    assert "target=" not in html, "links open in the same tab"
    assert re.findall(r"<script[^>]*>", html) == ['<script src="/static/js/share.js" defer>']
    assert not re.search(r'<(?:img|iframe|script|source|video|audio)[^>]+src="(?:https?:)?//', html)
    assert not re.search(r'<link rel="(?:stylesheet|icon|preload|modulepreload)"[^>]+href="(?:https?:)?//', html)


def test_the_script_is_tiny_and_our_own():
    script = Path(settings.BASE_DIR, "static/js/share.js").read_text(encoding="utf-8")
    assert len(script.encode()) < 2048
    assert "navigator.share" in script and "navigator.clipboard" in script
    assert "http" not in script and "import" not in script, "nothing from another origin"


def test_only_pages_that_can_be_sent_show_the_footer_link(client, staff_client):
    def footer_link(html):
        footer = re.search(r"<footer.*?</footer>", html, re.S).group()
        return re.search(r'<a href="([^"]*)">Send page to friend</a>', footer)

    assert footer_link(client.get(f"/en{REPORT_PATH}").content.decode()).group(1) == f"/en/share/?page=/en{REPORT_PATH}"
    assert footer_link(client.get(share_url("en")).content.decode()) is None
    assert footer_link(client.get(sent_url("en")).content.decode()) is None
    assert footer_link(client.get("/en/no-such-page/").content.decode()) is None
    preview = staff_client.get(reverse("campaign:preview", args=["stories.story", Story.objects.get().pk]))
    assert footer_link(preview.content.decode()) is None


# Sending ------------------------------------------------------------------------


def test_each_friend_gets_an_email_of_their_own_in_the_language_of_the_form(client):
    note = "Lis-la.\r\nC’est important."
    response = post(client, "fr", name="Léa", friend_2=FRIENDS[1], friend_3=FRIENDS[2], note=note)
    assert response.status_code == 303
    assert response["Location"] == f"/fr/share/sent/?page=/fr{KOSOVO_PATH}"
    emails = list(Email.objects.order_by("id"))
    assert [email.to for email in emails] == [[friend] for friend in FRIENDS]
    story = Story.objects.get()
    for email in emails:
        assert email.from_email == settings.DEFAULT_FROM_EMAIL
        assert email.headers == {"Reply-To": SENDER}, "the visitor's address only in Reply-To"
        # A subject is one line: the outbox makes every space, no-break spaces too, a plain one.
        assert email.subject == " ".join(f"Une page d’Amnesty International\u00a0: {story.title_fr}".split())
        assert "Léa" not in email.subject, "the outbox keeps subjects after delivery"
        text = email.message
        assert f"{ISOLATE}Léa{END_ISOLATE} pense que cette page d’Amnesty International vous intéressera\u00a0:" in text
        assert f"{ISOLATE}Lis-la.{END_ISOLATE}\n{ISOLATE}C’est important.{END_ISOLATE}" in text
        assert story.title_fr in text and f"{SITE_URL}/fr{KOSOVO_PATH}" in text
        html = email.html_message
        assert '<html lang="fr" dir="ltr">' in html
        assert "Lis-la.<br>C’est important." in html
        assert set(re.findall(r'href="([^"]*)"', html)) == {f"{SITE_URL}/fr{KOSOVO_PATH}"}, "no link but the page's"
    assert ShareCount.objects.get().count == 3


def test_the_email_in_arabic_is_right_to_left_and_isolates_a_latin_name(client):
    assert post(client, "ar", name="Lea Martin").status_code == 303
    email = Email.objects.get()
    assert '<html lang="ar" dir="rtl">' in email.html_message
    assert f"{ISOLATE}Lea Martin{END_ISOLATE}" in email.message
    assert Story.objects.get().title_ar in email.message
    assert email.subject.startswith("صفحة من منظمة العفو الدولية: ")


def test_a_page_in_another_language_is_described_in_its_own(client):
    assert post(client, "en", page=f"/fr{KOSOVO_PATH}").status_code == 303
    email = Email.objects.get()
    assert "thinks you will want to read this page" in email.message, "the email speaks the form's language"
    assert Story.objects.get().title_fr in email.message and f"{SITE_URL}/fr{KOSOVO_PATH}" in email.message
    assert '<h1 style="font-size:20px;line-height:1.3;margin:0 0 8px;" lang="fr" dir="auto">' in email.html_message


def test_the_name_is_escaped_in_html_and_kept_as_typed_in_plain_text(client):
    name = '<b>Zoë & "Ali"</b>'
    assert post(client, "en", name=name, note="<script>alert(1)</script> & <i>you</i>").status_code == 303
    email = Email.objects.get()
    assert "<b>" not in email.html_message and "<script>" not in email.html_message and "<i>" not in email.html_message
    assert "&lt;b&gt;Zoë &amp; &quot;Ali&quot;&lt;/b&gt;" in email.html_message
    assert f"{ISOLATE}{name}{END_ISOLATE} thinks" in email.message
    assert "<script>alert(1)</script> & <i>you</i>" in email.message


def test_the_thank_you_page_offers_the_way_back_and_sends_nothing_when_reloaded(client):
    response = post(client, "es")
    thanks = client.get(response["Location"])
    assert thanks.status_code == 200
    html = thanks.content.decode()
    assert "<h1>Gracias: tu correo está en camino</h1>" in html
    assert f'<a class="button" href="/es{KOSOVO_PATH}">Volver a la página</a>' in html
    assert "https://wa.me/?text=" in html and 'id="page-link"' in html
    assert "public" in thanks["Cache-Control"]
    for _ in range(3):
        assert client.get(response["Location"]).status_code == 200
    assert Email.objects.count() == 1


def test_the_thank_you_page_is_only_for_pages_that_can_be_sent(client):
    assert client.get(sent_url("en", page="/en/no-such-page/")).status_code == 404
    assert client.get("/en/share/sent/").status_code == 404


def test_a_double_click_sends_once(client):
    first = post(client, "en", friend_2=FRIENDS[1], note="Read it")
    second = post(client, "en", friend_2=FRIENDS[1], note="Read it")
    assert first.status_code == second.status_code == 303
    assert second["Location"] == first["Location"]
    assert Email.objects.count() == 2
    assert ShareCount.objects.get().count == 2
    # The same friends in another order, or another case, are the same submission too.
    assert post(client, "en", friend_1=FRIENDS[1].upper(), friend_2=FRIENDS[0], note="Read it").status_code == 303
    assert Email.objects.count() == 2


def test_another_note_or_page_is_another_submission(client):
    assert post(client, "en", note="Read it").status_code == 303
    assert post(client, "en", note="Read it, please").status_code == 303
    assert post(client, "en", page=f"/en{REPORT_PATH}", note="Read it").status_code == 303
    assert Email.objects.count() == 3


def test_a_twin_waits_for_the_first_and_sends_itself_if_the_first_was_refused(client, monkeypatch):
    page = shared_page(f"/en{KOSOVO_PATH}")
    key = services.submission_key(page=page, sender=SENDER, friends=[FRIENDS[0]], note="")
    cache.set(key, services.PENDING, 60)
    monkeypatch.setattr(services, "TWIN_WAIT_SECONDS", 0.2)
    assert post(client, "en").status_code == 303
    assert not Email.objects.exists(), "a submission still pending elsewhere is not sent twice"
    cache.delete(key)
    assert post(client, "en").status_code == 303
    assert Email.objects.count() == 1


def test_a_trap_filled_in_gets_the_thank_you_page_and_sends_nothing(client, settings):
    limits(settings, ip="1/h")
    response = post(client, "en", website="https://spam.example/")
    assert response.status_code == 303
    assert response["Location"] == sent_url("en")
    assert not Email.objects.exists() and not ShareCount.objects.exists()
    assert post(client, "en").status_code == 303, "the trap counted nothing against the limits"
    assert Email.objects.count() == 1


def test_a_post_from_another_site_is_refused(client):
    for headers in ({"HTTP_SEC_FETCH_SITE": "cross-site"}, {"HTTP_ORIGIN": "https://evil.example"}, {}):
        response = post(client, "en", headers=headers)
        assert response.status_code == 403
    assert not Email.objects.exists()


def test_a_post_with_only_an_origin_header_from_this_site_is_accepted(client):
    assert post(client, "en", headers={"HTTP_ORIGIN": SITE_URL}).status_code == 303


def test_posting_about_a_page_that_cannot_be_sent_is_a_404(client):
    for page in ("/en/no-such-page/", "https://evil.example/", "/en/preview/stories.story/1/"):
        assert post(client, "en", page=page).status_code == 404
    assert not Email.objects.exists()


def test_other_methods_are_refused(client):
    assert client.put(share_url("en"), **SAME_ORIGIN).status_code == 405
    assert client.post(sent_url("en"), **SAME_ORIGIN).status_code == 405


def test_the_answer_to_a_post_is_never_cached(client):
    for response in (post(client, "en"), post(client, "en", name="")):
        assert "no-store" in response["Cache-Control"] and "private" in response["Cache-Control"]
        assert not response.cookies


# What is kept -----------------------------------------------------------------------


def test_only_counts_are_kept_per_page_language_and_day(client):
    post(client, "fr", friend_2=FRIENDS[1])
    post(client, "fr", name="Ana", email="ana@example.org", friend_1=FRIENDS[2])
    post(client, "en", page=f"/fr{KOSOVO_PATH}")
    rows = {(row.path, row.language, row.date, row.count) for row in ShareCount.objects.all()}
    today = timezone.localdate()
    assert rows == {(f"/fr{KOSOVO_PATH}", "fr", today, 3), (f"/fr{KOSOVO_PATH}", "en", today, 1)}
    with connection.cursor() as cursor:
        cursor.execute("SELECT * FROM sharing_sharecount")
        stored = repr(cursor.fetchall())
    assert "@" not in stored and "Léa" not in stored


def test_the_count_survives_a_row_created_by_a_concurrent_share(monkeypatch):
    """Another request creates the day's row between our update (no row yet) and our insert."""
    day = timezone.localdate()
    real_update = QuerySet.update
    raced = []

    def update_after_a_rival(queryset, **kwargs):
        if queryset.model is ShareCount and not raced:
            raced.append(True)
            ShareCount.objects.create(path="/en/", language="en", date=day, count=5)
            return 0
        return real_update(queryset, **kwargs)

    monkeypatch.setattr(QuerySet, "update", update_after_a_rival)
    ShareCount.objects.add("/en/", "en", 2)
    assert ShareCount.objects.get().count == 7


def test_staff_see_the_counts_read_only(staff_client, client):
    post(client, "en")
    row = ShareCount.objects.get()
    assert staff_client.get(reverse("admin:sharing_sharecount_changelist")).status_code == 200
    change = staff_client.get(reverse("admin:sharing_sharecount_change", args=[row.pk]))
    assert change.status_code == 200 and 'name="_save"' not in change.content.decode()
    assert staff_client.get(reverse("admin:sharing_sharecount_add")).status_code == 403
    assert staff_client.post(reverse("admin:sharing_sharecount_change", args=[row.pk]), {"count": 99}).status_code == 403
    assert staff_client.post(reverse("admin:sharing_sharecount_delete", args=[row.pk]), {"post": "yes"}).status_code == 403
    row.refresh_from_db()
    assert row.count == 1


# Limits ---------------------------------------------------------------------------


def assert_over_the_limit(response, language="en"):
    assert response.status_code == 429
    expected = {
        "en": "We cannot send these emails now.",
        "fr": "Nous ne pouvons pas envoyer ces courriels pour le moment.",
    }[language]
    assert any(item.startswith(expected) for item in summary_of(response))
    assert "private" in response["Cache-Control"]


def test_the_limit_per_address(client, settings):
    limits(settings, ip="3/h")
    assert post(client, "en", friend_2=FRIENDS[1]).status_code == 303
    response = post(client, "fr", email="other@example.org", friend_1="x@example.net", friend_2="y@example.net")
    assert_over_the_limit(response, "fr")
    assert 'value="Léa"' in response.content.decode(), "the form keeps what was typed"
    assert post(client, "en", email="other@example.org", friend_1="x@example.net", remote_addr="192.0.2.9").status_code == 303
    assert Email.objects.count() == 3


def test_the_limit_per_sender(client, settings):
    limits(settings, sender="2/d")
    assert post(client, "en", friend_2=FRIENDS[1], remote_addr="192.0.2.1").status_code == 303
    assert_over_the_limit(post(client, "en", email=SENDER.upper(), friend_1=FRIENDS[2], remote_addr="192.0.2.2"))
    assert Email.objects.count() == 2


def test_the_limit_per_recipient_whoever_sends(client, settings):
    limits(settings, recipient="2/30d")
    for n in range(2):
        assert post(client, "en", email=f"sender{n}@example.org", remote_addr=f"192.0.2.{n + 1}").status_code == 303
    response = post(client, "en", email="sender9@example.org", friend_1=FRIENDS[0].upper(), remote_addr="192.0.2.99")
    assert_over_the_limit(response)
    assert Email.objects.count() == 2


def test_the_site_wide_cap(client, settings):
    limits(settings, site="3/h")
    for n in range(3):
        response = post(client, "en", email=f"s{n}@example.org", friend_1=f"f{n}@example.net", remote_addr=f"198.51.100.{n + 1}")
        assert response.status_code == 303
    assert_over_the_limit(post(client, "en", email="s9@example.org", friend_1="f9@example.net", remote_addr="198.51.100.99"))
    assert Email.objects.count() == 3 and ShareCount.objects.get().count == 3


def test_a_refused_submission_can_be_sent_once_the_limit_allows(client, settings):
    limits(settings, site="0/h")
    assert_over_the_limit(post(client, "en"))
    limits(settings)
    assert post(client, "en").status_code == 303, "the refusal did not mark the submission as sent"
    assert Email.objects.count() == 1


# Bad input ------------------------------------------------------------------------


@pytest.mark.parametrize(
    "fields,field,message",
    [
        ({"name": ""}, "name", "Enter your name."),
        ({"name": "   "}, "name", "Enter your name."),
        ({"name": "x\r\nBcc: a@b.c"}, "name", "Write your name on one line, without special characters."),
        ({"name": "a" * 101}, "name", "Your name is too long: shorten it to 100 characters or fewer."),
        ({"name": "Visit www.spam.example"}, "name", "Your name cannot contain a web address or a domain name."),
        ({"email": ""}, "email", "Enter your email address."),
        ({"email": "lea"}, "email", "Enter an email address in the correct format, like name@example.com."),
        ({"email": "x\r\nBcc: a@b.c"}, "email", "Enter an email address in the correct format, like name@example.com."),
        ({"friend_1": ""}, "friend_1", "Enter your friend’s email address."),
        ({"friend_1": '"a b"@example.com'}, "friend_1", "Enter an email address in the correct format, like name@example.com."),
        ({"friend_2": "a@[192.0.2.1]"}, "friend_2", "Enter an email address in the correct format, like name@example.com."),
        ({"friend_3": "a@example.com, b@example.com"}, "friend_3", "Enter an email address in the correct format, like name@example.com."),
        ({"friend_2": FRIENDS[0].upper()}, "friend_2", "You have already entered this address."),
        ({"note": "a" * 301}, "note", "Your note is too long: shorten it to 300 characters or fewer."),
        (
            {"note": "See example.com"},
            "note",
            "Your note cannot contain a web address or a domain name (such as www… or example.com). The email already links to the page.",
        ),
    ],
)
def test_each_mistake_gets_a_clear_error_and_nothing_is_queued(client, fields, field, message):
    response = post(client, "en", **fields)
    assert response.status_code == 400
    assert errors_of(response) == [message]
    assert summary_of(response) == [message]
    assert f'href="#id_{field}"' in response.content.decode()
    assert response.content.decode().count('aria-invalid="true"') == 1
    assert not Email.objects.exists() and not ShareCount.objects.exists()


@pytest.mark.parametrize(
    "language,messages",
    [
        ("fr", ["Indiquez votre nom.", "Indiquez votre adresse électronique.", "Indiquez l’adresse électronique de votre ami ou amie."]),
        ("es", ["Escribe tu nombre.", "Escribe tu dirección de correo electrónico.", "Escribe la dirección de correo de tu amigo o amiga."]),
        ("ar", ["أدخِل اسمك.", "أدخِل عنوان بريدك الإلكتروني.", "أدخِل عنوان البريد الإلكتروني لصديقك."]),
    ],
)
def test_errors_are_in_the_language_of_the_page(client, language, messages):
    response = post(client, language, name="", email="", friend_1="")
    assert errors_of(response) == messages
    html = response.content.decode()
    assert re.search(r"<title>[^<]*(Erreur|Hay un error|خطأ)", html), "the title says the form has errors"


@pytest.mark.parametrize("language", ["ar", "fr", "es"])
def test_no_english_in_any_state_of_the_form(client, settings, language):
    catalogue = Path(settings.BASE_DIR) / f"locale/{language}/LC_MESSAGES/django.po"
    english = {
        msgid
        for msgid, strings, _fuzzy, _plural in entries(catalogue)
        # As in test_i18n: lower-case single words are admin labels, and may be words of the language too.
        if strings and strings[0] != msgid and "%(" not in msgid and not re.fullmatch(r"[a-z]+", msgid)
    }
    states = [post(client, language, name="", email="x", friend_1="y", note="www.example.com " * 30)]
    limits(settings, site="0/h")
    states.append(post(client, language))
    assert [state.status_code for state in states] == [400, 429]
    for response in states:
        text = visible_text(response.content.decode())
        leaked = sorted(msgid for msgid in english if re.search(rf"(?<!\w){re.escape(msgid)}(?!\w)", text))
        assert not leaked, leaked


@pytest.mark.parametrize("language,limit,expected", [("ar", 300, "حرف"), ("ar", 7, "أحرف"), ("ar", 11, "حرفًا"), ("fr", 300, "caractères")])
def test_length_errors_use_the_right_plural(language, limit, expected, monkeypatch):
    from actions.sharing import forms

    monkeypatch.setattr(forms, "NOTE_MAX_LENGTH", limit)
    with translation.override(language):
        form = forms.ShareForm(form_data(note="a" * (limit + 1)), action="/")
        assert not form.is_valid()
        assert form.errors["note"][0].endswith(f"{limit} {expected} على الأكثر." if language == "ar" else f"{limit} {expected} au maximum.")


def test_a_note_of_300_characters_with_line_breaks_fits(client):
    # Browsers count a line break as one character and send two (CR LF).
    note = ("word " * 9 + "word\r\n") * 6
    assert len(note.replace("\r\n", "\n").strip()) <= 300 < len(note)
    assert post(client, "en", note=note).status_code == 303
    assert Email.objects.get().message.count(ISOLATE) == 2 + 6, "the name twice, and each line of the note"


@pytest.mark.parametrize(
    "note",
    [
        "http://spam.example",
        "HTTPS now",
        "go to www dot spam",
        "example.com",
        "Example.COM/page",
        "e x a m p l e . c o m",
        "example . com",
        "example .org",
        "example dot com",
        "example(dot)net",
        "example [.] info",
        "example. com",
        "ｗｗｗ．spam",
        "example．com",
        "example。com",
        "مثال.مصر",
        "write to me@mail.example",
        "ftp://x",
    ],
)
def test_a_note_that_looks_like_a_link_is_refused(note):
    assert looks_like_a_link(note)


@pytest.mark.parametrize(
    "note",
    [
        "I read it. Then I cried.",
        "Lo leí. Me encantó. Es terrible.",
        "3.5 million people",
        "e.g. this one",
        "The U.N. and NATO must act.",
        "Merci ! C’est important. À bientôt.",
        "لقد قرأت هذا. إنه مهم جدًا.",
        "Wait...what?",
        "Co-workers. Co-operation.",
        "I like it.\nEs verdad.",
        "Call me at 555 0100",
    ],
)
def test_an_ordinary_note_is_accepted(note):
    assert not looks_like_a_link(note)


def test_direction_controls_are_removed_and_marks_kept(client):
    name = "\u202eevil\u202c \u200fعلي\u200f"
    assert post(client, "ar", name=name, note="\u2066note\u2069 \u200e").status_code == 303
    text = Email.objects.get().message
    assert "\u202e" not in text and "\u2066" not in text
    assert f"{ISOLATE}evil \u200fعلي\u200f{END_ISOLATE}" in text


def test_template_syntax_in_a_name_or_note_stays_text(client):
    name, note = "{{ SITE_URL }}", "{% now 'Y' %} {{ note }} {# x #}"
    assert post(client, "en", name=name, note=note).status_code == 303
    email = Email.objects.get()
    assert f"{ISOLATE}{name}{END_ISOLATE} thinks" in email.message and f"{ISOLATE}{note}{END_ISOLATE}" in email.message
    assert "{% now &#x27;Y&#x27; %} {{ note }} {# x #}" in email.html_message


def test_header_injection_in_the_note_stays_in_the_body(client):
    assert post(client, "en", note="x\r\nBcc: a@b.c").status_code == 303
    email = Email.objects.get()
    message = message_from_string(email.email_message().message().as_string())
    assert message["Bcc"] is None and message.get_all("To") == [FRIENDS[0]]
    assert f"{ISOLATE}Bcc: a@b.c{END_ISOLATE}" in email.message


# Anything a visitor may type: never an error page, never a header of their own.

TRICKY_TEXT = st.one_of(
    st.text(alphabet=st.characters(exclude_categories=["Cs"]), max_size=40),
    st.text(alphabet=st.characters(exclude_categories=["Cs"]), min_size=280, max_size=420),
    st.sampled_from(
        [
            "x\r\nBcc: a@b.c",
            "x\nSubject: hi",
            "a@example.com\r\nBcc: b@example.com",
            "\u200f\u202eعلي\u202c",
            "\u2068\u2069\u2069",
            "\x00",
            "\x0b\x0c\x1c",
            "<script>alert(1)</script>",
            "=?utf-8?q?x?=",
            "{{ SITE_URL }}{% debug %}",
            "www.example.com",
            " " * 500,
        ]
    ),
)
ADDRESS = st.one_of(st.emails(), TRICKY_TEXT, st.builds(lambda text: f"{text}@example.com", TRICKY_TEXT))


@hypothesis_settings(max_examples=120, deadline=None, suppress_health_check=[HealthCheck.function_scoped_fixture, HealthCheck.too_slow])
@given(name=TRICKY_TEXT, email=ADDRESS, friend_1=ADDRESS, friend_2=st.one_of(st.just(""), ADDRESS), note=TRICKY_TEXT)
@example(name="x\r\nBcc: a@b.c", email="x\r\nBcc: a@b.c", friend_1="x\r\nBcc: a@b.c", friend_2="", note="x\r\nBcc: a@b.c")
@example(name="Ali", email="ali@example.org", friend_1="a@example.net", friend_2="", note="\u200f" * 300 + "\r\n")
def test_any_input_gets_an_answer_and_never_a_header_of_its_own(client, name, email, friend_1, friend_2, note):
    Email.objects.all().delete()
    ShareCount.objects.all().delete()
    cache.clear()
    response = client.post(share_url("ar"), form_data(name=name, email=email, friend_1=friend_1, friend_2=friend_2, note=note), **SAME_ORIGIN)
    assert response.status_code in (303, 400)
    emails = list(Email.objects.all())
    if response.status_code == 400:
        assert not emails and not ShareCount.objects.exists(), "invalid input queues nothing"
        assert errors_of(response), "the visitor is told what is wrong"
        return
    assert len(emails) == len({friend_1.strip().lower(), friend_2.strip().lower()} - {""})
    for queued in emails:
        assert len(queued.to) == 1 and queued.to[0] in (friend_1.strip(), friend_2.strip())
        assert set(queued.headers) == {"Reply-To"} and queued.headers["Reply-To"] == email.strip()
        assert not re.search(r"[\r\n]", queued.subject + queued.headers["Reply-To"] + queued.to[0])
        message = message_from_string(queued.email_message().message().as_string())
        assert message["Bcc"] is None and message["Cc"] is None
        assert message.get_all("To") == queued.to
    assert ShareCount.objects.get().count == len(emails)
