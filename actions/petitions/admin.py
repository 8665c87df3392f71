"""Take action in the staff admin: actions, signatures, blocked senders and deliveries.

Signatures are what signers wrote: staff can read them but never change a
name, an address or a country. What staff decide is whether a comment is
shown (approve) and whether a signature needs a second look (flag). They can
export signatures as CSV (the current filters apply), make the delivery pack
for the authorities, record the delivery (which tells every confirmed
signer), block a domain or an address, and erase a person's data.
"""

import ipaddress
import json
import logging
import re

from django import forms
from django.conf import settings
from django.contrib import admin, messages
from django.contrib.admin.models import CHANGE, DELETION, LogEntry
from django.contrib.admin.options import IncorrectLookupParameters
from django.contrib.contenttypes.models import ContentType
from django.core.exceptions import PermissionDenied
from django.db.models import Count, Q
from django.http import HttpResponseRedirect
from django.shortcuts import get_object_or_404
from django.template.response import TemplateResponse
from django.urls import path, reverse
from django.utils.html import format_html, format_html_join
from django.utils.http import urlencode
from django.utils.text import Truncator
from django.utils.translation import gettext_lazy as _
from django.utils.translation import ngettext
from django_countries.filters import CountryFilter

from campaign.caching import bump_content_generation_on_commit
from campaign.publishing_admin import PublishableAdmin

from . import services
from .addresses import mailbox_key
from .deliveries import record_delivery
from .delivery_pack import pack_response
from .exports import signatures_csv_response
from .models import Action, BlockedSender, Delivery, Signature

logger = logging.getLogger(__name__)

SIGNATURE_COUNT_HELP = _("Left at 0, it is filled in with the total of the delivery pack when the delivery is saved.")
DELIVERY_HELP = _("Saving a new delivery emails every confirmed signer, in their language, to say that the appeal was delivered.")


# Deliveries -----------------------------------------------------------------


class DeliveryFormMixin:
    def formfield_for_dbfield(self, db_field, request, **kwargs):
        field = super().formfield_for_dbfield(db_field, request, **kwargs)
        if db_field.name == "signature_count":
            field.help_text = SIGNATURE_COUNT_HELP
        return field


def tell_staff_about_delivery(request, told):
    message = ngettext(
        "The delivery is recorded. %(count)s confirmed signer will be told by email.",
        "The delivery is recorded. %(count)s confirmed signers will be told by email.",
        told,
    )
    messages.success(request, message % {"count": told})


class DeliveryInline(DeliveryFormMixin, admin.TabularInline):
    model = Delivery
    extra = 0
    fields = ["delivered_at", "delivered_to", "signature_count", "note"]
    verbose_name_plural = _("deliveries (saving a new one emails every confirmed signer)")


@admin.register(Delivery)
class DeliveryAdmin(DeliveryFormMixin, admin.ModelAdmin):
    list_display = ["action", "delivered_at", "delivered_to", "signature_count"]
    list_filter = ["action", "delivered_at"]
    list_select_related = ["action"]
    search_fields = ["delivered_to"]
    fields = ["action", "delivered_at", "delivered_to", "signature_count", "note"]

    def get_readonly_fields(self, request, obj=None):
        # The signers were told about this action's delivery: it stays with it.
        return ["action"] if obj else []

    def render_change_form(self, request, context, add=False, change=False, form_url="", obj=None):
        if add:
            context["subtitle"] = DELIVERY_HELP
        return super().render_change_form(request, context, add, change, form_url, obj)

    def save_model(self, request, obj, form, change):
        super().save_model(request, obj, form, change)
        if not change:  # inside the admin's transaction: the emails are stored with the delivery or not at all
            tell_staff_about_delivery(request, record_delivery(obj))


# Actions --------------------------------------------------------------------


