import django.db.models.deletion
import django.db.models.functions.text
from django.db import migrations, models

import modelsearch.index


def site_field(related_name: str) -> models.ForeignKey:
    return models.ForeignKey(
        blank=True,
        null=True,
        on_delete=django.db.models.deletion.PROTECT,
        related_name=related_name,
        to="consultations.studysite",
        verbose_name="study site",
    )


class Migration(migrations.Migration):
    """Study sites become a list the research team keeps, each with its nation. The free
    text is kept as ``study_site_name`` until 0011 has copied it into the list."""

    dependencies = [
        ("consultations", "0009_traceability"),
    ]

    operations = [
        migrations.CreateModel(
            name="StudySite",
            fields=[
                (
                    "id",
                    models.BigAutoField(
                        auto_created=True, primary_key=True, serialize=False, verbose_name="ID"
                    ),
                ),
                ("name", models.CharField(max_length=100, verbose_name="name")),
                (
                    "nation",
                    models.CharField(
                        blank=True,
                        choices=[
                            ("england", "England"),
                            ("scotland", "Scotland"),
                            ("wales", "Wales"),
                            ("northern_ireland", "Northern Ireland"),
                        ],
                        help_text="Leave blank if it is not known: reports count it as “Not recorded”.",
                        max_length=20,
                        verbose_name="nation",
                    ),
                ),
            ],
            options={
                "verbose_name": "study site",
                "ordering": [django.db.models.functions.text.Lower("name")],
                "constraints": [
                    models.UniqueConstraint(
                        django.db.models.functions.text.Lower("name"),
                        name="study_site_name_unique",
                    )
                ],
            },
            bases=(modelsearch.index.Indexed, models.Model),
        ),
        migrations.RenameField(
            model_name="member", old_name="study_site", new_name="study_site_name"
        ),
        migrations.RenameField(
            model_name="invitation", old_name="study_site", new_name="study_site_name"
        ),
        migrations.AddField(model_name="member", name="study_site", field=site_field("members")),
        migrations.AddField(
            model_name="invitation", name="study_site", field=site_field("invitations")
        ),
    ]
