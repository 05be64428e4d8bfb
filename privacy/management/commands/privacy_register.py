"""Write the register of processing (samenhuis/register.py) into docs/privacy.md, between the
markers `<!-- register:start -->` and `<!-- register:end -->`; `--check` only says whether the
file is behind (exit status 1), for CI. docs/privacy.md, "Register of processing"."""

from pathlib import Path

from django.conf import settings
from django.core.management.base import BaseCommand, CommandError

from samenhuis.register import MARKDOWN_END, MARKDOWN_START, markdown_with_register


class Command(BaseCommand):
    help = "Write the register of processing into docs/privacy.md; --check: fail when it is not up to date."

    def add_arguments(self, parser):
        parser.add_argument("--check", action="store_true", help="Change nothing; exit 1 when the file differs.")
        parser.add_argument("--path", default=str(Path(settings.BASE_DIR) / "docs" / "privacy.md"))

    def handle(self, *args, check=False, path, **options):
        document = Path(path)
        current = document.read_text(encoding="utf-8")
        try:
            wanted = markdown_with_register(current)
        except ValueError as error:
            raise CommandError(f"{document} has no markers {MARKDOWN_START} … {MARKDOWN_END}.") from error
        if wanted == current:
            self.stdout.write(f"{document}: the register is up to date.")
            return
        if check:
            raise CommandError(f"{document}: the register is behind; run `manage.py privacy_register`.", returncode=1)
        document.write_text(wanted, encoding="utf-8")
        self.stdout.write(f"{document}: the register was written.")
