"""The live signature count, filled into cached pages at response time (see campaign/caching.py).

Counting rows on every hit would put the database back on the hot path, so
the count of each action is kept in the shared cache, with the "signatures
version" it was counted at. Every signature that is added, confirmed or
deleted, on any action, moves that version on once its transaction commits
(one cache increment). A count whose version is current is exact, however
old, and costs no query; one whose version has moved on is recounted once it
is SIGNATURE_COUNT_SECONDS old. So under a stream of signatures the count is
recounted at most once every SIGNATURE_COUNT_SECONDS, site-wide (batched, as
the UK petitions site learnt to), and is never older than that; with none,
it costs nothing. Counts are recounted every RECOUNT_SECONDS all the same, in
case a change bypassed the ORM. Nothing here ever rebuilds or empties the
page cache.

In a template: `{% live "signature-count" action.pk %}`. On a cached page the
block is filled in on every answer, hit or miss, from `signature_count`
below: one shared-cache read, and no template rendering unless the count
changed (the rendered block is remembered per language, count and goal).
"""

import time
from functools import lru_cache, wraps

from django.conf import settings
from django.core.cache import cache
from django.db import transaction
from django.db.models import Count, OuterRef, Subquery
from django.db.models.functions import Coalesce
from django.db.models.signals import post_delete, post_save
from django.dispatch import receiver
from django.template.loader import render_to_string
from django.utils import translation
from django.utils.cache import patch_cache_control
from django.utils.formats import number_format
from django.utils.safestring import mark_safe

from campaign.caching import LIVE_START, bump_content_generation_on_commit, live_fragment

from .models import Action, Signature

COUNT_KEY = "petitions:count:{}"
# Moved on by every signature added, confirmed or deleted, on any action.
VERSION_KEY = "petitions:signatures-version"
# However exact a count looks, it is recounted this often, in case a change bypassed the ORM's signals.
RECOUNT_SECONDS = 600
# Rendered count blocks kept in each process: a few languages times the counts seen in the last seconds.
RENDERED_COUNTS = 512


def signatures_version():
    """The current signatures version, read before counting: a signature committed later moves it on."""
    version = cache.get(VERSION_KEY)
    if version is None:
        # Never restart from a number an old count may carry: start from the clock.
        cache.add(VERSION_KEY, time.time_ns(), timeout=None)
        version = cache.get(VERSION_KEY)
    return version


def signatures_changed():
    """A signature was added, confirmed or deleted: counts taken before are out of date."""
    try:
        cache.incr(VERSION_KEY)
    except ValueError:  # evicted: any new number will do
        cache.set(VERSION_KEY, time.time_ns(), timeout=None)


@receiver(post_save, sender=Signature, dispatch_uid="petitions-signature-saved")
@receiver(post_delete, sender=Signature, dispatch_uid="petitions-signature-deleted")
def signature_saved_or_deleted(sender, **kwargs):
    transaction.on_commit(signatures_changed)


def public_count(action_id):
    """(count, goal) for an action, or None if there is no such action.

    Two shared-cache reads (in one round trip); a count only when signatures
    changed since, and the count kept is SIGNATURE_COUNT_SECONDS old.
    """
    count_key = COUNT_KEY.format(action_id)
    found = cache.get_many([count_key, VERSION_KEY])
    counted, version = found.get(count_key), found.get(VERSION_KEY)
    now = time.time()
    if counted is not None:
        count, goal, counted_version, counted_at = counted
        if counted_version == version or now - counted_at < settings.SIGNATURE_COUNT_SECONDS:
            return count, goal
    version = signatures_version() if version is None else version
    actions = with_public_counts(Action.objects.filter(pk=action_id))
    action = next(iter(actions), None)
    if action is None:
        return None
    return remember_count(action, version, now)


def _signatures_of_outer_action(**conditions):
    signatures = Signature.objects.filter(action=OuterRef("pk"), **conditions).order_by().values("action").annotate(n=Count("pk")).values("n")
    return Coalesce(Subquery(signatures), 0)


def with_public_counts(actions):
    """`actions` (a queryset) with their signatures counted in the same query."""
    return actions.annotate(
        signatures_all=_signatures_of_outer_action(),
        signatures_confirmed=_signatures_of_outer_action(confirmed_at__isnull=False),
    )


def remember_count(action, version, counted_at):
    """Keep the public count of an action fetched through `with_public_counts`; returns (count, goal)."""
    signed = action.signatures_all if action.count_unconfirmed else action.signatures_confirmed
    counted = (signed + action.paper_signatures, action.goal)
    cache.set(COUNT_KEY.format(action.pk), (*counted, version, counted_at), RECOUNT_SECONDS)
    return counted


def counted(actions):
    """The actions of a queryset, fetched with their counts, which are kept for the live renderer.

    A page that offers an action shows its count: counting in the same query
    as the action saves the renderer a query of its own.
    """
    version, now = signatures_version(), time.time()
    fetched = list(with_public_counts(actions))
    for action in fetched:
        remember_count(action, version, now)
    return fetched


def count_stays_fresh(view):
    """Outside caches keep a page that shows a count no longer than the count may be old.

    Our own cache fills the count in on every answer, but a CDN or a browser
    keeps the whole page, count included, for as long as Cache-Control says
    (PAGE_CACHE_SECONDS). A public page with a live value tells them
    SIGNATURE_COUNT_SECONDS instead, after which they revalidate: the ETag
    changes only when a value does, so an unchanged page costs them a 304 and
    us a memory read. Put it above `@public_page`.
    """

    @wraps(view)
    def wrapped(request, *args, **kwargs):
        response = view(request, *args, **kwargs)
        if getattr(response, "public_page", False):
            if hasattr(response, "render"):
                response.render()
            if LIVE_START.encode(response.charset or "utf-8") in response.content:
                seconds = settings.SIGNATURE_COUNT_SECONDS
                patch_cache_control(response, max_age=seconds, s_maxage=seconds, stale_while_revalidate=seconds)
        return response

    return wrapped


@receiver(post_save, sender=Action, dispatch_uid="petitions-action-saved")
@receiver(post_delete, sender=Action, dispatch_uid="petitions-action-deleted")
def action_changed(sender, instance, **kwargs):
    """An action is content: its page, its story's and its campaign's show it, so an edit shows at once.

    Its count is recounted too (staff may have changed the goal, the paper
    signatures or whether unconfirmed signatures count). Signatures never
    come here: signing does not touch the page cache.
    """
    bump_content_generation_on_commit()
    transaction.on_commit(lambda: cache.delete(COUNT_KEY.format(instance.pk)))


@live_fragment("signature-count")
def signature_count(argument):
    """The count block of action `argument` (its pk), in the active language."""
    try:
        counted = public_count(int(argument))
    except (TypeError, ValueError):
        counted = None
    if counted is None:
        return mark_safe("")
    count, goal = counted
    return render_count(translation.get_language(), count, goal)


@lru_cache(maxsize=RENDERED_COUNTS)
def render_count(language, count, goal):
    """The count block: a sentence in the language's plural form, and a progress bar towards the goal.

    Remembered per (language, count, goal): a cache hit renders no template.
    """
    with translation.override(language):
        html = render_to_string(
            "petitions/count.html",
            {
                "count": count,
                "number": number_format(count, force_grouping=True),
                "goal": goal,
                "goal_number": number_format(goal, force_grouping=True),
                "progress": min(count, goal),
                "percent": min(100, count * 100 // goal) if goal else 0,
            },
        )
    return mark_safe(html)  # noqa: S308 - rendered by the template engine, which escapes
