from django.contrib.auth import get_user_model
from django.contrib.auth.models import Group

import factory
import wagtail_factories

from evidence.enums import EvidenceKind, Nation
from evidence.models import EvidenceIndexPage, EvidenceSummaryPage
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
    source_id = factory.Sequence(lambda n: f"S{n:03}")
    kind = EvidenceKind.RESEARCH
    nation = Nation.ENGLAND
    authors = "Smith J, Jones A"
    source_title = "A study of care in pregnancy"
    year = 2020
    publisher = "Journal of Examples"
    doi = factory.Sequence(lambda n: f"10.5555/example.{n}")
    lay_summary = "What the study found, in plain words."
    technical_summary = "<p>How the study was done, and what it found.</p>"
    implications_for_care = "<p>What services should do about it.</p>"

    class Meta:
        model = EvidenceSummaryPage
