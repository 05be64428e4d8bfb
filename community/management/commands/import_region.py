"""Create or update a custom region from a file of NIS codes (docs/community.md).

The file holds one NIS code per line, or is a CSV file with a `nis_code` column (comma,
semicolon or tab separated, as spreadsheets save it). An unknown code stops the import and
nothing changes; importing the same name again replaces the region's municipalities.
"""

import csv
from pathlib import Path

from django.core.exceptions import ValidationError
from django.core.management.base import BaseCommand, CommandError
from django.utils.translation import gettext as _

from community import services
from community.models import Region

CODE_COLUMN = "nis_code"
DELIMITERS = ",;\t"


def nis_codes_read(path: Path) -> list[str]:
    try:
        text = path.read_text(encoding="utf-8-sig")
    except (OSError, UnicodeDecodeError) as error:
        raise CommandError(_("Cannot read %(path)s: %(reason)s") % {"path": path, "reason": error}) from error
    lines = [line for line in text.splitlines() if line.strip() and not line.lstrip().startswith("#")]
    if not lines:
        return []
    header = lines[0]
    delimiter = next((character for character in DELIMITERS if character in header), ",")
    if CODE_COLUMN in header.lower():
        rows = csv.reader(lines, delimiter=delimiter)
        columns = [column.strip().lower() for column in next(rows)]
        position = columns.index(CODE_COLUMN)
        return [row[position].strip() for row in rows if len(row) > position and row[position].strip()]
    return [next(csv.reader([line], delimiter=delimiter))[0].strip() for line in lines]


class Command(BaseCommand):
    help = (
        "Create or update the custom region NAME from FILE: one NIS code per line, or a CSV file "
        "with a nis_code column. Unknown codes change nothing."
    )

    def add_arguments(self, parser):
        parser.add_argument("name", help="Name of the custom region.")
        parser.add_argument("file", type=Path, help="Text or CSV file with the NIS codes.")
        parser.add_argument("--description", help="Description of the region (kept on re-import when omitted).")

    def handle(self, *args, name, file, description=None, **options):
        codes = nis_codes_read(file)
        existed = Region.objects.filter(kind=Region.Kind.CUSTOM, name=name.strip()).exists()
        try:
            region = services.region_import(name=name, nis_codes=codes, description=description)
        except ValidationError as error:
            raise CommandError(" ".join(error.messages)) from error
        message = (
            _("Custom region %(name)s updated: %(count)d municipalities.")
            if existed
            else _("Custom region %(name)s created: %(count)d municipalities.")
        )
        self.stdout.write(message % {"name": region.name, "count": region.municipalities.count()})
