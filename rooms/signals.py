"""What the rooms do when a group changes (community's signals, community/signals.py): every
group has its room, and a person whose place in the group changed re-reads their access."""

from django.dispatch import receiver

from community.models import IntervisionGroup
from community.signals import group_access_changed, group_created

from . import services


@receiver(group_created, sender=IntervisionGroup)
def room_for_new_group(sender, group, **kwargs):
    services.room_for_group_ensure(group)


@receiver(group_access_changed, sender=IntervisionGroup)
def room_access_changed(sender, group, person, **kwargs):
    services.room_access_changed_on_commit(group=group, person=person)
