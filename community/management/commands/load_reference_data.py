"""Bring the municipalities, postcodes and generated regions in line with `community/data/`.

Also runs after every `migrate`; run it by hand after changing a data file (docs/community.md).
"""

from django.core.management.base import BaseCommand, CommandError
from django.utils.translation import gettext as _

from community.models import Municipality, Postcode, Region
from community.reference_data import ReferenceDataError, reference_data_load


class Command(BaseCommand):
    help = "Load the municipalities, postcodes and generated regions from community/data/ (idempotent)."

    def handle(self, *args, **options):
        try:
            changes = reference_data_load()
        except ReferenceDataError as error:
            raise CommandError(str(error)) from error
        regions = Region.objects.all()
        self.stdout.write(
            _("Municipalities: %(total)d (%(changes)d added or changed)")
            % {"total": Municipality.objects.count(), "changes": changes["municipalities"]}
        )
        self.stdout.write(
            _("Postcodes: %(total)d (%(changes)d added or removed)")
            % {"total": Postcode.objects.count(), "changes": changes["postcodes"]}
        )
        self.stdout.write(
            _("Regions from the reference data: %(total)d (%(changes)d added, %(links)d municipalities moved)")
            % {
                "total": regions.filter(kind__in=Region.GENERATED_KINDS).count(),
                "changes": changes["regions"],
                "links": changes["region_links"],
            }
        )
        self.stdout.write(
            _("Custom regions (not touched): %(total)d") % {"total": regions.filter(kind=Region.Kind.CUSTOM).count()}
        )
