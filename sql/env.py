"""Alembic environment: migrate the database that DATABASE_URL (or the caller) names."""
from __future__ import annotations

from alembic import context

from worker import db
from worker.models import Base


def run_migrations_online() -> None:
    """Run every pending migration in one transaction."""
    url = context.config.attributes.get("database_url") or db.database_url()
    import sqlalchemy as sa

    engine = sa.create_engine(db.sqlalchemy_url(url))
    with engine.connect() as connection:
        context.configure(connection=connection, target_metadata=Base.metadata, compare_type=True)
        with context.begin_transaction():
            context.run_migrations()
    engine.dispose()


run_migrations_online()
