"""The reference data (municipalities, postcodes, generated regions) and the two commands that
manage places: `load_reference_data` and `import_region`."""

import re
from io import StringIO

import pytest
from django.core.management import CommandError, call_command
from django.utils import translation

from community.models import Municipality, Postcode, Region
from community.reference_data import reference_data_load

pytestmark = pytest.mark.django_db

Kind = Region.Kind


def snapshot() -> dict:
    links = Region.municipalities.through.objects
    return {
        "municipalities": sorted(Municipality.objects.values_list("nis_code", "name_nl", "name_fr", "province")),
        "postcodes": sorted(Postcode.objects.values_list("code", "municipality__nis_code")),
        "regions": sorted(Region.objects.values_list("pk", "kind", "name", "slug")),
        "links": sorted(links.values_list("region_id", "municipality__nis_code")),
    }


def codes_file(tmp_path, text: str, name="codes.txt"):
    path = tmp_path / name
    path.write_text(text, encoding="utf-8")
    return path


def import_region(*args) -> str:
    out = StringIO()
    call_command("import_region", *[str(arg) for arg in args], stdout=out)
    return out.getvalue()


def nis_codes(region: Region) -> set[str]:
    return set(region.municipalities.values_list("nis_code", flat=True))


# The data ----------------------------------------------------------------------------------------


def test_flanders_has_285_municipalities_and_brussels_19():
    assert Municipality.objects.count() == 304
    assert Municipality.objects.filter(gewest=Municipality.Gewest.FLANDERS).count() == 285
    assert Municipality.objects.filter(gewest=Municipality.Gewest.BRUSSELS).count() == 19


def test_five_provinces_and_the_brussels_region_cover_every_municipality_once():
    provinces = Region.objects.filter(kind=Kind.PROVINCE)
    assert sorted(provinces.values_list("name", flat=True)) == [
        "Antwerpen",
        "Limburg",
        "Oost-Vlaanderen",
        "Vlaams-Brabant",
        "West-Vlaanderen",
    ]
    brussels = Region.objects.get(kind=Kind.BRUSSELS)
    assert brussels.municipalities.count() == 19
    covered = [code for region in [*provinces, brussels] for code in nis_codes(region)]
    assert len(covered) == len(set(covered)) == 304


def test_reference_region_kempen_is_the_arrondissement_turnhout():
    kempen = Region.objects.get(slug="referentieregio-kempen")
    assert kempen.kind == Kind.REFERENCE_REGION
    assert kempen.municipalities.count() == 27
    assert {"13008", "13040"} <= nis_codes(kempen)  # Geel, Turnhout
    assert all(code.startswith("13") for code in nis_codes(kempen))


def test_every_brussels_municipality_has_its_french_name():
    brussels = Municipality.objects.filter(gewest=Municipality.Gewest.BRUSSELS)
    assert not brussels.filter(name_fr="").exists()
    assert Municipality.objects.get(name_nl="Schaarbeek").name_fr == "Schaerbeek"
    assert Municipality.objects.get(name_nl="Elsene").name_fr == "Ixelles"


@pytest.mark.parametrize(
    ("postcode", "names"),
    [
        ("2440", ["Geel"]),
        ("1030", ["Schaarbeek"]),
        ("3500", ["Hasselt"]),
        ("9999", []),
    ],
)
def test_a_postcode_leads_to_its_municipalities(postcode, names):
    found = Municipality.objects.filter(postcodes__code=postcode).distinct()
    assert sorted(found.values_list("name_nl", flat=True)) == names


def test_loading_again_changes_nothing():
    before = snapshot()
    changes = reference_data_load()
    assert changes == {"municipalities": 0, "postcodes": 0, "regions": 0, "region_links": 0}
    assert snapshot() == before


def test_loading_repairs_hand_edits_and_leaves_custom_regions_alone(tmp_path):
    geel = Municipality.objects.get(nis_code="13008")
    Municipality.objects.filter(pk=geel.pk).update(name_nl="Gheel")
    kempen = Region.objects.get(slug="referentieregio-kempen")
    kempen.municipalities.remove(geel)
    import_region("Kempen-Oost", codes_file(tmp_path, "13008\n13040\n"))

    changes = reference_data_load()

    assert changes["municipalities"] == 1
    assert changes["region_links"] == 1
    assert Municipality.objects.get(pk=geel.pk).name_nl == "Geel"
    assert kempen.municipalities.count() == 27
    assert nis_codes(Region.objects.get(kind=Kind.CUSTOM, name="Kempen-Oost")) == {"13008", "13040"}


