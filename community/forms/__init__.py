"""Forms of the community app, one module per area; settings refer to `community.forms.SignupForm`."""

from .accounts import ProfileForm, SignupForm

__all__ = ["ProfileForm", "SignupForm"]
