"""Migration 0011 (allocation): assignments get text ids, lose the rows that held a loan on no day and keep
one open per loan; the officer history is backfilled from the loans; and back down again."""

from __future__ import annotations

from datetime import date

from alembic import command
from sqlalchemy import Engine, inspect, text

from db.migrate import alembic_config


def test_migration_0011_converts_assignments_and_backfills_the_officer_history(engine: Engine) -> None:
    config = alembic_config(engine)
    command.downgrade(config, "0009")
    assert "officer_history" not in inspect(engine).get_table_names()
    with engine.begin() as conn:
        conn.execute(text("INSERT INTO branches (branch_id, name) VALUES ('B1', 'HQ')"))
        conn.execute(text("INSERT INTO customers (customer_id, name, id_number) VALUES ('K1', 'W', '1')"))
        conn.execute(
            text(
                "INSERT INTO products (product_id, name, category, repayment_method) "
                "VALUES ('P1', 'x', 'consumer', 'bullet')"
            )
        )
        conn.execute(
            text(
                "INSERT INTO staff (staff_id, name, role, branch_id, joined_on) VALUES "
                "('O1', 'O', 'account_officer', 'B1', :d), ('C1', 'C', 'phone_collector', 'B1', :d)"
            ),
            {"d": date(2020, 1, 1)},
        )
        conn.execute(
            text(
                "INSERT INTO loans (loan_id, customer_id, product_id, branch_id, officer_id, principal, "
                "annual_rate, term_months, disbursed_on, maturity_on, payment_mode) "
                "VALUES ('L1', 'K1', 'P1', 'B1', 'O1', 100, 0.1, 1, :d, :m, 'self')"
            ),
            {"d": date(2024, 12, 1), "m": date(2025, 12, 1)},
        )
        conn.execute(
            text(
                "INSERT INTO collector_assignments (assignment_id, loan_id, staff_id, assigned_on, ended_on) "
                "VALUES (1, 'L1', 'C1', :a, :a), (2, 'L1', 'C1', :a, NULL), (3, 'L1', 'C1', :b, NULL)"
            ),
            {"a": date(2025, 1, 1), "b": date(2025, 2, 1)},
        )
    command.upgrade(config, "head")
    with engine.connect() as conn:
        rows = conn.execute(
            text("SELECT assignment_id, ended_on FROM collector_assignments ORDER BY assignment_id")
        ).all()
        history = conn.execute(text("SELECT loan_id, from_on, officer_id, to_on FROM officer_history")).all()
    assert [(r[0], str(r[1]) if r[1] else None) for r in rows] == [("2", "2025-02-01"), ("3", None)]
    assert [(h[0], str(h[1]), h[2], h[3]) for h in history] == [("L1", "2024-12-01", "O1", None)]
    command.downgrade(config, "0009")
    assert "recall_reason" not in {c["name"] for c in inspect(engine).get_columns("placements")}
    command.upgrade(config, "head")
    assert "officer_history" in inspect(engine).get_table_names()
