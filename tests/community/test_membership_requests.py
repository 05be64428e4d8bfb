"""Linking yourself to an organisation: search, ask with a role, the page naming who decides, the
coordinators (or the platform administrators while there are none) approving or declining with a
notification and a mail both ways, and proposals of organisations that are not listed yet, accepted,
merged or declined in the CMS. Every refusal is a Dutch message with the input kept, and changes nothing."""

import re
from contextlib import contextmanager

import pytest
from django.core import mail
from django.core.exceptions import PermissionDenied, ValidationError
from django.db import connection
from django.test import override_settings
from django.test.utils import CaptureQueriesContext
from django.urls import reverse

from community import permissions, services
from community.models import Membership, MembershipRequest, Municipality, Organisation, OrganisationArea, Profile
from tests.factories import OrganisationFactory, UserFactory

pytestmark = pytest.mark.django_db

START = reverse("community:membership_request")
PROPOSE = reverse("community:organisation_propose")
MANAGE = reverse("community:membership_requests_manage")
Role = Membership.Role
Status = MembershipRequest.Status


def ask_url(organisation) -> str:
    return reverse("community:membership_request_organisation", kwargs={"slug": organisation.slug})


def decide_url(membership_request) -> str:
    return reverse("community:membership_request_decide", kwargs={"pk": membership_request.pk})


def proposal_url(proposal) -> str:
    return reverse("community_proposals:edit", args=[proposal.pk])


def municipalities(*codes):
    return list(Municipality.objects.filter(nis_code__in=codes))


def text(response) -> str:
    """What a person reads: the page without tags, its whitespace collapsed."""
    return " ".join(re.sub(r"<[^>]+>", " ", response.content.decode()).split()).replace(" .", ".")


def html(response) -> str:
    return " ".join(response.content.decode().split())


@contextmanager
def refused(code: str):
    with pytest.raises(ValidationError) as info:
        yield
    assert code in {item.code for item in info.value.error_list}, info.value.messages


@pytest.fixture
def geel(db):
    return OrganisationFactory(name="Huis van het Kind Geel", municipalities=municipalities("13008"))


@pytest.fixture
def coordinator(geel):
    person = UserFactory(profile="Karim Coördinator")
    services.membership_save(person=person, organisation=geel, role=Role.COORDINATOR)
    return person


@pytest.fixture
def asker(db):
    return UserFactory(profile="An Peeters")


# Finding the organisation ------------------------------------------------------------------------------


def test_the_start_page_finds_organisations_by_name_and_by_municipality(client, asker, geel):
    OrganisationFactory(name="Huis van het Kind Laakdal-Meerhout", municipalities=municipalities("13053", "13021"))
    client.force_login(asker)

    response = client.get(START, {"q": "geel"})
    by_name = text(response)
    assert "Huis van het Kind Geel" in by_name
    assert "Laakdal-Meerhout" not in by_name
    assert ask_url(geel) in html(response)

    by_municipality = text(client.get(START, {"q": "Meerhout"}))
    assert "Huis van het Kind Laakdal-Meerhout" in by_municipality
    assert "Huis van het Kind Geel" not in by_municipality
    assert "1 organisatie gevonden" in by_municipality
    assert "Stel ze voor" in by_municipality  # the way to propose one that is not listed


def test_the_start_page_is_for_members_only(client):
    response = client.get(START)
    assert response.status_code == 302
    assert response["Location"].startswith(reverse("account_login"))


def test_the_start_page_answers_in_a_fixed_number_of_queries(client, asker, geel, coordinator):
    """The same for 13 results and open requests as for 2: no query per organisation or request."""
    client.force_login(asker)
    caw = OrganisationFactory(name="CAW Proefgemeente", kind=Organisation.Kind.SUPRA_LOCAL)
    services.membership_request_create(actor=asker, organisation=caw, role=Role.STAFF)

    def queries() -> int:
        with CaptureQueriesContext(connection) as captured:
            assert client.get(START, {"q": "Proefgemeente"}).status_code == 200
        return len(captured)

    few = queries()
    for number in range(11):
        OrganisationFactory(name=f"Huis van het Kind Proefgemeente {number}", municipalities=[])
    services.membership_request_create(actor=asker, organisation=geel, role=Role.STAFF)
    assert "12 organisaties gevonden" in text(client.get(START, {"q": "Proefgemeente"}))
    # Each open request names who decides (two queries each; at most five are open).
    assert queries() <= few + 2


