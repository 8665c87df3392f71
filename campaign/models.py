from django.core.validators import validate_slug
from django.db import models
from django.urls import reverse
from django.utils.translation import gettext_lazy as _

from . import images
from .publishing import Publishable


class Campaign(Publishable):
    slug = models.SlugField(_("slug"), max_length=80, unique=True, help_text=_("The campaign's address; keep it stable once published."))
    title = models.CharField(_("title"), max_length=200)
    intro = models.TextField(_("introduction"), help_text=_("One or two sentences shown on the home page."))
    body = models.TextField(_("body"), blank=True, help_text=_("Plain text; leave a blank line between paragraphs."))
    image = models.ForeignKey("campaign.Image", verbose_name=_("image"), null=True, blank=True, on_delete=models.SET_NULL, related_name="+")

    class Meta:
        ordering = ["-published_at"]
        verbose_name = _("campaign")
        verbose_name_plural = _("campaigns")

    def __str__(self):
        return self.title

    def get_absolute_url(self):
        return reverse("campaign:campaign", args=[self.slug])


class Section(Publishable):
    """A page of a campaign, such as Act Now or Stories, in the campaign menu."""

    class Kind(models.TextChoices):
        PAGE = "page", _("Text page")
        STORIES = "stories", _("List of stories")
        LATEST = "latest", _("Latest stories and reports")
        RESOURCES = "resources", _("List of reports")

    class Role(models.TextChoices):
        """The site-wide header and footer links that lead to a section.

        Navigation finds these sections by role, not by slug, so staff can
        rename a section's address without its links disappearing.
        """

        TAKE_ACTION = "take_action", _("Take action")
        DONATE_OR_JOIN = "donate_or_join", _("Donate or join")
        STORIES = "stories", _("Stories")
        POSTCARDS = "postcards", _("Postcards")

    campaign = models.ForeignKey(Campaign, verbose_name=_("campaign"), on_delete=models.CASCADE, related_name="sections")
    slug = models.SlugField(_("slug"), max_length=80, validators=[validate_slug])
    kind = models.CharField(_("kind"), max_length=10, choices=Kind.choices, default=Kind.PAGE)
    title = models.CharField(_("title"), max_length=200)
    intro = models.TextField(_("introduction"), blank=True)
    body = models.TextField(_("body"), blank=True, help_text=_("Plain text; leave a blank line between paragraphs."))
    menu_order = models.PositiveSmallIntegerField(_("menu position"), default=0)
    in_menu = models.BooleanField(_("show in the campaign menu"), default=True)
    role = models.CharField(
        _("role"),
        max_length=20,
        choices=Role.choices,
        blank=True,
        default="",
        help_text=_(
            "The link in the site header and footer that leads to this section, whatever its address. "
            "A campaign can give each role to only one section; leave empty for none."
        ),
    )

    class Meta:
        ordering = ["menu_order", "pk"]
        verbose_name = _("section")
        verbose_name_plural = _("sections")
        constraints = [
            models.UniqueConstraint(fields=["campaign", "slug"], name="section_slug_unique_per_campaign"),
            # Two "Donate" sections would leave the header link to whichever the database returned first.
            models.UniqueConstraint(
                fields=["campaign", "role"],
                condition=~models.Q(role=""),
                name="section_role_unique_per_campaign",
                violation_error_message=_("Another section of this campaign already has this role."),
            ),
        ]

    def __str__(self):
        return self.title

    def get_absolute_url(self):
        return reverse("campaign:section", args=[self.campaign.slug, self.slug])


class Image(models.Model):
    """An uploaded picture, checked and re-encoded, with resized renditions."""

    title = models.CharField(_("title"), max_length=200, help_text=_("For staff only, to find the image again."))
    file = models.ImageField(_("file"), upload_to="images/originals/", validators=[images.validate_upload], width_field="width", height_field="height")
    width = models.PositiveIntegerField(editable=False, default=0)
    height = models.PositiveIntegerField(editable=False, default=0)
    alt_text = models.CharField(
        _("alternative text"),
        max_length=250,
        help_text=_("Describes the picture for people who cannot see it. Required."),
    )
    caption = models.CharField(_("caption"), max_length=250, blank=True)
    credit = models.CharField(_("credit"), max_length=200, blank=True)
    renditions = models.JSONField(default=list, editable=False, help_text="[{width, height, name}], smallest first")
    created_at = models.DateTimeField(_("uploaded"), auto_now_add=True)

    class Meta:
        ordering = ["-created_at"]
        verbose_name = _("image")
        verbose_name_plural = _("images")

    def __str__(self):
        return self.title

    def save(self, *args, **kwargs):
        # A new upload arrives as an UploadedFile that has not been stored yet.
        if self.file and not getattr(self.file, "_committed", True):
            self.file = images.reencode(self.file)
            self.renditions = []
        super().save(*args, **kwargs)
        if self.file and not self.renditions:
            self.renditions = images.make_renditions(self.file, self.pk)
            super().save(update_fields=["renditions"])

    @property
    def srcset(self):
        return ", ".join(f"{images.rendition_url(r['name'])} {r['width']}w" for r in self.renditions)

    @property
    def default_rendition(self):
        return self.renditions[-1] if self.renditions else None

    @property
    def src(self):
        rendition = self.default_rendition
        return images.rendition_url(rendition["name"]) if rendition else self.file.url
