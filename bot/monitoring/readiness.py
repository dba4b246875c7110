"""Whether this process can do its work: the database answers, its schema is the code's, and (where this
process runs the jobs) the scheduler runs. Each problem is named, for /readyz and whoever reads it."""

from __future__ import annotations

import threading

from apscheduler.schedulers.base import STATE_RUNNING, BaseScheduler
from sqlalchemy import Engine
from sqlalchemy.exc import SQLAlchemyError

from bot.store.db import current_revision, head_revision

OK = "ok"
STUCK_SECONDS = 2.0
"""A probe waits this long for a database check already under way (they take milliseconds) before saying so."""


class Readiness:
    """Checks for one process: `checks()` names each check with "ok" or what is wrong."""

    def __init__(self, *, engine: Engine, scheduler: BaseScheduler | None = None):
        self._engine = engine
        self._head = head_revision(engine)  # read from the migration scripts once: they do not change while running
        self._scheduler = scheduler
        self._checking = threading.Lock()

    def checks(self) -> dict[str, str]:
        checks = {"database": OK, "migrations": OK}
        # One database check at a time: a database that hangs (a host that drops packets) holds one of the HTTP
        # threads Slack's requests share, not one per probe.
        if not self._checking.acquire(timeout=STUCK_SECONDS):
            checks["database"] = f"not answering: an earlier check has waited over {STUCK_SECONDS:g} s"
            checks["migrations"] = "not checked: the database is not answering"
        else:
            try:
                revision = current_revision(self._engine)
            except SQLAlchemyError as error:
                checks["database"] = f"unreachable: {_first_line(error)}"
                checks["migrations"] = "not checked: the database is unreachable"
            else:
                if revision != self._head:
                    checks["migrations"] = (f"behind: the database is at {revision or 'no revision'}, the code "
                                            f"needs {self._head} (run `qabot db upgrade`)")
            finally:
                self._checking.release()
        if self._scheduler is not None:
            checks["scheduler"] = OK if self._scheduler.state == STATE_RUNNING else "not running"
        return checks


def _first_line(error: SQLAlchemyError) -> str:
    """The driver's own message without SQLAlchemy's SQL and links: it names the host, never a password."""
    cause = getattr(error, "orig", None) or error
    text = str(cause).strip().splitlines()
    return f"{cause.__class__.__name__}: {text[0] if text else 'no message'}"