@admin.register(Action)
class ActionAdmin(PublishableAdmin):
    list_display = ["title", "campaign", "status", "opens_at", "closes_at", "confirmed_count", "goal"]
    list_filter = ["status", "campaign"]
    search_fields = ["title_en", "title_ar", "title_fr", "title_es", "slug"]
    prepopulated_fields = {"slug": ["title_en"]}
    readonly_fields = [*PublishableAdmin.readonly_fields, "live_count", "staff_tools"]
    fieldsets = [
        (None, {"fields": ["campaign", "story", "slug", "title", "summary", "targets", "appeal"]}),
        (_("Publishing"), {"fields": ["status", "published_at", "preview_link", "updated_at"]}),
        (_("Collecting signatures"), {"fields": ["goal", "opens_at", "closes_at", "count_unconfirmed", "paper_signatures", "live_count", "staff_tools"]}),
    ]
    inlines = [DeliveryInline]

    def get_queryset(self, request):
        return super().get_queryset(request).annotate(confirmed_signatures=Count("signatures", filter=Q(signatures__confirmed_at__isnull=False)))

    @admin.display(description=_("confirmed signatures"), ordering="confirmed_signatures")
    def confirmed_count(self, obj):
        return obj.confirmed_signatures

    @admin.display(description=_("signatures now"))
    def live_count(self, obj):
        if not obj.pk:
            return "—"
        counts = obj.signatures.aggregate(
            confirmed=Count("pk", filter=Q(confirmed_at__isnull=False)),
            unconfirmed=Count("pk", filter=Q(confirmed_at__isnull=True)),
            flagged=Count("pk", filter=Q(flagged=True)),
        )
        public = (counts["confirmed"] + counts["unconfirmed"] if obj.count_unconfirmed else counts["confirmed"]) + obj.paper_signatures
        return format_html(
            "<strong>{}</strong><br>{}",
            _("%(count)s in the public count") % {"count": public},
            _("%(confirmed)s confirmed, %(unconfirmed)s not confirmed yet, %(paper)s on paper; %(flagged)s flagged for review.")
            % {"confirmed": counts["confirmed"], "unconfirmed": counts["unconfirmed"], "paper": obj.paper_signatures, "flagged": counts["flagged"]},
        )

    @admin.display(description=_("signers"))
    def staff_tools(self, obj):
        if not obj.pk:
            return _("Save first.")
        query = "?" + urlencode({"action__id__exact": obj.pk})
        links = [
            (reverse("admin:petitions_signature_changelist") + query, _("See the signatures")),
            (reverse("admin:petitions_signature_export") + query, _("Export them as CSV")),
            (reverse("admin:petitions_action_delivery_pack", args=[obj.pk]), _("Make the delivery pack")),
        ]
        return format_html("<ul>{}</ul>", format_html_join("", '<li><a href="{}">{}</a></li>', links))

    def get_urls(self):
        return [
            path("<int:pk>/delivery-pack/", self.admin_site.admin_view(self.delivery_pack_view), name="petitions_action_delivery_pack"),
            *super().get_urls(),
        ]

    def save_formset(self, request, form, formset, change):
        super().save_formset(request, form, formset, change)
        if formset.model is Delivery:
            for delivery in formset.new_objects:
                tell_staff_about_delivery(request, record_delivery(delivery))

    def delivery_pack_view(self, request, pk):
        action = get_object_or_404(Action, pk=pk)
        if not (self.has_view_permission(request, action) and request.user.has_perm("petitions.view_signature")):
            raise PermissionDenied
        form = DeliveryPackForm(request.GET or None)
        if form.is_valid():
            logger.info(
                "Delivery pack of action %s (%s, %s) made by staff user %s.", pk, form.cleaned_data["language"], form.cleaned_data["format"], request.user.pk
            )
            return pack_response(action, form.cleaned_data["language"], form.cleaned_data["format"])
        flagged = action.counted_signatures().filter(flagged=True).count()
        context = {
            **self.admin_site.each_context(request),
            "opts": self.opts,
            "title": _("Delivery pack"),
            "subtitle": str(action),
            "action": action,
            "form": form,
            "flagged": flagged,
            "flagged_url": reverse("admin:petitions_signature_changelist") + "?" + urlencode({"action__id__exact": action.pk, "flagged__exact": 1}),
            "counted": action.counted_signatures().count(),
        }
        return TemplateResponse(request, "petitions/admin/delivery_pack.html", context)


