"""What every content admin shares: translated fields, status and a preview link."""

from django.contrib import admin
from django.db import models
from django.utils.html import format_html
from django.utils.translation import gettext_lazy as _
from modeltranslation.admin import TranslationAdmin


class PublishableAdmin(TranslationAdmin):
    formfield_overrides = {models.URLField: {"assume_scheme": "https"}}
    list_filter = ["status"]
    readonly_fields = ["preview_link", "updated_at"]

    @admin.display(description=_("preview"))
    def preview_link(self, obj):
        if not obj.pk:
            return _("Save first to preview.")
        return format_html('<a href="{}" target="_blank" rel="noopener">{}</a>', obj.get_preview_url(), _("Preview this version"))

    @admin.action(description=_("Publish the selected items"))
    def publish(self, request, queryset):
        for obj in queryset:  # save() each one so the page cache is refreshed
            obj.status = obj.Status.PUBLISHED
            obj.save(update_fields=["status", "updated_at"])

    @admin.action(description=_("Return the selected items to draft"))
    def unpublish(self, request, queryset):
        for obj in queryset:
            obj.status = obj.Status.DRAFT
            obj.save(update_fields=["status", "updated_at"])

    actions = ["publish", "unpublish"]
