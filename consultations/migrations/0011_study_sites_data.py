from django.db import migrations

STUDY_SITE_PERMISSIONS = [
    ("add_studysite", "Can add study site"),
    ("change_studysite", "Can change study site"),
    ("delete_studysite", "Can delete study site"),
    ("view_studysite", "Can view study site"),
]


def sites_from_names(apps, schema_editor):
    """One study site for each distinct name typed so far (spaces trimmed, capitals
    ignored, the first spelling kept), nation not recorded; members and invitations point
    to theirs. The research team keeps the list, so Moderators and Editors may change it."""
    StudySite = apps.get_model("consultations", "StudySite")
    sites: dict[str, object] = {}
    for model_name in ("Member", "Invitation"):
        model = apps.get_model("consultations", model_name)
        for row in model.objects.exclude(study_site_name="").order_by("pk"):
            name = " ".join(row.study_site_name.split())
            if not name:
                continue
            site = sites.get(name.lower())
            if site is None:
                site = sites[name.lower()] = StudySite.objects.create(name=name)
            model.objects.filter(pk=row.pk).update(study_site=site)

    ContentType = apps.get_model("contenttypes.ContentType")
    Permission = apps.get_model("auth.Permission")
    Group = apps.get_model("auth.Group")
    content_type, __ = ContentType.objects.get_or_create(
        app_label="consultations", model="studysite"
    )
    permissions = [
        Permission.objects.get_or_create(
            content_type=content_type, codename=codename, defaults={"name": name}
        )[0]
        for codename, name in STUDY_SITE_PERMISSIONS
    ]
    for group in Group.objects.filter(name__in=["Moderators", "Editors"]):
        group.permissions.add(*permissions)


def names_from_sites(apps, schema_editor):
    for model_name in ("Member", "Invitation"):
        model = apps.get_model("consultations", model_name)
        for row in model.objects.filter(study_site__isnull=False).select_related("study_site"):
            model.objects.filter(pk=row.pk).update(study_site_name=row.study_site.name)


class Migration(migrations.Migration):
    dependencies = [
        ("consultations", "0010_study_sites"),
        ("contenttypes", "0002_remove_content_type_name"),
        ("auth", "0012_alter_user_first_name_max_length"),
    ]

    operations = [
        migrations.RunPython(sites_from_names, names_from_sites),
    ]
