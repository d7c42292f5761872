"""Each app server process's own copies of the public pages it has sent, so that a page
read again is answered without a round trip to Redis.

A copy is only as good as the news of changes: every process listens on PostgreSQL's
``LISTEN``/``NOTIFY`` channel, and ``page_cache_invalidate`` sends a notification once its
change has committed and the page cache has moved to a new generation. On the notification,
a process drops all its copies. A process keeps and sends copies only while its listener is
connected; while it is not (starting, or reconnecting after an error), every request reads
the shared cache as before, and on reconnecting it drops everything it had, since
notifications sent in the meantime are lost.

Between a change's commit and the notification reaching a process (well under a
millisecond on one machine, a network round trip between machines), that process may still
send the page as it was: the same as a request that was being served while the change
committed.

A process also stops sending copies when its listener has not heard from the database
for a few seconds (its connection may be gone without a word), and a forked process starts
with none.

Copies are bounded in bytes per process (``PAGE_CACHE_LOCAL_BYTES``, 0 turns them off) and
by the time the shared cache keeps the page; the least recently sent go first. They need
PostgreSQL; on any other database they are off.
"""

import logging
import os
import threading
import time
from collections import OrderedDict
from typing import Any

from django.conf import settings
from django.core.cache import caches
from django.db import DEFAULT_DB_ALIAS, connections

logger = logging.getLogger(__name__)

CHANNEL = "page_cache_changed"
# How long the listener waits for a notification before checking that its connection is
# still there. Copies are not sent once the listener has not heard from the database for
# longer than that and the grace: a connection lost without a word (a failover, a dropped
# route) can leave its check waiting for minutes.
_CHECK_EVERY_SECONDS = 5
_GRACE_SECONDS = 5
_RETRY_AFTER_SECONDS = 5


def _enabled() -> bool:
    return (
        settings.PAGE_CACHE_LOCAL_BYTES > 0
        and _max_age() > 0
        and connections[DEFAULT_DB_ALIAS].vendor == "postgresql"
    )


def _max_age() -> float:
    timeout = caches["pages"].default_timeout
    return float("inf") if timeout is None else timeout


def tell_processes() -> None:
    """Tell every process that kept pages are out of date (after the change committed)."""
    connection = connections[DEFAULT_DB_ALIAS]
    if connection.vendor != "postgresql":
        return
    with connection.cursor() as cursor:
        cursor.execute("SELECT pg_notify(%s, '')", [CHANNEL])


class PageCopies:
    """The copies of one process, and the thread that listens for changes."""

    def __init__(self) -> None:
        self._lock = threading.Lock()
        self._copies: OrderedDict[str, tuple[float, int, Any]] = OrderedDict()
        self._bytes = 0
        # Moves whenever the copies are dropped or the listener connects or disconnects:
        # a page read before a move is not kept after it.
        self._epoch = 0
        self._live = False
        # When the listener last heard from the database (monotonic clock).
        self._heard_at = 0.0
        self._pid: int | None = None
        self._stop = threading.Event()
        self._thread: threading.Thread | None = None
        self.check_every = _CHECK_EVERY_SECONDS
        self.retry_after = _RETRY_AFTER_SECONDS

    # Serving ---------------------------------------------------------------------

    def get(self, key: str) -> Any | None:
        if not self.listening:
            self._start_if_needed()
            return None
        with self._lock:
            found = self._copies.get(key)
            if found is None:
                return None
            expires, _size, kept = found
            if expires < time.monotonic():
                self._forget(key)
                return None
            self._copies.move_to_end(key)
            return kept

    @property
    def listening(self) -> bool:
        """Whether this process hears of changes, and so keeps and sends copies."""
        quiet_for = time.monotonic() - self._heard_at
        return self._live and quiet_for <= self.check_every + _GRACE_SECONDS

    def epoch(self) -> int:
        """To be read before the shared cache or the page is read, and given to ``keep``."""
        return self._epoch

    def keep(
        self, key: str, kept: Any, size: int, epoch: int, *, seconds_left: float | None = None
    ) -> None:
        """Keep a page read at ``epoch``, unless the copies were dropped since, for as long
        as the shared cache keeps it (``seconds_left``, if it was read from there)."""
        limit = settings.PAGE_CACHE_LOCAL_BYTES
        if size > limit:
            return
        age = _max_age() if seconds_left is None else min(seconds_left, _max_age())
        if age <= 0:
            return
        with self._lock:
            if not self.listening or epoch != self._epoch:
                return
            self._forget(key)
            self._copies[key] = (time.monotonic() + age, size, kept)
            self._bytes += size
            while self._bytes > limit:
                self._forget(next(iter(self._copies)))

    def _forget(self, key: str) -> None:
        found = self._copies.pop(key, None)
        if found is not None:
            self._bytes -= found[1]

    def drop_all(self) -> None:
        with self._lock:
            self._copies.clear()
            self._bytes = 0
            self._epoch += 1

    def _set_live(self, live: bool) -> None:
        with self._lock:
            self._copies.clear()
            self._bytes = 0
            self._epoch += 1
            self._live = live
            self._heard_at = time.monotonic()

    def _heard(self) -> None:
        self._heard_at = time.monotonic()

    def _after_fork(self) -> None:
        """A forked process has the copies but not the thread that hears of changes (nor,
        perhaps, a usable lock): it starts afresh."""
        self._lock = threading.Lock()
        self._copies = OrderedDict()
        self._bytes = 0
        self._epoch += 1
        self._live = False
        self._pid = None
        self._stop = threading.Event()
        self._thread = None

    # Listening -------------------------------------------------------------------

    def _start_if_needed(self) -> None:
        pid = os.getpid()
        if self._pid == pid:
            return
        # First use in this process (a forked worker does not inherit the thread).
        with self._lock:
            if self._pid == pid:
                return
            self._pid = pid
            if not _enabled():
                return
            self._live = False
            self._copies.clear()
            self._bytes = 0
            self._stop = threading.Event()
            self._thread = threading.Thread(
                target=self._listen, name="page-copies-listener", daemon=True
            )
            self._thread.start()

    def stop(self) -> None:
        """Stop listening and drop every copy; the next request in this process starts
        again if the settings allow (tests; a process that exits needs none of it)."""
        self._stop.set()
        thread = self._thread
        if thread is not None and thread is not threading.current_thread():
            thread.join(timeout=self.check_every + 5)
        self._set_live(False)
        self._pid = None
        self._thread = None

    def _listen(self) -> None:
        stop = self._stop
        while not stop.is_set():
            # This thread's own connection, as Django would open it for a request.
            connection = connections[DEFAULT_DB_ALIAS]
            try:
                connection.ensure_connection()
                raw = connection.connection
                raw.execute(f"LISTEN {CHANNEL}")
                self._set_live(True)
                while not stop.is_set():
                    for _notification in raw.notifies(timeout=self.check_every, stop_after=1):
                        self.drop_all()
                        self._heard()
                    # Quiet for a while, or stopping: is the connection still there?
                    raw.execute("SELECT 1")
                    self._heard()
            except Exception:  # noqa: BLE001 - the shared cache serves until it reconnects
                logger.warning("Page copies: lost the database's notifications", exc_info=True)
            finally:
                self._set_live(False)
                try:
                    connection.close()
                except Exception:  # noqa: BLE001
                    logger.debug("Page copies: closing the listener's connection failed")
            stop.wait(self.retry_after)


copies = PageCopies()
os.register_at_fork(after_in_child=copies._after_fork)
