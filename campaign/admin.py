from django.contrib import admin
from django.utils.html import format_html
from django.utils.translation import gettext_lazy as _
from modeltranslation.admin import TranslationAdmin

from .models import Campaign, Image, Section
from .publishing_admin import PublishableAdmin


@admin.register(Campaign)
class CampaignAdmin(PublishableAdmin):
    list_display = ["title", "status", "published_at"]
    prepopulated_fields = {"slug": ["title_en"]}
    search_fields = ["title_en", "title_ar", "title_fr", "title_es"]


@admin.register(Section)
class SectionAdmin(PublishableAdmin):
    # The role decides which header and footer links lead here; its help text
    # (on the model field) explains it on the edit form.
    list_display = ["title", "campaign", "kind", "role", "menu_order", "in_menu", "status"]
    list_editable = ["menu_order", "in_menu"]
    list_filter = ["campaign", "kind", "role", "status"]
    prepopulated_fields = {"slug": ["title_en"]}


@admin.register(Image)
class ImageAdmin(TranslationAdmin):
    list_display = ["thumbnail", "title", "width", "height", "created_at"]
    readonly_fields = ["thumbnail", "width", "height"]
    search_fields = ["title", "alt_text_en"]

    @admin.display(description=_("picture"))
    def thumbnail(self, obj):
        if not obj.pk or not obj.renditions:
            return ""
        return format_html('<img src="{}" alt="{}" width="160">', obj.src, obj.alt_text)
