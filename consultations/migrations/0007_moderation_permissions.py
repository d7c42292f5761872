from django.db import migrations

# Hiding, showing and answering comments (change), and entering them for a member (add).
MODERATION_PERMISSIONS = [
    ("comment", "add_comment", "Can add comment"),
    ("comment", "change_comment", "Can change comment"),
    ("comment", "view_comment", "Can view comment"),
    ("supportservice", "add_supportservice", "Can add support service"),
    ("supportservice", "change_supportservice", "Can change support service"),
    ("supportservice", "delete_supportservice", "Can delete support service"),
    ("supportservice", "view_supportservice", "Can view support service"),
]


def permissions_for(apps, entries):
    ContentType = apps.get_model("contenttypes.ContentType")
    Permission = apps.get_model("auth.Permission")
    for model, codename, name in entries:
        content_type, __ = ContentType.objects.get_or_create(
            app_label="consultations", model=model
        )
        permission, __ = Permission.objects.get_or_create(
            content_type=content_type, codename=codename, defaults={"name": name}
        )
        yield permission


def give_the_research_team_moderation(apps, schema_editor):
    """The research team (Moderators and Editors) moderates, answers and enters comments
    for members, and keeps the list of support services."""
    Group = apps.get_model("auth.Group")
    permissions = list(permissions_for(apps, MODERATION_PERMISSIONS))
    for group in Group.objects.filter(name__in=["Moderators", "Editors"]):
        group.permissions.add(*permissions)


class Migration(migrations.Migration):
    dependencies = [
        ("consultations", "0006_moderation_answers_and_care"),
    ]

    operations = [
        migrations.RunPython(give_the_research_team_moderation, migrations.RunPython.noop),
    ]
