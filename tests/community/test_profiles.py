"""Profiles: editing one's own (photo checks included), member pages and photos that answer
only to those the person allows (docs/privacy.md)."""

import io
from pathlib import Path

import pytest
from django.contrib.messages import SUCCESS, get_messages
from django.core.exceptions import ValidationError
from django.core.files.uploadedfile import SimpleUploadedFile
from django.urls import reverse
from PIL import Image

from community import services
from community.models import Membership, Profile
from community.uploads import image_clean
from knowledge.models import LifeDomain
from tests.factories import OrganisationFactory, UserFactory, group_add_member, group_create

pytestmark = pytest.mark.django_db

PROFILE = reverse("community:profile")
Visibility = Profile.Visibility


@pytest.fixture(autouse=True)
def media(settings, tmp_path, private_media):
    """Uploads of these tests land in directories of their own; photos are private uploads."""
    settings.MEDIA_ROOT = str(tmp_path / "media")
    return private_media


def image_bytes(image_format="PNG", size=(600, 450), **save_options) -> bytes:
    buffer = io.BytesIO()
    Image.new("RGB", size, (0, 86, 107)).save(buffer, format=image_format, **save_options)
    return buffer.getvalue()


def photo(name="foto.png", image_format="PNG", **save_options) -> SimpleUploadedFile:
    return SimpleUploadedFile(name, image_bytes(image_format, **save_options), content_type="image/png")


def profile_set(user, **changes) -> Profile:
    """Change a profile through the service, keeping what is not named."""
    profile = Profile.objects.get(user=user)
    values = {
        "display_name": profile.display_name,
        "function": profile.function,
        "bio": profile.bio,
        "expertise": list(profile.expertise.all()),
        "visibility": profile.visibility,
        "share_email": profile.share_email,
    }
    if "avatar" in changes:
        changes["avatar"] = image_clean(changes["avatar"], max_bytes=10**7, box=400)
    return services.profile_update(user=user, **(values | changes))


def stored_files(media: Path) -> list[Path]:
    return sorted(path for path in media.rglob("*") if path.is_file())


def form_data(**changes) -> dict:
    return {"display_name": "An Peeters", "function": "", "bio": "", "visibility": Visibility.MEMBERS} | changes


def member_url(user) -> str:
    return reverse("community:member", kwargs={"pk": user.pk})


def avatar_url(user) -> str:
    return reverse("community:member_avatar", kwargs={"pk": user.pk})


# Who may see a member page and its photo -------------------------------------------------------------------


@pytest.fixture
def person():
    user = UserFactory(profile="Sara Vermeulen")
    profile_set(user, avatar=photo())
    return user


@pytest.fixture
def viewers(person):
    """Someone for every relation to `person`: none, a colleague, a group peer, themselves."""
    organisation = OrganisationFactory()
    Membership.objects.create(person=person, organisation=organisation)
    colleague = UserFactory()
    Membership.objects.create(person=colleague, organisation=organisation)
    group = group_create(facilitator=person)
    group_peer = UserFactory()
    group_add_member(group, group_peer)
    return {
        "anonymous": None,
        "member": UserFactory(),
        "colleague": colleague,
        "group_peer": group_peer,
        "self": person,
    }


VISIBILITY_MATRIX = [
    # (visibility, viewer, may see)
    (Visibility.PUBLIC, "anonymous", True),
    (Visibility.PUBLIC, "member", True),
    (Visibility.PUBLIC, "colleague", True),
    (Visibility.PUBLIC, "self", True),
    (Visibility.MEMBERS, "anonymous", False),
    (Visibility.MEMBERS, "member", True),
    (Visibility.MEMBERS, "colleague", True),
    (Visibility.MEMBERS, "self", True),
    (Visibility.CONNECTIONS, "anonymous", False),
    (Visibility.CONNECTIONS, "member", False),
    (Visibility.CONNECTIONS, "colleague", True),
    (Visibility.CONNECTIONS, "group_peer", True),
    (Visibility.CONNECTIONS, "self", True),
]