# Asking, and who decides -----------------------------------------------------------------------------


def test_ask_and_get_approved_tells_both_sides(client, asker, coordinator, geel, django_capture_on_commit_callbacks):
    client.force_login(asker)
    page = text(client.get(ask_url(geel)))
    assert "Wie beslist:" in page
    assert "de coördinator van Huis van het Kind Geel, Karim Coördinator." in page

    with django_capture_on_commit_callbacks(execute=True):
        response = client.post(ask_url(geel), {"role": Role.STAFF, "message": "Ik werk hier sinds januari."})
    assert response.status_code == 302
    membership_request = MembershipRequest.objects.get(person=asker, organisation=geel)
    assert membership_request.status == Status.PENDING
    assert [message.to for message in mail.outbox] == [[coordinator.email]]
    assert "An Peeters vraagt om gekoppeld te worden aan Huis van het Kind Geel" in mail.outbox[0].subject
    assert "Ik werk hier sinds januari." in mail.outbox[0].body
    assert decide_url(membership_request) in mail.outbox[0].body
    notification = coordinator.notifications.get()
    assert notification.text == "An Peeters vraagt om gekoppeld te worden aan Huis van het Kind Geel als medewerker."
    assert notification.url == decide_url(membership_request)

    # The request is on the start page, with who decides and a way to withdraw it.
    response = client.get(START)
    start = text(response)
    assert "Je open aanvragen" in start
    assert "Karim Coördinator" in start
    assert reverse("community:membership_request_withdraw", kwargs={"pk": membership_request.pk}) in html(response)

    client.force_login(coordinator)
    assert "Beslis over de aanvraag van An Peeters" in text(client.get(MANAGE))
    assert "Ik werk hier sinds januari." in text(client.get(decide_url(membership_request)))
    with django_capture_on_commit_callbacks(execute=True):
        response = client.post(decide_url(membership_request), {"decision": "approve", "reason": ""}, follow=True)
    assert "An Peeters is nu gekoppeld aan Huis van het Kind Geel." in text(response)
    assert Membership.objects.get(person=asker, organisation=geel).role == Role.STAFF
    membership_request.refresh_from_db()
    assert (membership_request.status, membership_request.decided_by) == (Status.APPROVED, coordinator)
    assert mail.outbox[-1].to == [asker.email]
    assert "Je aanvraag is goedgekeurd. Je bent gekoppeld aan Huis van het Kind Geel als medewerker." in (
        mail.outbox[-1].body
    )
    assert asker.notifications.get().text == "Je bent nu gekoppeld aan Huis van het Kind Geel als medewerker."

    # The asker's profile shows the Huis.
    client.force_login(asker)
    profile = text(client.get(reverse("community:member", kwargs={"pk": asker.pk})))
    assert "Huis van het Kind Geel" in profile


def test_decline_needs_a_reason_which_the_asker_reads_and_then_asks_again(
    client, asker, coordinator, geel, django_capture_on_commit_callbacks
):
    membership_request = services.membership_request_create(actor=asker, organisation=geel, role=Role.COORDINATOR)
    client.force_login(coordinator)

    response = client.post(decide_url(membership_request), {"decision": "decline", "reason": "  "})
    assert response.status_code == 400
    assert "Schrijf waarom je weigert." in text(response)
    assert MembershipRequest.objects.get(pk=membership_request.pk).status == Status.PENDING

    with django_capture_on_commit_callbacks(execute=True):
        client.post(decide_url(membership_request), {"decision": "decline", "reason": "Wij hebben al een coördinator."})
    membership_request.refresh_from_db()
    assert membership_request.status == Status.DECLINED
    assert membership_request.decline_reason == "Wij hebben al een coördinator."
    assert not Membership.objects.filter(person=asker, organisation=geel).exists()
    declined = mail.outbox[-1]
    assert declined.to == [asker.email]
    assert "Je aanvraag om gekoppeld te worden aan Huis van het Kind Geel werd geweigerd." in declined.body
    assert "Wij hebben al een coördinator." in declined.body
    assert asker.notifications.get().text == (
        "Je aanvraag voor Huis van het Kind Geel werd geweigerd. De reden staat op de pagina."
    )

    client.force_login(asker)
    start = text(client.get(START))
    assert "De reden: Wij hebben al een coördinator." in start
    assert "Vraag opnieuw om gekoppeld te worden aan Huis van het Kind Geel" in start
    response = client.post(ask_url(geel), {"role": Role.STAFF})
    assert response.status_code == 302
    assert MembershipRequest.objects.filter(person=asker, organisation=geel, status=Status.PENDING).count() == 1


