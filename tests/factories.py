from django.contrib.auth import get_user_model
from django.contrib.auth.models import Group

from wagtail.rich_text import RichText

import factory
import wagtail_factories

from evidence.enums import EvidenceKind, Nation
from evidence.models import (
    EvidenceIndexPage,
    EvidenceSummaryPage,
    GlossaryTerm,
    LayFindingsIndexPage,
    LayFindingsPage,
)
from home.models import StandardPage

PASSWORD = "a-long-test-password"


class UserFactory(factory.django.DjangoModelFactory):
    username = factory.Sequence(lambda n: f"person{n}")
    first_name = "Alex"
    last_name = factory.Sequence(lambda n: f"Tester{n}")
    email = factory.LazyAttribute(lambda user: f"{user.username}@example.org")
    password = factory.django.Password(PASSWORD)

    class Meta:
        model = get_user_model()
        skip_postgeneration_save = True


class EditorFactory(UserFactory):
    """A member of Wagtail's Moderators group: may edit and publish every page."""

    @factory.post_generation
    def groups(self, create: bool, extracted: object, **kwargs: object) -> None:
        if create:
            self.groups.add(Group.objects.get(name="Moderators"))


class StandardPageFactory(wagtail_factories.PageFactory):
    title = factory.Sequence(lambda n: f"Standard page {n}")
    slug = factory.Sequence(lambda n: f"standard-page-{n}")
    introduction = "What this page is about."

    class Meta:
        model = StandardPage


class EvidenceIndexPageFactory(wagtail_factories.PageFactory):
    title = "Evidence"
    slug = factory.Sequence(lambda n: f"evidence-{n}")

    class Meta:
        model = EvidenceIndexPage


class EvidenceSummaryPageFactory(wagtail_factories.PageFactory):
    title = factory.Sequence(lambda n: f"Evidence summary {n}")
    slug = factory.Sequence(lambda n: f"evidence-summary-{n}")
    source_id = factory.Sequence(lambda n: f"S{n:03d}")
    kind = EvidenceKind.RESEARCH
    nation = Nation.ENGLAND
    authors = "Smith J, Jones A"
    source_title = "Care for women who use drugs in pregnancy"
    year = 2021
    publisher = "BMJ Open"
    doi = factory.Sequence(lambda n: f"10.1136/bmjopen-2021-{n:06d}")
    lay_summary = "Women said a midwife they knew made them feel safe. They came back to see her."
    technical_summary = "<p>A qualitative study of 24 women at four sites.</p>"
    implications_for_care = "<p>Offer one named midwife.</p>"

    class Meta:
        model = EvidenceSummaryPage


class LayFindingsIndexPageFactory(wagtail_factories.PageFactory):
    title = "What we found"
    slug = factory.Sequence(lambda n: f"findings-{n}")

    class Meta:
        model = LayFindingsIndexPage


class LayFindingsPageFactory(wagtail_factories.PageFactory):
    title = factory.Sequence(lambda n: f"Lay findings {n}")
    slug = factory.Sequence(lambda n: f"lay-findings-{n}")
    summary = "We asked women what helped. Most said a kind midwife helped the most."
    body = factory.LazyFunction(
        lambda: [("paragraph", RichText("<p>Women felt safe with a midwife they knew.</p>"))]
    )

    class Meta:
        model = LayFindingsPage


class GlossaryTermFactory(factory.django.DjangoModelFactory):
    term = factory.Sequence(lambda n: f"Term {n}")
    explanation = "What it means, in plain words."

    class Meta:
        model = GlossaryTerm
