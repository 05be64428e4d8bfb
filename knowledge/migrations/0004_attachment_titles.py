"""A shared practice's attachments were titled "<practice title>: <file name>" and shown so on the
practice page; they get their own title now, as Wagtail's upload form makes one (knowledge.services
.attachment_title). This renames the ones stored before, in the contributions collection only."""

import re

from django.db import migrations

EXTENSIONS = ("csv", "docx", "odp", "ods", "odt", "pdf", "pptx", "rtf", "txt", "xlsx")


def own_title(filename: str) -> str:
    stem = filename.rsplit(".", 1)[0]
    words = " ".join(re.sub(r"[-_]+", " ", stem).split())
    return (words[:1].upper() + words[1:])[:255] or filename[:255]


def attachments_titled_as_themselves(apps, schema_editor):
    Document = apps.get_model("wagtaildocs", "Document")
    for document in Document.objects.filter(collection__name="Bijdragen", title__contains=": "):
        filename = document.title.rsplit(": ", 1)[1]
        if filename.rsplit(".", 1)[-1].lower() in EXTENSIONS:
            document.title = own_title(filename)
            document.save(update_fields=["title"])


class Migration(migrations.Migration):
    dependencies = [
        ("knowledge", "0003_practices_magazine_taxonomy"),
        ("wagtaildocs", "0014_alter_document_file_size"),
    ]

    operations = [
        migrations.RunPython(attachments_titled_as_themselves, migrations.RunPython.noop, elidable=True),
    ]
