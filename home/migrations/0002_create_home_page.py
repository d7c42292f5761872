from django.conf import settings
from django.db import migrations

from wagtail.coreutils import get_supported_content_language_variant


def create_home_page(apps, schema_editor):
    """Replace the placeholder page that wagtailcore creates with the study's home page."""
    ContentType = apps.get_model("contenttypes.ContentType")
    Page = apps.get_model("wagtailcore.Page")
    Site = apps.get_model("wagtailcore.Site")
    HomePage = apps.get_model("home.HomePage")
    Locale = apps.get_model("wagtailcore.Locale")

    placeholder_type = ContentType.objects.get(model="page", app_label="wagtailcore")
    Page.objects.filter(content_type=placeholder_type, slug="home", depth=2).delete()

    home_type, __ = ContentType.objects.get_or_create(model="homepage", app_label="home")
    home = HomePage.objects.create(
        title="Stepping Stones",
        draft_title="Stepping Stones",
        slug="home",
        content_type=home_type,
        path="00010001",
        depth=2,
        numchild=0,
        url_path="/home/",
        locale=Locale.objects.get(
            language_code=get_supported_content_language_variant(settings.LANGUAGE_CODE)
        ),
    )
    Site.objects.create(
        hostname="localhost",
        root_page=home,
        is_default_site=True,
        site_name="Stepping Stones",
    )


def remove_home_page(apps, schema_editor):
    ContentType = apps.get_model("contenttypes.ContentType")
    HomePage = apps.get_model("home.HomePage")
    HomePage.objects.filter(slug="home", depth=2).delete()
    ContentType.objects.filter(model="homepage", app_label="home").delete()


class Migration(migrations.Migration):
    dependencies = [("home", "0001_initial"), ("wagtailcore", "0054_initial_locale")]

    operations = [migrations.RunPython(create_home_page, remove_home_page)]
