"""Featured pages on the home page, the start-page visit of each member, and the knowledge hub.

The knowledge section ("kennis", the standard page under the home page) becomes a knowledge hub:
the hub is a kind of standard page (multi-table), so its row is added next to the standard
page's and the page's content type (and its revisions') switched; nothing else moves.
"""

import django.db.models.deletion
import modelcluster.fields
from django.conf import settings
from django.db import migrations, models


def _content_type(apps, model):
    ContentType = apps.get_model("contenttypes", "ContentType")
    return ContentType.objects.get_or_create(app_label="knowledge", model=model)[0]


def knowledge_section_to_hub(apps, schema_editor):
    StandardPage = apps.get_model("knowledge", "StandardPage")
    KnowledgeHubPage = apps.get_model("knowledge", "KnowledgeHubPage")
    HomePage = apps.get_model("knowledge", "HomePage")
    Page = apps.get_model("wagtailcore", "Page")
    Revision = apps.get_model("wagtailcore", "Revision")
    homes = HomePage.objects.values_list("path", flat=True)
    standard = _content_type(apps, "standardpage")
    hub = _content_type(apps, "knowledgehubpage")
    for section in StandardPage.objects.filter(slug="kennis", content_type=standard):
        if not any(section.path.startswith(path) and section.depth == len(path) // 4 + 1 for path in homes):
            continue  # only the section right under the home page
        row = KnowledgeHubPage(standardpage_ptr_id=section.pk)
        for column in StandardPage._meta.concrete_fields:
            setattr(row, column.attname, getattr(section, column.attname))
        row.save_base(raw=True)  # the hub's own row only; the page and standard page rows stay
        Page.objects.filter(pk=section.pk).update(content_type=hub)
        Revision.objects.filter(object_id=str(section.pk), content_type=standard).update(content_type=hub)


def hub_to_knowledge_section(apps, schema_editor):
    KnowledgeHubPage = apps.get_model("knowledge", "KnowledgeHubPage")
    Page = apps.get_model("wagtailcore", "Page")
    Revision = apps.get_model("wagtailcore", "Revision")
    standard = _content_type(apps, "standardpage")
    hub = _content_type(apps, "knowledgehubpage")
    ids = list(KnowledgeHubPage.objects.values_list("pk", flat=True))
    Page.objects.filter(pk__in=ids).update(content_type=standard)
    Revision.objects.filter(object_id__in=[str(pk) for pk in ids], content_type=hub).update(content_type=standard)
    KnowledgeHubPage.objects.filter(pk__in=ids)._raw_delete(schema_editor.connection.alias)


class Migration(migrations.Migration):
    dependencies = [
        ("community", "0005_dutch_room_descriptions"),
        ("knowledge", "0004_attachment_titles"),
        migrations.swappable_dependency(settings.WAGTAIL_PAGE_MODEL),
        ("wagtailcore", "0098_apitoken"),
    ]

    operations = [
        migrations.CreateModel(
            name="KnowledgeHubPage",
            fields=[
                (
                    "standardpage_ptr",
                    models.OneToOneField(
                        auto_created=True,
                        on_delete=django.db.models.deletion.CASCADE,
                        parent_link=True,
                        primary_key=True,
                        serialize=False,
                        to="knowledge.standardpage",
                    ),
                ),
            ],
            options={
                "verbose_name": "knowledge hub",
            },
            bases=("knowledge.standardpage",),
        ),
        migrations.CreateModel(
            name="StartPageVisit",
            fields=[
                (
                    "person",
                    models.OneToOneField(
                        on_delete=django.db.models.deletion.CASCADE,
                        primary_key=True,
                        related_name="start_page_visit",
                        serialize=False,
                        to=settings.AUTH_USER_MODEL,
                    ),
                ),
                ("seen_at", models.DateTimeField(verbose_name="last view of the start page")),
                (
                    "previous_visit_at",
                    models.DateTimeField(blank=True, null=True, verbose_name="end of the previous visit"),
                ),
            ],
            options={
                "verbose_name": "start page visit",
                "verbose_name_plural": "start page visits",
            },
        ),
        migrations.CreateModel(
            name="HomePageFeature",
            fields=[
                ("id", models.BigAutoField(auto_created=True, primary_key=True, serialize=False, verbose_name="ID")),
                ("sort_order", models.IntegerField(blank=True, editable=False, null=True)),
                (
                    "text",
                    models.CharField(
                        blank=True,
                        help_text="Empty: the page's search description, if it has one.",
                        max_length=200,
                        verbose_name="text",
                    ),
                ),
                (
                    "link_page",
                    models.ForeignKey(
                        on_delete=django.db.models.deletion.CASCADE,
                        related_name="+",
                        to=settings.WAGTAIL_PAGE_MODEL,
                        verbose_name="page",
                    ),
                ),
                (
                    "page",
                    modelcluster.fields.ParentalKey(
                        on_delete=django.db.models.deletion.CASCADE,
                        related_name="featured_items",
                        to="knowledge.homepage",
                    ),
                ),
            ],
            options={
                "verbose_name": "featured page",
                "verbose_name_plural": "featured pages",
                "ordering": ["sort_order"],
                "abstract": False,
            },
        ),
        migrations.RunPython(knowledge_section_to_hub, hub_to_knowledge_section),
    ]
