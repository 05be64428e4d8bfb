"""The practice listing (filters, order, pages, constant query count), the practice page and the
page-type rules of the knowledge base."""

import datetime

import pytest
from django.core.exceptions import ValidationError
from django.db import connection
from django.test.utils import CaptureQueriesContext
from django.utils import timezone
from wagtail.models import Page

from community.models import Municipality, Region
from knowledge.blocks import ImageBlock
from knowledge.demo import knowledge_demo_ensure
from knowledge.forms.filters import PracticeFilterForm
from knowledge.models import (
    KnowledgeHubPage,
    LifeDomain,
    LifeDomainPage,
    MagazineArticlePage,
    Pillar,
    PracticeAttachment,
    PracticeIndexPage,
    PracticePage,
    StandardPage,
    TargetGroup,
    Theme,
)
from knowledge.practice_cache import PRACTICES
from tests.factories import OrganisationFactory, UserFactory

pytestmark = pytest.mark.django_db

LISTING = "/kennis/praktijken/"


def practice_add(index, title, *, days_ago=0, domains=(), pillars=(), themes=(), groups=(), **fields):
    practice = PracticePage(
        title=title,
        summary=f"Samenvatting van {title}.",
        first_published_at=timezone.now() - datetime.timedelta(days=days_ago),
        **fields,
    )
    practice.life_domains = [LifeDomain.objects.get(slug=slug) for slug in domains]
    practice.pillars = [Pillar.objects.get(slug=slug) for slug in pillars]
    practice.themes = [Theme.objects.get(slug=slug) for slug in themes]
    practice.target_groups = [TargetGroup.objects.get(slug=slug) for slug in groups]
    index.refresh_from_db()
    return index.add_child(instance=practice)


def titles(response) -> list[str]:
    return [practice.title for practice in response.context["page_obj"]]


@pytest.fixture
def practices(index):
    geel = Municipality.objects.get(nis_code="13008")
    hasselt = Municipality.objects.get(nis_code="71072")
    house_gent = OrganisationFactory(
        name="Huis van het Kind Gent", municipalities=[Municipality.objects.get(nis_code="44021")]
    )
    practice_add(index, "Babyborrel", days_ago=1, domains=["gezondheid"], groups=["0-3-jaar"], offer_level="basic")
    practice_add(
        index,
        "Avondgroep",
        days_ago=2,
        domains=["gezondheid", "onderwijs"],
        pillars=["opvoedingsondersteuning"],
        groups=["6-12-jaar"],
        offer_level="supplementary",
        themes=["brugfiguren"],
    )
    practice_add(index, "Carpool", days_ago=3, domains=["onderwijs"], groups=["0-3-jaar"], house=house_gent)
    for practice, municipality in (("Babyborrel", geel), ("Avondgroep", hasselt)):
        page = PracticePage.objects.get(title=practice)
        page.municipalities.add(municipality)
        page.save()
    draft = practice_add(index, "Nog een ontwerp", domains=["gezondheid"])
    draft.unpublish()


def test_the_listing_shows_live_practices_newest_first(client, practices):
    response = client.get(LISTING)
    assert response.status_code == 200
    assert titles(response) == ["Babyborrel", "Avondgroep", "Carpool"]
    assert client.get(LISTING, {"sorteer": "az"}).context["page_obj"].object_list[0].title == "Avondgroep"


@pytest.mark.parametrize(
    ("params", "expected"),
    [
        ({"levensdomein": "gezondheid"}, ["Babyborrel", "Avondgroep"]),
        ({"levensdomein": "gezondheid", "doelgroep": "0-3-jaar"}, ["Babyborrel"]),
        ({"levensdomein": "onderwijs", "aanbod": "supplementary"}, ["Avondgroep"]),
        ({"pijler": "opvoedingsondersteuning"}, ["Avondgroep"]),
        ({"thema": "brugfiguren"}, ["Avondgroep"]),
        ({"provincie": "provincie-antwerpen"}, ["Babyborrel"]),
        ({"provincie": "provincie-limburg", "levensdomein": "onderwijs"}, ["Avondgroep"]),
        # Carpool names no municipality, but its Huis covers Gent.
        ({"provincie": "provincie-oost-vlaanderen"}, ["Carpool"]),
        ({"regio": "referentieregio-kempen"}, ["Babyborrel"]),
        ({"levensdomein": "gezondheid", "doelgroep": "12-18-jaar"}, []),
    ],
)
def test_filters_combine(client, practices, params, expected):
    response = client.get(LISTING, params)
    assert titles(response) == expected
    assert response.context["page_obj"].paginator.count == len(expected)


