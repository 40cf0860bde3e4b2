"""Bring a database to the newest schema (the Procfile's release step)."""
from __future__ import annotations

import pathlib

from alembic import command
from alembic.config import Config

ROOT = pathlib.Path(__file__).resolve().parent.parent


def alembic_config(database_url: str | None = None) -> Config:
    """The Alembic configuration of this checkout, optionally aimed at ``database_url``."""
    config = Config(str(ROOT / "alembic.ini"))
    config.set_main_option("script_location", str(ROOT / "sql"))
    if database_url:
        config.attributes["database_url"] = database_url
    return config


def upgrade(database_url: str | None = None) -> None:
    """Apply every migration up to head."""
    command.upgrade(alembic_config(database_url), "head")


if __name__ == "__main__":
    upgrade()
