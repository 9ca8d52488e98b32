"""Migration 0012 (contacts, the contact an action called, photos): down and up on both databases, keeping
the collection actions and their CHECKs (SQLite rebuilds the table to add the foreign key)."""

from __future__ import annotations

import pytest
from sqlalchemy import Engine, func, inspect, select, text
from sqlalchemy.exc import IntegrityError

from db.models import CollectionAction
from tests.kpi.book import act, loan, reference


def test_migration_0012_keeps_the_actions_and_their_checks(engine: Engine) -> None:
    from alembic import command

    from db.migrate import alembic_config

    with engine.begin() as conn:
        reference(conn)
        loan(conn, "B", "1000", "2025-01-10", [("2025-02-10", "1000", "10")])
        act(conn, "B", "2025-03-01T10:00:00", "call", staff="C1", result="no_answer")
    config = alembic_config(engine)
    command.downgrade(config, "0009")
    assert {"contacts", "photos"}.isdisjoint(inspect(engine).get_table_names())
    assert "contact_id" not in {c["name"] for c in inspect(engine).get_columns("collection_actions")}
    command.upgrade(config, "head")
    assert {"contacts", "photos"} <= set(inspect(engine).get_table_names())
    with engine.connect() as conn:
        assert conn.scalar(select(func.count()).select_from(CollectionAction)) == 1
    with pytest.raises(IntegrityError), engine.begin() as conn:  # the contact-hours CHECK is still there
        conn.execute(
            text(
                "INSERT INTO collection_actions (action_id, loan_id, acted_at, channel, staff_id, result, "
                "info_repaired) VALUES ('X', 'B', '2025-03-01 07:00:00', 'call', 'C1', 'no_answer', false)"
            )
        )