def test_an_unknown_filter_value_is_shown_as_an_error_and_ignored(client, practices):
    response = client.get(LISTING, {"levensdomein": "bestaat-niet", "doelgroep": "0-3-jaar", "aanbod": "x"})
    assert response.status_code == 200
    assert titles(response) == ["Babyborrel", "Carpool"]
    assert set(response.context["form"].errors) == {"levensdomein", "aanbod"}
    assert client.get(LISTING, {"pagina": "999"}).status_code == 200


def test_active_filters_link_to_the_listing_without_them(client, practices):
    response = client.get(LISTING, {"levensdomein": "gezondheid", "doelgroep": "0-3-jaar", "pagina": "1"})
    html = response.content.decode()
    assert 'href="?doelgroep=0-3-jaar" data-remove-filter="levensdomein"' in html
    assert 'href="?levensdomein=gezondheid" data-remove-filter="doelgroep"' in html
    assert 'role="status"' in html


def test_the_empty_state_links_to_all_practices(client, practices):
    html = client.get(LISTING, {"doelgroep": "12-18-jaar"}).content.decode()
    assert 'class="empty"' in html
    assert f'href="{LISTING}"' in html


def test_themes_are_grouped_by_life_domain():
    form = PracticeFilterForm({})
    groups = dict(form.fields["thema"].choices[1:])
    assert [slug for slug, _name in groups["Onderwijs"]] == [
        "instap-in-de-kleuterklas",
        "ouderbetrokkenheid",
        "brugfiguren",
    ]


def test_pages_hold_twelve_and_keep_the_filters(client, index):
    for number in range(14):
        practice_add(index, f"Praktijk {number:02}", days_ago=number, domains=["gezondheid"])
    first = client.get(LISTING, {"levensdomein": "gezondheid"})
    assert len(first.context["page_obj"]) == 12
    assert "levensdomein=gezondheid&amp;pagina=2" in first.content.decode()
    second = client.get(LISTING, {"levensdomein": "gezondheid", "pagina": "2"})
    assert titles(second) == ["Praktijk 12", "Praktijk 13"]
    beyond = client.get(LISTING, {"levensdomein": "gezondheid", "pagina": "9"})
    assert beyond.context["page_obj"].number == 2
    assert titles(beyond) == ["Praktijk 12", "Praktijk 13"]
    assert client.get(LISTING, {"pagina": "abc"}).context["page_obj"].number == 1


def listing_queries(client, *, remembered: bool) -> int:
    """Queries of one listing request; `remembered=False` first drops the remembered answers."""
    if not remembered:
        PRACTICES.bump()
    with CaptureQueriesContext(connection) as queries:
        response = client.get(LISTING, {"levensdomein": "gezondheid", "provincie": "provincie-antwerpen"})
    assert response.status_code == 200
    return len(queries)


def test_the_listing_query_count_does_not_grow_with_the_practices(client, index):
    geel = Municipality.objects.get(nis_code="13008")
    house = OrganisationFactory(name="Huis van het Kind Geel", municipalities=[geel])

    def add(count):
        for _number in range(count):
            practice_add(
                index, f"Praktijk {PracticePage.objects.count()}", domains=["gezondheid", "onderwijs"], house=house
            )

    add(10)
    listing_queries(client, remembered=False)  # warms the per-process caches (content types, site root paths)
    few = listing_queries(client, remembered=False)
    few_remembered = listing_queries(client, remembered=True)
    add(290)
    assert PracticePage.objects.count() == 300
    assert listing_queries(client, remembered=False) == few
    assert listing_queries(client, remembered=True) == few_remembered < few


