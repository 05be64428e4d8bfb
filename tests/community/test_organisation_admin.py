"""The CMS menu "Community": organisations, memberships and custom regions for platform
administrators, saved through the services, refused to CMS editors."""

import io

import pytest
from django.contrib.auth.models import Permission
from django.core.files.uploadedfile import SimpleUploadedFile
from django.urls import reverse
from PIL import Image
from wagtail.models import ModelLogEntry

from community.demo import editors_group_ensure
from community.models import Membership, Municipality, Organisation, Region
from knowledge.models import LifeDomain
from tests.factories import OrganisationFactory, UserFactory, group_create

pytestmark = pytest.mark.django_db

ORGANISATIONS = "community_organisations"
MEMBERSHIPS = "community_memberships"
REGIONS = "community_regions"


def url(viewset: str, view: str, *args) -> str:
    return reverse(f"{viewset}:{view}", args=args)


def municipalities(*codes):
    return list(Municipality.objects.filter(nis_code__in=codes))


def pks(*codes) -> list[str]:
    return [str(municipality.pk) for municipality in municipalities(*codes)]


def png(size=(900, 300)) -> SimpleUploadedFile:
    buffer = io.BytesIO()
    Image.new("RGB", size, "teal").save(buffer, format="PNG")
    return SimpleUploadedFile("logo van ons huis.png", buffer.getvalue(), content_type="image/png")


def organisation_data(**fields) -> dict:
    data = {
        "name": "Huis van het Kind Herentals",
        "slug": "",
        "kind": Organisation.Kind.HOUSE,
        "description": "Gezinsondersteuning in Herentals.",
        "website": "huisvanhetkindherentals.be",
        "email": "info@huisvanhetkind.test",
        "phone": "014 00 00 00",
        "street": "Grote Markt 1",
        "postcode": "2200",
        "city": "Herentals",
        "recognised_on": "2024-09-01",
        "life_domains": [],
        "partners": [],
        "municipalities": pks("13011"),
    }
    data.update(fields)
    return data


def errors(response, field: str) -> list[str]:
    return [str(message) for message in response.context["form"].errors.get(field, [])]


@pytest.fixture
def editor(db):
    """The CMS editors of `manage.py load_demo`: admin access, pages, images; no community rights."""
    user = UserFactory(profile="Sofie Redactie")
    user.groups.add(editors_group_ensure())
    return user


@pytest.fixture
def geel(db):
    return OrganisationFactory(name="Huis van het Kind Geel", municipalities=municipalities("13008"))


# Who gets in ---------------------------------------------------------------------------------------


def test_the_menu_is_there_for_administrators_and_not_for_editors(client, administrator, editor):
    client.force_login(administrator)
    home = client.get(reverse("wagtailadmin_home")).content.decode()
    for viewset in (ORGANISATIONS, MEMBERSHIPS, REGIONS):
        assert url(viewset, "index") in home

    client.force_login(editor)
    home = client.get(reverse("wagtailadmin_home"))
    assert home.status_code == 200
    for viewset in (ORGANISATIONS, MEMBERSHIPS, REGIONS):
        assert url(viewset, "index") not in home.content.decode()


def test_an_editor_is_refused_everywhere_and_changes_nothing(client, editor, geel):
    client.force_login(editor)
    custom = Region.objects.create(name="Eigen regio", slug="eigen-regio")
    urls = [
        url(ORGANISATIONS, "index"),
        url(ORGANISATIONS, "add"),
        url(ORGANISATIONS, "edit", geel.pk),
        url(ORGANISATIONS, "delete", geel.pk),
        url(MEMBERSHIPS, "index"),
        url(MEMBERSHIPS, "add"),
        url(REGIONS, "index"),
        url(REGIONS, "add"),
        url(REGIONS, "edit", custom.pk),
    ]
    for address in urls:
        response = client.get(address)
        assert response.status_code in (302, 403), address
        if response.status_code == 302:
            assert response["Location"] == reverse("wagtailadmin_home"), address

    client.post(url(ORGANISATIONS, "add"), organisation_data())
    client.post(url(ORGANISATIONS, "delete", geel.pk))
    client.post(url(MEMBERSHIPS, "add"), {"person": editor.pk, "organisation": geel.pk, "role": "coordinator"})
    assert list(Organisation.objects.values_list("name", flat=True)) == ["Huis van het Kind Geel"]
    assert not Membership.objects.exists()


