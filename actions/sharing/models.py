"""What the site keeps of a shared page: a count per page, language and day, and nothing else.

No sender, friend, note or address is stored here. The emails themselves
sit in the outbox until they are delivered, which then forgets their
recipients (actions/outbox).
"""

from django.db import IntegrityError, models, transaction
from django.db.models import F
from django.utils import timezone
from django.utils.translation import gettext_lazy as _


class ShareCountQuerySet(models.QuerySet):
    def add(self, path, language, emails, day=None):
        """Count `emails` more emails sent about `path` today, safely under concurrency.

        Call it inside the transaction that queues the emails. An existing row
        is updated with F() (no lost update); the first share of the day
        creates the row, and if another request created it in the meantime
        the unique constraint refuses the second row and the update runs again.
        """
        day = day or timezone.localdate()
        row = self.filter(path=path, language=language, date=day)
        if row.update(count=F("count") + emails):
            return
        try:
            with transaction.atomic():  # a savepoint: the caller's transaction survives a refusal
                self.create(path=path, language=language, date=day, count=emails)
        except IntegrityError:
            row.update(count=F("count") + emails)


class ShareCount(models.Model):
    path = models.CharField(_("page address"), max_length=500, help_text=_("The address of the page that was sent, with its language."))
    language = models.CharField(_("language"), max_length=10, help_text=_("The language of the form that sent it."))
    date = models.DateField(_("day"))
    count = models.PositiveIntegerField(_("emails sent"), default=0)

    objects = ShareCountQuerySet.as_manager()

    class Meta:
        verbose_name = _("page sent to friends")
        verbose_name_plural = _("pages sent to friends")
        ordering = ["-date", "path", "language"]
        constraints = [models.UniqueConstraint(fields=["path", "language", "date"], name="sharecount_one_row_per_page_language_day")]

    def __str__(self):
        return f"{self.path} ({self.language}, {self.date}): {self.count}"
