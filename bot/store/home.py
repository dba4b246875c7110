"""When each person's Home tab was last published (bot/home/publishing.py decides when to publish it)."""

from __future__ import annotations

from datetime import datetime, timedelta

from sqlalchemy import delete, select
from sqlmodel import Session

from bot.store.db import upsert_insert
from bot.store.models import HomePublication

HOME = HomePublication.__table__


def claim_home(session: Session, *, user_id: str, now: datetime, refresh_after: timedelta, force: bool = False
               ) -> bool:
    """True when `user_id`'s Home is due (never published, last published `refresh_after` ago or more, or
    `force`d), and then it counts as published at `now`: two opens at once, on two replicas, publish once."""
    statement = upsert_insert(session.get_bind().dialect.name)(HOME).values(user_id=user_id, published_at=now)
    statement = statement.on_conflict_do_update(
        index_elements=[HOME.c.user_id], set_={"published_at": now},
        where=None if force else HOME.c.published_at <= now - refresh_after,
    ).returning(HOME.c.user_id)
    return session.execute(statement).first() is not None


def forget_home(session: Session, *, user_id: str) -> None:
    """A publication that failed: the next open tries again."""
    session.execute(delete(HOME).where(HOME.c.user_id == user_id))


def homes_published_since(session: Session, *, since: datetime) -> list[str]:
    """The people whose Home was published at or after `since`, in id order."""
    query = select(HOME.c.user_id).where(HOME.c.published_at >= since).order_by(HOME.c.user_id)
    return list(session.execute(query).scalars())
