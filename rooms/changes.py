"""Signals the rooms send for higher apps (search: search/signals.py).

message_changed(sender=Message, message_id): a message changed by a queryset update (deleted,
hidden, shown again), which sends no post_save; sent inside the change's transaction, so a
receiver that needs the commit schedules it itself.
"""

from django.dispatch import Signal

message_changed = Signal()
