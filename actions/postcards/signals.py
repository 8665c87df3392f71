"""The form page is a cached public page that shows the designs: an edit to one refreshes it.

Postcards themselves are what supporters do, and never empty the page cache.
"""

from django.db.models.signals import post_delete, post_save
from django.dispatch import receiver

from campaign.caching import bump_content_generation_on_commit

from .models import PostcardDesign


@receiver(post_save, sender=PostcardDesign)
@receiver(post_delete, sender=PostcardDesign)
def design_changed(sender, **kwargs):
    bump_content_generation_on_commit()