class DeliveryPackForm(forms.Form):
    language = forms.ChoiceField(
        label=_("Language of the pack"), choices=settings.LANGUAGES, help_text=_("The title, the appeal and the country names are in this language.")
    )
    format = forms.ChoiceField(
        label=_("File format"), choices=[("pdf", _("PDF, to print or send")), ("csv", _("CSV, for a spreadsheet"))], widget=forms.RadioSelect, initial="pdf"
    )


# Signatures -----------------------------------------------------------------


class ConfirmedFilter(admin.SimpleListFilter):
    title = _("confirmed")
    parameter_name = "confirmed"

    def lookups(self, request, model_admin):
        return [("yes", _("Yes")), ("no", _("No"))]

    def queryset(self, request, queryset):
        if self.value() == "yes":
            return queryset.filter(confirmed_at__isnull=False)
        if self.value() == "no":
            return queryset.filter(confirmed_at__isnull=True)
        return queryset


class CommentFilter(admin.SimpleListFilter):
    title = _("comment")
    parameter_name = "comment"

    def lookups(self, request, model_admin):
        return [("waiting", _("Waiting for approval")), ("approved", _("Approved")), ("none", _("No comment"))]

    def queryset(self, request, queryset):
        if self.value() == "waiting":
            return queryset.exclude(comment="").filter(comment_approved=False)
        if self.value() == "approved":
            return queryset.exclude(comment="").filter(comment_approved=True)
        if self.value() == "none":
            return queryset.filter(comment="")
        return queryset


def neutral_repr(signature):
    """What the admin's history says about a signature: never the signer's name, which may be erased later."""
    return f"signature {signature.pk}"


