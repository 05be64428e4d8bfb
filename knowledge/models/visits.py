"""When a member last looked at their start page: what "new since your last visit" counts from."""

from django.conf import settings
from django.db import models
from django.utils.translation import gettext_lazy as _


class StartPageVisit(models.Model):
    """One row per member, written by `knowledge.start.member_visit_record` (docs/privacy.md).

    A visit is a run of start-page views less than `VISIT_GAP` apart; `seen_at` is the latest
    view of the current visit and `previous_visit_at` the last view of the visit before, so
    reloading the page does not make the new practices disappear."""

    person = models.OneToOneField(
        settings.AUTH_USER_MODEL, on_delete=models.CASCADE, primary_key=True, related_name="start_page_visit"
    )
    seen_at = models.DateTimeField(_("last view of the start page"))
    previous_visit_at = models.DateTimeField(_("end of the previous visit"), null=True, blank=True)

    class Meta:
        verbose_name = _("start page visit")
        verbose_name_plural = _("start page visits")

    def __str__(self):
        return f"{self.person_id}: {self.seen_at:%Y-%m-%d %H:%M}"