def test_a_decider_whose_profile_is_hidden_is_not_named(client, asker, coordinator, geel):
    services.profile_update(
        user=coordinator, display_name="Karim Coördinator", visibility=Profile.Visibility.CONNECTIONS
    )
    second = UserFactory(profile="Lotte Tweede")
    services.membership_save(person=second, organisation=geel, role=Role.COORDINATOR)
    client.force_login(asker)
    page = text(client.get(ask_url(geel)))
    assert "Wie beslist: de coördinatoren van Huis van het Kind Geel." in page
    assert "Karim" not in page
    assert "Lotte Tweede" not in page

    # A colleague in the same Huis may see both profiles, so reads both names.
    colleague = UserFactory(profile="Collega")
    services.membership_save(person=colleague, organisation=geel, role=Role.STAFF)
    other = OrganisationFactory(name="CAW De Kempen", kind=Organisation.Kind.SUPRA_LOCAL)
    client.force_login(colleague)
    assert "Karim Coördinator, Lotte Tweede" in text(client.get(ask_url(geel)))
    assert "de beheerders van het platform" in text(client.get(ask_url(other)))


def test_the_platform_administrators_decide_while_an_organisation_has_no_coordinator(
    client, asker, administrator, superuser, django_capture_on_commit_callbacks
):
    caw = OrganisationFactory(name="CAW De Kempen", kind=Organisation.Kind.SUPRA_LOCAL)
    staff = UserFactory(profile="Medewerker Zonder Rechten")
    services.membership_save(person=staff, organisation=caw, role=Role.STAFF)  # staff do not decide
    client.force_login(asker)
    page = text(client.get(ask_url(caw)))
    assert (
        "de beheerders van het platform (Beheer Samenhuis, Ilse Beheerder), zolang CAW De Kempen geen coördinator "
        "heeft op Samenhuis." in page
    )

    with django_capture_on_commit_callbacks(execute=True):
        client.post(ask_url(caw), {"role": Role.COORDINATOR})
    membership_request = MembershipRequest.objects.get(person=asker)
    assert sorted(address for message in mail.outbox for address in message.to) == sorted(
        [administrator.email, superuser.email]
    )
    assert "Je krijgt dit als beheerder van het platform" in mail.outbox[0].body
    assert administrator.notifications.filter(url=decide_url(membership_request)).exists()

    client.force_login(staff)
    assert client.get(decide_url(membership_request)).status_code == 404
    client.force_login(administrator)
    assert "Beslis over de aanvraag van An Peeters" in text(client.get(MANAGE))
    with django_capture_on_commit_callbacks(execute=True):
        client.post(decide_url(membership_request), {"decision": "approve"})
    assert Membership.objects.get(person=asker, organisation=caw).role == Role.COORDINATOR
    assert mail.outbox[-1].to == [asker.email]

    # From now on the new coordinator decides, not the administrators.
    newcomer = UserFactory(profile="Nieuwkomer")
    later = services.membership_request_create(actor=newcomer, organisation=caw, role=Role.STAFF)
    assert permissions.can_decide_membership_request(asker, later)
    assert not permissions.can_decide_membership_request(administrator, later)
    client.force_login(newcomer)
    assert "de coördinator van CAW De Kempen, An Peeters." in text(client.get(START))


