"""Factories build state through the same services the application uses."""

import factory
from allauth.account.models import EmailAddress

from community import services
from community.models import User

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
