import uuid
from pathlib import PurePath

from django.conf import settings
from django.db import models
from django.db.models import Q
from django.urls import reverse
from django.utils.translation import gettext_lazy as _

from campaign.publishing import Publishable

from . import documents


class Report(Publishable):
    """A published research document, such as the full report behind a story."""

    card_template = "includes/report_card.html"

    campaign = models.ForeignKey("campaign.Campaign", verbose_name=_("campaign"), on_delete=models.CASCADE, related_name="reports")
    slug = models.SlugField(_("slug"), max_length=120, unique=True)
    title = models.CharField(_("title"), max_length=250)
    subtitle = models.CharField(_("subtitle"), max_length=300, blank=True)
    summary = models.TextField(_("summary"), help_text=_("Plain text; leave a blank line between paragraphs."))
    publisher = models.CharField(_("publisher"), max_length=200)
    index_number = models.CharField(_("AI index number"), max_length=40, blank=True, help_text=_("For example EUR 70/010/2004."))
    external_url = models.URLField(_("link to the published document"), blank=True, help_text=_("Used when no file is uploaded in the visitor's language."))

    class Meta:
        ordering = ["-published_at"]
        verbose_name = _("report")
        verbose_name_plural = _("reports")

    def __str__(self):
        return self.title

    def get_absolute_url(self):
        return reverse("stories:report", args=[self.campaign.slug, self.slug])


def report_file_path(report_file, filename):
    """Where an uploaded report file is stored; the uploader's own file name is never used.

    The random folder gives every upload an address of its own, which a CDN
    may keep for a day; the readable name is what visitors' browsers save the
    download as, e.g. ``reports/<hex>/so-does-that-mean-i-have-rights-fr.pdf``.
    """
    extension = PurePath(filename).suffix.lower()
    return f"reports/{uuid.uuid4().hex}/{report_file.report.slug}-{report_file.language}{extension}"


class ReportFile(models.Model):
    """One downloadable edition of a report, in one language."""

    report = models.ForeignKey(Report, verbose_name=_("report"), on_delete=models.CASCADE, related_name="files")
    language = models.CharField(_("language"), max_length=8, choices=settings.LANGUAGES)
    file = models.FileField(_("file"), upload_to=report_file_path, max_length=255, validators=[documents.validate_upload])
    file_format = models.CharField(_("format"), max_length=10, editable=False)
    size_bytes = models.PositiveBigIntegerField(_("size in bytes"), editable=False, default=0)

    class Meta:
        ordering = ["report", "language"]
        verbose_name = _("report file")
        verbose_name_plural = _("report files")
        constraints = [models.UniqueConstraint(fields=["report", "language"], name="one_report_file_per_language")]

    def __str__(self):
        return f"{self.report} ({self.language})"

    def save(self, *args, **kwargs):
        self.file_format = documents.format_of(self.file.name)
        self.size_bytes = self.file.size
        super().save(*args, **kwargs)


class Story(Publishable):
    card_template = "includes/story_card.html"

    campaign = models.ForeignKey("campaign.Campaign", verbose_name=_("campaign"), on_delete=models.CASCADE, related_name="stories")
    slug = models.SlugField(_("slug"), max_length=120, unique=True)
    title = models.CharField(_("title"), max_length=250)
    lead = models.TextField(_("lead"), help_text=_("The opening paragraphs, shown above the facts."))
    body = models.TextField(_("body"), help_text=_("Plain text; leave a blank line between paragraphs."))
    calls = models.TextField(_("our calls"), blank=True, help_text=_("What Amnesty International calls on the authorities to do."))
    contact = models.TextField(_("contact your local section"), blank=True)
    image = models.ForeignKey("campaign.Image", verbose_name=_("image"), null=True, blank=True, on_delete=models.SET_NULL, related_name="+")
    report = models.ForeignKey(Report, verbose_name=_("full report"), null=True, blank=True, on_delete=models.SET_NULL, related_name="stories")

    class Meta:
        ordering = ["-published_at"]
        verbose_name = _("story")
        verbose_name_plural = _("stories")
        constraints = [models.CheckConstraint(condition=~Q(title=""), name="story_has_title")]

    def __str__(self):
        return self.title

    def get_absolute_url(self):
        return reverse("stories:story", args=[self.campaign.slug, self.slug])


class Fact(models.Model):
    story = models.ForeignKey(Story, verbose_name=_("story"), on_delete=models.CASCADE, related_name="facts")
    text = models.TextField(_("fact"))
    sort_order = models.PositiveSmallIntegerField(_("position"), default=0)

    class Meta:
        ordering = ["sort_order", "pk"]
        verbose_name = _("fact")
        verbose_name_plural = _("facts")

    def __str__(self):
        return self.text[:80]