def test_the_practice_page_shows_its_facts_and_the_e_mail_only_to_members(client, practices):
    knowledge = StandardPage.objects.get(slug="kennis")
    domain = LifeDomain.objects.get(slug="gezondheid")
    knowledge.add_child(instance=LifeDomainPage(title="Gezondheid", slug="gezondheid", life_domain=domain, intro="."))
    practice = PracticePage.objects.get(title="Avondgroep")
    practice.approach = "<p>Zo pakten we het aan.</p>"
    practice.contact_name = "Lotte Claes"
    practice.contact_email = "lotte@example.org"
    practice.save_revision().publish()

    html = client.get(practice.url).content.decode()
    assert "Zo pakten we het aan." in html
    assert 'id="practice-approach"' in html
    assert 'id="practice-results"' not in html
    assert "Lotte Claes" in html
    assert "lotte@example.org" not in html
    assert 'href="/kennis/gezondheid/"' in html
    # Related: other practices sharing a life domain (Babyborrel: gezondheid, Carpool: onderwijs).
    related = [page.title for page in client.get(practice.url).context["related_practices"]]
    assert related == ["Babyborrel", "Carpool"]

    client.force_login(UserFactory())
    assert "mailto:lotte@example.org" in client.get(practice.url).content.decode()


def test_page_type_rules():
    assert PracticePage.allowed_parent_page_models() == [PracticeIndexPage]
    assert PracticePage.allowed_subpage_models() == []
    assert LifeDomainPage.allowed_parent_page_models() == [StandardPage, KnowledgeHubPage]
    assert PracticeIndexPage.allowed_subpage_models() == [PracticePage]
    assert StandardPage in PracticeIndexPage.allowed_parent_page_models()
    home = Page.objects.get(depth=2)
    assert not PracticePage.can_create_at(home)
    assert not MagazineArticlePage.can_create_at(home)


def test_there_is_one_practice_listing(index):
    assert PracticeIndexPage.max_count == 1
    assert not PracticeIndexPage.can_create_at(StandardPage.objects.get(slug="kennis"))


def test_a_summary_longer_than_300_characters_is_refused(index):
    practice = PracticePage(title="Te lang", slug="te-lang", summary="x" * 301)
    with pytest.raises(ValidationError) as error:
        practice.full_clean()
    assert "summary" in error.value.message_dict
    # The CMS form (and any form built from the field) refuses it before the model does.
    field = PracticePage._meta.get_field("summary").formfield()
    with pytest.raises(ValidationError):
        field.clean("x" * 301)
    practice.summary = "x" * 300
    index.add_child(instance=practice)
    practice.full_clean()


def test_an_image_without_alternative_text_is_refused():
    from wagtail.images.models import Image
    from wagtail.images.tests.utils import get_test_image_file

    image = Image.objects.create(title="Foto", file=get_test_image_file())
    block = ImageBlock()
    with pytest.raises(ValidationError):
        block.clean(block.to_python({"image": image.pk, "alt": "", "caption": ""}))
    assert block.clean(block.to_python({"image": image.pk, "alt": "Twee ouders", "caption": ""}))["alt"]


def test_demo_content_is_complete_and_idempotent():
    knowledge_demo_ensure()
    pages = Page.objects.count()
    knowledge_demo_ensure()
    assert Page.objects.count() == pages
    practices = PracticePage.objects.live()
    assert practices.count() >= 12
    assert LifeDomainPage.objects.live().count() == 10
    assert {domain.slug for domain in LifeDomain.objects.filter(practices__in=practices)} == set(
        LifeDomain.objects.values_list("slug", flat=True)
    )
    provinces = Region.objects.filter(kind__in=["province", "brussels"], municipalities__practices__in=practices)
    assert provinces.distinct().count() >= 5
    assert TargetGroup.objects.filter(practices__in=practices).distinct().count() == 7
    for practice in practices:
        practice.full_clean()


