from datetime import timedelta

from django.contrib.auth import get_user_model
from django.contrib.auth.models import Group
from django.utils import timezone

from wagtail.rich_text import RichText

import factory
import wagtail_factories

from consultations.consent import CONSENT_VERSION
from consultations.enums import Audience, Constituency, RatingScale
from consultations.models import Member, Round, RoundPage, StudySite
from consultations.services import round_page_pin
from evidence.enums import EvidenceKind, Nation
from evidence.models import (
    EvidenceIndexPage,
    EvidenceSummaryPage,
    FrameworkIndexPage,
    FrameworkSectionPage,
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
    slug = "evidence"

    class Meta:
        model = EvidenceIndexPage


class EvidenceSummaryPageFactory(wagtail_factories.PageFactory):
    title = factory.Sequence(lambda n: f"Evidence summary {n}")
    slug = factory.Sequence(lambda n: f"summary-{n}")
    source_id = factory.Sequence(lambda n: f"S{n:03d}")
    kind = EvidenceKind.RESEARCH
    nation = Nation.ENGLAND
    authors = "Smith J, Jones A"
    source_title = factory.LazyAttribute(lambda page: f"A study of {page.title.lower()}")
    year = 2020
    publisher = "Journal of Maternity Care"
    source_url = factory.LazyAttribute(lambda page: f"https://example.org/{page.slug}")
    lay_summary = "Women said joined-up care helped them."
    technical_summary = "<p>A qualitative study.</p>"
    implications_for_care = "<p>Plan care together.</p>"

    class Meta:
        model = EvidenceSummaryPage
        skip_postgeneration_save = True

    @factory.post_generation
    def themes(self, create: bool, extracted: list | None, **kwargs: object) -> None:
        if create and extracted:
            self.themes.set(extracted)
            self.save()


class FrameworkIndexPageFactory(wagtail_factories.PageFactory):
    title = "Draft framework"
    slug = "framework"

    class Meta:
        model = FrameworkIndexPage


class FrameworkSectionPageFactory(wagtail_factories.PageFactory):
    title = factory.Sequence(lambda n: f"Framework section {n}")
    slug = factory.Sequence(lambda n: f"section-{n}")
    section_number = factory.Sequence(lambda n: n + 1)

    class Meta:
        model = FrameworkSectionPage


class LayFindingsIndexPageFactory(wagtail_factories.PageFactory):
    title = "What we found"
    slug = "findings"

    class Meta:
        model = LayFindingsIndexPage


class LayFindingsPageFactory(wagtail_factories.PageFactory):
    title = factory.Sequence(lambda n: f"Finding {n}")
    slug = factory.Sequence(lambda n: f"finding-{n}")
    summary = "Women wanted one person who knew their story."
    body = factory.LazyFunction(lambda: [("paragraph", RichText("<p>In plain words.</p>"))])

    class Meta:
        model = LayFindingsPage


class GlossaryTermFactory(factory.django.DjangoModelFactory):
    term = factory.Sequence(lambda n: f"Term {n}")
    explanation = "What it means, in plain words."

    class Meta:
        model = GlossaryTerm


class StudySiteFactory(factory.django.DjangoModelFactory):
    """A study site in England; the same name gives the same site."""

    name = factory.Sequence(lambda n: f"Site {n}")
    nation = "england"

    class Meta:
        model = StudySite
        django_get_or_create = ("name",)


def study_site(name: str, nation: str = "england") -> StudySite:
    return StudySiteFactory(name=name, nation=nation)


class MemberFactory(factory.django.DjangoModelFactory):
    """An advisory member who has consented: a service user unless told otherwise."""

    user = factory.SubFactory(UserFactory)
    constituency = Constituency.SERVICE_USER
    pseudonym = factory.Sequence(lambda n: f"Willow {n}")
    study_site = factory.SubFactory(StudySiteFactory, name="Site A")
    consent_given_at = factory.LazyFunction(timezone.now)
    consent_version = CONSENT_VERSION

    class Meta:
        model = Member

    class Params:
        professional = factory.Trait(
            constituency=Constituency.PROFESSIONAL, professional_role="Midwife"
        )


class RoundFactory(factory.django.DjangoModelFactory):
    """A round open now, for a week, to service users and professionals."""

    title = factory.Sequence(lambda n: f"Round {n}")
    instructions = "<p>Rate each requirement and tell us why.</p>"
    opens_at = factory.LazyFunction(lambda: timezone.now() - timedelta(days=1))
    closes_at = factory.LazyFunction(lambda: timezone.now() + timedelta(days=7))
    rating_scale = RatingScale.NINE_POINT
    audience = Audience.BOTH

    class Meta:
        model = Round


class RoundPageFactory(factory.django.DjangoModelFactory):
    """A page in a round, pinned to its latest revision (made if it has none)."""

    round = factory.SubFactory(RoundFactory)
    page = factory.SubFactory("tests.factories.FrameworkSectionPageFactory")
    revision = factory.LazyAttribute(lambda rp: round_page_pin(page=rp.page))

    class Meta:
        model = RoundPage
