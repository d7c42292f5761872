"""A backup made as the README says restores into a fresh database with every contribution.

pg_dump reads what other connections can see, so the data is committed (a transactional
test) and the restored copy is read over a connection of its own.
"""

import os
import shutil
import subprocess
from pathlib import Path

from django.db import connection

from wagtail.models import Site

import psycopg
import pytest
from psycopg import sql

from consultations.enums import Abstention
from consultations.models import Comment, CommentVersion, Rating, RatingVersion
from consultations.services import comment_edit, comment_post, comment_withdraw, rating_set
from evidence.models import Domain
from tests.factories import (
    FrameworkIndexPageFactory,
    FrameworkSectionPageFactory,
    MemberFactory,
    RoundFactory,
    RoundPageFactory,
)

pytestmark = [
    pytest.mark.skipif(
        connection.vendor != "postgresql",
        reason="backups are made with pg_dump, which needs PostgreSQL; this run uses SQLite",
    ),
    # Committed rows, so pg_dump sees them; the data migrations' rows (site, groups,
    # domains) are put back after the flush a transactional test ends with.
    pytest.mark.django_db(transaction=True, serialized_rollback=True),
    pytest.mark.usefixtures("migrated_data_put_back"),
]

TABLES = [Comment, CommentVersion, Rating, RatingVersion]


def client_tool(name: str, server_major: int) -> str:
    """The PostgreSQL client tool that can read this server: its own major version first.

    pg_dump refuses a server newer than itself; Debian keeps each version's tools under
    /usr/lib/postgresql/<major>/bin, while the one on PATH may be another version.
    """
    candidates = [f"/usr/lib/postgresql/{server_major}/bin/{name}", shutil.which(name)]
    found = [path for path in candidates if path and Path(path).is_file()]
    assert found, (
        f"{name} is missing: install the PostgreSQL client tools (the postgresql package "
        "that CI installs brings them). A backup test that cannot run must not pass."
    )
    version = subprocess.run([found[0], "--version"], capture_output=True, text=True, check=True)
    tool_major = int(version.stdout.split()[-1].split(".")[0])
    assert tool_major >= server_major, (
        f"{found[0]} is version {tool_major}, older than the server ({server_major}): "
        f"install the PostgreSQL {server_major} client tools."
    )
    return found[0]


def connection_args() -> tuple[list[str], dict[str, str]]:
    db = connection.settings_dict
    args = []
    if db["HOST"]:
        args += ["--host", db["HOST"]]
    if db["PORT"]:
        args += ["--port", str(db["PORT"])]
    if db["USER"]:
        args += ["--username", db["USER"]]
    env = {**os.environ, "PGPASSWORD": db["PASSWORD"] or ""}
    return args, env


def rows(cursor, model) -> list[tuple]:
    table = sql.Identifier(model._meta.db_table)
    cursor.execute(sql.SQL("SELECT * FROM {} ORDER BY id").format(table))
    return cursor.fetchall()


@pytest.fixture
def restored_database():
    """A fresh database's name, dropped afterwards whatever happened."""
    name = f"{connection.settings_dict['NAME']}_restored"
    drop = sql.SQL("DROP DATABASE IF EXISTS {} WITH (FORCE)").format(sql.Identifier(name))
    with connection.cursor() as cursor:
        cursor.execute(drop.as_string(cursor.connection))
        cursor.execute(
            sql.SQL("CREATE DATABASE {} TEMPLATE template0")
            .format(sql.Identifier(name))
            .as_string(cursor.connection)
        )
    try:
        yield name
    finally:
        with connection.cursor() as cursor:
            cursor.execute(drop.as_string(cursor.connection))


@pytest.fixture
def contributions() -> None:
    """Comments with replies, edits and a withdrawal, and ratings changed and abstained."""
    domain = Domain.objects.get(name="How organisations work together")
    section = FrameworkSectionPageFactory(
        parent=FrameworkIndexPageFactory(parent=Site.objects.get(is_default_site=True).root_page),
        requirements=[
            ("requirement", {"statement": s, "rationale": "", "domain": domain, "evidence": []})
            for s in ("One care plan.", "A named lead professional.")
        ],
    )
    section.save_revision()
    item_a, item_b = [block.id for block in section.requirements]
    round = RoundFactory(comments_visible_to_members=True)
    RoundPageFactory(round=round, page=section)
    willow, rowan = MemberFactory(), MemberFactory(professional=True)

    first = comment_post(
        round=round,
        member=willow,
        page_id=section.pk,
        block_id=item_a,
        body="Ein Plan für alle — “one plan”, naïve café 🙂",
        quote="One care plan",
    ).comment
    comment_edit(comment=first, member=willow, body="One plan,\nwritten with me.")
    comment_post(round=round, member=rowan, page_id=section.pk, body="Agreed.", parent=first)
    second = comment_post(
        round=round, member=rowan, page_id=section.pk, body="On the page."
    ).comment
    comment_withdraw(comment=second, member=rowan)

    rating_set(round=round, member=willow, page_id=section.pk, block_id=item_a, score=4)
    rating_set(
        round=round, member=willow, page_id=section.pk, block_id=item_a, score=8, reason="Yes."
    )
    rating_set(
        round=round,
        member=rowan,
        page_id=section.pk,
        block_id=item_b,
        abstention=Abstention.values[0],
    )


def test_a_dump_restores_into_a_fresh_database_with_every_comment_and_rating(
    contributions, restored_database, tmp_path
):
    server_major = connection.pg_version // 10000
    pg_dump = client_tool("pg_dump", server_major)
    pg_restore = client_tool("pg_restore", server_major)
    args, env = connection_args()
    dump = tmp_path / "stepping-stones.dump"

    subprocess.run(
        [pg_dump, *args, "--format=custom", f"--file={dump}", connection.settings_dict["NAME"]],
        env=env,
        check=True,
        capture_output=True,
    )
    subprocess.run(
        [pg_restore, *args, "--no-owner", "--exit-on-error", "--dbname", restored_database, dump],
        env=env,
        check=True,
        capture_output=True,
    )

    db = connection.settings_dict
    with (
        connection.cursor() as original,
        psycopg.connect(
            host=db["HOST"] or None,
            port=db["PORT"] or None,
            user=db["USER"] or None,
            password=db["PASSWORD"] or None,
            dbname=restored_database,
        ) as restored_connection,
        restored_connection.cursor() as restored,
    ):
        counts = {}
        for model in TABLES:
            kept = rows(original, model)
            assert rows(restored, model) == kept, model.__name__
            counts[model.__name__] = len(kept)

    # Everything made above, so a dump of empty tables could not pass.
    assert counts == {"Comment": 3, "CommentVersion": 5, "Rating": 2, "RatingVersion": 3}
