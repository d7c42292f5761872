from django.db import migrations


def let_moderators_edit_study_details(apps, schema_editor):
    """Wagtail's Moderators (the research team's publishers) keep the contact details current.

    Permissions are normally created after migrations run, so this creates the one it needs.
    """
    ContentType = apps.get_model("contenttypes.ContentType")
    Permission = apps.get_model("auth.Permission")
    Group = apps.get_model("auth.Group")

    content_type, __ = ContentType.objects.get_or_create(app_label="home", model="studysettings")
    permission, __ = Permission.objects.get_or_create(
        content_type=content_type,
        codename="change_studysettings",
        defaults={"name": "Can change study details"},
    )
    moderators = Group.objects.filter(name="Moderators").first()
    if moderators is not None:
        moderators.permissions.add(permission)


class Migration(migrations.Migration):
    dependencies = [
        ("home", "0002_create_home_page"),
        ("wagtailcore", "0002_initial_data"),
    ]

    operations = [
        migrations.RunPython(let_moderators_edit_study_details, migrations.RunPython.noop)
    ]