@admin.register(Signature)
class SignatureAdmin(admin.ModelAdmin):
    list_display = ["name", "email", "action", "country", "created_at", "is_confirmed", "comment_excerpt", "comment_approved", "flagged"]
    list_display_links = ["name"]
    list_editable = ["comment_approved", "flagged"]

    def save_model(self, request, obj, form, change):
        super().save_model(request, obj, form, change)
        if "comment_approved" in form.changed_data:
            # Approved comments are part of the cached action page; a signature alone never rebuilds it.
            bump_content_generation_on_commit()
    list_filter = ["action", ("country", CountryFilter), "created_at", ConfirmedFilter, "flagged", CommentFilter, "language"]
    list_select_related = ["action"]
    list_per_page = 100
    # No second COUNT over every signature on each filtered page.
    show_full_result_count = False
    search_fields = ["name", "email"]
    search_help_text = _("Search by name or email address (any way of writing the address finds it).")
    fields = [
        "action",
        "name",
        "email",
        "country",
        "language",
        "comment",
        "comment_approved",
        "contact_consent",
        "show_name",
        "created_at",
        "confirmed_at",
        "ip_address",
        "flagged",
        "anonymised_at",
    ]
    # Everything the signer wrote stays as they wrote it.
    readonly_fields = [field for field in fields if field not in ("comment_approved", "flagged")]
    actions = ["approve_comments", "withhold_comments", "flag", "unflag", "block_addresses", "export_csv"]
    change_list_template = "petitions/admin/signature_change_list.html"

    def has_add_permission(self, request):
        return False

    @admin.display(description=_("confirmed"), boolean=True, ordering="confirmed_at")
    def is_confirmed(self, obj):
        return obj.confirmed_at is not None

    @admin.display(description=_("comment"))
    def comment_excerpt(self, obj):
        return Truncator(obj.comment).chars(80)

    def get_search_results(self, request, queryset, search_term):
        results, may_have_duplicates = super().get_search_results(request, queryset, search_term)
        term = search_term.strip()
        if "@" in term and " " not in term:
            # Ana.Lopez+news@googlemail.com finds analopez@gmail.com's signatures too.
            results |= queryset.filter(mailbox=mailbox_key(term))
        return results, may_have_duplicates

    # The admin's history: a neutral description, never a name or an address.
    def _log(self, request, objects, flag, message=""):
        content_type = ContentType.objects.get_for_model(Signature)
        entries = [
            LogEntry(
                user_id=request.user.pk,
                content_type_id=content_type.pk,
                object_id=str(obj.pk),
                object_repr=neutral_repr(obj),
                action_flag=flag,
                change_message=json.dumps(message) if isinstance(message, list) else message,
            )
            for obj in objects
        ]
        return LogEntry.objects.bulk_create(entries)

    def log_change(self, request, obj, message):
        return self._log(request, [obj], CHANGE, message)[0]

    def log_deletions(self, request, queryset):
        return self._log(request, queryset, DELETION)

    # Bulk actions.

    @admin.action(description=_("Approve the comments of the selected signatures"), permissions=["change"])
    def approve_comments(self, request, queryset):
        count = queryset.exclude(comment="").update(comment_approved=True)
        bump_content_generation_on_commit()
        self.message_user(request, ngettext("%(count)s comment approved.", "%(count)s comments approved.", count) % {"count": count}, messages.SUCCESS)

    @admin.action(description=_("Withhold the comments of the selected signatures"), permissions=["change"])
    def withhold_comments(self, request, queryset):
        count = queryset.update(comment_approved=False)
        bump_content_generation_on_commit()
        self.message_user(request, ngettext("%(count)s comment withheld.", "%(count)s comments withheld.", count) % {"count": count}, messages.SUCCESS)

    @admin.action(description=_("Flag the selected signatures for review"), permissions=["change"])
    def flag(self, request, queryset):
        count = queryset.update(flagged=True)
        self.message_user(request, ngettext("%(count)s signature flagged.", "%(count)s signatures flagged.", count) % {"count": count}, messages.SUCCESS)

    @admin.action(description=_("Clear the flag of the selected signatures"), permissions=["change"])
    def unflag(self, request, queryset):
        count = queryset.update(flagged=False)
        self.message_user(request, ngettext("%(count)s flag cleared.", "%(count)s flags cleared.", count) % {"count": count}, messages.SUCCESS)

    @admin.action(description=_("Block the IP addresses of the selected signatures"), permissions=["change"])
    def block_addresses(self, request, queryset):
        addresses = set(queryset.exclude(ip_address=None).values_list("ip_address", flat=True).distinct())
        existing = set(BlockedSender.objects.filter(value__in=addresses).values_list("value", flat=True))
        reason = str(_("Blocked from the signatures list."))
        BlockedSender.objects.bulk_create([BlockedSender(kind=BlockedSender.Kind.IP, value=address, reason=reason) for address in sorted(addresses - existing)])
        count = len(addresses - existing)
        self.message_user(
            request,
            ngettext(
                "%(count)s IP address blocked: its signatures from now on are not stored.",
                "%(count)s IP addresses blocked: their signatures from now on are not stored.",
                count,
            )
            % {"count": count},
            messages.SUCCESS,
        )

    @admin.action(description=_("Export the selected signatures as CSV"), permissions=["view"])
    def export_csv(self, request, queryset):
        logger.info("Staff user %s exported selected signatures as CSV.", request.user.pk)
        return signatures_csv_response(queryset)

    # Views of our own: export with the current filters, and erasure.

    def get_urls(self):
        return [
            path("export/", self.admin_site.admin_view(self.export_view), name="petitions_signature_export"),
            path("erase/", self.admin_site.admin_view(self.erase_view), name="petitions_signature_erase"),
            *super().get_urls(),
        ]

    def export_view(self, request):
        """Every signature the list shows with these filters and this search, as CSV: all pages, streamed."""
        if not self.has_view_permission(request):
            raise PermissionDenied
        try:
            changelist = self.get_changelist_instance(request)
        except IncorrectLookupParameters:
            return HttpResponseRedirect(reverse("admin:petitions_signature_changelist") + "?e=1")
        queryset = changelist.get_queryset(request)
        action_id = request.GET.get("action__id__exact", "")
        action = Action.objects.filter(pk=action_id).first() if action_id.isdigit() else None
        logger.info("Staff user %s exported signatures as CSV (filters: %s).", request.user.pk, ", ".join(sorted(request.GET)) or "none")
        return signatures_csv_response(queryset, action.slug if action else "")

    def erase_view(self, request):
        """Erase a person's data: every signature of one mailbox, after a confirmation."""
        if not self.has_delete_permission(request):
            raise PermissionDenied
        form = EraseForm(request.POST or None)
        context = {**self.admin_site.each_context(request), "opts": self.opts, "title": _("Erase a person’s data"), "form": form}
        if request.method == "POST" and form.is_valid():
            mailbox = mailbox_key(form.cleaned_data["email"])
            signatures = Signature.objects.filter(mailbox=mailbox)
            if not form.cleaned_data.get("confirm"):
                context.update(
                    count=signatures.count(),
                    titles=sorted({str(signature.action) for signature in signatures.select_related("action")}),
                    email=form.cleaned_data["email"],
                    confirm_form=EraseForm(initial={"email": form.cleaned_data["email"], "confirm": True}),
                )
                return TemplateResponse(request, "petitions/admin/erase_confirm.html", context)
            deleted = services.erase_mailbox(form.cleaned_data["email"])
            # Logged without the address: the log must not keep what was erased.
            logger.info("Staff user %s erased the data of one person: %d signatures deleted.", request.user.pk, deleted)
            self.message_user(
                request,
                ngettext(
                    "%(count)s signature deleted. Nothing of this person is kept.", "%(count)s signatures deleted. Nothing of this person is kept.", deleted
                )
                % {"count": deleted},
                messages.SUCCESS,
            )
            return HttpResponseRedirect(reverse("admin:petitions_signature_changelist"))
        return TemplateResponse(request, "petitions/admin/erase.html", context)


