"""Any change to public content makes every cached page stale at once."""

from django.db.models.signals import post_delete, post_save
from django.dispatch import receiver

from .caching import bump_content_generation_on_commit

CONTENT_MODELS = {
    "campaign.campaign",
    "campaign.section",
    "campaign.image",
    "stories.story",
    "stories.fact",
    "stories.report",
    "stories.reportfile",
}


@receiver(post_save)
@receiver(post_delete)
def content_changed(sender, **kwargs):
    if sender._meta.label_lower in CONTENT_MODELS:
        bump_content_generation_on_commit()
