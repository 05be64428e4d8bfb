"""What every bench script does first: Django on the test settings, against `DATABASE_URL` or a
SQLite file of the script's own (made anew unless `keep`), migrated."""

import os
import sys
from pathlib import Path

ROOT = Path(__file__).resolve().parents[1]


def django_ready(default_db: Path, *, keep: bool = False) -> None:
    sys.path.insert(0, str(ROOT))
    if not os.environ.get("DATABASE_URL"):
        if not keep:
            for suffix in ("", "-wal", "-shm"):
                Path(f"{default_db}{suffix}").unlink(missing_ok=True)
        os.environ["DATABASE_URL"] = f"sqlite:///{default_db}"
    os.environ["DJANGO_SETTINGS_MODULE"] = "samenhuis.settings.test"
    os.environ.setdefault("SAMENHUIS_TEST_MEDIA", str(ROOT / "var" / "bench-media"))
    import django

    django.setup()
    from django.core.management import call_command

    call_command("migrate", verbosity=0)