def test_the_cms_group_editor_offers_the_community_permission(client, superuser):
    """So a superuser can make a "Beheerders" group in the CMS itself (Settings → Groups)."""
    permission = Permission.objects.get(content_type__app_label="community", codename="manage_community")
    client.force_login(superuser)
    html = client.get(reverse("wagtailusers_groups:add")).content.decode()
    assert f'name="permissions" value="{permission.pk}"' in html


def test_holding_django_model_permissions_alone_opens_nothing(client, geel):
    """Only `manage_community` counts: Django's change permission does not open the menu."""
    user = UserFactory()
    user.user_permissions.add(
        Permission.objects.get(content_type__app_label="wagtailadmin", codename="access_admin"),
        Permission.objects.get(content_type__app_label="community", codename="change_organisation"),
    )
    client.force_login(user)
    assert client.get(url(ORGANISATIONS, "edit", geel.pk)).status_code in (302, 403)


# Organisations ------------------------------------------------------------------------------------


def test_the_list_shows_kind_and_number_of_municipalities_and_searches_and_filters(
    client, superuser, geel, django_assert_max_num_queries
):
    OrganisationFactory(
        name="CAW De Kempen", kind=Organisation.Kind.SUPRA_LOCAL, municipalities=municipalities("13008", "13011")
    )
    for number in range(10):
        OrganisationFactory(name=f"Partner {number}", kind=Organisation.Kind.PARTNER)
    client.force_login(superuser)

    with django_assert_max_num_queries(10):  # the same for 12 rows as for 2: no query per row
        response = client.get(url(ORGANISATIONS, "index"))
    assert response.status_code == 200
    rows = {organisation.name: organisation for organisation in response.context["object_list"]}
    assert rows["CAW De Kempen"].municipality_count == 2
    assert rows["Huis van het Kind Geel"].municipality_count == 1
    assert "Supra-local actor" in response.content.decode() or "Bovenlokale actor" in response.content.decode()

    found = client.get(url(ORGANISATIONS, "index"), {"q": "kempen"})
    assert [o.name for o in found.context["object_list"]] == ["CAW De Kempen"]
    houses = client.get(url(ORGANISATIONS, "index"), {"kind": Organisation.Kind.HOUSE})
    assert [o.name for o in houses.context["object_list"]] == ["Huis van het Kind Geel"]


def test_an_administrator_creates_a_huis_with_its_area_domains_and_partners(client, administrator, geel):
    domains = list(LifeDomain.objects.order_by("sort_order")[:2])
    client.force_login(administrator)

    response = client.get(url(ORGANISATIONS, "add"))
    assert response.status_code == 200
    response = client.post(
        url(ORGANISATIONS, "add"),
        organisation_data(
            municipalities=pks("13011", "13017"),
            life_domains=[domain.pk for domain in domains],
            partners=[geel.pk],
        ),
    )

    assert response.status_code == 302, response.context and response.context["form"].errors
    herentals = Organisation.objects.get(name="Huis van het Kind Herentals")
    assert herentals.slug == "huis-van-het-kind-herentals"
    assert herentals.website == "https://huisvanhetkindherentals.be"
    assert str(herentals.recognised_on) == "2024-09-01"
    assert set(herentals.areas.values_list("municipality__nis_code", "covers")) == {("13011", True), ("13017", True)}
    assert list(herentals.life_domains.all()) == domains
    assert list(herentals.partners.all()) == [geel]
    assert ModelLogEntry.objects.filter(action="wagtail.create", object_id=str(herentals.pk)).exists()


