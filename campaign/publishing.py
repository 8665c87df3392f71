"""Draft and published states shared by every piece of public content."""

from django.db import models
from django.urls import reverse
from django.utils import timezone
from django.utils.translation import gettext_lazy as _


class PublishableQuerySet(models.QuerySet):
    def published(self):
        """What visitors may see: published, and in a published campaign if it belongs to one."""
        now = timezone.now()
        published = self.filter(status=Publishable.Status.PUBLISHED, published_at__lte=now)
        if any(field.name == "campaign" for field in self.model._meta.fields):
            published = published.filter(campaign__status=Publishable.Status.PUBLISHED, campaign__published_at__lte=now)
        return published


class Publishable(models.Model):
    class Status(models.TextChoices):
        DRAFT = "draft", _("Draft")
        PUBLISHED = "published", _("Published")

    status = models.CharField(_("status"), max_length=10, choices=Status.choices, default=Status.DRAFT)
    published_at = models.DateTimeField(
        _("publication date"),
        default=timezone.now,
        help_text=_("Published content appears from this moment on."),
    )
    updated_at = models.DateTimeField(_("last updated"), auto_now=True)

    objects = PublishableQuerySet.as_manager()

    class Meta:
        abstract = True

    @property
    def is_published(self):
        return self.status == self.Status.PUBLISHED and self.published_at <= timezone.now()

    def get_preview_url(self):
        """Staff-only URL that shows this item whatever its status."""
        return reverse("campaign:preview", args=[self._meta.label_lower, self.pk])