def test_someone_else_cannot_decide(client, asker, coordinator, geel, administrator):
    membership_request = services.membership_request_create(actor=asker, organisation=geel, role=Role.STAFF)
    other_house = OrganisationFactory(name="Huis van het Kind Herentals", municipalities=municipalities("13011"))
    other_coordinator = UserFactory(profile="Elders")
    services.membership_save(person=other_coordinator, organisation=other_house, role=Role.COORDINATOR)
    for outsider in (UserFactory(), other_coordinator, administrator):  # Geel has a coordinator
        client.force_login(outsider)
        assert client.get(decide_url(membership_request)).status_code == 404
        assert client.post(decide_url(membership_request), {"decision": "approve"}).status_code == 404
        assert "An Peeters" not in text(client.get(MANAGE))
        with pytest.raises(PermissionDenied):
            services.membership_request_decide(actor=outsider, membership_request=membership_request, approve=True)
    assert MembershipRequest.objects.get(pk=membership_request.pk).status == Status.PENDING
    assert not Membership.objects.filter(person=asker, organisation=geel).exists()


def test_nobody_decides_their_own_request_not_even_an_administrator(client, administrator, superuser):
    caw = OrganisationFactory(name="CAW De Kempen", kind=Organisation.Kind.SUPRA_LOCAL)
    own = services.membership_request_create(actor=administrator, organisation=caw, role=Role.COORDINATOR)
    client.force_login(administrator)
    assert "Over je eigen aanvraag beslist iemand anders." in text(client.get(decide_url(own)))
    response = client.post(decide_url(own), {"decision": "decline", "reason": "Toch niet."})
    assert response.status_code == 403
    assert "Over je eigen aanvraag beslist iemand anders." in text(response)
    assert "Toch niet." in text(response)
    assert "Beslis over de aanvraag" not in text(client.get(MANAGE))
    with pytest.raises(PermissionDenied):
        services.membership_request_decide(actor=administrator, membership_request=own, approve=True)
    assert MembershipRequest.objects.get(pk=own.pk).status == Status.PENDING

    services.membership_request_decide(actor=superuser, membership_request=own, approve=True)  # another one may
    assert Membership.objects.filter(person=administrator, organisation=caw).exists()


# Refusals ---------------------------------------------------------------------------------------------------


def test_a_second_request_is_refused_with_the_input_kept(client, asker, coordinator, geel):
    client.force_login(asker)
    client.post(ask_url(geel), {"role": Role.STAFF, "message": "Eerste keer."})
    response = client.post(ask_url(geel), {"role": Role.PARTNER_CONTACT, "message": "Nog eens gevraagd."})
    assert response.status_code == 409
    page = text(response)
    assert "Je vroeg al om gekoppeld te worden aan Huis van het Kind Geel." in page
    assert "Nog eens gevraagd." in page
    assert re.search(r'value="partner_contact"[^>]* checked', html(response))
    assert MembershipRequest.objects.filter(person=asker).count() == 1


def test_asking_while_already_linked_is_refused_with_the_input_kept(client, coordinator, geel):
    client.force_login(coordinator)
    assert "Je bent al gekoppeld aan Huis van het Kind Geel." in text(client.get(ask_url(geel)))
    response = client.post(ask_url(geel), {"role": Role.STAFF, "message": "Ik wil medewerker worden."})
    assert response.status_code == 409
    assert "Je bent al gekoppeld aan Huis van het Kind Geel. Het staat op je profiel." in text(response)
    assert "Ik wil medewerker worden." in text(response)
    assert not MembershipRequest.objects.exists()


def test_a_request_without_a_role_is_refused_in_dutch(client, asker, geel):
    client.force_login(asker)
    response = client.post(ask_url(geel), {"message": "Geen rol gekozen."})
    assert response.status_code == 400
    assert "Dit is een verplicht veld." in text(response)
    assert "Geen rol gekozen." in text(response)


