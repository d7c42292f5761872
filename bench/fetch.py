"""One request, timed: ``python -m bench.fetch URL COOKIE [BODY]`` (a POST of the form body
BODY if given) prints JSON with the seconds to the response's first byte, to the end of
its second line (a CSV's first row of data), and to its end, and its size and status."""

import json
import sys
import time
from http.client import HTTPConnection
from urllib.parse import urlsplit

# bench/prepare.py's UNIQUE: replaced by a new value on every request.
UNIQUE = "BENCHUNIQUE"


def main(url: str, cookie: str, body: str = "") -> None:
    parts = urlsplit(url.replace(UNIQUE, f"alone-{time.time_ns()}"))
    connection = HTTPConnection(parts.hostname, parts.port, timeout=600)
    headers = {"Cookie": cookie}
    if body:
        headers["Content-Type"] = "application/x-www-form-urlencoded"
    started = time.perf_counter()
    connection.request(
        "POST" if body else "GET",
        f"{parts.path}?{parts.query}" if parts.query else parts.path,
        body=body or None,
        headers=headers,
    )
    response = connection.getresponse()
    first_byte = first_row = None
    size = newlines = 0
    while chunk := response.read1(65536):
        now = time.perf_counter() - started
        first_byte = now if first_byte is None else first_byte
        size += len(chunk)
        newlines += chunk.count(b"\n")
        if first_row is None and newlines >= 2:
            first_row = now
    total = time.perf_counter() - started
    print(  # noqa: T201
        json.dumps(
            {
                "status": response.status,
                "bytes": size,
                "first_byte_s": round(first_byte or total, 3),
                "first_row_s": round(first_row or total, 3),
                "total_s": round(total, 3),
            }
        )
    )


if __name__ == "__main__":
    main(*sys.argv[1:4])
