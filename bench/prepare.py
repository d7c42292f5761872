"""Finds what each scenario of bench/run asks for, signs in its member and its editor, and
counts the queries each scenario's request runs, once, through Django's test client on the
same database and settings as the server under load (nothing is counted in the served
code).

Run by bench/run with the bench settings: ``python -m bench.prepare OUT_DIR``. Writes
``OUT_DIR/scenarios.json`` (one entry per scenario: method, path, cookies, queries) and
``OUT_DIR/rating_bodies.txt``, the rating forms the load generator sends, each with its
own one-time form token, as a member's browser would (and ``rating_bodies_warm_up.txt``,
others for the warm-up).
"""

import json
import os
import re
import sys
from collections.abc import Callable
from dataclasses import asdict, dataclass, field
from pathlib import Path
from urllib.parse import urlencode

import django

os.environ.setdefault("DJANGO_SETTINGS_MODULE", "bench.settings")
django.setup()

from django.conf import settings  # noqa: E402
from django.contrib.auth import get_user_model  # noqa: E402
from django.db import connection  # noqa: E402
from django.db.models import Count  # noqa: E402
from django.templatetags.static import static  # noqa: E402
from django.test import Client  # noqa: E402
from django.test.utils import CaptureQueriesContext  # noqa: E402
from django.urls import reverse as reverse_in_language  # noqa: E402
from django.utils import translation  # noqa: E402

from wagtail.models import Locale  # noqa: E402

from django_otp import DEVICE_ID_SESSION_KEY  # noqa: E402
from django_otp.plugins.otp_totp.models import TOTPDevice  # noqa: E402

from consultations import form_tokens  # noqa: E402
from consultations.enums import ExportDataset  # noqa: E402
from consultations.exports import RoundExport  # noqa: E402
from consultations.models import Comment, Member, RatingVersion, Round  # noqa: E402
from consultations.scale import EXPORT_ROUND_TITLE, export_round_find  # noqa: E402
from evidence.models import (  # noqa: E402
    EvidenceIndexPage,
    EvidenceSummaryPage,
    LayFindingsPage,
    Theme,
)

MODEL_BACKEND = "django.contrib.auth.backends.ModelBackend"
# Rating forms sent during one scenario at most; past that the load generator starts
# again from the first, which the site answers as "already saved".
RATING_BODIES = int(os.environ.get("BENCH_RATING_BODIES", "60000"))
WARM_UP_BODIES = 10_000
SEARCH_WORDS = os.environ.get("BENCH_SEARCH", "support")
# In a scenario's address, replaced by something new on every request (bench/wrk.lua,
# bench/fetch.py and the query count here), so that no request is served from the cache.
UNIQUE = "BENCHUNIQUE"
# The rows the export scenario wants (issue 11 asks for 100,000): bench/run adds the round
# with ``seed_scale --export-rows`` when the database has none that big.
EXPORT_ROWS = int(os.environ.get("BENCH_EXPORT_ROWS", "100000"))


def reverse(name: str, args: list | None = None) -> str:
    """The address in the site's default language, whichever page was asked for last."""
    with translation.override(settings.LANGUAGE_CODE):
        return reverse_in_language(name, args=args)


@dataclass
class Scenario:
    name: str
    path: str
    method: str = "GET"
    who: str = "anonymous"
    queries: int | None = None
    status: int | None = None
    cookies: dict[str, str] = field(default_factory=dict)


def signed_in(user, *, verified: bool = False) -> Client:
    """A client with her session; for an editor, a session verified by her device, as after
    a real sign-in with a code."""
    client = Client()
    client.force_login(user, backend=MODEL_BACKEND)
    if verified:
        device, _ = TOTPDevice.objects.get_or_create(
            user=user, name="Bench", defaults={"confirmed": True}
        )
        session = client.session
        session[DEVICE_ID_SESSION_KEY] = device.persistent_id
        session.save()
    return client


