"""Everything the accounts say to a person is Dutch, in Samenhuis's voice (je, short sentences).

Every allauth mail is rendered through allauth's own adapter and flows, every form error of
sign-up, log-in, password change and reset comes from a real post, and our catalogue has a
non-empty translation for each of its msgids and for every allauth text a person can meet.
See docs/accounts.md "Language".
"""

import io
import re
from html.parser import HTMLParser
from pathlib import Path

import allauth
import pytest
from allauth.account.adapter import get_adapter
from allauth.account.models import EmailAddress
from allauth.core import context as allauth_context
from babel.messages.extract import extract_python
from babel.messages.pofile import read_po
from django.core import mail
from django.test import Client, RequestFactory, override_settings

from community.models import User
from tests.factories import PASSWORD, UserFactory

pytestmark = pytest.mark.django_db

ROOT = Path(__file__).resolve().parents[2]
CATALOGUE = ROOT / "locale" / "nl" / "LC_MESSAGES" / "django.po"
ALLAUTH = Path(allauth.__file__).parent
HOST = "127.0.0.1:8401"  # the `make run PORT=8401` address allauth's mails greeted with
CLIENT_IP = "192.0.2.10"  # a documentation address, so 127.0.0.1 can only come from the host

# Words and phrases that are English and never Dutch. "e-mail" is the Dutch spelling, so "email" is English.
ENGLISH = re.compile(
    r"\b(the|you|your|hello|thanks?|please|password|email|sign[ -]?(in|up|out)|has been|click|from|with|this|"
    r"to|confirm|verify|verification|recovery|received?|already|unspecified|account using)\b",
    re.IGNORECASE,
)
FORMAL = re.compile(r"\b(u|uw|uzelf)\b", re.IGNORECASE)
# allauth's Dutch wrote "Bevestigings e-mail"; ours is "bevestigingsmail" (and "e-mailadres").
MISSPELLED = re.compile(r"\b[Bb]evestigings[ -]e-?mail|\b[Vv]erificatie[ -]e-?mail|\be-?mail adres")
LEFTOVERS = re.compile(r"\{\{|\{%|%\(\w+\)|%[sd]\b")
URL = re.compile(r"https?://\S+")

# Every mail allauth 65 can send (templates/account/email and templates/mfa/email in the package).
MAIL_PREFIXES = {
    "account/email/account_already_exists",
    "account/email/email_changed",
    "account/email/email_confirm",
    "account/email/email_confirmation",
    "account/email/email_confirmation_signup",
    "account/email/email_deleted",
    "account/email/login_code",
    "account/email/password_changed",
    "account/email/password_reset",
    "account/email/password_reset_code",
    "account/email/password_reset_key",
    "account/email/password_set",
    "account/email/unknown_account",
    "mfa/email/recovery_codes_generated",
    "mfa/email/totp_activated",
    "mfa/email/totp_deactivated",
    "mfa/email/webauthn_added",
    "mfa/email/webauthn_removed",
}
NOTIFICATIONS = {
    "account/email/email_changed": {"from_email": "oud@huis.test", "to_email": "nieuw@huis.test"},
    "account/email/email_confirm": {},
    "account/email/email_deleted": {"deleted_email": "oud@huis.test"},
    "account/email/password_changed": {},
    "account/email/password_reset": {},
    "account/email/password_set": {},
    "mfa/email/recovery_codes_generated": {},
    "mfa/email/totp_activated": {},
    "mfa/email/totp_deactivated": {},
    "mfa/email/webauthn_added": {},
    "mfa/email/webauthn_removed": {},
}


class _Text(HTMLParser):
    """The text a person reads in an HTML part (attributes such as href left out)."""

    def __init__(self):
        super().__init__()
        self.parts = []

    def handle_data(self, data):
        self.parts.append(data)


def html_text(html: str) -> str:
    parser = _Text()
    parser.feed(html)
    return " ".join(" ".join(parser.parts).split())


