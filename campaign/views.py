from django.apps import apps
from django.conf import settings
from django.contrib.admin.views.decorators import staff_member_required
from django.core.paginator import Paginator
from django.http import Http404, HttpResponse
from django.shortcuts import get_object_or_404, redirect
from django.template.response import TemplateResponse
from django.urls import reverse
from django.views.decorators.http import require_safe

from actions.petitions.live import count_stays_fresh
from actions.petitions.views import open_actions, render_action
from stories.models import Report, Story
from stories.views import render_report, render_story

from .caching import private_page, public_page
from .middleware import language_neutral
from .models import Campaign, Section

STORIES_PER_PAGE = 20


@require_safe
@public_page
def home(request):
    return TemplateResponse(
        request,
        "campaign/home.html",
        {
            "campaigns": Campaign.objects.published(),
            "latest_stories": Story.objects.published().select_related("campaign")[:5],
        },
    )


@require_safe
@public_page
def campaign_list(request):
    return TemplateResponse(request, "campaign/campaign_list.html", {"campaigns": Campaign.objects.published()})


@require_safe
@count_stays_fresh
@public_page
def campaign_detail(request, slug):
    campaign = get_object_or_404(Campaign.objects.published().select_related("image"), slug=slug)
    return render_campaign(request, campaign)


def render_campaign(request, campaign, preview=False):
    stories = Story.objects.published().filter(campaign=campaign).select_related("campaign")[:3]
    context = {"campaign": campaign, "stories": stories, "actions": open_actions(campaign=campaign), "preview": preview}
    return TemplateResponse(request, "campaign/campaign_detail.html", context)


@require_safe
@count_stays_fresh
@public_page(query=("page",))
def section_detail(request, campaign_slug, slug):
    section = get_object_or_404(
        Section.objects.published().select_related("campaign"),
        campaign__slug=campaign_slug,
        slug=slug,
    )
    return render_section(request, section)


def render_section(request, section, preview=False):
    context = {"campaign": section.campaign, "section": section, "preview": preview}
    campaign_stories = Story.objects.published().filter(campaign=section.campaign).select_related("campaign")
    campaign_reports = Report.objects.published().filter(campaign=section.campaign).select_related("campaign")
    if section.kind != Section.Kind.STORIES and "page" in request.GET and not preview:
        # Only the Stories list has pages; anywhere else ?page= is one more address for the same page.
        return redirect(request.path, permanent=True)
    if section.kind == Section.Kind.STORIES:
        requested = request.GET.get("page")
        page_obj = Paginator(campaign_stories, STORIES_PER_PAGE).get_page(requested)
        canonical = None if page_obj.number == 1 else str(page_obj.number)
        if requested != canonical and not preview:
            # One address per page: "?page=01", "?page=abc" or "?page=1" would
            # each be a separate entry in the page cache and in search engines.
            return redirect(request.path + (f"?page={canonical}" if canonical else ""), permanent=True)
        context["page_obj"] = page_obj
    elif section.kind == Section.Kind.RESOURCES:
        context["reports"] = campaign_reports
    elif section.kind == Section.Kind.LATEST:
        newest = [*campaign_stories[:STORIES_PER_PAGE], *campaign_reports[:STORIES_PER_PAGE]]
        context["items"] = sorted(newest, key=lambda item: item.published_at, reverse=True)[:STORIES_PER_PAGE]
    elif section.kind == Section.Kind.PAGE and section.role == Section.Role.TAKE_ACTION:
        # Act Now leads on to the campaign's open actions, each with its count and the way to sign.
        context["actions"] = open_actions(campaign=section.campaign)
        return TemplateResponse(request, "petitions/section_take_action.html", context)
    return TemplateResponse(request, f"campaign/section_{section.kind}.html", context)


# What staff may preview, and how each kind of object is shown.
PREVIEWS = {
    "campaign.campaign": lambda request, obj: render_campaign(request, obj, preview=True),
    "campaign.section": lambda request, obj: render_section(request, obj, preview=True),
    "stories.story": lambda request, obj: render_story(request, obj, preview=True),
    "stories.report": lambda request, obj: render_report(request, obj, preview=True),
    "petitions.action": lambda request, obj: render_action(request, obj, preview=True),
}


@staff_member_required
def preview(request, label, pk):
    """Show any content, draft or not, to staff; never cached anywhere."""
    if label not in PREVIEWS:
        raise Http404
    obj = get_object_or_404(apps.get_model(label), pk=pk)
    return private_page(PREVIEWS[label](request, obj))


@require_safe
@language_neutral
@public_page
def robots_txt(request):
    lines = ["User-agent: *", "Disallow: /admin/", "Disallow: /*/preview/", f"Sitemap: {settings.SITE_URL}{reverse('sitemap')}"]
    return HttpResponse("\n".join(lines) + "\n", content_type="text/plain")
