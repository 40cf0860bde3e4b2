"""Alembic environment: migrate the database that DATABASE_URL (or the caller) names."""
from __future__ import annotations

from alembic import context

from worker import db
from worker.models import Base


def include_object(obj, name, type_, reflected, compare_to) -> bool:
    """Autogenerate ignores procrastinate's tables: its schema comes from procrastinate's own SQL."""
    table = obj.table.name if type_ in ("index", "column") and hasattr(obj, "table") else name
    return not (table or "").startswith("procrastinate_")


def run_migrations_online() -> None:
    """Run every pending migration in one transaction."""
    url = context.config.attributes.get("database_url") or db.database_url()
    import sqlalchemy as sa

    engine = sa.create_engine(db.sqlalchemy_url(url))
    with engine.connect() as connection:
        context.configure(connection=connection, target_metadata=Base.metadata, compare_type=True,
                          include_object=include_object)
        with context.begin_transaction():
            context.run_migrations()
    engine.dispose()


run_migrations_online()
