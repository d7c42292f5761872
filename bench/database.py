"""bench/run's databases: one per scale factor, beside the one DATABASE_URL names.

python -m bench.database url FACTOR       prints the factor's DATABASE_URL
python -m bench.database create FACTOR    creates it if missing; prints "new" or "kept"
python -m bench.database drop FACTOR      drops it (BENCH_RESEED=1)
"""

import os
import sys
from urllib.parse import urlsplit, urlunsplit

import psycopg
from psycopg import sql

DEFAULT_SERVER = "postgres://postgres@127.0.0.1:5432/postgres"


def server_url() -> str:
    url = os.environ.get("DATABASE_URL", "") or DEFAULT_SERVER
    if not url.startswith(("postgres://", "postgresql://")):
        raise SystemExit("bench/run needs PostgreSQL: set DATABASE_URL to a postgres:// URL")
    return url


def with_database(url: str, name: str) -> str:
    parts = urlsplit(url)
    return urlunsplit(parts._replace(path=f"/{name}"))


def name_for(factor: str) -> str:
    prefix = os.environ.get("BENCH_DATABASE_PREFIX", "ss_bench_")
    return f"{prefix}{int(factor)}"


def main(action: str, factor: str) -> None:
    name = name_for(factor)
    if action == "url":
        print(with_database(server_url(), name))  # noqa: T201
        return
    if action == "analyze":
        url = with_database(server_url(), name)
        with psycopg.connect(url, autocommit=True) as connection:
            connection.execute("VACUUM ANALYZE")
        return
    maintenance = with_database(server_url(), "postgres")
    with psycopg.connect(maintenance, autocommit=True) as connection:
        exists = connection.execute(
            "SELECT 1 FROM pg_database WHERE datname = %s", [name]
        ).fetchone()
        if action == "drop":
            if exists:
                connection.execute(sql.SQL("DROP DATABASE {}").format(sql.Identifier(name)))
            return
        if not exists:
            connection.execute(sql.SQL("CREATE DATABASE {}").format(sql.Identifier(name)))
        print("kept" if exists else "new")  # noqa: T201


if __name__ == "__main__":
    main(*sys.argv[1:3])