def count_queries(
    client: Client, scenario: Scenario, data: Callable[[], dict] | None = None
) -> None:
    """The queries of one request, after one request to warm what a running server keeps
    warm (compiled templates, cached revisions)."""
    send = client.post if scenario.method == "POST" else client.get
    for attempt in range(2):
        body = data() if data else None
        # An uncached scenario's address differs on every request (see UNIQUE).
        path = scenario.path.replace(UNIQUE, f"count-{attempt}")
        with CaptureQueriesContext(connection) as queries:
            response = send(path, body) if body else send(path)
            if response.streaming:
                for _chunk in response.streaming_content:
                    pass
        if attempt == 1:
            scenario.queries = len(queries)
            scenario.status = response.status_code


def busiest_round_page() -> tuple[int, int, int]:
    """The page of an open round with the most comments (the rating scenario needs a round
    open to ratings), and the count."""
    row = (
        Comment.objects.filter(round__in=Round.objects.open())
        .values("round_id", "page_id")
        .annotate(comments=Count("pk"))
        .order_by("-comments", "round_id")
        .first()
    )
    return row["round_id"], row["page_id"], row["comments"]


def export_round_found() -> Round:
    """The round the export scenario downloads: the newest that ``seed_scale --export-rows``
    made with at least ``EXPORT_ROWS`` rows; else, saying so, the round whose ratings
    export is longest."""
    found = export_round_find(min_rows=EXPORT_ROWS)
    if found is not None:
        return found
    longest = (
        RatingVersion.objects.values("rating__round_id")
        .annotate(rows=Count("pk"))
        .order_by("-rows")
        .first()
    )
    sys.stderr.write(
        f"bench: no export round of {EXPORT_ROWS:,} rows (seed_scale --factor 0 "
        f"--export-rows {EXPORT_ROWS}); exporting the round with the most ratings\n"
    )
    return Round.objects.get(pk=longest["rating__round_id"])


def member_client_for(round_id: int, page_id: int) -> tuple[Client, Member]:
    """A member who may read the page: the demo's service user if she may, else the first
    author there who still takes part."""
    path = reverse("consultations:round_page", args=[round_id, page_id])
    demo = Member.objects.filter(user__username="member-su")
    authors = Member.objects.filter(comments__round_id=round_id, withdrawn_at__isnull=True)
    for member in [*demo, *authors.distinct().order_by("pk")[:20]]:
        client = signed_in(member.user)
        if client.get(path).status_code == 200:
            return client, member
    raise SystemExit(f"No member may read {path}")


def rating_form(client: Client, path: str) -> tuple[str, str, str]:
    """The first rating form on her page: where it posts, its item and the CSRF token."""
    html = client.get(path).content.decode()
    form = re.search(r'<form class="app-rating-form" method="post" action="([^"]+)"', html)
    if form is None:
        raise SystemExit(f"No rating form on {path}: is the round open to her?")
    rest = html[form.end() :]
    block_id = re.search(r'name="block_id" value="([^"]+)"', rest).group(1)
    csrf = re.search(r'name="csrfmiddlewaretoken" value="([^"]+)"', rest).group(1)
    return form.group(1), block_id, csrf


