from django.core.management import call_command

from community.models import GroupMembership, IntervisionGroup, Organisation, User


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
    assert members == {"gespreksleider@samenhuis.test": "facilitator", "coordinator@samenhuis.test": "member"}
    secret = IntervisionGroup.objects.get(visibility=IntervisionGroup.Visibility.SECRET)

    client.force_login(User.objects.get(email="coordinator@samenhuis.test"))
    assert client.get(kempen.get_absolute_url()).status_code == 200
    assert client.get(secret.get_absolute_url()).status_code == 404
