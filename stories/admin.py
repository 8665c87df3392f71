from django.contrib import admin
from django.template.defaultfilters import filesizeformat
from django.utils.translation import gettext_lazy as _
from modeltranslation.admin import TranslationStackedInline

from campaign.publishing_admin import PublishableAdmin

from .models import Fact, Report, ReportFile, Story


class FactInline(TranslationStackedInline):
    model = Fact
    extra = 0
    fields = ["sort_order", "text"]


@admin.register(Story)
class StoryAdmin(PublishableAdmin):
    list_display = ["title", "campaign", "status", "published_at"]
    list_filter = ["campaign", "status"]
    search_fields = ["title_en", "title_ar", "title_fr", "title_es"]
    prepopulated_fields = {"slug": ["title_en"]}
    autocomplete_fields = ["report"]
    inlines = [FactInline]


class ReportFileInline(admin.TabularInline):
    model = ReportFile
    extra = 0
    fields = ["language", "file", "file_format", "size"]
    readonly_fields = ["file_format", "size"]

    @admin.display(description=_("size"))
    def size(self, obj):
        return filesizeformat(obj.size_bytes) if obj.pk else ""


@admin.register(Report)
class ReportAdmin(PublishableAdmin):
    list_display = ["title", "index_number", "status", "published_at"]
    list_filter = ["campaign", "status"]
    search_fields = ["title_en", "title_ar", "title_fr", "title_es", "index_number"]
    prepopulated_fields = {"slug": ["title_en"]}
    inlines = [ReportFileInline]