def test_an_administrator_edits_an_organisation(client, administrator, geel):
    client.force_login(administrator)
    response = client.get(url(ORGANISATIONS, "edit", geel.pk))
    assert response.status_code == 200
    assert response.context["form"].initial["municipalities"] == [municipalities("13008")[0].pk]

    response = client.post(
        url(ORGANISATIONS, "edit", geel.pk),
        organisation_data(name="Huis van het Kind Geel", slug=geel.slug, municipalities=pks("13008", "13011")),
    )

    assert response.status_code == 302
    geel.refresh_from_db()
    assert geel.city == "Herentals"
    assert set(geel.areas.values_list("municipality__nis_code", flat=True)) == {"13008", "13011"}


def test_a_municipality_another_huis_covers_is_refused_naming_that_huis(client, administrator, geel):
    client.force_login(administrator)

    response = client.post(url(ORGANISATIONS, "add"), organisation_data(municipalities=pks("13011", "13008")))

    assert response.status_code == 200
    assert any("Huis van het Kind Geel" in message for message in errors(response, "municipalities"))
    assert "Huis van het Kind Geel" in response.content.decode()
    assert not Organisation.objects.filter(name="Huis van het Kind Herentals").exists()
    # The input is kept: the name and both ticked municipalities come back.
    form = response.context["form"]
    assert form["name"].value() == "Huis van het Kind Herentals"
    assert sorted(form["municipalities"].value()) == sorted(pks("13011", "13008"))


def test_editing_into_a_covered_municipality_changes_nothing(client, administrator, geel):
    herentals = OrganisationFactory(name="Huis van het Kind Herentals", municipalities=municipalities("13011"))
    client.force_login(administrator)

    response = client.post(
        url(ORGANISATIONS, "edit", herentals.pk),
        organisation_data(slug=herentals.slug, city="Ergens anders", municipalities=pks("13011", "13008")),
    )

    assert response.status_code == 200
    assert any("Huis van het Kind Geel" in message for message in errors(response, "municipalities"))
    herentals.refresh_from_db()
    assert herentals.city == ""
    assert list(herentals.areas.values_list("municipality__nis_code", flat=True)) == ["13011"]


def test_a_partner_may_work_where_a_huis_covers(client, administrator, geel):
    client.force_login(administrator)
    response = client.post(
        url(ORGANISATIONS, "add"),
        organisation_data(name="Bib Geel", kind=Organisation.Kind.PARTNER, municipalities=pks("13008")),
    )
    assert response.status_code == 302
    assert Organisation.objects.get(name="Bib Geel").areas.get().covers is False


def test_a_fake_logo_is_refused_and_nothing_is_saved(client, administrator, settings, tmp_path):
    settings.MEDIA_ROOT = tmp_path
    client.force_login(administrator)
    fake = SimpleUploadedFile("logo.png", b"<?php echo 'no image'; ?>", content_type="image/png")

    response = client.post(url(ORGANISATIONS, "add"), organisation_data(logo=fake))

    assert response.status_code == 200
    assert errors(response, "logo")
    assert not Organisation.objects.filter(name="Huis van het Kind Herentals").exists()
    assert not any(tmp_path.rglob("*.*"))


def test_a_too_large_logo_is_refused(client, administrator, settings, tmp_path):
    settings.MEDIA_ROOT = tmp_path
    settings.SAMENHUIS_LOGO_MAX_BYTES = 100
    client.force_login(administrator)

    response = client.post(url(ORGANISATIONS, "add"), organisation_data(logo=png()))

    assert response.status_code == 200
    assert errors(response, "logo")
    assert not Organisation.objects.exists()


def test_a_real_logo_is_stored_smaller_under_a_random_name(client, administrator, settings, tmp_path):
    settings.MEDIA_ROOT = tmp_path
    client.force_login(administrator)

    response = client.post(url(ORGANISATIONS, "add"), organisation_data(logo=png()))

    assert response.status_code == 302
    logo = Organisation.objects.get().logo
    assert logo.name.startswith("logos/")
    assert "huis" not in logo.name
    with Image.open(logo.path) as image:
        assert max(image.size) <= 600


# Memberships --------------------------------------------------------------------------------------


