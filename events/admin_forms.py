"""The CMS form for events. The "Event organisers" group may edit every event, but may not make
itself an event's organiser: the organiser decides who sees the attendees (events/permissions.py),
so only someone who already organises the event, or an administrator, may change it."""

from django.utils.translation import gettext_lazy as _
from wagtail.admin.forms import WagtailAdminPageForm


class EventPageForm(WagtailAdminPageForm):
    def clean(self):
        cleaned = super().clean()
        stored = type(self.instance).objects.filter(pk=self.instance.pk).first() if self.instance.pk else None
        if stored and "organiser" in cleaned and cleaned["organiser"] != stored.organiser:
            from .permissions import can_manage_event

            if not can_manage_event(self.for_user, stored):
                self.add_error(
                    "organiser",
                    _("Only the organisers of this event or an administrator can change its organiser."),
                )
        return cleaned
