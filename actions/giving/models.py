"""Donate or join: what staff configure, and what supporters ask for.

Every amount is a whole number of the currency's smallest unit (pence,
cents), in a PositiveIntegerField or PositiveBigIntegerField, and becomes a
`Money` (money.py) in code. The database checks what must never be wrong: a
gift of more than nothing, a minimum below the maximum, one open membership
per mailbox, one row per payment-provider event.
"""

import calendar
import uuid

from django.conf import settings
from django.core.exceptions import ValidationError
from django.core.validators import MinValueValidator
from django.db import models
from django.db.models import F, Q
from django.utils import timezone
from django.utils.translation import gettext_lazy as _
from django.utils.translation import pgettext_lazy
from django_countries.fields import CountryField

from .money import Money, is_known_currency

MINOR_UNITS_HELP = _("A whole number in the currency's smallest unit (pence, cents): 1000 means 10.00.")


def validate_currency_code(code):
    if not is_known_currency(code):
        raise ValidationError(_("Enter a three-letter ISO 4217 currency code in capitals, such as EUR."), code="currency")


def mailbox_of(address):
    return (address or "").strip().lower()


def add_months(day, months):
    """The same day of the month, `months` later; the month's last day if it is shorter (31 January + 1 → 28 February)."""
    month_index = day.month - 1 + months
    year, month = day.year + month_index // 12, month_index % 12 + 1
    return day.replace(year=year, month=month, day=min(day.day, calendar.monthrange(year, month)[1]))


# What staff configure ---------------------------------------------------------


class CurrencyQuerySet(models.QuerySet):
    def active(self):
        return self.filter(active=True)


class Currency(models.Model):
    """A currency donors may give in, with its limits and preset amounts (DonationOption)."""

    code = models.CharField(
        _("currency code"), max_length=3, unique=True, validators=[validate_currency_code], help_text=_("ISO 4217, such as GBP, EUR or USD.")
    )
    active = models.BooleanField(_("offered to donors"), default=True)
    minimum = models.PositiveIntegerField(_("smallest gift"), validators=[MinValueValidator(1)], help_text=MINOR_UNITS_HELP)
    maximum = models.PositiveIntegerField(_("largest gift"), validators=[MinValueValidator(1)], help_text=MINOR_UNITS_HELP)
    monthly_allowed = models.BooleanField(_("monthly gifts allowed"), default=True)
    other_amount_allowed = models.BooleanField(
        _("other amounts allowed"), default=True, help_text=_("Let donors type an amount of their own, between the smallest and largest gift.")
    )
    sort_order = models.PositiveSmallIntegerField(_("position"), default=0)

    objects = CurrencyQuerySet.as_manager()

    class Meta:
        ordering = ["sort_order", "code"]
        verbose_name = pgettext_lazy("giving", "currency")
        verbose_name_plural = _("currencies")
        constraints = [
            models.CheckConstraint(condition=Q(minimum__gte=1) & Q(maximum__gte=F("minimum")), name="giving_currency_minimum_below_maximum"),
            models.CheckConstraint(condition=Q(code__regex=r"^[A-Z]{3}$"), name="giving_currency_code_iso"),
        ]

    def __str__(self):
        return self.code

    def clean(self):
        if self.minimum and self.maximum and self.minimum > self.maximum:
            raise ValidationError({"maximum": _("The largest gift must be at least the smallest.")})

    def money(self, minor):
        return Money(minor, self.code)

    @property
    def minimum_money(self):
        return self.money(self.minimum)

    @property
    def maximum_money(self):
        return self.money(self.maximum)


class DonationOption(models.Model):
    """A preset amount offered in one currency, for one-off and monthly gifts alike."""

    currency = models.ForeignKey(Currency, verbose_name=pgettext_lazy("giving", "currency"), on_delete=models.CASCADE, related_name="options")
    amount = models.PositiveIntegerField(pgettext_lazy("giving", "amount"), validators=[MinValueValidator(1)], help_text=MINOR_UNITS_HELP)
    sort_order = models.PositiveSmallIntegerField(_("position"), default=0)

    class Meta:
        ordering = ["sort_order", "amount"]
        verbose_name = _("preset amount")
        verbose_name_plural = _("preset amounts")
        constraints = [
            models.UniqueConstraint(fields=["currency", "amount"], name="giving_option_unique_per_currency"),
            models.CheckConstraint(condition=Q(amount__gte=1), name="giving_option_amount_positive"),
        ]

    def __str__(self):
        return self.money.format()

    @property
    def money(self):
        return Money(self.amount, self.currency.code)

    def clean(self):
        currency = getattr(self, "currency", None)
        if currency is not None and self.amount and not (currency.minimum <= self.amount <= currency.maximum):
            raise ValidationError({"amount": _("A preset amount must lie between the currency's smallest and largest gift.")})


