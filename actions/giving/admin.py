"""Staff configure what is offered, and see, filter and export applications and gifts.

Exports stream a CSV row by row from `.iterator()`, so ten thousand members
never sit in memory, and say `private, no-store`: they hold personal data.
"""

import csv

from django.contrib import admin, messages
from django.db import models
from django.http import StreamingHttpResponse
from django.utils import timezone
from django.utils.cache import patch_cache_control
from django.utils.translation import gettext_lazy as _
from django.utils.translation import ngettext, pgettext_lazy
from modeltranslation.admin import TranslationAdmin

from . import services
from .models import Currency, Donation, DonationOption, Membership, MembershipType, ProcessedEvent, WayToGive

# A cell starting with one of these is a formula to a spreadsheet: "=HYPERLINK(…)" typed as a name.
FORMULA_STARTS = ("=", "+", "-", "@", "\t", "\r")


class Echo:
    """A file whose write() hands back the line, for csv.writer inside a streaming response."""

    def write(self, value):
        return value


def spreadsheet_safe(value):
    text = "" if value is None else str(value)
    return "'" + text if text.startswith(FORMULA_STARTS) else text


def stream_csv(filename, header, rows):
    writer = csv.writer(Echo())
    lines = (writer.writerow([spreadsheet_safe(value) for value in row]) for row in rows)
    response = StreamingHttpResponse(_with_header(writer, header, lines), content_type="text/csv; charset=utf-8")
    response["Content-Disposition"] = f'attachment; filename="{filename}"'
    patch_cache_control(response, private=True, no_store=True)
    return response


def _with_header(writer, header, lines):
    yield "\ufeff"  # so that spreadsheet programs read the file as UTF-8 (Arabic names)
    yield writer.writerow([str(title) for title in header])
    yield from lines


class DonationOptionInline(admin.TabularInline):
    model = DonationOption
    extra = 1


@admin.register(Currency)
class CurrencyAdmin(admin.ModelAdmin):
    list_display = ["code", "active", "smallest", "largest", "monthly_allowed", "other_amount_allowed", "presets", "sort_order"]
    list_editable = ["active", "sort_order"]
    inlines = [DonationOptionInline]

    @admin.display(description=_("smallest gift"))
    def smallest(self, obj):
        return obj.minimum_money.format()

    @admin.display(description=_("largest gift"))
    def largest(self, obj):
        return obj.maximum_money.format()

    @admin.display(description=_("preset amounts"))
    def presets(self, obj):
        return ", ".join(option.money.format() for option in obj.options.all())

    def get_queryset(self, request):
        return super().get_queryset(request).prefetch_related("options")


@admin.register(MembershipType)
class MembershipTypeAdmin(TranslationAdmin):
    list_display = ["name", "fee_shown", "period_months", "active", "sort_order"]
    list_editable = ["active", "sort_order"]
    prepopulated_fields = {"slug": ["name_en"]}

    @admin.display(description=pgettext_lazy("giving", "fee"))
    def fee_shown(self, obj):
        return obj.fee_money.format()


@admin.register(WayToGive)
class WayToGiveAdmin(TranslationAdmin):
    list_display = ["title", "active", "sort_order"]
    list_editable = ["active", "sort_order"]
    formfield_overrides = {models.URLField: {"assume_scheme": "https"}}