def assert_dutch(text: str, where: str) -> None:
    """No English, no "u"/"uw", no misspelled "bevestigingsmail", no untranslated placeholder."""
    prose = URL.sub(" ", text)
    assert prose.strip(), f"{where}: empty"
    assert not ENGLISH.search(prose), f"{where}: English {ENGLISH.search(prose).group(0)!r} in {prose!r}"
    assert not FORMAL.search(prose), f"{where}: formal {FORMAL.search(prose).group(0)!r} in {prose!r}"
    assert not MISSPELLED.search(prose), f"{where}: {MISSPELLED.search(prose).group(0)!r} in {prose!r}"
    assert not LEFTOVERS.search(prose), f"{where}: placeholder {LEFTOVERS.search(prose).group(0)!r} in {prose!r}"


def assert_samenhuis_mail(message, where: str) -> None:
    assert message.subject.startswith("[Samenhuis] "), where
    assert_dutch(message.subject.removeprefix("[Samenhuis] "), f"{where} subject")

    text = message.body
    assert_dutch(text, f"{where} text")
    assert text.startswith("Hallo"), f"{where}: {text[:40]!r}"
    assert text.endswith(f"Groeten,\nSamenhuis\nhttp://{HOST}/"), f"{where}: signed {text[-60:]!r}"
    # The host appears in links only, never in a greeting ("Hallo van 127.0.0.1:8401!").
    assert "127.0.0.1" not in URL.sub(" ", text), where
    assert "Hallo van" not in text and "Bedankt voor het gebruiken" not in text, where

    [(html, mimetype)] = message.alternatives
    assert mimetype == "text/html", where
    assert html.startswith("<!DOCTYPE html>") and '<html lang="nl-BE">' in html, where
    assert re.search(r"<title>[^<]+</title>", html), where
    readable = html_text(html)
    assert_dutch(readable, f"{where} html")
    assert readable.startswith(message.subject.removeprefix("[Samenhuis] ")), f"{where}: title {readable[:60]!r}"
    assert "Groeten, Samenhuis" in readable, where
    assert "127.0.0.1" not in URL.sub(" ", readable), where


@pytest.fixture
def nl_client():
    """A browser on the address of `make run PORT=8401`, in the default language (Dutch)."""
    return Client(HTTP_HOST=HOST, REMOTE_ADDR=CLIENT_IP)


@pytest.fixture
def allauth_request(rf: RequestFactory):
    """What allauth's adapter needs to send a mail outside one of its views."""
    request = rf.get("/", HTTP_HOST=HOST, REMOTE_ADDR=CLIENT_IP)
    with allauth_context.request_context(request):
        yield request


def only_mail():
    assert len(mail.outbox) == 1, [m.subject for m in mail.outbox]
    return mail.outbox.pop()


# --- Mails -------------------------------------------------------------------------------------


def test_we_override_every_mail_allauth_has_with_a_subject_a_text_and_an_html_part():
    installed = {
        str(path.relative_to(ALLAUTH / "templates")).removesuffix("_subject.txt")
        for folder in ("account/email", "mfa/email")
        for path in (ALLAUTH / "templates" / folder).glob("*_subject.txt")
    }
    assert installed == MAIL_PREFIXES
    for prefix in MAIL_PREFIXES:
        for suffix in ("_subject.txt", "_message.txt", "_message.html"):
            assert (ROOT / "templates" / f"{prefix}{suffix}").is_file(), prefix + suffix


def test_signing_up_sends_a_welcome_with_the_confirmation_link(nl_client):
    nl_client.post(
        "/accounts/signup/",
        {"display_name": "Lien", "email": "lien@huis.test", "password1": PASSWORD, "password2": PASSWORD},
    )
    message = only_mail()
    assert_samenhuis_mail(message, "signup")
    assert message.body.startswith("Hallo Lien,\n\nWelkom op Samenhuis!")
    assert re.search(rf"\nhttp://{re.escape(HOST)}/accounts/confirm-email/\S+/\n", message.body)
    assert "De link werkt 3 dagen." in message.body
    assert message.to == ["lien@huis.test"]