def test_load_reference_data_prints_the_counts_and_is_idempotent():
    outputs = []
    for _ in range(2):
        out = StringIO()
        call_command("load_reference_data", stdout=out)
        outputs.append(out.getvalue())
    regions = Region.objects.exclude(kind=Kind.CUSTOM).count()
    postcodes = Postcode.objects.count()
    numbers = [[int(n) for n in re.findall(r"\d+", line)] for line in outputs[1].splitlines()]
    # municipalities, postcodes, generated regions (with what changed), custom regions
    assert numbers == [[304, 0], [postcodes, 0], [regions, 0, 0], [0]]
    assert outputs[0] == outputs[1]
    assert Municipality.objects.count() == 304


# import_region -----------------------------------------------------------------------------------


def test_import_region_creates_a_custom_region_from_one_code_per_line(tmp_path):
    path = codes_file(tmp_path, "# Geel, Herentals, Kasterlee\n13008\n 13011 \n\n13017\n13008\n")

    out = import_region("Netwerk Kempense Huizen", path, "--description", "Geel, Herentals en Kasterlee")

    region = Region.objects.get(name="Netwerk Kempense Huizen")
    assert region.kind == Kind.CUSTOM
    assert region.slug == "netwerk-kempense-huizen"
    assert region.description == "Geel, Herentals en Kasterlee"
    assert nis_codes(region) == {"13008", "13011", "13017"}
    assert "Netwerk Kempense Huizen" in out and "3" in out


def test_import_region_reads_a_csv_with_a_nis_code_column(tmp_path):
    path = codes_file(tmp_path, "gemeente;nis_code\nGeel;13008\nTurnhout;13040\n", name="codes.csv")

    import_region("Noord-Kempense Huizen", path)

    assert nis_codes(Region.objects.get(name="Noord-Kempense Huizen")) == {"13008", "13040"}


def test_importing_the_same_name_again_replaces_the_municipalities(tmp_path):
    import_region("Netwerk Kempense Huizen", codes_file(tmp_path, "13008\n13011\n"), "--description", "Eerste versie")
    first = Region.objects.get(name="Netwerk Kempense Huizen")

    out = import_region("Netwerk Kempense Huizen", codes_file(tmp_path, "13011\n13017\n", name="new.txt"))

    region = Region.objects.get(name="Netwerk Kempense Huizen")
    assert region.pk == first.pk
    assert nis_codes(region) == {"13011", "13017"}
    assert region.description == "Eerste versie"
    assert Region.objects.filter(kind=Kind.CUSTOM).count() == 1
    assert "2" in out


def test_unknown_codes_stop_the_import_with_a_dutch_message_naming_them(tmp_path):
    import_region("Netwerk Kempense Huizen", codes_file(tmp_path, "13008\n"))
    before = snapshot()
    path = codes_file(tmp_path, "13011\n99999\n12345\n", name="wrong.txt")

    with translation.override("nl-be"), pytest.raises(CommandError) as error:
        import_region("Netwerk Kempense Huizen", path)
    with translation.override("nl-be"), pytest.raises(CommandError):
        import_region("Nieuwe regio", path)

    assert "Onbekende NIS-codes: 12345, 99999" in str(error.value)
    assert snapshot() == before


def test_import_region_refuses_the_name_of_a_generated_region(tmp_path):
    before = snapshot()
    path = codes_file(tmp_path, "13008\n")

    named = {
        "Kempen": "Kempen",
        "kempen ": "Kempen",
        "Provincie Antwerpen": "Antwerpen",
        "Middenkempen": "Middenkempen",
    }
    for name, region in named.items():
        with pytest.raises(CommandError) as error:
            import_region(name, path)
        assert str(error.value).startswith(region), error.value

    assert snapshot() == before
    assert Region.objects.get(slug="referentieregio-kempen").municipalities.count() == 27


def test_import_region_refuses_an_empty_or_missing_file(tmp_path):
    with pytest.raises(CommandError):
        import_region("Leeg", codes_file(tmp_path, "# nothing here\n"))
    with pytest.raises(CommandError):
        import_region("Weg", tmp_path / "missing.txt")
    assert not Region.objects.filter(kind=Kind.CUSTOM).exists()
