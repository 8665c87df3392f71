"""Staff edits to what the giving pages offer show at once on every cached page (campaign/caching.py)."""

from django.db.models.signals import post_delete, post_save
from django.dispatch import receiver

from campaign.caching import bump_content_generation_on_commit

# Only what public pages show: applications and donations never touch the page cache.
OFFERED = {"giving.currency", "giving.donationoption", "giving.waytogive", "giving.membershiptype"}


@receiver(post_save)
@receiver(post_delete)
def offer_changed(sender, **kwargs):
    if sender._meta.label_lower in OFFERED:
        bump_content_generation_on_commit()
