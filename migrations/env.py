"""Alembic environment: gioia passes its engine in ``config.attributes['engine']``."""

from alembic import context
from sqlalchemy import create_engine

from gioia.store import Base, resolve_location

config = context.config
engine = config.attributes.get("engine")
if engine is None:  # run by the alembic command line: use GIOIA_STORE or ./gioia.db
    location = resolve_location(None)
    engine = create_engine(location if "://" in location else f"sqlite:///{location}")

with engine.connect() as connection:
    context.configure(
        connection=connection,
        target_metadata=Base.metadata,
        render_as_batch=connection.dialect.name == "sqlite",
        compare_type=True,
    )
    with context.begin_transaction():
        context.run_migrations()
    connection.commit()
