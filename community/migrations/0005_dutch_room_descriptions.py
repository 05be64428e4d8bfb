"""The thematic rooms made by `migrate` got their description in English ("Exchange experience and
questions about gezondheid."): migrate runs with translations off. They are made in Dutch now
(services.rooms._thematic_description); this puts the rooms made before in Dutch too, leaving any
description an administrator wrote alone."""

from django.db import migrations

ENGLISH = "Exchange experience and questions about {domain}."
DUTCH = "Wissel ervaringen en vragen uit over {domain}."


def descriptions_in_dutch(apps, schema_editor):
    Room = apps.get_model("community", "Room")
    for room in Room.objects.filter(kind="public", life_domain__isnull=False).select_related("life_domain"):
        domain = room.life_domain.name.lower()
        if room.description == ENGLISH.format(domain=domain):
            room.description = DUTCH.format(domain=domain)
            room.save(update_fields=["description"])


class Migration(migrations.Migration):
    dependencies = [
        ("community", "0004_private_uploads"),
    ]

    operations = [
        migrations.RunPython(descriptions_in_dutch, migrations.RunPython.noop, elidable=True),
    ]
