from django.db import migrations

ROUND_PERMISSIONS = [
    ("round", "add_round", "Can add round"),
    ("round", "change_round", "Can change round"),
    ("round", "delete_round", "Can delete round"),
    ("round", "view_round", "Can view round"),
    ("member", "view_member", "Can view member"),
]
COORDINATOR_PERMISSIONS = [
    ("member", "change_member", "Can change member"),
    ("member", "view_member_identity", "Can see members' real names and email addresses"),
    ("invitation", "add_invitation", "Can add invitation"),
    ("invitation", "change_invitation", "Can change invitation"),
    ("invitation", "view_invitation", "Can view invitation"),
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


def give_the_research_team_its_permissions(apps, schema_editor):
    """Moderators and Editors run rounds; Member coordinators also invite members and see
    who they are. Permissions are normally created after migrations, so these are made
    here."""
    Group = apps.get_model("auth.Group")
    Permission = apps.get_model("auth.Permission")
    round_permissions = list(permissions_for(apps, ROUND_PERMISSIONS))
    for group in Group.objects.filter(name__in=["Moderators", "Editors"]):
        group.permissions.add(*round_permissions)

    coordinators, __ = Group.objects.get_or_create(name="Member coordinators")
    coordinators.permissions.add(*permissions_for(apps, COORDINATOR_PERMISSIONS))
    admin_access = Permission.objects.filter(
        content_type__app_label="wagtailadmin", codename="access_admin"
    ).first()
    if admin_access is not None:
        coordinators.permissions.add(admin_access)


def remove_member_coordinators(apps, schema_editor):
    apps.get_model("auth.Group").objects.filter(name="Member coordinators").delete()


class Migration(migrations.Migration):
    dependencies = [
        ("consultations", "0001_initial"),
        ("wagtailadmin", "0001_create_admin_access_permissions"),
        ("wagtailcore", "0002_initial_data"),
    ]

    operations = [
        migrations.RunPython(give_the_research_team_its_permissions, remove_member_coordinators)
    ]