def test_the_story_blocks_render_accessibly(client, index, monkeypatch):
    from django.core.files.base import ContentFile
    from wagtail.documents.models import Document
    from wagtail.embeds import embeds
    from wagtail.embeds.models import Embed
    from wagtail.images.models import Image
    from wagtail.images.tests.utils import get_test_image_file
    from wagtail.rich_text import RichText

    def embed_without_title(url, max_width=None, max_height=None):
        return Embed(url=url, html='<iframe src="https://www.youtube-nocookie.com/embed/x"></iframe>', type="video")

    monkeypatch.setattr(embeds, "get_embed", embed_without_title)
    image = Image.objects.create(title="Foto", file=get_test_image_file())
    document = Document.objects.create(title="Verslag", file=ContentFile(b"%PDF-1.4 verslag", name="verslag.pdf"))
    practice = practice_add(index, "Met blokken")
    practice.body = [
        ("image", {"image": image, "alt": "Twee ouders aan tafel", "caption": "De eerste bijeenkomst"}),
        ("quote", {"text": "We voelden ons welkom.", "attribution": "Een moeder"}),
        ("document", {"document": document, "title": ""}),
        ("video", {"video": "https://www.youtube.com/watch?v=x", "title": "Zo verloopt een babyborrel"}),
        ("key_figure", {"figure": "85%", "label": "komt terug", "source": "Eigen telling"}),
        ("tip", {"title": "Tip", "text": RichText("<p>Begin klein.</p>")}),
    ]
    practice.save_revision().publish()
    PracticeAttachment.objects.create(page=practice, document=document, title="Draaiboek")

    html = client.get(practice.url).content.decode()
    assert 'alt="Twee ouders aan tafel"' in html
    assert "<figcaption>De eerste bijeenkomst</figcaption>" in html
    assert "<blockquote><p>We voelden ons welkom.</p></blockquote>" in html
    assert "<cite>Een moeder</cite>" in html
    assert ">Verslag</a>" in html and "(PDF, 16" in html
    assert '<iframe title="Zo verloopt een babyborrel" src=' in html
    assert "85%" in html and "Eigen telling" in html
    assert '<aside class="callout" aria-label="Tip">' in html
    assert ">Draaiboek</a>" in html


def test_filter_options_are_escaped(client, index):
    Theme.objects.create(life_domain=LifeDomain.objects.get(slug="gezondheid"), name="Zorg & <b>taal</b>", slug="zorg")
    html = client.get(LISTING, {"thema": "zorg"}).content.decode()
    assert '<option value="zorg" selected>Zorg &amp; &lt;b&gt;taal&lt;/b&gt;</option>' in html
    assert "<b>taal</b>" not in html


@pytest.mark.parametrize("number", ["99999999999999999999", "1000000000000000000", "-99999999999999999999"])
def test_a_huge_page_number_shows_a_page_not_an_error(client, index, number):
    practice_add(index, "Enige praktijk", domains=["gezondheid"])

    response = client.get("/kennis/praktijken/", {"pagina": number})

    assert response.status_code == 200
    assert titles(response) == ["Enige praktijk"]


def _published_by_an_editor(page) -> list[str]:
    """Run the CMS's after-edit hooks as Wagtail's edit view does after "Publish"; the warnings."""
    from django.contrib.messages import get_messages
    from django.contrib.messages.storage.fallback import FallbackStorage
    from django.test import RequestFactory
    from wagtail import hooks

    request = RequestFactory().post("/cms/pages/1/edit/", {"action-publish": "publish"})
    request.session = {}
    request._messages = FallbackStorage(request)
    page.save_revision().publish()
    for hook in hooks.get_hooks("after_edit_page"):
        hook(request, page)
    return [message.message for message in get_messages(request) if message.level_tag == "warning"]


def test_an_editor_is_warned_when_a_practice_goes_live_without_a_huis_or_a_life_domain(index):
    bare = practice_add(index, "Zonder alles")
    assert _published_by_an_editor(bare) == [
        "“Zonder alles” staat online zonder Huis van het Kind, dus niemand vindt ze via het Huis. Voeg het Huis toe.",
        "“Zonder alles” staat online zonder levensdomein, dus geen enkele levensdomeinpagina toont ze. "
        "Voeg er een toe.",
    ]
    complete = practice_add(
        index, "Volledig", domains=["gezondheid"], house=OrganisationFactory(name="Huis van het Kind Geel")
    )
    assert _published_by_an_editor(complete) == []
