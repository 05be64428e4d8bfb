"""The register of processing (samenhuis/register.py) names every model that holds personal data,
docs/privacy.md carries it as generated, and everyone can read it at /privacy/verwerkingen/, in
Dutch by default."""

import pytest
from django.apps import apps
from django.conf import settings
from django.core.management import CommandError, call_command
from django.db import models
from django.utils import translation

from privacy import exports
from samenhuis import register

# Models that point at an account or store an e-mail address and still hold nothing the register
# should name. Each needs a reason; keep this list short.
EXEMPT: dict[str, str] = {}


def personal_fields(model) -> list[str]:
    """Fields the model itself declares (not inherited from a parent table) that point at an
    account, or that store an e-mail address."""
    user_model = apps.get_model(settings.AUTH_USER_MODEL)
    found = []
    for field in model._meta.get_fields():
        if field.auto_created or getattr(field, "model", None) is not model:
            continue
        if (field.is_relation and field.related_model is user_model) or isinstance(field, models.EmailField):
            found.append(field.name)
    return found


def test_every_model_with_personal_data_is_named_by_the_register():
    named = register.named_models() | set(EXEMPT)
    forgotten = {
        model._meta.label: fields
        for model in apps.get_models()
        if (fields := personal_fields(model)) and model._meta.label not in named
    }
    assert not forgotten, (
        f"Say in samenhuis/register.py what these keep, why and for how long: {forgotten}. "
        "Then run `manage.py privacy_register`."
    )


def test_the_check_sees_a_new_model_with_an_account_or_an_address():
    """The walk above is only as good as `personal_fields`: it must see a foreign key to the
    user, a one-to-one, a many-to-many and an e-mail field."""
    assert personal_fields(apps.get_model("community.Notification")) == ["recipient", "actor"]
    assert personal_fields(apps.get_model("community.Profile")) == ["user"]
    assert "mentions" in personal_fields(apps.get_model("rooms.Message"))
    assert personal_fields(apps.get_model("community.GroupInvitation")) == ["email", "invited_by", "accepted_by"]
    # A Wagtail page type inherits `owner` from wagtailcore.Page: that entry covers it.
    assert personal_fields(apps.get_model("knowledge.StandardPage")) == []


def test_every_model_the_register_names_exists_and_every_key_is_unique():
    for label in register.named_models():
        apps.get_model(label)
    keys = [processing.key for processing in register.REGISTER]
    assert len(keys) == len(set(keys))


def test_retention_periods_come_from_the_register():
    assert register.retention("login_records").days == 90
    with pytest.raises(KeyError):
        register.retention("profiles")  # kept until the account is deleted: no job, no period
    with pytest.raises(KeyError):
        register.retention("no_such_entry")


def test_the_export_archive_lives_as_long_as_the_register_says():
    assert register.retention("data_exports") == exports.VALID_FOR


def test_every_entry_is_translated_into_dutch():
    untranslated = []
    for processing in register.REGISTER:
        for name in ("title", "stored", "purpose", "basis", "kept", "seen_by"):
            text = getattr(processing, name)
            with translation.override("en"):
                english = str(text)
            with translation.override("nl"):
                dutch = str(text)
            if dutch == english:
                untranslated.append(f"{processing.key}.{name}: {english}")
    assert not untranslated


def test_docs_privacy_carries_the_register_as_generated():
    document = (settings.BASE_DIR / "docs" / "privacy.md").read_text(encoding="utf-8")
    assert register.markdown_with_register(document) == document, "Run `manage.py privacy_register`."
    call_command("privacy_register", "--check")


def test_the_command_writes_the_register_and_check_fails_on_a_stale_file(tmp_path):
    stale = tmp_path / "privacy.md"
    stale.write_text(f"# Privacy\n\n{register.MARKDOWN_START}\n| old |\n{register.MARKDOWN_END}\n\nAfter.\n")
    with pytest.raises(CommandError) as failed:
        call_command("privacy_register", "--check", "--path", str(stale))
    assert failed.value.returncode == 1
    call_command("privacy_register", "--path", str(stale))
    written = stale.read_text()
    assert "`community.LoginRecord`" in written and written.endswith(f"{register.MARKDOWN_END}\n\nAfter.\n")
    assert "| old |" not in written
    call_command("privacy_register", "--check", "--path", str(stale))


@pytest.mark.django_db
def test_the_public_page_shows_the_register_in_dutch_without_login(client):
    response = client.get("/privacy/verwerkingen/")
    assert response.status_code == 200
    html = response.content.decode()
    assert "<h1>Register van verwerkingen</h1>" in html
    with translation.override("nl"):
        for processing in register.REGISTER:
            assert f">{processing.title}</h2>" in html
            assert str(processing.kept) in html
    assert 'href="/privacy/verwerkingen/"' in html  # the footer links to it
    assert '<a href="/account/gegevens/">Je gegevens</a>' in html


@pytest.mark.django_db
def test_the_public_page_follows_the_chosen_language(client):
    client.cookies[settings.LANGUAGE_COOKIE_NAME] = "en"
    html = client.get("/privacy/verwerkingen/").content.decode()
    assert "<h1>Register of processing</h1>" in html
    assert "90 days." in html