class EraseForm(forms.Form):
    email = forms.EmailField(
        label=_("Email address"),
        help_text=_("Every signature of this mailbox is deleted, however the address was written (dots and +tags in Gmail addresses too)."),
    )
    confirm = forms.BooleanField(required=False, widget=forms.HiddenInput)


# Blocked senders -------------------------------------------------------------

DOMAIN = re.compile(r"^(?=.{1,253}$)([a-z0-9](?:[a-z0-9-]{0,61}[a-z0-9])?\.)+[a-z0-9-]{2,63}$")


class BlockedSenderForm(forms.ModelForm):
    class Meta:
        model = BlockedSender
        fields = ["kind", "value", "reason"]

    def clean(self):
        cleaned = super().clean()
        kind, value = cleaned.get("kind"), (cleaned.get("value") or "").strip().lower()
        if kind == BlockedSender.Kind.DOMAIN:
            value = value.removeprefix("@")
            if not DOMAIN.match(value):
                self.add_error("value", _("Enter a domain such as example.com, without the part before the @."))
        elif kind == BlockedSender.Kind.IP:
            try:
                value = str(ipaddress.ip_address(value))
            except ValueError:
                self.add_error("value", _("Enter one IP address, such as 203.0.113.7 or 2001:db8::1."))
        cleaned["value"] = value
        return cleaned


@admin.register(BlockedSender)
class BlockedSenderAdmin(admin.ModelAdmin):
    form = BlockedSenderForm
    list_display = ["value", "kind", "reason", "created_at"]
    list_filter = ["kind"]
    search_fields = ["value", "reason"]
