"""Engine, sessions and migrations; built by functions, never at import time."""

from __future__ import annotations

from collections.abc import Iterator
from contextlib import contextmanager
from importlib import resources

from alembic import command
from alembic.config import Config as AlembicConfig
from alembic.runtime.migration import MigrationContext
from alembic.script import ScriptDirectory
from sqlalchemy import Engine, event, text
from sqlalchemy.dialects import postgresql, sqlite
from sqlmodel import Session, create_engine

from bot.store.partitions import is_partition


def make_engine(database_url: str) -> Engine:
    """An engine tuned for the database behind the URL."""
    if database_url.startswith("sqlite"):
        engine = create_engine(database_url, connect_args={"timeout": 30})
        event.listen(engine, "connect", _sqlite_pragmas)
        return engine
    # A database host that drops packets fails a connection in seconds rather than at the TCP timeout (minutes),
    # so /readyz says so and a request is answered with an apology in time.
    return create_engine(database_url, pool_pre_ping=True, connect_args={"connect_timeout": PG_CONNECT_TIMEOUT_S})


PG_CONNECT_TIMEOUT_S = 5
#: SQLite page cache per connection, KiB. Imports raise it on their own connection (IMPORT_CACHE_KIB).
SERVING_CACHE_KIB = 16 * 1024
IMPORT_CACHE_KIB = 128 * 1024


def _sqlite_pragmas(dbapi_connection, _record) -> None:
    cursor = dbapi_connection.cursor()
    cursor.execute("PRAGMA journal_mode=WAL")
    cursor.execute("PRAGMA synchronous=NORMAL")
    cursor.execute("PRAGMA foreign_keys=ON")
    cursor.execute(f"PRAGMA cache_size=-{SERVING_CACHE_KIB}")  # per connection: a server has many
    cursor.execute("PRAGMA temp_store=MEMORY")  # roll-up GROUP BY sorts in memory
    cursor.close()


@contextmanager
def session_scope(engine: Engine) -> Iterator[Session]:
    """A session that commits on success and rolls back on error."""
    with Session(engine, expire_on_commit=False) as session:
        try:
            yield session
            session.commit()
        except BaseException:
            session.rollback()
            raise


def write_lock(connection, *, key: int) -> None:
    """Until the transaction ends, be the only one holding `key` (any constant naming what is guarded),
    before the first read that decides what to write. On PostgreSQL an advisory lock; on SQLite the
    database's one write lock, taken now (BEGIN IMMEDIATE) rather than at the first write."""
    if connection.dialect.name == "postgresql":
        connection.execute(text("SELECT pg_advisory_xact_lock(:key)"), {"key": key})
        return
    driver = connection.connection.driver_connection
    if not driver.in_transaction:  # with a write done already, the lock is held
        driver.execute("BEGIN IMMEDIATE")


def upsert_insert(dialect_name: str):
    """The INSERT construct with ON CONFLICT support for this database (both speak the same SQL)."""
    return postgresql.insert if dialect_name == "postgresql" else sqlite.insert


def kept_on(dialect_name: str):
    """Alembic's include_object for one database: leaves out what the models keep for another
    (an index made with `ddl_if(dialect=...)`), which autogenerate would otherwise see as missing, and the audit
    table's partitions, which it would see as tables no model has."""

    def include(object_, name, type_, reflected, compare_to) -> bool:
        table = object_.name if type_ == "table" else getattr(getattr(object_, "table", None), "name", None)
        if reflected and table is not None and is_partition(table):
            return False  # the audit table's partitions on PostgreSQL (bot/store/partitions.py), not a model each
        condition = getattr(object_, "_ddl_if", None)
        return condition is None or condition.dialect in (None, dialect_name)

    return include


def _alembic_config(engine: Engine) -> AlembicConfig:
    config = AlembicConfig()
    config.set_main_option("script_location", str(resources.files("bot.store") / "migrations"))
    config.attributes["engine"] = engine
    return config


def upgrade_database(engine: Engine) -> None:
    """Bring the database schema up to the newest migration (a no-op when current)."""
    if current_revision(engine) != head_revision(engine):
        command.upgrade(_alembic_config(engine), "head")


def head_revision(engine: Engine) -> str | None:
    return ScriptDirectory.from_config(_alembic_config(engine)).get_current_head()


def current_revision(engine: Engine) -> str | None:
    with engine.connect() as connection:
        return MigrationContext.configure(connection).get_current_revision()
