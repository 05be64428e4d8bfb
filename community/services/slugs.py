"""One way to give a new row a readable, unique slug."""

from django.db.models import Model
from django.utils.text import slugify


def slug_unique(instance: Model, text: str, *, fallback: str) -> str:
    """`slugify(text)`, or `fallback` when that is empty, with -2, -3, ... appended until no other
    row of the instance's model has it."""
    base = slugify(text) or fallback
    others = type(instance)._default_manager.exclude(pk=instance.pk) if instance.pk else type(instance)._default_manager
    slug, number = base, 2
    while others.filter(slug=slug).exists():
        slug, number = f"{base}-{number}", number + 1
    return slug