class WayToGive(models.Model):
    """Another way to give, shown and emailed with every pledge: bank transfer details, the local section's page."""

    title = models.CharField(_("title"), max_length=120)
    details = models.TextField(
        pgettext_lazy("giving", "details"),
        blank=True,
        help_text=_("Plain text, such as the bank account to transfer to. Leave a blank line between paragraphs."),
    )
    link_url = models.URLField(
        pgettext_lazy("giving", "link"),
        blank=True,
        help_text=_("An https:// address, such as the local section's donation page, in each language."),
    )
    link_label = models.CharField(pgettext_lazy("giving", "link text"), max_length=120, blank=True)
    active = models.BooleanField(pgettext_lazy("giving", "shown"), default=True)
    sort_order = models.PositiveSmallIntegerField(_("position"), default=0)

    class Meta:
        ordering = ["sort_order", "pk"]
        verbose_name = _("way to give")
        verbose_name_plural = _("ways to give")

    def __str__(self):
        return self.title

    def clean(self):
        for field in ("link_url", *(f"link_url_{code}" for code, _name in settings.LANGUAGES)):
            value = getattr(self, field, "") or ""
            if value and not value.startswith("https://"):
                raise ValidationError({field: _("Use an https:// address.")})


class MembershipType(models.Model):
    """A kind of membership, with the fee and how long one payment of it lasts."""

    slug = models.SlugField(_("slug"), max_length=60, unique=True)
    name = models.CharField(pgettext_lazy("giving", "name"), max_length=120)
    description = models.TextField(pgettext_lazy("giving", "description"), blank=True)
    fee = models.PositiveIntegerField(pgettext_lazy("giving", "fee"), help_text=MINOR_UNITS_HELP)
    currency = models.CharField(_("currency of the fee"), max_length=3, validators=[validate_currency_code], default="EUR")
    period_months = models.PositiveSmallIntegerField(_("months one fee lasts"), default=12, validators=[MinValueValidator(1)])
    active = models.BooleanField(pgettext_lazy("giving", "offered"), default=True)
    sort_order = models.PositiveSmallIntegerField(_("position"), default=0)

    class Meta:
        ordering = ["sort_order", "pk"]
        verbose_name = _("membership type")
        verbose_name_plural = _("membership types")
        constraints = [
            models.CheckConstraint(condition=Q(period_months__gte=1), name="giving_membership_period_positive"),
            models.CheckConstraint(condition=Q(currency__regex=r"^[A-Z]{3}$"), name="giving_membership_currency_iso"),
        ]

    def __str__(self):
        return self.name

    @property
    def fee_money(self):
        return Money(self.fee, self.currency)


# What supporters ask for --------------------------------------------------------