@override_settings(SAMENHUIS_MEMBERSHIP_REQUEST_CAP=2)
def test_open_requests_are_capped_per_person(client, asker):
    first, second, third = (OrganisationFactory(name=f"Partner {n}", kind=Organisation.Kind.PARTNER) for n in "ABC")
    services.membership_request_create(actor=asker, organisation=first, role=Role.STAFF)
    services.membership_request_create(actor=asker, organisation=second, role=Role.STAFF)
    client.force_login(asker)
    response = client.post(ask_url(third), {"role": Role.STAFF, "message": "Derde."})
    assert response.status_code == 409
    assert "Je hebt al 2 open aanvragen." in text(response)
    with refused("too_many"):
        services.organisation_propose(
            actor=asker, name="Nieuwe partner", kind=Organisation.Kind.PARTNER, municipalities=[], role=Role.STAFF
        )
    assert MembershipRequest.objects.filter(person=asker).count() == 2


def test_withdraw_then_ask_again(client, asker, coordinator, geel):
    membership_request = services.membership_request_create(actor=asker, organisation=geel, role=Role.STAFF)
    client.force_login(coordinator)
    withdraw = reverse("community:membership_request_withdraw", kwargs={"pk": membership_request.pk})
    assert client.post(withdraw).status_code == 404  # only the asker withdraws

    client.force_login(asker)
    response = client.post(withdraw, follow=True)
    assert "Je aanvraag voor Huis van het Kind Geel is ingetrokken." in text(response)
    assert MembershipRequest.objects.get(pk=membership_request.pk).status == Status.WITHDRAWN
    with refused("handled"):
        services.membership_request_decide(actor=coordinator, membership_request=membership_request, approve=True)
    assert client.post(ask_url(geel), {"role": Role.STAFF}).status_code == 302


def test_a_decision_twice_is_refused(client, asker, coordinator, geel):
    membership_request = services.membership_request_create(actor=asker, organisation=geel, role=Role.STAFF)
    services.membership_request_decide(actor=coordinator, membership_request=membership_request, approve=True)
    client.force_login(coordinator)
    response = client.post(decide_url(membership_request), {"decision": "decline", "reason": "Vergissing."})
    assert response.status_code == 409
    assert "Over deze aanvraag is al beslist: goedgekeurd." in text(response)
    assert Membership.objects.filter(person=asker, organisation=geel).exists()


# Proposing an organisation ---------------------------------------------------------------------------------


def propose(client, **fields):
    data = {
        "name": "Huis van het Kind Laakdal",
        "kind": Organisation.Kind.HOUSE,
        "municipalities": "Laakdal, 2440",
        "website": "huisvanhetkindlaakdal.be",
        "role": Role.COORDINATOR,
        "message": "Wij zijn net erkend.",
    }
    data.update(fields)
    return client.post(PROPOSE, data)


def decide_proposal(client, proposal, **fields):
    data = {
        "decision": "accept",
        "proposed_name": proposal.proposed_name,
        "proposed_kind": proposal.proposed_kind,
        "proposed_website": proposal.proposed_website,
        "proposed_municipalities": [str(pk) for pk in proposal.proposed_municipalities.values_list("pk", flat=True)],
        "merge_into": "",
        "reason": "",
    }
    data.update(fields)
    return client.post(proposal_url(proposal), data)


def test_a_proposal_names_the_administrators_and_tells_them(
    client, asker, administrator, django_capture_on_commit_callbacks
):
    client.force_login(asker)
    assert "Wie beslist: de beheerders van het platform: Ilse Beheerder." in text(client.get(PROPOSE))
    with django_capture_on_commit_callbacks(execute=True):
        response = propose(client)
    assert response.status_code == 302
    proposal = MembershipRequest.objects.get(person=asker)
    assert proposal.organisation is None and proposal.is_pending
    assert sorted(m.name_nl for m in proposal.proposed_municipalities.all()) == ["Geel", "Laakdal"]
    assert proposal.proposed_website == "https://huisvanhetkindlaakdal.be"
    assert [message.to for message in mail.outbox] == [[administrator.email]]
    assert "stelt een nieuwe organisatie voor: Huis van het Kind Laakdal" in mail.outbox[0].subject
    assert proposal_url(proposal) in mail.outbox[0].body
    assert administrator.notifications.get().url == proposal_url(proposal)
    assert "Huis van het Kind Laakdal (je voorstel van een nieuwe organisatie)" in text(client.get(START))


