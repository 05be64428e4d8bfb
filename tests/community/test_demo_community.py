from django.core.management import call_command

from community.models import GroupMembership, IntervisionGroup, Notification, Organisation, OrganisationArea, User
from rooms.models import Message


def test_demo_community_is_idempotent(db, settings, client):
    settings.DEBUG = True
    call_command("load_demo")
    call_command("load_demo")

    assert Organisation.objects.filter(name__endswith="(demo)", kind=Organisation.Kind.HOUSE).count() >= 5
    assert Organisation.objects.filter(kind=Organisation.Kind.SUPRA_LOCAL).exists()
    provinces = {m.area_name for o in Organisation.objects.filter(kind="house") for m in o.municipalities.all()}
    assert len(provinces) >= 5

    kempen = IntervisionGroup.objects.get(name="Intervisiegroep Kempen")
    assert kempen.visibility == IntervisionGroup.Visibility.CLOSED
    members = {m.person.email: m.role for m in GroupMembership.objects.filter(group=kempen)}
    assert members == {
        "gespreksleider@samenhuis.test": "facilitator",
        "coordinator@samenhuis.test": "member",
        "lies@demo.samenhuis.test": "member",
    }
    secret = IntervisionGroup.objects.get(visibility=IntervisionGroup.Visibility.SECRET)

    client.force_login(User.objects.get(email="coordinator@samenhuis.test"))
    assert client.get(kempen.get_absolute_url()).status_code == 200
    assert client.get(secret.get_absolute_url()).status_code == 404


def test_the_demo_shows_the_product(db, settings):
    """Enough of everything to look like a real installation: Huizen over the whole map, groups in
    four provinces, conversations, and notifications that agree with what happened."""
    settings.DEBUG = True
    call_command("load_demo")

    houses = Organisation.objects.filter(kind=Organisation.Kind.HOUSE, name__startswith="Huis van het Kind ")
    assert houses.filter(name__endswith=" (demo)").count() >= 30
    assert OrganisationArea.objects.filter(covers=True).values("municipality").distinct().count() >= 60

    regional = IntervisionGroup.objects.exclude(region=None).select_related("region")
    provinces = {municipality.province for group in regional for municipality in group.region.municipalities.all()[:1]}
    assert IntervisionGroup.objects.count() >= 5 and len(provinces) >= 4 and "Oost-Vlaanderen" in provinces

    assert Message.objects.values("room").distinct().count() >= 2

    # No "… asks to join" left for someone who is a member (the demo joins people by invitation).
    for notification in Notification.objects.filter(text__contains="vraagt om lid te worden"):
        asker = notification.text.split(" vraagt")[0]
        assert not GroupMembership.objects.filter(person__profile__display_name=asker).exists(), notification.text
