from django.shortcuts import render


def index(request):
    """The calendar. Events, registrations and iCal feeds arrive with the events work (DESIGN.md)."""
    return render(request, "events/index.html")