class Membership(models.Model):
    """An application to join, and the membership it becomes.

    pending → confirmed (the applicant clicked the link in the email) →
    active (staff recorded a fee payment) → lapsed (the fee's period ran out:
    `manage.py update_memberships` checks every day) → active again with the
    next payment. The member may cancel at any point from the link in their
    emails; staff may also set any status by hand.
    """

    class Status(models.TextChoices):
        PENDING = "pending", _("Waiting for email confirmation")
        CONFIRMED = "confirmed", _("Confirmed, fee not yet paid")
        ACTIVE = "active", pgettext_lazy("giving", "Active")
        LAPSED = "lapsed", pgettext_lazy("giving", "Lapsed")
        CANCELLED = "cancelled", pgettext_lazy("giving", "Cancelled")

    name = models.CharField(pgettext_lazy("giving", "name"), max_length=120)
    email = models.EmailField(pgettext_lazy("giving", "email"), max_length=254)
    # The address in one case, without spaces: what makes an open membership unique.
    mailbox = models.CharField(max_length=254, editable=False)
    address = models.TextField(pgettext_lazy("giving", "postal address"), max_length=500)
    country = CountryField(pgettext_lazy("giving", "country"))
    membership_type = models.ForeignKey(MembershipType, verbose_name=_("membership type"), on_delete=models.PROTECT, related_name="memberships")
    consent = models.BooleanField(_("agreed to the use of their details"), default=False)
    language = models.CharField(_("language"), max_length=8, choices=settings.LANGUAGES)
    status = models.CharField(_("status"), max_length=10, choices=Status.choices, default=Status.PENDING, db_index=True)
    created_at = models.DateTimeField(pgettext_lazy("giving", "applied"), default=timezone.now, db_index=True)
    confirmed_at = models.DateTimeField(pgettext_lazy("giving", "confirmed"), null=True, blank=True)
    fee_paid_on = models.DateField(
        _("fee last paid on"), null=True, blank=True, help_text=_("Recording a payment makes the membership active until its period runs out.")
    )
    cancelled_at = models.DateTimeField(pgettext_lazy("giving", "cancelled"), null=True, blank=True)

    class Meta:
        ordering = ["-created_at"]
        verbose_name = pgettext_lazy("giving", "membership")
        verbose_name_plural = pgettext_lazy("giving", "memberships")
        constraints = [
            # A double click, a refresh or two tabs give one application, not two.
            models.UniqueConstraint(fields=["mailbox"], condition=~Q(status="cancelled"), name="giving_one_open_membership_per_mailbox"),
            models.CheckConstraint(condition=Q(consent=True), name="giving_membership_needs_consent"),
            models.CheckConstraint(condition=Q(status__in=["pending", "confirmed", "active", "lapsed", "cancelled"]), name="giving_membership_status_known"),
        ]

    def __str__(self):
        return f"{self.name} ({self.membership_type})"

    def save(self, *args, **kwargs):
        self.mailbox = mailbox_of(self.email)
        super().save(*args, **kwargs)

    @property
    def paid_until(self):
        """The last day the last fee paid for, or None."""
        if self.fee_paid_on is None:
            return None
        return add_months(self.fee_paid_on, self.membership_type.period_months)

    def status_on(self, day):
        """Active or lapsed as the fee dates say; any other status as it stands."""
        if self.status in (self.Status.ACTIVE, self.Status.LAPSED) and self.paid_until is not None:
            return self.Status.ACTIVE if day < self.paid_until else self.Status.LAPSED
        return self.status


