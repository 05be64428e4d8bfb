"""Profile photos and Wagtail documents move out of MEDIA_ROOT into PRIVATE_MEDIA_ROOT, which no
URL serves (samenhuis/files.py): before, /media/avatars/… and /media/documents/… answered to anyone
who knew the name, past the checks of the photo view and of /documenten/. The names stay the same,
so the rows need no change; only the files move."""

import shutil
from pathlib import Path

import community.models.people
import samenhuis.files
from django.conf import settings
from django.db import migrations, models

FOLDERS = ("avatars", "documents")


def _move(source_root: Path, target_root: Path) -> None:
    for folder in FOLDERS:
        source = source_root / folder
        if not source.is_dir():
            continue
        for path in sorted(source.rglob("*")):
            if not path.is_file():
                continue
            target = target_root / path.relative_to(source_root)
            if target.exists():
                continue
            target.parent.mkdir(parents=True, exist_ok=True)
            shutil.move(path, target)


def files_to_private_root(apps, schema_editor):
    _move(Path(settings.MEDIA_ROOT), Path(settings.PRIVATE_MEDIA_ROOT))


def files_to_media_root(apps, schema_editor):
    _move(Path(settings.PRIVATE_MEDIA_ROOT), Path(settings.MEDIA_ROOT))


class Migration(migrations.Migration):
    dependencies = [
        ("community", "0003_rooms"),
    ]

    operations = [
        migrations.AlterField(
            model_name="profile",
            name="avatar",
            field=models.ImageField(
                blank=True,
                storage=samenhuis.files.private_storage,
                upload_to=community.models.people.avatar_upload_to,
                verbose_name="photo",
            ),
        ),
        migrations.RunPython(files_to_private_root, files_to_media_root, elidable=True),
    ]
