"""Attendees-only materials answer 404 to everyone else, also at Wagtail's own document address."""

from django.http import Http404
from wagtail import hooks

from . import permissions
from .models import EventMaterial


@hooks.register("before_serve_document")
def attendees_only_documents(document, request):
    materials = EventMaterial.objects.filter(document=document).select_related("page")
    restricted = [material for material in materials if not material.is_public]
    if not restricted or any(material.is_public for material in materials):
        return None
    if not any(permissions.can_see_material(request.user, material) for material in restricted):
        raise Http404
    return None
