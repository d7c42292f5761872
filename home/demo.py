"""Demo content of the home app: the home page text, the standard pages, study details."""

from django.conf import settings

from wagtail.models import Site
from wagtail.rich_text import RichText

from cms.demo import Log
from home.models import HomePage, StandardPage, StudySettings

DEMO_CONTACT_EMAIL = "stepping-stones@example.org"
EMAIL_LINK = f'<a href="mailto:{DEMO_CONTACT_EMAIL}">{DEMO_CONTACT_EMAIL}</a>'

DEMO_NOTICE = (
    "<p><strong>Demo content.</strong> This text shows what the page will hold. "
    "The study team replaces it before the site is used.</p>"
)


def _body(*blocks: tuple[str, object]) -> list[tuple[str, object]]:
    """A StreamField value that starts with the demo notice."""
    return [("inset_text", RichText(DEMO_NOTICE)), *blocks]


def _paragraph(html: str) -> tuple[str, RichText]:
    return ("paragraph", RichText(html))


def _days_in_words(days: int) -> str:
    if days and days % 365 == 0:
        years = days // 365
        return f"{years} year" if years == 1 else f"{years} years"
    return f"{days} day" if days == 1 else f"{days} days"


STANDARD_PAGES = [
    {
        "slug": "about",
        "title": "About the study",
        "show_in_menus": True,
        "introduction": (
            "Stepping Stones looks at how health and social care can better support women who "
            "use drugs in pregnancy, and their babies, from before conception until the baby "
            "is 18 months old."
        ),
        "body": _body(
            ("heading", "Why this study matters"),
            _paragraph(
                "<p>Women who use drugs often meet many services during pregnancy: maternity "
                "care, drug treatment, social work, mental health and health visiting. When "
                "these services do not work together, women can feel judged, miss care, or "
                "fear losing custody of their baby. We want to know what good care looks like "
                "to the women themselves and to the staff who support them.</p>"
            ),
            ("heading", "What we have done so far"),
            _paragraph(
                "<ul><li>We reviewed 111 UK guidelines about care in pregnancy and after "
                "birth.</li><li>We reviewed 197 research studies about the experiences and "
                "outcomes of women who use drugs and their babies.</li><li>We interviewed "
                "women at four sites in England and Scotland about the care they received."
                "</li></ul>"
            ),
            ("heading", "What happens next"),
            _paragraph(
                "<p>From this evidence we are building a framework of key requirements for "
                "better services. An expert advisory group of women with lived experience and "
                "of professionals comments on each draft, round by round, until we agree what "
                "the framework should say.</p>"
            ),
        ),
    },
    {
        "slug": "get-involved",
        "title": "Get involved",
        "show_in_menus": True,
        "introduction": (
            "Our advisory group brings together women with lived experience and the "
            "professionals who work with them."
        ),
        "body": _body(
            ("heading", "Who can join the advisory group"),
            _paragraph(
                "<p>You can join if you have used drugs during a pregnancy, or if you work "
                "with pregnant women or new parents who use drugs: for example as a midwife, "
                "drug-treatment worker, social worker, health visitor or commissioner.</p>"
            ),
            ("heading", "What taking part involves"),
            _paragraph(
                "<p>You read draft sections of the framework online, comment on them and rate "
                "each requirement. You can take part on your phone, at a time that suits you. "
                "Women with lived experience take part under a name they choose, and other "
                "members never see their real name.</p>"
            ),
            (
                "details",
                {
                    "summary": "Can I stop taking part?",
                    "text": RichText(
                        "<p>Yes. You can withdraw at any time without giving a reason, and it "
                        "will not affect any care you receive.</p>"
                    ),
                },
            ),
            _paragraph(
                f"<p>To ask about joining, email the study team at {EMAIL_LINK}. A member of "
                "the team will send you an invitation to create your account.</p>"
            ),
        ),
    },
    {
        "slug": "privacy-notice",
        "title": "Privacy notice",
        "show_in_menus": False,
        "introduction": (
            "How the Stepping Stones study uses the information you give us: what we keep, "
            "why, for how long, and who can see it."
        ),
        "body": _body(
            ("heading", "Who is responsible for your information"),
            _paragraph(
                "<p>The university that sponsors the study is the data controller. Its data "
                "protection officer answers questions about how your information is used; "
                f"the study team at {EMAIL_LINK} can put you in touch.</p>"
            ),
            ("heading", "What we keep"),
            _paragraph(
                "<p>If you are a member of the advisory group, we keep:</p><ul>"
                "<li>your name and email address, to invite you and to contact you;</li>"
                "<li>the study site you are linked to and, if you are a professional, your "
                "role;</li>"
                "<li>the pseudonym you choose, and whether you take part as someone with "
                "lived experience or as a professional;</li>"
                "<li>when you agreed to take part, and which version of the consent "
                "information you agreed to;</li>"
                "<li>your comments, replies and ratings, with each earlier version when you "
                "change them, and which emails you asked us to send you.</li></ul>"
                "<p>If we invite you and you do not join, we keep your name and email "
                "address only until the invitation is deleted. The website also keeps a "
                "record of what the research team does with your information: who invited "
                "you, and each time someone looks at members' real names or downloads "
                "results.</p><p>Readers of this website are not asked for any personal "
                "information. Signing in uses a cookie that keeps you signed in; it is not "
                "used to track you. Pages use the NHS typeface, which your browser fetches "
                "from the NHS website (assets.nhs.uk): like any website, it sees your "
                "device's internet address, and nothing else about you.</p>"
            ),
            ("heading", "Why we keep it"),
            _paragraph(
                "<p>We use this information to carry out research in the public interest "
                "(UK GDPR Article 6(1)(e)). Taking part as someone with lived experience of "
                "drug use in pregnancy says something about your health, which the law calls "
                "special category data, so we also rely on Article 9(2)(j): research with "
                "appropriate safeguards, under the Data Protection Act 2018. We use it only "
                "for this study, and never sell it or use it for anything else.</p>"
            ),
            ("heading", "Who can see it"),
            _paragraph(
                "<ul><li><strong>Other members</strong> see your pseudonym and, in rounds "
                "that share comments, what you write. They never see your real name, email "
                "address or study site.</li><li><strong>The research team</strong> reads "
                "all comments and ratings. Only named members of the team can see real names "
                "and email addresses, and every time they do is recorded.</li><li><strong>"
                "The public</strong> sees only published findings, with results added up "
                "for groups of people, never anything about one member.</li></ul>"
            ),
            ("heading", "How long we keep it"),
            _paragraph(
                "<ul><li>An invitation that is not used is deleted "
                f"{_days_in_words(settings.CONSULTATIONS_UNUSED_INVITATION_DAYS)} after its "
                "link stops working.</li><li>Your name and contact details are kept while "
                "you take part, and removed when you withdraw or when the study ends."
                "</li><li>Comments and ratings are kept with the study's research data for "
                f"{_days_in_words(settings.CONSULTATIONS_RETENTION_DAYS)} after the "
                "round closes, then deleted.</li><li>The record that keeps you signed in "
                "is deleted when you sign out, when you close your browser, or after two "
                "hours without use.</li><li>If a password is typed wrongly several times, "
                "the website keeps the name or email address typed and the internet address "
                "it came from for 15 minutes, to pause signing in with it, then deletes "
                "them.</li><li>The record of when the research team looked at real names or "
                "downloaded results is kept with the study's research data. It names members "
                "only by pseudonym, and when a member withdraws her pseudonym is removed "
                "from it too.</li></ul><p>The website deletes what has reached the end of "
                "its time every day.</p>"
            ),
            ("heading", "If you withdraw"),
            _paragraph(
                "<p>You can withdraw at any time from your profile page, without giving a "
                "reason, or ask the study team to do it for you. It will not affect any care "
                "you receive. Your account is closed, and your name, email address, "
                "pseudonym, study site and role are removed from our records. You choose "
                "what happens to your comments and ratings:</p><ul><li><strong>Keep them "
                "without your name</strong>: they stay in the study, shown as written by "
                "a withdrawn member, and your ratings stop counting in the results.</li>"
                "<li><strong>Delete them</strong>: every comment and rating you gave is "
                "deleted with all its earlier versions. If other members replied to you, "
                "their replies stay, and your comment shows only as withdrawn.</li></ul>"
                "<p>Either way, what other members wrote stays, their replies to your "
                "comments included. Those are their words, and we do not change them, so "
                "a reply may still repeat what you wrote or mention your pseudonym.</p>"
                "<p>If we have already quoted your words in something published, without "
                "your name, that cannot be taken back.</p>"
            ),
            ("heading", "Your rights"),
            _paragraph(
                "<p>You can ask to see the information we hold about you, to correct it, or to "
                "withdraw from the study. You can also complain to the Information "
                "Commissioner's Office.</p>"
            ),
        ),
    },
    {
        "slug": "accessibility-statement",
        "title": "Accessibility statement",
        "show_in_menus": False,
        "introduction": "We want as many people as possible to be able to use this website.",
        "body": _body(
            ("heading", "How accessible this website is"),
            _paragraph(
                "<p>This website is built on the NHS.UK design system and aims to meet the "
                "Web Content Accessibility Guidelines (WCAG) 2.2 at level AA. You should be "
                "able to zoom in up to 400% without text spilling off the screen, navigate "
                "using just a keyboard, and use the site with a screen reader.</p>"
            ),
            ("heading", "Reporting problems with this website"),
            _paragraph(
                "<p>If you find a problem, or need information in a different format such as "
                f"large print or audio, email the study team at {EMAIL_LINK}. We will reply "
                "within 5 working days.</p>"
            ),
            ("heading", "Compliance status"),
            _paragraph(
                "<p>We have not yet had this website audited. Until we have, we cannot say "
                "how far it meets WCAG 2.2 AA; this statement will list any parts that do "
                "not, and what we are doing about them.</p>"
            ),
            ("heading", "Enforcement procedure"),
            _paragraph(
                "<p>The Equality and Human Rights Commission is responsible for enforcing the "
                "accessibility regulations. If you are not happy with how we respond to your "
                "complaint, contact the Equality Advisory and Support Service.</p>"
            ),
            ("heading", "Preparation of this statement"),
            _paragraph(
                "<p>This is a demo statement. The study team prepares the real one, with its "
                "date and how the website was tested, before the site is used.</p>"
            ),
        ),
    },
]

