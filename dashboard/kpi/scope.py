"""Scope: which loans a figure covers (branch subtree, product, channel, officer)."""

from __future__ import annotations

from dataclasses import dataclass

from sqlalchemy import ColumnElement, Connection, Select, exists, select, true

from db.models import Branch, Channel, Loan, Product, Staff


class UnknownScopeError(ValueError):
    """A filter names a branch, product, channel or officer that does not exist."""


@dataclass(frozen=True)
class Scope:
    branch_id: str | None = None
    product_id: str | None = None
    channel_id: str | None = None
    officer_id: str | None = None

    @property
    def is_everything(self) -> bool:
        return not (self.branch_id or self.product_id or self.channel_id or self.officer_id)

    def condition(self) -> ColumnElement[bool]:
        """A WHERE condition on the loans table."""
        parts: list[ColumnElement[bool]] = []
        if self.branch_id:
            parts.append(Loan.branch_id.in_(branch_subtree(self.branch_id)))
        if self.product_id:
            parts.append(Loan.product_id == self.product_id)
        if self.channel_id:
            parts.append(Loan.channel_id == self.channel_id)
        if self.officer_id:
            parts.append(Loan.officer_id == self.officer_id)
        if not parts:
            return true()
        condition = parts[0]
        for part in parts[1:]:
            condition = condition & part
        return condition

    def loan_ids(self) -> Select[tuple[str]]:
        return select(Loan.loan_id).where(self.condition())

    def check(self, conn: Connection) -> None:
        """Raise UnknownScopeError naming the first filter value that matches nothing."""
        for value, column, label in (
            (self.branch_id, Branch.branch_id, "branch"),
            (self.product_id, Product.product_id, "product"),
            (self.channel_id, Channel.channel_id, "channel"),
            (self.officer_id, Staff.staff_id, "officer"),
        ):
            if value and not conn.execute(select(exists().where(column == value))).scalar():
                raise UnknownScopeError(f"unknown {label} {value!r}")


def branch_subtree(branch_id: str) -> Select[tuple[str]]:
    """The branch and every branch below it, as a recursive CTE (works on SQLite and PostgreSQL)."""
    tree = select(Branch.branch_id).where(Branch.branch_id == branch_id).cte(recursive=True)
    tree = tree.union_all(select(Branch.branch_id).where(Branch.parent_id == tree.c.branch_id))
    return select(tree.c.branch_id)
