"""collectstatic for production: hashed names, also in the imports between our JavaScript modules."""

import re

import pytest
from django.core.management import call_command


@pytest.mark.django_db
def test_module_imports_point_at_the_hashed_files(settings, tmp_path):
    settings.STATIC_ROOT = str(tmp_path)
    settings.STORAGES = {**settings.STORAGES, "staticfiles": {"BACKEND": "samenhuis.staticfiles.StaticFilesStorage"}}
    call_command("collectstatic", interactive=False, verbosity=0)

    (room,) = [path for path in (tmp_path / "js").glob("room.*.js") if not path.name.endswith(".gz")]
    imported = re.search(r'from "\./(mentions[^"]*)"', room.read_text())
    assert imported and re.fullmatch(r"mentions\.[0-9a-f]{12}\.js", imported.group(1)), imported
    assert (tmp_path / "js" / imported.group(1)).is_file()
