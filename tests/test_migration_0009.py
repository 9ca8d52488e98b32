"""Migration 0009 (classification): upgrade and downgrade on both databases."""

from __future__ import annotations

from sqlalchemy import Engine, inspect


def test_migration_0009_adds_and_drops_its_columns_and_tables(engine: Engine) -> None:
    from alembic import command

    from db.migrate import alembic_config

    config = alembic_config(engine)
    assert "dpd_floors" in {c["name"] for c in inspect(engine).get_columns("products")}
    command.downgrade(config, "0008")
    assert "dpd_floors" not in {c["name"] for c in inspect(engine).get_columns("products")}
    assert "classification_proposals" not in inspect(engine).get_table_names()
    command.upgrade(config, "head")
    assert "classification_proposals" in inspect(engine).get_table_names()
    assert "dpd_floors" in {c["name"] for c in inspect(engine).get_columns("products")}