def test_signing_up_with_a_known_address_mails_that_there_is_an_account(nl_client):
    UserFactory(email="bestaat@huis.test")
    nl_client.post(
        "/accounts/signup/",
        {"display_name": "Lien", "email": "bestaat@huis.test", "password1": PASSWORD, "password2": PASSWORD},
    )
    message = only_mail()
    assert_samenhuis_mail(message, "account_already_exists")
    assert "Er is al een account met dat adres." in message.body
    assert f"http://{HOST}/accounts/password/reset/" in message.body


def test_password_reset_mails_a_link_to_a_known_address_and_a_notice_to_an_unknown_one(nl_client):
    UserFactory(email="vergeten@huis.test", profile="An")
    nl_client.post("/accounts/password/reset/", {"email": "vergeten@huis.test"})
    message = only_mail()
    assert_samenhuis_mail(message, "password_reset_key")
    assert message.body.startswith("Hallo An,")
    assert f"http://{HOST}/accounts/password/reset/key/" in message.body

    nl_client.post("/accounts/password/reset/", {"email": "onbekend@huis.test"})
    message = only_mail()
    assert_samenhuis_mail(message, "unknown_account")
    assert message.body.startswith("Hallo,\n")
    assert f"http://{HOST}/accounts/signup/" in message.body


def test_the_unknown_account_mail_offers_no_sign_up_while_sign_up_is_closed(nl_client, settings):
    settings.SAMENHUIS_SIGNUP_OPEN = False
    nl_client.post("/accounts/password/reset/", {"email": "onbekend@huis.test"})
    message = only_mail()
    assert_samenhuis_mail(message, "unknown_account closed")
    assert "/accounts/signup/" not in message.body


def test_a_new_address_gets_a_confirmation_mail(nl_client):
    user = UserFactory(email="oud@huis.test", profile="Mo")
    nl_client.force_login(user)
    nl_client.post("/accounts/email/", {"action_add": "", "email": "nieuw@huis.test"})
    message = only_mail()
    assert_samenhuis_mail(message, "email_confirmation")
    assert message.to == ["nieuw@huis.test"]
    assert message.body.startswith("Hallo Mo,\n\nBevestig met deze link")


@override_settings(ACCOUNT_EMAIL_NOTIFICATIONS=True)
def test_changing_the_password_sends_a_notice_when_notices_are_on(nl_client):
    user = UserFactory(profile="Mo")
    nl_client.force_login(user)
    new = "een-ander-lang-wachtwoord-7"
    nl_client.post(
        "/accounts/password/change/",
        {"oldpassword": PASSWORD, "password1": new, "password2": new},
        HTTP_USER_AGENT="Firefox/140.0",
    )
    message = only_mail()
    assert_samenhuis_mail(message, "password_changed")
    assert "Je wachtwoord is gewijzigd." in message.body
    assert f"IP-adres: {CLIENT_IP}\nBrowser: Firefox/140.0\n" in message.body


@pytest.mark.parametrize("code", [None, "K7Q2XW"])
@pytest.mark.parametrize("prefix", ["account/email/email_confirmation", "account/email/email_confirmation_signup"])
def test_confirmation_mails_with_a_link_or_a_code(allauth_request, prefix, code):
    user = UserFactory(profile="Lien")
    context = {"user": user, "code": code} if code else {"user": user, "key": "k", "activate_url": "http://x/k/"}
    get_adapter().send_mail(prefix, user.email, context)
    message = only_mail()
    assert_samenhuis_mail(message, f"{prefix} code={code}")
    assert (code or "http://x/k/") in message.body


