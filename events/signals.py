"""When an editor publishes an event with more seats, the waitlist moves up at once."""

from django.dispatch import receiver
from wagtail.signals import page_published

from .models import EventPage


@receiver(page_published, sender=EventPage, dispatch_uid="events-promote-after-publish")
def promote_after_publish(sender, instance, **kwargs):
    from .services import event_waitlist_promote

    event_waitlist_promote(event=instance)
