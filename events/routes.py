"""The addresses below the agenda and below each event (Wagtail's routable pages).

The pages only name their routes; what a route does lives in `events.views`.

    /agenda/                       upcoming events, with filters
    /agenda/archief/               past events
    /agenda/agenda.ics             the public iCal feed (events/urls.py: Wagtail routes end in "/")
    /agenda/<event>/               the event, with the registration form
    /agenda/<event>/inschrijven/   register (POST)
    /agenda/<event>/annuleren/     cancel your registration (POST)
    /agenda/<event>/deelnemers/    the attendees (organisers), mailen/ to mail them
    /agenda/<event>/deelnemers.csv the attendees as CSV (events/urls.py)
    /agenda/<event>/agenda.ics     this event alone, for a calendar (events/urls.py)
"""

from wagtail.contrib.routable_page.models import RoutablePageMixin, path


class AgendaRoutesMixin(RoutablePageMixin):
    @path("")
    def upcoming(self, request):
        from . import views

        return views.agenda(request, self, past=False)

    @path("archief/")
    def archive(self, request):
        from . import views

        return views.agenda(request, self, past=True)


class EventRoutesMixin(RoutablePageMixin):
    @path("")
    def detail(self, request):
        from . import views

        return views.event_detail(request, self)

    @path("inschrijven/")
    def register(self, request):
        from . import views

        return views.event_register(request, self)

    @path("annuleren/")
    def cancel(self, request):
        from . import views

        return views.event_cancel(request, self)

    @path("deelnemers/")
    def attendees(self, request):
        from . import views

        return views.event_attendees(request, self)

    @path("deelnemers/mailen/")
    def attendees_mail(self, request):
        from . import views

        return views.event_attendees_mail(request, self)