class Donation(models.Model):
    """One gift: a one-off payment, a monthly gift (its first payment), a renewal of one, or a pledge.

    pending → paid, failed or refunded, as the payment provider reports
    (webhooks.py), never as the visitor's browser says. A pledge stays
    pending until staff record that the money arrived.
    """

    class Frequency(models.TextChoices):
        ONE_OFF = "one_off", pgettext_lazy("giving", "One-off")
        MONTHLY = "monthly", pgettext_lazy("giving", "Monthly")

    class Status(models.TextChoices):
        PENDING = "pending", pgettext_lazy("giving", "Pending")
        PAID = "paid", pgettext_lazy("giving", "Paid")
        FAILED = "failed", pgettext_lazy("giving", "Failed")
        REFUNDED = "refunded", pgettext_lazy("giving", "Refunded")

    class Provider(models.TextChoices):
        STRIPE = "stripe", _("Card payment (Stripe)")
        PLEDGE = "pledge", pgettext_lazy("giving", "Pledge")

    reference = models.UUIDField(pgettext_lazy("giving", "reference"), default=uuid.uuid4, unique=True, editable=False)
    amount = models.PositiveBigIntegerField(pgettext_lazy("giving", "amount"), help_text=MINOR_UNITS_HELP)
    currency = models.CharField(pgettext_lazy("giving", "currency"), max_length=3)
    frequency = models.CharField(pgettext_lazy("giving", "frequency"), max_length=8, choices=Frequency.choices, default=Frequency.ONE_OFF)
    provider = models.CharField(_("way of giving"), max_length=8, choices=Provider.choices)
    status = models.CharField(_("status"), max_length=8, choices=Status.choices, default=Status.PENDING, db_index=True)
    email = models.EmailField(pgettext_lazy("giving", "email"), max_length=254)
    language = models.CharField(_("language"), max_length=8, choices=settings.LANGUAGES)
    created_at = models.DateTimeField(pgettext_lazy("giving", "started"), default=timezone.now, db_index=True)
    # When the donor made their choice on the last step: sent to the payment page, or pledged.
    submitted_at = models.DateTimeField(pgettext_lazy("giving", "submitted"), null=True, blank=True)
    paid_at = models.DateTimeField(pgettext_lazy("giving", "paid"), null=True, blank=True)
    failed_at = models.DateTimeField(_("failed"), null=True, blank=True)
    refunded_at = models.DateTimeField(pgettext_lazy("giving", "refunded"), null=True, blank=True)
    amount_refunded = models.PositiveBigIntegerField(_("amount refunded"), default=0, help_text=MINOR_UNITS_HELP)
    receipt_sent_at = models.DateTimeField(_("receipt queued"), null=True, blank=True)
    renewal_of = models.ForeignKey(
        "self",
        verbose_name=_("renewal of"),
        null=True,
        blank=True,
        on_delete=models.PROTECT,
        related_name="renewals",
        help_text=_("The monthly gift this payment renews."),
    )
    stripe_session = models.CharField(_("Stripe Checkout session"), max_length=255, null=True, blank=True, unique=True)
    checkout_url = models.URLField(max_length=2000, blank=True, editable=False)
    checkout_expires_at = models.DateTimeField(null=True, blank=True, editable=False)
    stripe_payment_intent = models.CharField(_("Stripe payment"), max_length=255, null=True, blank=True, unique=True)
    stripe_subscription = models.CharField(_("Stripe subscription"), max_length=255, blank=True, db_index=True)
    stripe_invoice = models.CharField(_("Stripe invoice"), max_length=255, null=True, blank=True, unique=True)

    class Meta:
        ordering = ["-created_at"]
        verbose_name = pgettext_lazy("giving", "donation")
        verbose_name_plural = pgettext_lazy("giving", "donations")
        constraints = [
            models.CheckConstraint(condition=Q(amount__gte=1), name="giving_donation_amount_positive"),
            models.CheckConstraint(condition=Q(currency__regex=r"^[A-Z]{3}$"), name="giving_donation_currency_iso"),
            models.CheckConstraint(condition=Q(status__in=["pending", "paid", "failed", "refunded"]), name="giving_donation_status_known"),
            models.CheckConstraint(condition=Q(frequency__in=["one_off", "monthly"]), name="giving_donation_frequency_known"),
            models.CheckConstraint(condition=Q(provider__in=["stripe", "pledge"]), name="giving_donation_provider_known"),
            # A pledge never reaches the payment provider.
            models.CheckConstraint(
                condition=~Q(provider="pledge") | (Q(stripe_session__isnull=True) & Q(stripe_payment_intent__isnull=True) & Q(stripe_invoice__isnull=True)),
                name="giving_pledge_has_no_payment",
            ),
        ]

    def __str__(self):
        return f"{self.money.format()} ({self.get_frequency_display()}, {self.get_status_display()})"

    @property
    def money(self):
        return Money(int(self.amount), self.currency)

    @property
    def refunded_money(self):
        return Money(int(self.amount_refunded), self.currency)

    @property
    def is_pledge(self):
        return self.provider == self.Provider.PLEDGE

    @property
    def is_monthly(self):
        return self.frequency == self.Frequency.MONTHLY

    @property
    def checkout_is_open(self):
        return bool(self.checkout_url) and self.checkout_expires_at is not None and timezone.now() < self.checkout_expires_at


class ProcessedEvent(models.Model):
    """A payment provider's event, once handled: the same event delivered again changes nothing."""

    event_id = models.CharField(pgettext_lazy("giving", "event"), max_length=255, primary_key=True)
    type = models.CharField(pgettext_lazy("giving", "type"), max_length=100)
    processed_at = models.DateTimeField(pgettext_lazy("giving", "processed"), default=timezone.now)

    class Meta:
        ordering = ["-processed_at"]
        verbose_name = _("payment event")
        verbose_name_plural = _("payment events")

    def __str__(self):
        return f"{self.type} {self.event_id}"