@pytest.mark.parametrize(("visibility", "viewer", "may_see"), VISIBILITY_MATRIX)
def test_member_page_and_photo_follow_the_visibility(client, person, viewers, visibility, viewer, may_see):
    profile_set(person, visibility=visibility)
    if viewers[viewer] is not None:
        client.force_login(viewers[viewer])

    page = client.get(member_url(person))
    photo_response = client.get(avatar_url(person))

    if may_see:
        assert page.status_code == 200
        assert "Sara Vermeulen" in page.content.decode()
        assert photo_response.status_code == 200
        assert photo_response["Content-Type"].startswith("image/")
    elif viewer == "anonymous":
        assert page.status_code == 302
        assert page["Location"].startswith(reverse("account_login"))
        assert photo_response.status_code == 404
    else:
        assert page.status_code == 404
        assert photo_response.status_code == 404


def test_unknown_and_inactive_members_are_not_found(client, person):
    client.force_login(UserFactory())
    assert client.get(reverse("community:member", kwargs={"pk": 987654})).status_code == 404
    assert client.get(reverse("community:member_avatar", kwargs={"pk": 987654})).status_code == 404
    person.is_active = False
    person.save()
    assert client.get(member_url(person)).status_code == 404
    assert client.get(avatar_url(person)).status_code == 404


def test_anonymous_visitors_are_sent_to_log_in_for_an_unknown_member_too(client):
    """The same answer as for a hidden profile, so the redirect tells nothing."""
    response = client.get(reverse("community:member", kwargs={"pk": 987654}))
    assert response.status_code == 302
    assert response["Location"].startswith(reverse("account_login"))


def test_the_photo_is_served_privately_with_its_type(client, person, media):
    client.force_login(UserFactory())
    response = client.get(avatar_url(person))
    stored = Profile.objects.get(user=person).avatar
    assert response.status_code == 200
    assert response["Content-Type"] == "image/jpeg"
    assert response["X-Content-Type-Options"] == "nosniff"
    assert set(response["Cache-Control"].replace(" ", "").split(",")) == {"private", "max-age=3600"}
    assert b"".join(response.streaming_content) == (media / stored.name).read_bytes()


def test_no_photo_is_not_found(client):
    user = UserFactory()
    client.force_login(user)
    assert client.get(avatar_url(user)).status_code == 404


def test_a_missing_photo_file_is_not_found(client, person, media):
    (media / Profile.objects.get(user=person).avatar.name).unlink()
    client.force_login(person)
    assert client.get(avatar_url(person)).status_code == 404


def test_pages_use_the_checked_photo_url_never_the_media_url(client, person):
    client.force_login(UserFactory())
    html = client.get(member_url(person)).content.decode()
    assert f'src="{avatar_url(person)}?v=' in html
    assert "/media/" not in html
    assert Profile.objects.get(user=person).avatar.name not in html


def test_the_photo_url_changes_with_the_photo(client, person, django_capture_on_commit_callbacks):
    client.force_login(person)
    before = client.get(member_url(person)).context["avatar_url"]
    with django_capture_on_commit_callbacks(execute=True):
        profile_set(person, avatar=photo(image_format="JPEG"))
    after = client.get(member_url(person)).context["avatar_url"]
    assert before != after
    assert before.split("?")[0] == after.split("?")[0] == avatar_url(person)


# What a member page shows -------------------------------------------------------------------------------------


def test_member_page_shows_function_escaped_bio_expertise_and_organisations(client):
    person = UserFactory(profile="Sara Vermeulen")
    domains = list(LifeDomain.objects.all()[:2])
    profile_set(person, function="Coördinator", bio="<b>Hallo</b>\nTweede regel", expertise=domains)
    organisation = OrganisationFactory(name="Huis van het Kind Geel")
    Membership.objects.create(person=person, organisation=organisation, role=Membership.Role.COORDINATOR)
    client.force_login(UserFactory())

    html = client.get(member_url(person)).content.decode()

    assert "Coördinator" in html
    assert "&lt;b&gt;Hallo&lt;/b&gt;<br>Tweede regel" in html
    assert "<b>Hallo</b>" not in html
    for domain in domains:
        assert domain.name in html
    assert f'href="{organisation.get_absolute_url()}">Huis van het Kind Geel</a>' in html
    assert str(Membership.Role.COORDINATOR.label) in html
    assert html.count("<h1") == 1


def test_without_a_photo_the_page_shows_the_initial(client):
    person = UserFactory(profile="sara")
    client.force_login(person)
    html = client.get(member_url(person)).content.decode()
    assert '<span class="avatar" aria-hidden="true">S</span>' in html
    assert "/foto/" not in html


