"""A spider for the canary test: it follows every same-site link a person can see, with
GET only, and keeps every response, as text, with its headers."""

import io
import json
import re
from collections import Counter, deque
from collections.abc import Iterable, Iterator
from dataclasses import dataclass, field
from urllib.parse import parse_qsl, urlencode, urljoin, urlsplit

from django.conf import settings
from django.test import Client

from bs4 import BeautifulSoup
from openpyxl import load_workbook

SITE = "http://testserver"
# Never fetched: signing out would end the crawl's session; static files and uploads
# are the same for everyone.
SKIPPED = re.compile(r"logout|/static/|/media/|/jsi18n/|/sprite/")
LANGUAGE_PREFIX = re.compile(
    r"^/(?:{})/".format("|".join(re.escape(code) for code, _name in settings.LANGUAGES))
)
# Two of each kind of page (ids and sort orders aside) are enough to see what it shows;
# the pages a crawl starts from are always fetched.
VISITS_PER_SHAPE = 2


@dataclass
class Fetched:
    url: str
    status: int
    headers: dict[str, str]
    body: str

    @property
    def text(self) -> str:
        """Everything that reached the browser: the headers and the body."""
        headers = "\n".join(f"{name}: {value}" for name, value in self.headers.items())
        return f"{headers}\n\n{self.body}"

    @property
    def cache_control(self) -> set[str]:
        value = self.headers.get("Cache-Control", "")
        return {part.strip().split("=")[0].lower() for part in value.split(",") if part.strip()}


@dataclass
class Crawl:
    fetched: list[Fetched] = field(default_factory=list)

    def __len__(self) -> int:
        return len(self.fetched)

    def statuses(self) -> Counter:
        return Counter(response.status for response in self.fetched)


def crawl(client: Client, *, start: Iterable[str], limit: int) -> Crawl:
    """Fetch the start pages, then every same-site address they lead to, breadth first,
    until nothing new is left or ``limit`` responses were fetched."""
    result = Crawl()
    start = [normal(url) for url in start]
    queue: deque[str] = deque(url for url in start if url)
    seen: set[str] = set(queue)
    shapes: Counter = Counter()
    while queue and len(result) < limit:
        url = queue.popleft()
        if url not in start:
            shape = url_shape(url)
            if shapes[shape] >= VISITS_PER_SHAPE:
                continue
            shapes[shape] += 1
        response = client.get(url)
        headers = dict(response.items())
        if response.cookies:
            headers["Set-Cookie"] = "; ".join(c.OutputString() for c in response.cookies.values())
        fetched = Fetched(
            url=url, status=response.status_code, headers=headers, body=body_of(response)
        )
        result.fetched.append(fetched)
        for link in links_in(fetched):
            found = normal(link, base=url)
            if found and found not in seen:
                seen.add(found)
                queue.append(found)
    return result


XLSX = "application/vnd.openxmlformats-officedocument.spreadsheetml.sheet"


def body_of(response) -> str:
    if getattr(response, "streaming", False):
        content = b"".join(response.streaming_content)
    else:
        content = response.content
    if response.get("Content-Type", "").startswith(XLSX):
        return workbook_text(content)
    return content.decode("utf-8", "replace")


def workbook_text(content: bytes) -> str:
    """Every cell of a workbook, as lines of text: its bytes are compressed, so a marker
    would never show in them as it is."""
    workbook = load_workbook(io.BytesIO(content), read_only=True)
    return "\n".join(
        "\t".join("" if value is None else str(value) for value in row)
        for sheet in workbook.worksheets
        for row in sheet.iter_rows(values_only=True)
    )


def links_in(fetched: Fetched) -> Iterator[str]:
    if "Location" in fetched.headers:
        yield fetched.headers["Location"]
    content_type = fetched.headers.get("Content-Type", "")
    if "html" in content_type:
        yield from html_links(fetched.body)
    elif "json" in content_type:
        try:
            yield from json_links(json.loads(fetched.body))
        except ValueError:
            return


def html_links(html: str) -> Iterator[str]:
    """Every attribute that holds a same-site address: links, GET forms' actions, frames,
    and the addresses Wagtail's admin keeps in data attributes for its scripts."""
    for tag in BeautifulSoup(html, "html.parser").find_all(True):
        for name, value in tag.attrs.items():
            if not isinstance(value, str):
                continue
            posts = tag.name == "form" and tag.get("method", "get").lower() != "get"
            if name == "action" and posts:
                continue
            if value.startswith(("/", SITE)):
                yield value


def json_links(data: object) -> Iterator[str]:
    if isinstance(data, dict):
        for value in data.values():
            yield from json_links(value)
    elif isinstance(data, list):
        for value in data:
            yield from json_links(value)
    elif isinstance(data, str) and data.startswith((SITE, "/api/")):
        yield data


def normal(url: str, *, base: str = "/") -> str | None:
    """A same-site address as a path and query, or None for anything not to fetch."""
    url = url.strip()
    if not url or url.startswith(("//", "#")):
        return None
    parts = urlsplit(urljoin(SITE + base, url))
    if f"{parts.scheme}://{parts.netloc}" != SITE:
        return None
    path = parts.path or "/"
    if SKIPPED.search(path) or "{" in path or "%7B" in path:
        return None
    query = urlencode(sorted(parse_qsl(parts.query, keep_blank_values=True)))
    return f"{path}?{query}" if query else path


def url_shape(url: str) -> str:
    """The kind of page an address is: numbers become N, and only the names of query
    parameters count, so that pagination and sorting do not each become a new page. The
    same page in another language (/pl/..., /ar/...) is the same kind: the switcher on
    every page would otherwise triple the crawl for the same templates."""
    parts = urlsplit(url)
    path = LANGUAGE_PREFIX.sub("/", parts.path)
    path = re.sub(r"\d+", "N", path)
    names = sorted({name for name, _value in parse_qsl(parts.query, keep_blank_values=True)})
    return f"{path}?{'&'.join(names)}"
