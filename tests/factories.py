"""Factories build state through the same services the application uses."""

import factory
from allauth.account.models import EmailAddress

from community import services
from community.models import IntervisionGroup, Organisation, User

PASSWORD = "een-lang-wachtwoord-42"


class UserFactory(factory.django.DjangoModelFactory):
    class Meta:
        model = User
        skip_postgeneration_save = True

    email = factory.Sequence(lambda n: f"persoon{n}@huis.test")
    password = factory.PostGenerationMethodCall("set_password", PASSWORD)

    @factory.post_generation
    def profile(self, create, extracted, **kwargs):
        if create:
            self.save()
            services.profile_create(user=self, display_name=extracted or f"Persoon {self.pk}")

    @factory.post_generation
    def verified(self, create, extracted, **kwargs):
        if create and extracted is not False:
            EmailAddress.objects.create(user=self, email=self.email, verified=True, primary=True)


class OrganisationFactory(factory.django.DjangoModelFactory):
    """An organisation saved through `organisation_save`; pass `municipalities=[...]` for its area."""

    class Meta:
        model = Organisation
        skip_postgeneration_save = True

    kind = Organisation.Kind.HOUSE
    name = factory.Sequence(lambda n: f"Huis van het Kind Proef {n}")

    @classmethod
    def _create(cls, model_class, *args, municipalities=(), **kwargs):
        return services.organisation_save(organisation=model_class(*args, **kwargs), municipalities=municipalities)


def group_create(
    *, facilitator=None, visibility=IntervisionGroup.Visibility.CLOSED, name="Intervisiegroep Proef", **kwargs
):
    """A group made by an administrator through the real service, with `facilitator` as its facilitator."""
    admin = User.objects.filter(is_superuser=True).first() or UserFactory(is_superuser=True, is_staff=True)
    facilitator = facilitator or UserFactory()
    return services.group_create(actor=admin, name=name, visibility=visibility, facilitators=[facilitator], **kwargs)


def group_add_member(group, person):
    """Membership the way a person gets it on an open group, or by an approved request otherwise."""
    facilitator = group.memberships.filter(role="facilitator").first().person
    if group.visibility == IntervisionGroup.Visibility.OPEN:
        return services.group_member_join(actor=person, group=group)
    if group.visibility == IntervisionGroup.Visibility.CLOSED:
        join_request = services.group_member_request(actor=person, group=group)
        return services.group_request_decide(actor=facilitator, join_request=join_request, approve=True)
    invitation = services.group_member_invite(actor=facilitator, group=group, email=person.email)
    return services.group_invitation_accept(user=person, token=services.invitation_token(invitation))


# Needs, offers and roadmaps (exchange/, issue 17) ------------------------------------------------


def member_of(organisation, *, role="staff", **user_kwargs):
    """A person linked to `organisation` in `role` ("coordinator", "staff", "partner_contact") the
    way administrators link people (`membership_save`)."""
    person = UserFactory(**user_kwargs)
    services.membership_save(person=person, organisation=organisation, role=role)
    return person