@pytest.mark.parametrize(
    ("share_email", "viewer", "shown"),
    [
        (False, "member", False),
        (False, "colleague", False),
        (False, "self", True),
        (True, "member", True),
        (True, "colleague", True),
        (True, "anonymous", True),  # a public profile whose owner shares the address with whoever sees it
    ],
)
def test_email_only_when_shared_or_own(client, person, viewers, share_email, viewer, shown):
    profile_set(person, visibility=Visibility.PUBLIC, share_email=share_email)
    if viewers[viewer] is not None:
        client.force_login(viewers[viewer])
    html = client.get(member_url(person)).content.decode()
    assert (person.email in html) is shown
    assert (f'href="mailto:{person.email}"' in html) is shown


def test_email_stays_hidden_when_the_profile_itself_is_hidden(client, person):
    profile_set(person, visibility=Visibility.CONNECTIONS, share_email=True)
    client.force_login(UserFactory())
    response = client.get(member_url(person))
    assert response.status_code == 404
    assert person.email not in response.content.decode()


# Editing one's own profile ------------------------------------------------------------------------------------


def test_profile_page_needs_a_login(client):
    response = client.get(PROFILE)
    assert response.status_code == 302
    assert response["Location"].startswith(reverse("account_login"))


def test_profile_edit_saves_every_field(client, media):
    user = UserFactory(profile="Oude naam")
    domains = list(LifeDomain.objects.order_by("pk")[:2])
    client.force_login(user)

    response = client.post(
        PROFILE,
        {
            "display_name": "  An Peeters ",
            "function": "Trekker",
            "bio": "Ik werk in Geel.\nVraag me over opvoeding.",
            "expertise": [domain.pk for domain in domains],
            "avatar": photo(),
            "visibility": Visibility.CONNECTIONS,
            "share_email": "on",
        },
    )

    assert response.status_code == 302
    assert response["Location"] == PROFILE
    assert [m.level for m in get_messages(response.wsgi_request)] == [SUCCESS]
    profile = Profile.objects.get(user=user)
    assert profile.display_name == "An Peeters"
    assert profile.function == "Trekker"
    assert profile.bio == "Ik werk in Geel.\nVraag me over opvoeding."
    assert list(profile.expertise.order_by("pk")) == domains
    assert profile.visibility == Visibility.CONNECTIONS
    assert profile.share_email is True
    assert profile.avatar.name.startswith("avatars/")
    assert stored_files(media) == [media / profile.avatar.name]

    page = client.get(PROFILE)
    form = page.context["form"]
    assert form["function"].value() == "Trekker"
    assert form["visibility"].value() == Visibility.CONNECTIONS
    assert 'name="remove_avatar"' in page.content.decode()


def test_an_omitted_visibility_keeps_the_current_one(client):
    user = UserFactory()
    profile_set(user, visibility=Visibility.PUBLIC)
    client.force_login(user)
    data = form_data()
    del data["visibility"]
    assert client.post(PROFILE, data).status_code == 302
    assert Profile.objects.get(user=user).visibility == Visibility.PUBLIC


def test_a_bio_longer_than_allowed_is_refused(client):
    user = UserFactory()
    client.force_login(user)
    response = client.post(PROFILE, form_data(bio="x" * 601))
    assert response.status_code == 200
    assert "bio" in response.context["form"].errors
    assert Profile.objects.get(user=user).bio == ""


def refused_upload(client, media, upload, code: str):
    """Post a profile with `upload`: the form answers with an error of `code`, keeps the other
    input, and neither the profile nor the media directory changes."""
    user = UserFactory(profile="Oude naam")
    client.force_login(user)
    response = client.post(PROFILE, form_data(display_name="Nieuwe naam", function="Trekker", avatar=upload))
    assert response.status_code == 200
    errors = response.context["form"].errors.as_data()
    assert [error.code for error in errors["avatar"]] == [code]
    html = response.content.decode()
    assert errors["avatar"][0].messages[0] in html
    assert 'value="Nieuwe naam"' in html
    assert 'value="Trekker"' in html
    profile = Profile.objects.get(user=user)
    assert (profile.display_name, profile.function, profile.avatar.name) == ("Oude naam", "", "")
    assert stored_files(media) == []
    return html


