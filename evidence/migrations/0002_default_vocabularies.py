from django.db import migrations

DOMAINS = [
    ("How organisations work together", "Joint working, shared plans and information sharing."),
    ("Training and support", "What staff need to know, and the support they need to give."),
    ("How resources are prioritised", "Commissioning, funding and where services are placed."),
]

THEMES = [
    ("Joint working between maternity and drug services", "joint-working"),
    ("Stigma", "stigma"),
    ("Social services involvement", "social-services"),
    ("Residential treatment", "residential-treatment"),
    ("Mental health", "mental-health"),
    ("Staff training", "staff-training"),
    ("Loss of custody", "loss-of-custody"),
]


def add_vocabularies(apps, schema_editor):
    Domain = apps.get_model("evidence", "Domain")
    Theme = apps.get_model("evidence", "Theme")
    for name, description in DOMAINS:
        Domain.objects.get_or_create(name=name, defaults={"description": description})
    for name, slug in THEMES:
        Theme.objects.get_or_create(slug=slug, defaults={"name": name})


class Migration(migrations.Migration):
    dependencies = [("evidence", "0001_initial")]

    operations = [migrations.RunPython(add_vocabularies, migrations.RunPython.noop)]