HOME_INTRODUCTION = (
    "A research study on care for women who use drugs in pregnancy and their babies, from "
    "before conception until 18 months after birth."
)


def seed(*, log: Log) -> None:
    site = Site.objects.get(is_default_site=True)
    home = site.root_page.specific
    if not isinstance(home, HomePage):
        log("The default site's root is not a home page; left the page tree alone.")
        return

    pages = {
        spec["slug"]: _standard_page_ensure(home=home, spec=spec, log=log)
        for spec in STANDARD_PAGES
    }

    # A home page with a revision has been written, by this command or by an editor.
    if home.get_latest_revision() is None:
        home.introduction = HOME_INTRODUCTION
        home.body = _body(
            _paragraph(
                "<p>We reviewed 111 UK guidelines and 197 research studies and listened to "
                "women at four sites in England and Scotland. With an advisory group of women "
                "with lived experience and professionals, we are now agreeing a framework of "
                "what better services need.</p>"
            ),
        )
        home.get_involved_text = (
            "Have you used drugs during a pregnancy, or do you support women who have? "
            "Help us shape the framework."
        )
        home.get_involved_page = pages["get-involved"]
        home.save_revision(log_action=True).publish()
        log("Wrote the demo text of the home page.")

    # Once the study details exist, they are the editors' to change or clear.
    if not StudySettings.objects.filter(site=site).exists():
        StudySettings.objects.create(
            site=site,
            contact_email=DEMO_CONTACT_EMAIL,
            privacy_notice=pages["privacy-notice"],
            accessibility_statement=pages["accessibility-statement"],
        )
        log("Filled in the demo study details.")


def _standard_page_ensure(*, home: HomePage, spec: dict, log: Log) -> StandardPage:
    existing = StandardPage.objects.child_of(home).filter(slug=spec["slug"]).first()
    if existing is not None:
        return existing
    page = StandardPage(
        title=spec["title"],
        slug=spec["slug"],
        show_in_menus=spec["show_in_menus"],
        introduction=spec["introduction"],
        body=spec["body"],
    )
    home.add_child(instance=page)
    page.save_revision(log_action=True).publish()
    log(f"Created the page {page.title}.")
    return page