def test_a_text_file_named_png_is_refused(client, media):
    html = refused_upload(
        client, media, SimpleUploadedFile("foto.png", b"dit is geen afbeelding", content_type="image/png"), "invalid"
    )
    assert "geen afbeelding" in html or "not an image" in html


def test_an_image_of_another_format_is_refused(client, media):
    refused_upload(client, media, photo(name="foto.png", image_format="BMP"), "format")


def test_a_too_large_photo_is_refused(client, media, settings):
    settings.SAMENHUIS_AVATAR_MAX_BYTES = 2_000
    big = SimpleUploadedFile("groot.png", image_bytes("BMP", size=(200, 200)), content_type="image/png")
    assert big.size > 2_000
    refused_upload(client, media, big, "too_large")


def test_the_stored_photo_has_no_exif_and_fits_the_box(client, media):
    exif = Image.Exif()
    exif[0x010F] = "Telefoonmerk"  # Make
    exif[0x0131] = "Camera-app van An Peeters"  # Software
    original = image_bytes("JPEG", size=(1200, 900), exif=exif.tobytes())
    with Image.open(io.BytesIO(original)) as check:
        assert dict(check.getexif())  # the upload really carries EXIF
    user = UserFactory()
    client.force_login(user)

    client.post(PROFILE, form_data(avatar=SimpleUploadedFile("IMG_0001.jpg", original, content_type="image/jpeg")))

    stored = media / Profile.objects.get(user=user).avatar.name
    assert "IMG_0001" not in stored.name
    with Image.open(stored) as image:
        assert not dict(image.getexif())
        assert "exif" not in image.info
        assert max(image.size) <= 400
    assert b"Telefoonmerk" not in stored.read_bytes()


def test_removing_the_photo_deletes_the_file(client, media, django_capture_on_commit_callbacks):
    user = UserFactory()
    profile_set(user, avatar=photo())
    old = media / Profile.objects.get(user=user).avatar.name
    assert old.exists()
    client.force_login(user)

    with django_capture_on_commit_callbacks(execute=True):
        response = client.post(PROFILE, form_data(remove_avatar="on"))

    assert response.status_code == 302
    assert not Profile.objects.get(user=user).avatar
    assert not old.exists()
    assert stored_files(media) == []


def test_a_new_photo_replaces_and_deletes_the_old_one(client, media, django_capture_on_commit_callbacks):
    user = UserFactory()
    profile_set(user, avatar=photo())
    old = media / Profile.objects.get(user=user).avatar.name
    client.force_login(user)

    with django_capture_on_commit_callbacks(execute=True):
        client.post(PROFILE, form_data(avatar=photo(name="nieuw.jpg", image_format="JPEG")))

    new = media / Profile.objects.get(user=user).avatar.name
    assert new != old
    assert stored_files(media) == [new]


def test_a_refused_save_keeps_the_old_photo_and_leaves_no_new_file(media, django_capture_on_commit_callbacks):
    user = UserFactory()
    profile_set(user, avatar=photo())
    old = media / Profile.objects.get(user=user).avatar.name
    with pytest.raises(ValidationError), django_capture_on_commit_callbacks(execute=True):
        profile_set(user, visibility="everyone", avatar=photo())
    assert Profile.objects.get(user=user).avatar.name == old.relative_to(media).as_posix()
    assert stored_files(media) == [old]


def test_profile_page_shows_organisations_read_only(client):
    user = UserFactory()
    organisation = OrganisationFactory(name="Huis van het Kind Mol")
    Membership.objects.create(person=user, organisation=organisation, role=Membership.Role.COORDINATOR)
    client.force_login(user)
    response = client.get(PROFILE)
    html = response.content.decode()
    assert "Huis van het Kind Mol" in html
    assert str(Membership.Role.COORDINATOR.label) in html
    assert "organisation" not in response.context["form"].fields
    assert html.count("<h1") == 1


def test_someone_without_a_profile_can_make_one(client):
    user = UserFactory()
    Profile.objects.filter(user=user).delete()
    client.force_login(user)
    assert client.get(PROFILE).status_code == 200
    assert client.post(PROFILE, form_data(display_name="Nieuw")).status_code == 302
    assert Profile.objects.get(user=user).display_name == "Nieuw"