@pytest.mark.parametrize("prefix", ["account/email/login_code", "account/email/password_reset_code"])
def test_code_mails(allauth_request, prefix):
    get_adapter().send_mail(prefix, "lien@huis.test", {"code": "K7Q2XW"})
    message = only_mail()
    assert_samenhuis_mail(message, prefix)
    assert "\nK7Q2XW\n" in message.body


@override_settings(ACCOUNT_EMAIL_NOTIFICATIONS=True)
@pytest.mark.parametrize("prefix", sorted(NOTIFICATIONS))
def test_security_notices(allauth_request, prefix):
    user = UserFactory(profile="Mo")
    get_adapter().send_notification_mail(prefix, user, NOTIFICATIONS[prefix])
    message = only_mail()
    assert_samenhuis_mail(message, prefix)
    assert message.body.startswith("Hallo Mo,")
    assert "Wanneer: " in message.body
    assert "Browser:" not in message.body  # the request sent none
    assert f"Was jij dit niet? Kies dan meteen een nieuw wachtwoord:\nhttp://{HOST}/accounts/password/reset/" in (
        message.body
    )


def test_every_mail_prefix_is_rendered_by_a_test_above():
    rendered = NOTIFICATIONS.keys() | {
        "account/email/account_already_exists",
        "account/email/email_confirmation",
        "account/email/email_confirmation_signup",
        "account/email/login_code",
        "account/email/password_reset_code",
        "account/email/password_reset_key",
        "account/email/unknown_account",
    }
    assert rendered == MAIL_PREFIXES


def test_a_mail_in_english_is_english_for_who_chose_english(nl_client, settings):
    nl_client.cookies[settings.LANGUAGE_COOKIE_NAME] = "en"
    UserFactory(email="vergeten@huis.test")
    nl_client.post("/accounts/password/reset/", {"email": "vergeten@huis.test"})
    message = only_mail()
    assert message.subject == "[Samenhuis] Choose a new password"
    assert message.body.endswith(f"Greetings,\nSamenhuis\nhttp://{HOST}/")


# --- Form errors -------------------------------------------------------------------------------


def form_errors(response) -> list[str]:
    assert response.status_code == 200, response.status_code
    form = response.context["form"]
    return [str(error) for errors in form.errors.values() for error in errors]


def assert_dutch_errors(errors: list[str], expected: str, where: str) -> None:
    assert errors, where
    for error in errors:
        assert_dutch(error, where)
    assert any(expected in error for error in errors), f"{where}: {expected!r} not in {errors}"


@pytest.mark.parametrize(
    ("case", "changes", "expected"),
    [
        ("too short", {"password1": "kort-42", "password2": "kort-42"}, "te kort. Gebruik minstens 10 tekens."),
        ("too common", {"password1": "qwertyuiop", "password2": "qwertyuiop"}, "te bekend"),
        ("numeric", {"password1": "8302749165", "password2": "8302749165"}, "alleen cijfers"),
        (
            "similar to the e-mail address",
            {"email": "lien.peeters@huis.test", "password1": "peeters2024", "password2": "peeters2024"},
            "lijkt te veel op je e-mailadres",
        ),
        ("mismatch", {"password2": "iets-anders-123"}, "Typ twee keer hetzelfde wachtwoord."),
        ("no e-mail address", {"email": "geen-adres"}, "e-mailadres"),
        ("no display name", {"display_name": ""}, "verplicht"),
    ],
)
def test_sign_up_errors_are_dutch(nl_client, case, changes, expected):
    data = {"display_name": "Lien", "email": "lien@huis.test", "password1": PASSWORD, "password2": PASSWORD}
    response = nl_client.post("/accounts/signup/", {**data, **changes})
    assert_dutch_errors(form_errors(response), expected, case)
    assert not User.objects.filter(email=data["email"]).exists()


def test_the_password_rules_under_the_sign_up_field_say_je(nl_client):
    html = nl_client.get("/accounts/signup/").content.decode()
    assert "Gebruik minstens 10 tekens." in html
    assert "Je wachtwoord mag niet te veel op je e-mailadres of je naam lijken." in html
    assert "Uw " not in html and " uw " not in html


