from django.conf import settings
from django.db import models
from django.db.models import Q
from django.urls import reverse
from django.utils import timezone
from django.utils.translation import gettext_lazy as _
from django_countries.fields import CountryField

from campaign.publishing import Publishable, PublishableQuerySet

from .addresses import mailbox_key


class ActionQuerySet(PublishableQuerySet):
    def open(self):
        """Published, and taking signatures now."""
        now = timezone.now()
        return self.published().filter(Q(opens_at__isnull=True) | Q(opens_at__lte=now), Q(closes_at__isnull=True) | Q(closes_at__gt=now))


class Action(Publishable):
    """An appeal to the authorities that supporters add their names to."""

    campaign = models.ForeignKey("campaign.Campaign", verbose_name=_("campaign"), on_delete=models.CASCADE, related_name="actions")
    story = models.ForeignKey(
        "stories.Story",
        verbose_name=_("story"),
        null=True,
        blank=True,
        on_delete=models.SET_NULL,
        related_name="actions",
        help_text=_("The story this action belongs to, if any; it is shown on that story's page."),
    )
    slug = models.SlugField(_("slug"), max_length=120, unique=True)
    title = models.CharField(_("title"), max_length=200)
    summary = models.TextField(_("summary"), help_text=_("One or two sentences shown wherever the action is offered."))
    targets = models.TextField(_("addressed to"), help_text=_("Who the appeal calls on, such as the authorities in Kosovo. Plain text."))
    appeal = models.TextField(_("text of the appeal"), help_text=_("What signers ask for. Plain text; leave a blank line between paragraphs."))
    goal = models.PositiveIntegerField(_("signature goal"), default=10000)
    opens_at = models.DateTimeField(_("opens"), null=True, blank=True, help_text=_("Empty: open as soon as it is published."))
    closes_at = models.DateTimeField(_("closes"), null=True, blank=True, help_text=_("Empty: open until staff close it."))
    count_unconfirmed = models.BooleanField(
        _("count unconfirmed signatures"),
        default=False,
        help_text=_("Include signatures whose email address is not yet confirmed in the public count."),
    )
    paper_signatures = models.PositiveIntegerField(_("signatures on paper"), default=0, help_text=_("Added to the public count."))

    objects = ActionQuerySet.as_manager()

    class Meta:
        ordering = ["-published_at"]
        verbose_name = _("action")
        verbose_name_plural = _("actions")
        constraints = [
            models.CheckConstraint(
                condition=Q(closes_at__isnull=True) | Q(opens_at__isnull=True) | Q(closes_at__gt=models.F("opens_at")), name="action_closes_after_it_opens"
            )
        ]

    def __str__(self):
        return self.title

    def get_absolute_url(self):
        return reverse("petitions:action", args=[self.slug])

    @property
    def is_open(self):
        now = timezone.now()
        return self.is_published and (self.opens_at is None or self.opens_at <= now) and (self.closes_at is None or self.closes_at > now)

    def counted_signatures(self):
        signatures = self.signatures.all()
        return signatures if self.count_unconfirmed else signatures.filter(confirmed_at__isnull=False)


class Signature(models.Model):
    """One person's name on one action. Special-category data: kept briefly, shown sparingly."""

    action = models.ForeignKey(Action, verbose_name=_("action"), on_delete=models.CASCADE, related_name="signatures")
    name = models.CharField(_("name"), max_length=120)
    email = models.EmailField(_("email"), max_length=254)
    # The same mailbox however it is written (addresses.mailbox_key): what makes a signature unique.
    mailbox = models.CharField(max_length=254, editable=False)
    country = CountryField(_("country"))
    comment = models.TextField(_("comment"), max_length=500, blank=True)
    comment_approved = models.BooleanField(_("comment approved"), default=False, help_text=_("Comments are shown only once staff approve them."))
    contact_consent = models.BooleanField(_("agreed to hear from Amnesty International"), default=False)
    show_name = models.BooleanField(_("agreed to show first name and country"), default=False)
    language = models.CharField(_("language"), max_length=8, choices=settings.LANGUAGES)
    created_at = models.DateTimeField(_("signed"), default=timezone.now, db_index=True)
    confirmed_at = models.DateTimeField(_("confirmed"), null=True, blank=True, db_index=True)
    # For abuse control only; deleted after a few days (delete_signature_addresses).
    ip_address = models.GenericIPAddressField(_("IP address"), null=True, blank=True)
    flagged = models.BooleanField(_("flagged for review"), default=False, help_text=_("Signed from an address that signed many times; counted, but check it."))
    anonymised_at = models.DateTimeField(_("anonymised"), null=True, blank=True)

    class Meta:
        ordering = ["-created_at"]
        verbose_name = _("signature")
        verbose_name_plural = _("signatures")
        constraints = [models.UniqueConstraint(fields=["action", "mailbox"], name="one_signature_per_mailbox_per_action")]
        indexes = [models.Index(fields=["action", "confirmed_at"], name="signature_count")]

    def __str__(self):
        return f"{self.name} ({self.get_country_display()})"

    def save(self, *args, **kwargs):
        if self.anonymised_at is None:
            self.mailbox = mailbox_key(self.email)
        super().save(*args, **kwargs)

    @property
    def first_name(self):
        return self.name.split()[0] if self.name.split() else ""


class BlockedSender(models.Model):
    """An email domain or IP address whose signatures are quietly refused."""

    class Kind(models.TextChoices):
        DOMAIN = "domain", _("Email domain")
        IP = "ip", _("IP address")

    kind = models.CharField(_("kind"), max_length=10, choices=Kind.choices)
    value = models.CharField(_("domain or address"), max_length=254, unique=True, help_text=_("For example example.com or 203.0.113.7."))
    reason = models.CharField(_("reason"), max_length=200, blank=True)
    created_at = models.DateTimeField(_("added"), auto_now_add=True)

    class Meta:
        ordering = ["value"]
        verbose_name = _("blocked sender")
        verbose_name_plural = _("blocked senders")

    def __str__(self):
        return self.value

    def save(self, *args, **kwargs):
        self.value = self.value.strip().lower()
        super().save(*args, **kwargs)


class Delivery(models.Model):
    """When the appeal, with its signatures, was handed to the people it is addressed to."""

    action = models.ForeignKey(Action, verbose_name=_("action"), on_delete=models.CASCADE, related_name="deliveries")
    delivered_at = models.DateTimeField(_("delivered"), default=timezone.now)
    delivered_to = models.CharField(_("delivered to"), max_length=300)
    signature_count = models.PositiveIntegerField(_("signatures delivered"), default=0)
    note = models.TextField(_("note"), blank=True, help_text=_("For staff; not shown to signers."))

    class Meta:
        ordering = ["-delivered_at"]
        verbose_name = _("delivery")
        verbose_name_plural = _("deliveries")

    def __str__(self):
        return f"{self.action} → {self.delivered_to}"
