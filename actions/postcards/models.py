import hashlib
import re
import secrets

from django.conf import settings
from django.db import models
from django.utils.translation import gettext_lazy as _

from . import artwork

# secrets.token_urlsafe(24): 32 characters, 192 random bits.
TOKEN_BYTES = 24
TOKEN_PATTERN = r"[A-Za-z0-9_-]{32}"  # noqa: S105 - the shape of a token, not one
_TOKEN = re.compile(TOKEN_PATTERN)


def new_token():
    """A token for a card's address. It always holds a capital letter or "_", which is how the
    access log knows to leave it out (campaign/access_log.py); that costs next to no randomness."""
    while True:
        token = secrets.token_urlsafe(TOKEN_BYTES)
        if re.search("[A-Z_]", token):
            return token


def hash_token(token):
    """Only this is stored: someone who reads the database cannot open a card from it."""
    return hashlib.sha256(token.encode()).hexdigest()


class PostcardDesignQuerySet(models.QuerySet):
    def active(self):
        return self.filter(is_active=True)


class PostcardDesign(models.Model):
    """A picture that supporters choose for their postcard, managed by staff."""

    slug = models.SlugField(
        _("short name"),
        max_length=60,
        unique=True,
        help_text=_("Identifies the design in the sending form; keep it stable once the design is in use."),
    )
    title = models.CharField(_("title"), max_length=200, help_text=_("For staff only, to find the design again."))
    image = models.ImageField(
        _("picture"),
        upload_to="postcards/designs/",
        validators=[artwork.validate_design_upload],
        width_field="width",
        height_field="height",
        help_text=_("JPEG, PNG or WebP, at most 5 MB and 12 megapixels. Cards show its middle, cropped to 3:2."),
    )
    width = models.PositiveIntegerField(editable=False, default=0)
    height = models.PositiveIntegerField(editable=False, default=0)
    artwork = models.FileField(upload_to="postcards/artwork/", editable=False, blank=True)
    thumbnail = models.FileField(upload_to="postcards/thumbnails/", editable=False, blank=True)
    alt_text = models.CharField(
        _("alternative text"),
        max_length=250,
        help_text=_("Describes the picture for people who cannot see it. Required."),
    )
    caption = models.CharField(_("caption"), max_length=120, help_text=_("Shown under the picture in the gallery of designs."))
    sort_order = models.PositiveSmallIntegerField(_("position"), default=0)
    is_active = models.BooleanField(_("offered to supporters"), default=True)
    created_at = models.DateTimeField(_("created"), auto_now_add=True)

    objects = PostcardDesignQuerySet.as_manager()

    class Meta:
        ordering = ["sort_order", "pk"]
        verbose_name = _("postcard design")
        verbose_name_plural = _("postcard designs")

    def __str__(self):
        return self.title

    def save(self, *args, **kwargs):
        # A new upload arrives as an UploadedFile that has not been stored yet.
        if self.image and not getattr(self.image, "_committed", True):
            self.image, self.artwork, self.thumbnail = artwork.reencode_design(self.image)
        super().save(*args, **kwargs)


class Postcard(models.Model):
    """One card a supporter sent, and the personal data in it: deleted after POSTCARD_RETENTION_DAYS.

    The token in the card's address is not stored, only its hash.
    """

    design = models.ForeignKey(PostcardDesign, on_delete=models.PROTECT, related_name="postcards")
    token_hash = models.CharField(max_length=64, unique=True, editable=False)
    sender_name = models.CharField(max_length=100)
    sender_email = models.EmailField(max_length=254)
    recipient_name = models.CharField(max_length=100)
    recipient_email = models.EmailField(max_length=254)
    message = models.TextField(max_length=500)
    language = models.CharField(max_length=8, choices=settings.LANGUAGES)
    # When the email may be delivered: at once, or the day the sender chose.
    send_at = models.DateTimeField()
    created_at = models.DateTimeField(auto_now_add=True)
    # When the worker delivered the card's email (read from the outbox by delete_old_postcards).
    delivered_at = models.DateTimeField(null=True, blank=True)
    email = models.ForeignKey("post_office.Email", null=True, blank=True, on_delete=models.SET_NULL, related_name="+")
    copy_email = models.ForeignKey("post_office.Email", null=True, blank=True, on_delete=models.SET_NULL, related_name="+")

    class Meta:
        ordering = ["-created_at"]
        verbose_name = _("postcard")
        verbose_name_plural = _("postcards")

    def __str__(self):
        return f"Postcard {self.pk}"

    @classmethod
    def with_token(cls, token):
        """The card this token opens, or None."""
        if not _TOKEN.fullmatch(token or ""):
            return None
        return cls.objects.select_related("design").filter(token_hash=hash_token(token)).first()
