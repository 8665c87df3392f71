"""Outgoing email in the staff admin: post_office's own, with "queue again" for the worker.

post_office registers its Email, Log, Attachment and EmailTemplate admin on
our site (/admin/post_office/email/, filtered by status). Its "Requeue"
action keeps the count of attempts already spent, and its "Resend" button
sends from inside the web request. Here both put the email back in the queue
with a fresh count, due now, for the worker to deliver.
"""

from django.contrib import admin, messages
from django.http import HttpResponseRedirect
from django.urls import reverse
from django.utils.translation import gettext_lazy as _
from django.utils.translation import ngettext, pgettext_lazy
from post_office.admin import EmailAdmin
from post_office.models import STATUS, Email

from .delivery import requeue

# post_office's own labels that staff see most, repeated here so that
# makemessages keeps their Arabic, French and Spanish in our catalogues.
POST_OFFICE_LABELS = (
    _("Post Office"),
    pgettext_lazy("Email address", "Email"),
    pgettext_lazy("Email addresses", "Emails"),
    _("Status"),
    _("sent"),
    _("failed"),
    _("queued"),
    _("requeued"),
    _("To"),
    _("Subject"),
    _("Scheduled Time"),
    _("Log"),
    _("Logs"),
)


def tell_requeued(request, count, sent):
    message = ngettext(
        "%(count)d email queued again: the worker will send it shortly.",
        "%(count)d emails queued again: the worker will send them shortly.",
        count,
    )
    messages.success(request, message % {"count": count})
    if sent:
        messages.warning(request, _("Sent emails cannot be sent again: who they went to is forgotten once they are delivered."))


@admin.action(description=_("Queue the selected emails again"), permissions=["change"])
def queue_again(modeladmin, request, queryset):
    sent = queryset.filter(status=STATUS.sent).exists()
    tell_requeued(request, requeue(queryset), sent)


class OutboxEmailAdmin(EmailAdmin):
    actions = [queue_again]

    def resend(self, request, pk):
        """post_office's "Resend" button, which would send from the web request: queue it again instead."""
        email = self._get_object_or_deny(request, pk, "change")
        tell_requeued(request, requeue(Email.objects.filter(pk=email.pk)), email.status == STATUS.sent)
        return HttpResponseRedirect(reverse("admin:post_office_email_change", args=[email.pk]))


admin.site.unregister(Email)
admin.site.register(Email, OutboxEmailAdmin)
