"""Load the municipalities, postcodes and generated regions from `community/data/`.

Idempotent: a second load changes nothing; a changed file updates names and moves
municipalities between generated regions. Custom regions are never touched. Runs after every
`migrate` (so a fresh database, and every test database, has the data) and on demand with
`manage.py load_reference_data`.
"""

import csv
from collections import defaultdict
from dataclasses import dataclass, field
from pathlib import Path

from django.db import transaction
from django.utils.text import slugify

from .models import Municipality, Postcode, Region

DATA_DIR = Path(__file__).resolve().parent / "data"
MUNICIPALITIES_FILE = DATA_DIR / "municipalities-2025.csv"
POSTCODES_FILE = DATA_DIR / "postcodes-2025.csv"

GEWEST_BY_NAME = {
    "Vlaams Gewest": Municipality.Gewest.FLANDERS,
    "Brussels Hoofdstedelijk Gewest": Municipality.Gewest.BRUSSELS,
}
BRUSSELS_REGION_NAME = "Brussels Hoofdstedelijk Gewest"
SLUG_PREFIX = {
    Region.Kind.PROVINCE: "provincie",
    Region.Kind.REFERENCE_REGION: "referentieregio",
    Region.Kind.PRIMARY_CARE_ZONE: "eerstelijnszone",
}


class ReferenceDataError(Exception):
    """The data file is wrong; the message names the line and what is wrong with it."""


@dataclass
class ReferenceData:
    municipalities: dict[str, dict] = field(default_factory=dict)
    postcodes: set[tuple[str, str]] = field(default_factory=set)
    regions: dict[tuple[str, str], set[str]] = field(default_factory=lambda: defaultdict(set))


def _rows(path: Path):
    with path.open(encoding="utf-8", newline="") as handle:
        lines = (line for line in handle if not line.startswith("#"))
        yield from csv.DictReader(lines)


def reference_data_read() -> ReferenceData:
    data = ReferenceData()
    for number, row in enumerate(_rows(MUNICIPALITIES_FILE), start=1):
        code = row["nis_code"].strip()
        if not (code.isdigit() and len(code) == 5) or row["region"] not in GEWEST_BY_NAME:
            raise ReferenceDataError(f"{MUNICIPALITIES_FILE.name}, record {number}: invalid NIS code or region.")
        gewest = GEWEST_BY_NAME[row["region"]]
        data.municipalities[code] = {
            "name_nl": row["name_nl"].strip(),
            "name_fr": row["name_fr"].strip(),
            "gewest": gewest,
            "province": row["province_nl"].strip(),
        }
        if gewest == Municipality.Gewest.BRUSSELS:
            data.regions[(Region.Kind.BRUSSELS, BRUSSELS_REGION_NAME)].add(code)
        else:
            data.regions[(Region.Kind.PROVINCE, row["province_nl"].strip())].add(code)
        if row["referentieregio"].strip():
            data.regions[(Region.Kind.REFERENCE_REGION, row["referentieregio"].strip())].add(code)
        if row["eerstelijnszone"].strip():
            data.regions[(Region.Kind.PRIMARY_CARE_ZONE, row["eerstelijnszone"].strip())].add(code)
    for number, row in enumerate(_rows(POSTCODES_FILE), start=1):
        code, nis_code = row["postcode"].strip(), row["nis_code"].strip()
        if nis_code not in data.municipalities:
            raise ReferenceDataError(f"{POSTCODES_FILE.name}, record {number}: unknown NIS code {nis_code}.")
        data.postcodes.add((code, nis_code))
    return data


def region_slug(kind: str, name: str) -> str:
    prefix = SLUG_PREFIX.get(kind)
    return slugify(f"{prefix} {name}") if prefix else slugify(name)


@transaction.atomic
def reference_data_load() -> dict[str, int]:
    """Bring the database in line with the files; returns how many rows were created or changed."""
    data = reference_data_read()
    changes = {"municipalities": 0, "postcodes": 0, "regions": 0, "region_links": 0}

    existing = {m.nis_code: m for m in Municipality.objects.all()}
    new, changed = [], []
    for code, values in data.municipalities.items():
        municipality = existing.get(code)
        if municipality is None:
            new.append(Municipality(nis_code=code, **values))
        elif any(getattr(municipality, key) != value for key, value in values.items()):
            for key, value in values.items():
                setattr(municipality, key, value)
            changed.append(municipality)
    Municipality.objects.bulk_create(new)
    Municipality.objects.bulk_update(changed, ["name_nl", "name_fr", "gewest", "province"])
    changes["municipalities"] = len(new) + len(changed)
    ids = dict(Municipality.objects.values_list("nis_code", "pk"))

    have = set(Postcode.objects.values_list("code", "municipality__nis_code"))
    Postcode.objects.bulk_create(
        Postcode(code=code, municipality_id=ids[nis_code]) for code, nis_code in sorted(data.postcodes - have)
    )
    stale = have - data.postcodes
    for code, nis_code in stale:
        Postcode.objects.filter(code=code, municipality__nis_code=nis_code).delete()
    changes["postcodes"] = len(data.postcodes - have) + len(stale)

    regions = {(r.kind, r.name): r for r in Region.objects.filter(kind__in=Region.GENERATED_KINDS)}
    missing = [
        Region(kind=kind, name=name, slug=region_slug(kind, name))
        for kind, name in data.regions
        if (kind, name) not in regions
    ]
    Region.objects.bulk_create(missing)
    changes["regions"] = len(missing)
    regions = {(r.kind, r.name): r.pk for r in Region.objects.filter(kind__in=Region.GENERATED_KINDS)}

    Link = Region.municipalities.through
    wanted = {(regions[key], ids[code]) for key, codes in data.regions.items() for code in codes}
    present = set(
        Link.objects.filter(region__kind__in=Region.GENERATED_KINDS).values_list("region_id", "municipality_id")
    )
    Link.objects.bulk_create(Link(region_id=r, municipality_id=m) for r, m in wanted - present)
    for region_id, municipality_id in present - wanted:
        Link.objects.filter(region_id=region_id, municipality_id=municipality_id).delete()
    changes["region_links"] = len(wanted ^ present)
    return changes


def ensure_after_migrate(sender, using="default", **kwargs):
    if using == "default":
        reference_data_load()
