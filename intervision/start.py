"""What intervision shows on an intervision group's page (community's page; registered in
intervision/wagtail_hooks.py under samenhuis/start.py GROUP_SECTIONS): the group's next sessions
and its last ended ones for members, with links to plan one and to the group's methods for its
facilitators. Two queries, however many sessions the group has had.
"""

from django.utils.translation import gettext as _

from samenhuis.start import Section

from .models import Session

UPCOMING_SHOWN = 5
ENDED_SHOWN = 3
FIELDS = ("pk", "title", "status", "planned_for", "ended_at")


def group_sessions_section(request, group, access) -> Section:
    context = {"is_member": access.is_member, "can_plan": access.is_facilitator, "group": group}
    if access.is_member:
        sessions = Session.objects.filter(group=group).only(*FIELDS)
        context["upcoming"] = list(
            sessions.exclude(status=Session.Status.ENDED).order_by("planned_for", "pk")[:UPCOMING_SHOWN]
        )
        context["ended"] = list(sessions.filter(status=Session.Status.ENDED).order_by("-ended_at", "-pk")[:ENDED_SHOWN])
    return Section(
        key="sessions",
        title=_("Intervision sessions"),
        template="intervision/group_sessions_section.html",
        order=30,
        context=context,
    )