def test_an_administrator_links_a_person_once_to_an_organisation(client, administrator, geel):
    coordinator = UserFactory(profile="An Peeters")
    client.force_login(administrator)
    data = {"person": coordinator.pk, "organisation": geel.pk, "role": Membership.Role.COORDINATOR}

    assert client.get(url(MEMBERSHIPS, "add")).status_code == 200
    response = client.post(url(MEMBERSHIPS, "add"), data)
    assert response.status_code == 302
    membership = Membership.objects.get()
    assert (membership.person, membership.organisation, membership.role) == (coordinator, geel, "coordinator")

    again = client.post(url(MEMBERSHIPS, "add"), {**data, "role": Membership.Role.STAFF})
    assert again.status_code == 200
    assert again.context["form"].errors
    assert Membership.objects.get().role == Membership.Role.COORDINATOR

    listing = client.get(url(MEMBERSHIPS, "index"))
    assert "An Peeters" in listing.content.decode()

    changed = client.post(url(MEMBERSHIPS, "edit", membership.pk), {**data, "role": Membership.Role.STAFF})
    assert changed.status_code == 302
    assert Membership.objects.get().role == Membership.Role.STAFF


# Regions ------------------------------------------------------------------------------------------


def test_an_administrator_creates_and_edits_a_custom_region(client, administrator):
    client.force_login(administrator)
    data = {"name": "Kempense Huizen", "description": "Geel en Herentals", "municipalities": pks("13008", "13011")}

    response = client.post(url(REGIONS, "add"), data)

    assert response.status_code == 302
    region = Region.objects.get(name="Kempense Huizen")
    assert (region.kind, region.slug) == (Region.Kind.CUSTOM, "kempense-huizen")
    assert set(region.municipalities.values_list("nis_code", flat=True)) == {"13008", "13011"}

    response = client.post(url(REGIONS, "edit", region.pk), {**data, "municipalities": pks("13017")})
    assert response.status_code == 302
    assert list(region.municipalities.values_list("nis_code", flat=True)) == ["13017"]


def test_a_custom_region_needs_municipalities_and_a_name_of_its_own(client, administrator):
    client.force_login(administrator)

    empty = client.post(url(REGIONS, "add"), {"name": "Leeg", "description": "", "municipalities": []})
    taken = client.post(url(REGIONS, "add"), {"name": "Kempen", "description": "", "municipalities": pks("13008")})

    assert errors(empty, "municipalities")
    assert any("Kempen" in message for message in errors(taken, "name"))
    assert not Region.objects.filter(kind=Region.Kind.CUSTOM).exists()


def test_generated_regions_are_listed_but_cannot_be_changed(client, administrator):
    kempen = Region.objects.get(slug="referentieregio-kempen")
    client.force_login(administrator)

    listing = client.get(url(REGIONS, "index"), {"kind": Region.Kind.REFERENCE_REGION})
    assert listing.status_code == 200
    assert "Kempen" in listing.content.decode()
    assert url(REGIONS, "edit", kempen.pk) not in listing.content.decode()

    assert client.get(url(REGIONS, "edit", kempen.pk)).status_code == 404
    assert client.post(url(REGIONS, "delete", kempen.pk)).status_code == 404
    assert kempen.municipalities.count() == 27


def test_a_custom_region_is_deleted_unless_a_group_belongs_to_it(client, administrator):
    client.force_login(administrator)
    spare = Region.objects.create(name="Reserve", slug="reserve")
    used = Region.objects.create(name="Kempense Huizen", slug="kempense-huizen")
    group_create(name="Intervisie Kempense Huizen", region=used)

    assert client.post(url(REGIONS, "delete", spare.pk)).status_code == 302
    response = client.post(url(REGIONS, "delete", used.pk), follow=True)

    assert not Region.objects.filter(pk=spare.pk).exists()
    assert Region.objects.filter(pk=used.pk).exists()
    assert response.redirect_chain[-1][0] == url(REGIONS, "edit", used.pk)
    assert "Intervisie Kempense Huizen" in response.content.decode()
