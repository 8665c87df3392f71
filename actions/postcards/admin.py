"""Staff manage the designs. Cards are supporters' private messages: they have no admin page."""

from django.contrib import admin
from django.utils.html import format_html
from django.utils.translation import gettext_lazy as _
from modeltranslation.admin import TranslationAdmin

from .models import PostcardDesign


@admin.register(PostcardDesign)
class PostcardDesignAdmin(TranslationAdmin):
    list_display = ["preview", "title", "slug", "sort_order", "is_active"]
    list_display_links = ["preview", "title"]
    list_editable = ["sort_order", "is_active"]
    list_filter = ["is_active"]
    prepopulated_fields = {"slug": ["title"]}
    readonly_fields = ["preview", "width", "height"]
    search_fields = ["title", "slug", "caption_en", "alt_text_en"]

    @admin.display(description=_("picture"))
    def preview(self, obj):
        if not obj.pk or not obj.thumbnail:
            return ""
        return format_html('<img src="{}" alt="{}" width="160" height="107">', obj.thumbnail.url, obj.alt_text)

    def has_delete_permission(self, request, obj=None):
        # A design that cards were drawn on stays until they are deleted (PROTECT); take it out of the form instead.
        return super().has_delete_permission(request, obj) and (obj is None or not obj.postcards.exists())
