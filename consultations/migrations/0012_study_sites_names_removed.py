from django.db import migrations


class Migration(migrations.Migration):
    """Apart from 0011 so that PostgreSQL never alters a table in the transaction that
    updated its rows."""

    dependencies = [
        ("consultations", "0011_study_sites_data"),
    ]

    operations = [
        migrations.RemoveField(model_name="member", name="study_site_name"),
        migrations.RemoveField(model_name="invitation", name="study_site_name"),
    ]
