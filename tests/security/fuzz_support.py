"""What the fuzz tests share: hypothesis profiles, hostile input, a rollback per example,
and a client that sends forms as a browser (or a hand-made request) would.

Fixtures built once per test are reused by every example of it; each example runs inside a
savepoint that is rolled back, so one example's rows never reach the next. That is why the
tests suppress hypothesis' health check about function-scoped fixtures: the sharing is
intended, and the rollback keeps the examples apart.
"""

import os
import re
from collections.abc import Iterator
from contextlib import contextmanager
from urllib.parse import urlencode

from django.core.cache import cache
from django.db import transaction
from django.http import HttpResponse
from django.test import Client

from bs4 import BeautifulSoup
from hypothesis import HealthCheck, event, settings
from hypothesis import strategies as st

settings.register_profile(
    "fuzz",
    max_examples=20,
    deadline=None,
    suppress_health_check=[
        HealthCheck.function_scoped_fixture,
        HealthCheck.too_slow,
        HealthCheck.data_too_large,
        HealthCheck.large_base_example,
    ],
    print_blob=True,
)
# FUZZ_PROFILE=fuzz-long for a deeper search before a release.
settings.register_profile("fuzz-long", settings.get_profile("fuzz"), max_examples=300)

fuzz = settings(settings.get_profile(os.environ.get("FUZZ_PROFILE", "fuzz")))
# The admin's pages take ten times as long to render as a member's.
fuzz_slow = settings(fuzz, max_examples=max(10, fuzz.max_examples // 2))


# Hostile input ---------------------------------------------------------------------------

MARKUP_PAYLOADS = (
    "<script>alert(1)</script>",
    '"><script>alert(document.cookie)</script>',
    "<img src=x onerror=alert(1)>",
    "<svg/onload=alert(1)>",
    "javascript:alert(1)",
    "'><iframe src=javascript:alert(1)>",
    "{{ request.user.password }}",
    "{% debug %}",
    "</textarea><b>bold</b>",
    "<!--",
    "&lt;script&gt;",
)
SQL_PAYLOADS = (
    "' OR '1'='1",
    "1; DROP TABLE consultations_comment; --",
    "\\'; SELECT pg_sleep(1); --",
    "%",
    "_",
    "' UNION SELECT password FROM auth_user --",
    "$$; $$",
    "E'\\x00'",
)
ODD_TEXT = (
    "",
    " ",
    "\u200b",
    "\ufeff",
    "\u202e" + "evil",
    "Z\u0351\u0352\u0353\u0354\u0355",
    "\U0001f600" * 50,
    "\r\n\r\n",
    "a\x00b",
    "\x00",
    "\ud800",
    "x\udfffy",
)

control_characters = st.characters(codec="utf-8", categories=["Cc"]) | st.sampled_from(
    ["\x00", "\x7f", "\x1b", "\u0085"]
)
# What no browser sends but a hand-made request can: the UTF-8 of half a surrogate pair.
lone_surrogates = st.characters(min_codepoint=0xD800, max_codepoint=0xDFFF)
unicode_text = st.text(
    alphabet=st.characters(codec="utf-8") | control_characters | lone_surrogates, max_size=300
)


def huge(strategy: st.SearchStrategy[str], *, up_to: int = 2_000_000) -> st.SearchStrategy[str]:
    """Text of up to about two megabytes, made by repeating a smaller piece."""
    return st.builds(
        lambda piece, size: (piece or "x") * (size // max(len(piece), 1)),
        strategy,
        st.integers(min_value=10_000, max_value=up_to),
    )


ordinary_text = st.text(max_size=200) | st.sampled_from(
    [
        "I agree.",
        "Not sure this works in rural areas.",
        "  Spaces around  ",
        "Line one\r\nLine two",
    ]
)
hostile_text = st.one_of(
    ordinary_text,
    ordinary_text,
    unicode_text,
    st.text(alphabet=control_characters, max_size=50),
    st.sampled_from(MARKUP_PAYLOADS + SQL_PAYLOADS + ODD_TEXT),
    st.builds(
        lambda a, b, c: a + b + c, unicode_text, st.sampled_from(MARKUP_PAYLOADS), unicode_text
    ),
    huge(st.sampled_from(MARKUP_PAYLOADS + ("a", "é", "\U0001f600", "\x00"))),
)

malformed_ids = st.one_of(
    st.integers(min_value=-(2**70), max_value=2**70).map(str),
    st.sampled_from(
        [
            "",
            " ",
            "0",
            "-1",
            "1.5",
            "1e3",
            "0x10",
            " 1",
            "1 ",
            "+1",
            "NaN",
            "inf",
            "None",
            "null",
            "[]",
            "{}",
            "١٢",
            "\uff11",
            "1\x00",
            "9" * 400,
            "2147483648",
            "9223372036854775808",
            "-9223372036854775809",
        ]
    ),
    unicode_text,
)

# Path segments for <int:...> routes: only digits reach the view, so try sizes.
path_ints = st.integers(min_value=0, max_value=10**40)


# Sending and reading ----------------------------------------------------------------------


@contextmanager
def rolled_back() -> Iterator[None]:
    """One example's writes, undone when it ends; and nothing cached carried over."""
    cache.clear()
    with transaction.atomic():
        yield
        transaction.set_rollback(True)
    cache.clear()


def encoded(data: dict[str, object] | list[tuple[str, object]]) -> str:
    """A form body or query string as a raw client may send it, lone surrogates included
    (their UTF-8 bytes are invalid, and the server has to cope)."""
    pairs = data.items() if isinstance(data, dict) else data
    flat: list[tuple[bytes, bytes]] = []
    for key, value in pairs:
        values = value if isinstance(value, list | tuple) else [value]
        for one in values:
            flat.append(
                (
                    str(key).encode("utf-8", "surrogatepass"),
                    str(one).encode("utf-8", "surrogatepass"),
                )
            )
    return urlencode(flat)


def post_form(client: Client, url: str, data: dict[str, object], **extra: object) -> HttpResponse:
    return client.post(
        url, encoded(data), content_type="application/x-www-form-urlencoded", **extra
    )


def get_query(
    client: Client, url: str, data: dict[str, object] | list, **extra: object
) -> HttpResponse:
    return client.get(f"{url}?{encoded(data)}", **extra)


def hidden_inputs(
    html: bytes | str, *, action: str | None = None, with_field: str | None = None
) -> list[dict[str, str]]:
    """The hidden inputs of each POST form on the page (of those posting to ``action``, or
    holding a field named ``with_field``), as a browser would send them back, whatever
    hidden fields the forms grow."""
    soup = BeautifulSoup(html, "html.parser")
    forms = soup.find_all("form", attrs={"method": re.compile("post", re.I)})
    if action is not None:
        # action="" is the form that posts back to the page's own address.
        forms = [form for form in forms if (form.get("action") or "") == action]
    if with_field is not None:
        forms = [form for form in forms if form.find(attrs={"name": with_field})]
    assert forms, f"no form posting to {action!r} with {with_field!r} on the page"
    return [
        {
            field["name"]: field.get("value", "")
            for field in form.find_all("input", attrs={"type": "hidden"})
            if field.get("name")
        }
        for form in forms
    ]


def as_received(text: str) -> str:
    """What the server reads of text sent by ``encoded``: invalid UTF-8 becomes U+FFFD."""
    return text.encode("utf-8", "surrogatepass").decode("utf-8", "replace")


def body_of(response: HttpResponse) -> bytes:
    """The whole response body, streamed ones included, so errors in generators surface."""
    if response.streaming:
        if not hasattr(response, "fuzz_body"):
            response.fuzz_body = b"".join(response.streaming_content)
        return response.fuzz_body
    return response.content


def assert_no_server_error(response: HttpResponse) -> None:
    body_of(response)
    # --hypothesis-show-statistics tells how many examples got how far.
    event(f"status {response.status_code}")
    assert response.status_code < 500, response.status_code


def markup_in(text: str) -> list[str]:
    """The stretches of text that a browser would read as markup if they were not escaped:
    on each line, from the first tag-like "<" to the last ">"."""
    spans = []
    for line in text.splitlines():
        start = re.search(r"<[A-Za-z/!?]", line)
        end = line.rfind(">")
        if start and end > start.start() + 4:
            spans.append(line[start.start() : end + 1])
    return spans


def assert_inert(html: bytes, text: str) -> None:
    """Text someone typed never appears in a page as markup, only escaped."""
    page = html.decode("utf-8", "replace")
    for span in markup_in(text):
        assert span not in page, f"unescaped {span!r} in the page"


def form_values(html: bytes | str, *, with_field: str) -> dict[str, object]:
    """Every value a browser would send from the POST form holding ``with_field``: hidden
    and visible inputs, ticked boxes, chosen options and text areas, as the page set them."""
    soup = BeautifulSoup(html, "html.parser")
    form = next(
        form
        for form in soup.find_all("form", attrs={"method": re.compile("post", re.I)})
        if form.find(attrs={"name": with_field})
    )
    values: dict[str, object] = {}
    for field in form.find_all(["input", "select", "textarea"]):
        name = field.get("name")
        # Fields inside a <template> are blanks for adding rows; browsers do not send them.
        if not name or field.has_attr("disabled") or field.find_parent("template"):
            continue
        if field.name == "textarea":
            values[name] = field.string or ""
        elif field.name == "select":
            chosen = field.find_all("option", selected=True) or field.find_all("option")[:1]
            if field.has_attr("multiple"):
                values[name] = [option.get("value", option.text) for option in chosen]
            elif chosen:
                values[name] = chosen[0].get("value", chosen[0].text)
        elif field.get("type") in ("checkbox", "radio"):
            if field.has_attr("checked"):
                values.setdefault(name, []).append(field.get("value", "on"))
        elif field.get("type") not in ("submit", "button", "file", "image", "reset"):
            values[name] = field.get("value", "")
    return values