def main(out_dir: Path) -> None:
    out_dir.mkdir(parents=True, exist_ok=True)
    users = get_user_model().objects
    editor = users.filter(username="editor").first() or users.filter(is_superuser=True).first()
    editor_client = signed_in(editor, verified=True)
    anonymous = Client()
    scenarios: list[Scenario] = []

    def add(scenario: Scenario, client: Client, data: Callable[[], dict] | None = None) -> None:
        count_queries(client, scenario, data)
        scenario.cookies = {name: morsel.value for name, morsel in client.cookies.items()}
        scenarios.append(scenario)

    add(Scenario("static file (baseline)", static("cms/images/favicon.svg")), anonymous)
    add(Scenario("home", "/"), anonymous)

    index = EvidenceIndexPage.objects.live().filter(locale=Locale.get_default()).first()
    theme = Theme.objects.order_by("pk").first()
    filters = {"nation": "england", "year_from": "2000", "sort": "newest"}
    if theme:
        filters["theme"] = theme.slug
    add(Scenario("evidence index, filtered", f"{index.url}?{urlencode(filters)}"), anonymous)

    summary = EvidenceSummaryPage.objects.live().filter(locale=Locale.get_default()).first()
    add(Scenario("evidence summary", summary.url), anonymous)
    # The same page read afresh every time: a query string no earlier request had is a
    # miss in the page cache (its key is the whole address), and the page ignores it.
    add(Scenario("evidence summary, uncached", f"{summary.url}?uncached={UNIQUE}"), anonymous)
    search = f"{reverse('search')}?{urlencode({'q': SEARCH_WORDS})}"
    add(Scenario("search", search), anonymous)

    # The first language after the default that has the findings (Polish in the demo).
    translated = LayFindingsPage.objects.live().exclude(locale=Locale.get_default())
    findings = next(
        (
            page
            for code, _name in settings.LANGUAGES
            for page in translated.filter(locale__language_code=code)[:1]
        ),
        None,
    )
    if findings:
        add(Scenario(f"lay findings ({findings.locale.language_code})", findings.url), anonymous)

    round_id, page_id, comments = busiest_round_page()
    member_client, member = member_client_for(round_id, page_id)
    page_path = reverse("consultations:round_page", args=[round_id, page_id])
    add(
        Scenario(f"member round page ({comments} comments)", page_path, who=member.pseudonym),
        member_client,
    )

    action, block_id, csrf = rating_form(member_client, page_path)
    bodies = [
        {
            "csrfmiddlewaretoken": csrf,
            "block_id": block_id,
            "choice": str(1 + number % 9),
            "reason": "",
            "form_token": form_tokens.form_token_issue(
                member_pk=member.pk, purpose=form_tokens.RATING
            ),
        }
        for number in range(WARM_UP_BODIES + RATING_BODIES)
    ]
    # The test client sends the first two (a warm-up, then the one counted); wrk the rest.
    add(
        Scenario("rating submission (POST)", action, method="POST", who=member.pseudonym),
        member_client,
        iter(bodies).__next__,
    )
    warm_up, measured = bodies[2:WARM_UP_BODIES], bodies[WARM_UP_BODIES:]
    for name, part in [("rating_bodies_warm_up.txt", warm_up), ("rating_bodies.txt", measured)]:
        (out_dir / name).write_text("".join(urlencode(body) + "\n" for body in part))

    results_round = (
        RatingVersion.objects.exclude(rating__round__title__startswith=EXPORT_ROUND_TITLE)
        .values("rating__round_id")
        .annotate(rows=Count("pk"))
        .order_by("-rows")
        .first()
    )["rating__round_id"]
    add(
        Scenario("results view", reverse("rounds:results", args=[results_round]), who="editor"),
        editor_client,
    )
    export_round = export_round_found()
    export_path = reverse("rounds:export", args=[export_round.pk])
    export = {"dataset": ExportDataset.RATINGS, "format": "csv", "identity": "pseudonym"}
    rows = RoundExport(round=export_round, dataset=ExportDataset.RATINGS).versions().count()
    add(
        Scenario(
            f"export, {rows:,} rows (CSV)", f"{export_path}?{urlencode(export)}", who="editor"
        ),
        editor_client,
    )
    xlsx = {**export, "format": "xlsx"}
    (out_dir / "export_xlsx_path.txt").write_text(f"{export_path}?{urlencode(xlsx)}\n")

    (out_dir / "scenarios.json").write_text(
        json.dumps([asdict(scenario) for scenario in scenarios], indent=2)
    )
    for scenario in scenarios:
        if scenario.status not in (200, 302):
            sys.stderr.write(f"bench: {scenario.name} answered {scenario.status}\n")


if __name__ == "__main__":
    main(Path(sys.argv[1]))
