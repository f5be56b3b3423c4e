"""Alembic environment: gioia passes its engine in ``config.attributes['engine']``.

On SQLite, foreign keys are switched off while migrating (batch migrations copy and
drop tables) and checked afterwards, as SQLite's documentation prescribes. Every
migration of an upgrade runs in one transaction, on SQLite too.
"""

from alembic import context
from sqlalchemy import create_engine

from gioia.schema import metadata
from gioia.store import resolve_location

config = context.config
engine = config.attributes.get("engine")
if engine is None:  # run by the alembic command line: use GIOIA_STORE or ./gioia.db
    location = resolve_location(None)
    engine = create_engine(location if "://" in location else f"sqlite:///{location}")

with engine.connect() as connection:
    sqlite = connection.dialect.name == "sqlite"
    if sqlite:  # outside any transaction, where the pragma takes effect
        connection.connection.dbapi_connection.execute("PRAGMA foreign_keys = OFF")
    context.configure(
        connection=connection,
        target_metadata=metadata,
        render_as_batch=sqlite,
        compare_type=True,
        # SQLite can roll DDL back, but alembic assumes it cannot and commits after each
        # migration: one transaction for the whole upgrade leaves a store that fails
        # half-way (a full disk) at its old revision, whole.
        transactional_ddl=True,
    )
    with context.begin_transaction():
        context.run_migrations()
        if sqlite:
            broken = connection.exec_driver_sql("PRAGMA foreign_key_check").fetchall()
            if broken:
                raise RuntimeError(f"The migration broke foreign keys: {broken[:5]}")
    connection.commit()
    if sqlite:
        connection.connection.dbapi_connection.execute("PRAGMA foreign_keys = ON")