def test_an_administrator_accepts_a_proposal_and_the_asker_is_linked(
    client, asker, administrator, django_capture_on_commit_callbacks
):
    client.force_login(asker)
    propose(client, municipalities="Laakdal")
    proposal = MembershipRequest.objects.get(person=asker)
    client.force_login(administrator)
    index = client.get(reverse("community_proposals:index"))
    assert "Huis van het Kind Laakdal" in text(index)
    assert proposal_url(proposal) in html(index)
    page = text(client.get(proposal_url(proposal)))
    assert "Wij zijn net erkend." in page and asker.email in page

    with django_capture_on_commit_callbacks(execute=True):
        response = decide_proposal(client, proposal, proposed_name="Huis van het Kind Laakdal-Veerle")
    assert response.status_code == 302, response.context["form"].errors
    organisation = Organisation.objects.get(name="Huis van het Kind Laakdal-Veerle")
    assert organisation.kind == Organisation.Kind.HOUSE
    assert list(
        OrganisationArea.objects.filter(organisation=organisation, covers=True).values_list(
            "municipality__name_nl", flat=True
        )
    ) == ["Laakdal"]
    assert Membership.objects.get(person=asker, organisation=organisation).role == Role.COORDINATOR
    proposal.refresh_from_db()
    assert (proposal.status, proposal.organisation, proposal.decided_by) == (
        Status.APPROVED,
        organisation,
        administrator,
    )
    assert mail.outbox[-1].to == [asker.email]
    assert "We hebben Huis van het Kind Laakdal-Veerle op Samenhuis gezet" in mail.outbox[-1].body
    assert asker.notifications.get().url == organisation.get_absolute_url()
    assert client.get(proposal_url(proposal)).status_code in (302, 404)  # decided: not opened again


def test_an_administrator_merges_a_proposal_with_a_listed_organisation(
    client, asker, administrator, geel, django_capture_on_commit_callbacks
):
    proposal = services.organisation_propose(
        actor=asker, name="HvK Geel centrum", kind=Organisation.Kind.PARTNER, municipalities=[], role=Role.STAFF
    )
    client.force_login(administrator)
    response = decide_proposal(client, proposal, decision="merge")
    assert response.status_code == 200
    assert "Kies de bestaande organisatie" in text(response)

    with django_capture_on_commit_callbacks(execute=True):
        response = decide_proposal(client, proposal, decision="merge", merge_into=str(geel.pk))
    assert response.status_code == 302
    assert Membership.objects.get(person=asker, organisation=geel).role == Role.STAFF
    assert not Organisation.objects.filter(name="HvK Geel centrum").exists()
    proposal.refresh_from_db()
    assert (proposal.status, proposal.organisation) == (Status.MERGED, geel)
    assert "Die stond al op Samenhuis als Huis van het Kind Geel" in mail.outbox[-1].body


def test_an_administrator_declines_a_proposal_with_a_reason(
    client, asker, administrator, django_capture_on_commit_callbacks
):
    proposal = services.organisation_propose(
        actor=asker, name="Speelpleinwerking Zomer", kind=Organisation.Kind.PARTNER, municipalities=[], role=Role.STAFF
    )
    client.force_login(administrator)
    response = decide_proposal(client, proposal, decision="decline")
    assert "Schrijf waarom je weigert." in text(response)
    with django_capture_on_commit_callbacks(execute=True):
        response = decide_proposal(client, proposal, decision="decline", reason="Geen partner van een Huis.")
    assert response.status_code == 302
    proposal.refresh_from_db()
    assert (proposal.status, proposal.decline_reason) == (Status.DECLINED, "Geen partner van een Huis.")
    assert not Organisation.objects.filter(name="Speelpleinwerking Zomer").exists()
    assert "Je voorstel van Speelpleinwerking Zomer werd geweigerd." in mail.outbox[-1].body
    assert "Geen partner van een Huis." in mail.outbox[-1].body
    client.force_login(asker)
    assert "De reden: Geen partner van een Huis." in text(client.get(START))


