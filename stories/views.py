from django.shortcuts import get_object_or_404
from django.template.response import TemplateResponse
from django.views.decorators.http import require_safe

from actions.petitions.live import count_stays_fresh
from actions.petitions.views import open_actions
from campaign.caching import public_page

from .models import Report, Story


@require_safe
@count_stays_fresh
@public_page
def story_detail(request, campaign_slug, slug):
    story = get_object_or_404(
        Story.objects.published().select_related("campaign", "image", "report__campaign"),
        campaign__slug=campaign_slug,
        slug=slug,
    )
    return render_story(request, story)


def render_story(request, story, preview=False):
    report = story.report if story.report and (preview or story.report.is_published) else None
    return TemplateResponse(
        request,
        "stories/story_detail.html",
        {
            "campaign": story.campaign,
            "story": story,
            "facts": story.facts.all(),
            "report": report,
            "report_files": report.files.all() if report else [],
            # Open actions of this story, each with its count: the call to action near the top.
            "actions": open_actions(story=story),
            "preview": preview,
        },
    )


@require_safe
@public_page
def report_detail(request, campaign_slug, slug):
    report = get_object_or_404(
        Report.objects.published().select_related("campaign"),
        campaign__slug=campaign_slug,
        slug=slug,
    )
    return render_report(request, report)


def render_report(request, report, preview=False):
    return TemplateResponse(
        request,
        "stories/report_detail.html",
        {
            "campaign": report.campaign,
            "report": report,
            "report_files": report.files.all(),
            "stories": Story.objects.published().filter(report=report).select_related("campaign"),
            "preview": preview,
        },
    )
