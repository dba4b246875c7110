from datetime import timedelta

from bot.store.db import session_scope
from bot.store.deliveries import first_delivery, forget_old_deliveries


def test_first_delivery_once_then_forgotten(engine, now):
    with session_scope(engine) as session:
        assert first_delivery(session, key="event:Ev1", now=now)
        assert not first_delivery(session, key="event:Ev1", now=now)
        assert first_delivery(session, key="event:Ev2", now=now + timedelta(days=3))
    with session_scope(engine) as session:
        assert forget_old_deliveries(session, now=now + timedelta(days=3)) == 1
        assert first_delivery(session, key="event:Ev1", now=now + timedelta(days=3))