def test_proposing_a_huis_for_a_covered_municipality_is_a_form_error(client, asker, geel):
    client.force_login(asker)
    response = propose(client, name="Huis van het Kind Geel-Noord", municipalities="Geel")
    assert response.status_code == 409
    page = text(response)
    assert "Geel valt al onder Huis van het Kind Geel." in page
    assert "Wij zijn net erkend." in page and 'value="Huis van het Kind Geel-Noord"' in html(response)
    assert not MembershipRequest.objects.exists()


def test_accepting_a_huis_whose_municipality_was_claimed_meanwhile_is_a_form_error(client, asker, administrator):
    proposal = services.organisation_propose(
        actor=asker,
        name="Huis van het Kind Laakdal",
        kind=Organisation.Kind.HOUSE,
        municipalities=municipalities("13053"),
        role=Role.COORDINATOR,
    )
    OrganisationFactory(name="Huis van het Kind Zuiderkempen", municipalities=municipalities("13053"))
    client.force_login(administrator)
    response = decide_proposal(client, proposal)
    assert response.status_code == 200
    errors = [str(error) for error in response.context["form"].errors["proposed_municipalities"]]
    assert any("Huis van het Kind Zuiderkempen" in error for error in errors), errors
    assert not Organisation.objects.filter(name="Huis van het Kind Laakdal").exists()
    assert not Membership.objects.filter(person=asker).exists()
    assert MembershipRequest.objects.get(pk=proposal.pk).is_pending


def test_a_proposal_of_a_listed_name_or_an_unknown_municipality_is_refused(client, asker, geel):
    client.force_login(asker)
    response = propose(client, name="huis van het kind geel", municipalities="Laakdal")
    assert response.status_code == 409
    assert "staat al op Samenhuis. Zoek het op" in text(response)

    response = propose(client, municipalities="Laakdal, Atlantis")
    assert response.status_code == 400
    assert "Deze gemeenten kennen we niet: Atlantis." in text(response)
    assert "Laakdal, Atlantis" in text(response)

    response = propose(client, municipalities="")
    assert response.status_code == 409
    assert "Noem de gemeenten die dit Huis van het Kind dekt." in text(response)
    assert not MembershipRequest.objects.exists()


def test_the_cms_proposals_are_for_other_administrators_only(client, asker, administrator, superuser):
    proposal = services.organisation_propose(
        actor=administrator, name="Eigen voorstel", kind=Organisation.Kind.PARTNER, municipalities=[], role=Role.STAFF
    )
    client.force_login(administrator)
    assert client.get(proposal_url(proposal)).status_code == 404  # not your own
    client.force_login(asker)
    assert client.get(proposal_url(proposal)).status_code in (302, 403)
    assert client.get(reverse("community_proposals:index")).status_code in (302, 403)
    with pytest.raises(PermissionDenied):
        services.organisation_proposal_decline(actor=asker, proposal=proposal, reason="Nee.")
    client.force_login(superuser)
    assert client.get(proposal_url(proposal)).status_code == 200
    inspect = client.get(reverse("community_proposals:inspect", args=[proposal.pk]))
    assert inspect.status_code == 200 and "Eigen voorstel" in text(inspect)
    assert reverse("community_proposals:add") not in html(client.get(reverse("community_proposals:index")))
    assert MembershipRequest.objects.get(pk=proposal.pk).is_pending


def test_the_organisation_page_and_a_refused_practice_lead_to_the_request(client):
    house = OrganisationFactory(name="Huis van het Kind Aalst")
    member = UserFactory()
    client.force_login(member)
    page = client.get(house.get_absolute_url()).content.decode()
    assert f'href="{ask_url(house)}"' in page

    Membership.objects.create(person=member, organisation=house, role=Membership.Role.STAFF)
    assert ask_url(house) not in client.get(house.get_absolute_url()).content.decode()

    client.force_login(UserFactory())
    refused = client.get("/kennis/delen/")
    assert refused.status_code == 403
    assert f'href="{reverse("community:membership_request")}"' in refused.content.decode()