@pytest.mark.parametrize(
    ("case", "login"),
    [("wrong password", "an@huis.test"), ("unknown account", "niemand@huis.test")],
)
def test_login_errors_are_dutch(nl_client, case, login):
    UserFactory(email="an@huis.test")
    response = nl_client.post("/accounts/login/", {"login": login, "password": "niet-het-wachtwoord"})
    assert_dutch_errors(form_errors(response), "Je e-mailadres of wachtwoord is niet correct.", case)


@pytest.mark.parametrize(
    ("case", "data", "expected"),
    [
        ("wrong current password", {"oldpassword": "fout", "password1": "nieuw-lang-42", "password2": "nieuw-lang-42"},
         "Typ je huidige wachtwoord."),
        ("too short", {"oldpassword": PASSWORD, "password1": "kort-42", "password2": "kort-42"}, "te kort"),
        ("mismatch", {"oldpassword": PASSWORD, "password1": "nieuw-lang-42", "password2": "ander-lang-42"},
         "hetzelfde wachtwoord"),
    ],
)  # fmt: skip
def test_password_change_errors_are_dutch(nl_client, case, data, expected):
    nl_client.force_login(UserFactory())
    response = nl_client.post("/accounts/password/change/", data)
    assert_dutch_errors(form_errors(response), expected, case)


def test_password_reset_errors_are_dutch(nl_client):
    response = nl_client.post("/accounts/password/reset/", {"email": "geen-adres"})
    assert_dutch_errors(form_errors(response), "e-mailadres", "reset request")

    UserFactory(email="vergeten@huis.test")
    nl_client.post("/accounts/password/reset/", {"email": "vergeten@huis.test"})
    link = re.search(r"/accounts/password/reset/key/\S+/", only_mail().body).group(0)
    form_page = nl_client.get(link, follow=True)
    response = nl_client.post(form_page.redirect_chain[-1][0], {"password1": "1234567890", "password2": "1234567890"})
    assert_dutch_errors(form_errors(response), "alleen cijfers", "reset from key")


def test_adding_the_address_you_have_is_refused_in_dutch(nl_client):
    user = UserFactory(email="mo@huis.test")
    nl_client.force_login(user)
    response = nl_client.post("/accounts/email/", {"action_add": "", "email": "mo@huis.test"})
    assert_dutch_errors(form_errors(response), "hoort al bij je account", "email change")


# --- Pages -------------------------------------------------------------------------------------


def main_text(response) -> str:
    html = response.content.decode()
    return html_text(html[html.index("<main") : html.index("</main>")])


@pytest.mark.parametrize(
    "url",
    [
        "/accounts/login/",
        "/accounts/signup/",
        "/accounts/password/reset/",
        "/accounts/password/reset/done/",
        "/accounts/confirm-email/",
        "/accounts/confirm-email/ongeldige-sleutel/",
        "/accounts/password/reset/key/1-ongeldig/",
    ],
)
def test_pages_before_logging_in_are_dutch(nl_client, url):
    response = nl_client.get(url, follow=True)
    assert response.status_code == 200
    assert_dutch(main_text(response), url)


@pytest.mark.parametrize(
    "url",
    [
        "/accounts/email/",
        "/accounts/password/change/",
        "/accounts/2fa/",
        "/accounts/2fa/totp/activate/",
        "/accounts/reauthenticate/",
        "/accounts/logout/",
    ],
)
def test_account_pages_are_dutch(nl_client, url):
    nl_client.force_login(UserFactory())
    response = nl_client.get(url, follow=True)
    assert response.status_code == 200
    assert_dutch(main_text(response), url)


def test_the_closed_sign_up_page_is_dutch(nl_client, settings):
    settings.SAMENHUIS_SIGNUP_OPEN = False
    assert_dutch(main_text(nl_client.get("/accounts/signup/")), "sign-up closed")


