from django.contrib import admin

from .models import ShareCount


@admin.register(ShareCount)
class ShareCountAdmin(admin.ModelAdmin):
    """Read-only: the counts are written by the share form alone."""

    list_display = ["date", "path", "language", "count"]
    list_filter = ["language", "date"]
    search_fields = ["path"]
    date_hierarchy = "date"

    def has_add_permission(self, request):
        return False

    def has_change_permission(self, request, obj=None):
        return False

    def has_delete_permission(self, request, obj=None):
        return False
