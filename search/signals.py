"""What changes the index: publishing, unpublishing, moving and deleting pages; saving and
deleting organisations, messages (edits save the message; deletes and hides send
rooms.changes.message_changed), materials, and exchange's offers and needs.
Each schedules `search.index.index_keys_on_commit`."""

from django.db.models.signals import post_delete, post_save
from django.dispatch import receiver
from wagtail.models import Page, PageViewRestriction
from wagtail.signals import page_published, page_unpublished, post_page_move

from community.models import Organisation
from events.models import EventMaterial
from exchange.models import Need, Offer
from rooms import changes as room_changes
from rooms.models import Message

from .index import index_keys_on_commit
from .sources import keys_for_page


@receiver(page_published, dispatch_uid="search-page-published")
@receiver(page_unpublished, dispatch_uid="search-page-unpublished")
@receiver(post_page_move, dispatch_uid="search-page-moved")
def page_changed(sender, instance, **kwargs):
    _page_and_descendants(instance)


def _page_and_descendants(page: Page) -> None:
    """The page and everything below it: a move, a new slug, an unpublished or restricted
    parent change what is searchable (and where) below it too."""
    keys = keys_for_page(page)
    for descendant in page.get_descendants().iterator():
        keys += keys_for_page(descendant)
    index_keys_on_commit(keys)


@receiver(post_save, sender=PageViewRestriction, dispatch_uid="search-restriction-saved")
@receiver(post_delete, sender=PageViewRestriction, dispatch_uid="search-restriction-deleted")
def restriction_changed(sender, instance, **kwargs):
    page = Page.objects.filter(pk=instance.page_id).first()
    if page is not None:
        _page_and_descendants(page)


@receiver(post_delete, dispatch_uid="search-page-deleted")
def page_deleted(sender, instance, **kwargs):
    if isinstance(instance, Page) and type(instance) is not Page:
        index_keys_on_commit(keys_for_page(instance))


@receiver(post_save, sender=Organisation, dispatch_uid="search-organisation-saved")
@receiver(post_delete, sender=Organisation, dispatch_uid="search-organisation-deleted")
def organisation_changed(sender, instance, **kwargs):
    index_keys_on_commit([f"organisation:{instance.pk}"])


@receiver(post_save, sender=Message, dispatch_uid="search-message-saved")
@receiver(post_delete, sender=Message, dispatch_uid="search-message-deleted")
def message_changed(sender, instance, **kwargs):
    index_keys_on_commit([f"message:{instance.pk}"])


@receiver(room_changes.message_changed, sender=Message, dispatch_uid="search-message-changed")
def message_updated(sender, message_id, **kwargs):
    index_keys_on_commit([f"message:{message_id}"])


@receiver(post_save, sender=EventMaterial, dispatch_uid="search-material-saved")
@receiver(post_delete, sender=EventMaterial, dispatch_uid="search-material-deleted")
def material_changed(sender, instance, **kwargs):
    """The material, and every other use of its document: one use kept for attendees takes the
    document out of search everywhere (events.permissions.materials_for_everyone)."""
    keys = [f"material:{instance.page_id}:{instance.pk}"]
    if instance.document_id:
        others = EventMaterial.objects.filter(document_id=instance.document_id).exclude(pk=instance.pk)
        keys += [f"material:{page_id}:{pk}" for page_id, pk in others.values_list("page_id", "pk")]
    index_keys_on_commit(keys)


@receiver(post_save, sender=Offer, dispatch_uid="search-offer-saved")
@receiver(post_delete, sender=Offer, dispatch_uid="search-offer-deleted")
def offer_changed(sender, instance, **kwargs):
    """An offer and its audience, life domains and places: the services save the offer after
    setting them on a change; on a new offer the document is built after commit, with them set."""
    index_keys_on_commit([f"offer:{instance.pk}"])


@receiver(post_save, sender=Need, dispatch_uid="search-need-saved")
@receiver(post_delete, sender=Need, dispatch_uid="search-need-deleted")
def need_changed(sender, instance, **kwargs):
    index_keys_on_commit([f"need:{instance.pk}"])