@admin.register(Membership)
class MembershipAdmin(admin.ModelAdmin):
    list_display = ["name", "email", "country", "membership_type", "status", "created_at", "confirmed_at", "fee_paid_on", "paid_until_shown"]
    list_filter = ["status", "membership_type", "country", "language", "created_at", "fee_paid_on"]
    search_fields = ["name", "email"]
    date_hierarchy = "created_at"
    readonly_fields = ["language", "consent", "created_at", "confirmed_at", "cancelled_at", "paid_until_shown"]
    list_select_related = ["membership_type"]
    actions = ["export_csv", "record_fee_paid_today", "mark_lapsed"]

    @admin.display(description=_("paid until"))
    def paid_until_shown(self, obj):
        return obj.paid_until or "–"

    @admin.action(description=_("Export the selected memberships as CSV"))
    def export_csv(self, request, queryset):
        header = [
            pgettext_lazy("giving", "name"),
            pgettext_lazy("giving", "email"),
            pgettext_lazy("giving", "postal address"),
            pgettext_lazy("giving", "country"),
            _("membership type"),
            _("status"),
            _("language"),
            pgettext_lazy("giving", "applied"),
            pgettext_lazy("giving", "confirmed"),
            _("fee last paid on"),
            _("paid until"),
        ]
        rows = (
            [
                m.name,
                m.email,
                m.address,
                m.country.code,
                m.membership_type.slug,
                m.status,
                m.language,
                m.created_at.isoformat(),
                m.confirmed_at and m.confirmed_at.isoformat(),
                m.fee_paid_on,
                m.paid_until,
            ]
            for m in queryset.select_related("membership_type").order_by("pk").iterator(chunk_size=500)
        )
        return stream_csv(f"memberships-{timezone.localdate().isoformat()}.csv", header, rows)

    @admin.action(description=_("Record a fee paid today (makes the membership active)"))
    def record_fee_paid_today(self, request, queryset):
        today = timezone.localdate()
        recorded = sum(services.record_fee_paid(membership, today) for membership in queryset)
        self.message_user(
            request, ngettext("%(count)d membership is now active.", "%(count)d memberships are now active.", recorded) % {"count": recorded}, messages.SUCCESS
        )

    @admin.action(description=_("Mark as lapsed"))
    def mark_lapsed(self, request, queryset):
        changed = queryset.filter(status__in=[Membership.Status.ACTIVE, Membership.Status.CONFIRMED]).update(status=Membership.Status.LAPSED)
        self.message_user(
            request,
            ngettext("%(count)d membership marked as lapsed.", "%(count)d memberships marked as lapsed.", changed) % {"count": changed},
            messages.SUCCESS,
        )


@admin.register(Donation)
class DonationAdmin(admin.ModelAdmin):
    list_display = ["short_reference", "amount_shown", "frequency", "provider", "status", "email", "created_at", "paid_at"]
    list_filter = ["status", "provider", "frequency", "currency", "language", "created_at"]
    search_fields = ["email", "reference", "stripe_session", "stripe_payment_intent", "stripe_subscription", "stripe_invoice"]
    date_hierarchy = "created_at"
    actions = ["export_csv", "record_pledge_received"]
    # What the payment provider reports is never edited by hand.
    readonly_fields = [
        "reference", "amount_shown", "amount", "currency", "frequency", "provider", "status", "email", "language", "created_at", "submitted_at",
        "paid_at", "failed_at", "refunded_at", "amount_refunded", "receipt_sent_at", "renewal_of", "stripe_session", "stripe_payment_intent",
        "stripe_subscription", "stripe_invoice",
    ]  # fmt: skip

    def has_add_permission(self, request):
        return False

    @admin.display(description=pgettext_lazy("giving", "reference"))
    def short_reference(self, obj):
        return str(obj.reference).split("-")[0].upper()

    @admin.display(description=pgettext_lazy("giving", "amount"))
    def amount_shown(self, obj):
        return obj.money.format()

    @admin.action(description=_("Export the selected donations as CSV"))
    def export_csv(self, request, queryset):
        header = [
            pgettext_lazy("giving", "reference"),
            pgettext_lazy("giving", "amount"),
            pgettext_lazy("giving", "currency"),
            pgettext_lazy("giving", "frequency"),
            _("way of giving"),
            _("status"),
            pgettext_lazy("giving", "email"),
            _("language"),
            pgettext_lazy("giving", "started"),
            pgettext_lazy("giving", "paid"),
            _("amount refunded"),
        ]
        rows = (
            [
                d.reference,
                d.money.major,
                d.currency,
                d.frequency,
                d.provider,
                d.status,
                d.email,
                d.language,
                d.created_at.isoformat(),
                d.paid_at and d.paid_at.isoformat(),
                d.refunded_money.major,
            ]
            for d in queryset.order_by("pk").iterator(chunk_size=500)
        )
        return stream_csv(f"donations-{timezone.localdate().isoformat()}.csv", header, rows)

    @admin.action(description=_("Record that the pledged gift arrived (marks it paid and sends a receipt)"))
    def record_pledge_received(self, request, queryset):
        recorded = sum(services.mark_pledge_received(donation) for donation in queryset.filter(provider=Donation.Provider.PLEDGE))
        self.message_user(
            request, ngettext("%(count)d pledge recorded as paid.", "%(count)d pledges recorded as paid.", recorded) % {"count": recorded}, messages.SUCCESS
        )


@admin.register(ProcessedEvent)
class ProcessedEventAdmin(admin.ModelAdmin):
    list_display = ["event_id", "type", "processed_at"]
    list_filter = ["type"]
    search_fields = ["event_id"]

    def has_add_permission(self, request):
        return False

    def has_change_permission(self, request, obj=None):
        return False