def test_messages_after_logging_in_and_out_are_dutch(nl_client):
    user = UserFactory(profile="An")
    response = nl_client.post("/accounts/login/", {"login": user.email, "password": PASSWORD}, follow=True)
    assert [str(m) for m in response.context["messages"]] == ["Je bent aangemeld als An."]
    response = nl_client.post("/accounts/logout/", follow=True)
    assert [str(m) for m in response.context["messages"]] == ["Je bent afgemeld."]


def test_resending_the_confirmation_says_bevestigingsmail(nl_client):
    user = UserFactory(email="mo@huis.test", verified=False)
    nl_client.force_login(user)
    EmailAddress.objects.create(user=user, email="mo@huis.test", primary=True, verified=False)
    response = nl_client.post("/accounts/email/", {"action_send": "", "email": "mo@huis.test"}, follow=True)
    assert "We hebben een bevestigingsmail gestuurd naar mo@huis.test." in [
        str(m) for m in response.context["messages"]
    ]
    assert_samenhuis_mail(only_mail(), "email_confirmation (re-sent)")


# --- The catalogue -----------------------------------------------------------------------------


def catalogue():
    with CATALOGUE.open("rb") as po:
        return read_po(po)


def test_every_msgid_in_our_catalogue_has_a_translation():
    empty = []
    for message in catalogue():
        if not message.id:
            continue
        forms = message.string if isinstance(message.string, (list, tuple)) else [message.string]
        if message.fuzzy or not all(form.strip() for form in forms):
            empty.append(message.id)
    assert not empty


def test_our_catalogue_says_je_and_spells_bevestigingsmail():
    for message in catalogue():
        forms = message.string if isinstance(message.string, (list, tuple)) else [message.string]
        for form in forms:
            assert not FORMAL.search(form), (message.id, form)
            assert not MISSPELLED.search(form), (message.id, form)


def allauth_texts_a_person_can_meet() -> set:
    """allauth.account and allauth.mfa: python and page templates. Its mails are our own templates;
    social accounts, sessions, headless and the identity provider are not installed."""
    not_installed = ("socialaccount/", "usersessions/", "headless/", "idp/", "templates/openid/")
    replaced = ("templates/account/email/", "templates/mfa/email/")
    with (ALLAUTH / "locale" / "en" / "LC_MESSAGES" / "django.po").open("rb") as po:
        english = read_po(po)
    texts = set()
    for message in english:
        places = [path for path, _line in message.locations]
        places = [p for p in places if not p.startswith(not_installed) and not p.startswith(replaced)]
        places = [p for p in places if not p.startswith(tuple(f"templates/{f}" for f in not_installed))]
        if message.id and places:
            texts.add((message.context, message.id if isinstance(message.id, str) else tuple(message.id)))
    return texts


def test_every_allauth_text_a_person_can_meet_has_a_samenhuis_translation():
    ours = catalogue()
    texts = allauth_texts_a_person_can_meet()
    assert len(texts) > 200
    untranslated = []
    for context, msgid in texts:
        message = ours.get(msgid, context=context)
        if message is None or message.fuzzy or not message.string:
            untranslated.append(msgid)
    assert not untranslated


def test_community_account_texts_lists_them_so_makemessages_keeps_them():
    keywords = {"gettext_noop": None, "ngettext_lazy": (1, 2), "pgettext_lazy": ((1, "c"), 2)}
    source = (ROOT / "community" / "account_texts.py").read_bytes()
    listed = set()
    for _line, function, message, _comments in extract_python(io.BytesIO(source), keywords, [], {}):
        # A call split over lines ends with a comma, which Babel reports as one more (empty) argument.
        arguments = (message,) if isinstance(message, str) else tuple(message)
        if function == "pgettext_lazy":
            listed.add(arguments[:2])
        elif function == "ngettext_lazy":
            listed.add((None, arguments[:2]))
        else:
            listed.add((None, arguments[0]))
    assert allauth_texts_a_person_can_meet() <= listed
