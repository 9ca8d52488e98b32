"""Scope: which loans a figure covers (branch subtree, product, channel, officer), and whose eyes it is for.

A Scope built for a signed-in user carries their Actor: its condition then also holds the loans that user's
job covers (dashboard.access.loan_condition), so every figure, list and download read through a Scope is
restricted on the server, whatever the filters in the URL say.
"""

from __future__ import annotations

from dataclasses import dataclass

from sqlalchemy import ColumnElement, Connection, Select, and_, exists, select, true
from sqlalchemy.sql.elements import True_

from dashboard.access import Dimensions, branch_subtree, dimension_condition, loan_condition
from dashboard.actor import Actor
from db.models import Branch, Channel, Loan, Product, Staff


class UnknownScopeError(ValueError):
    """A filter names a branch, product, channel or officer that does not exist."""


@dataclass(frozen=True)
class Scope:
    branch_id: str | None = None
    product_id: str | None = None
    channel_id: str | None = None
    officer_id: str | None = None
    # The signed-in user; None for the CLI and the snapshots, which see the whole book.
    actor: Actor | None = None

    def _actor_condition(self) -> ColumnElement[bool] | None:
        """The user's restriction, or None when their job covers the whole book."""
        if self.actor is None:
            return None
        condition = loan_condition(self.actor)
        return None if isinstance(condition, True_) else condition

    @property
    def is_everything(self) -> bool:
        filtered = self.branch_id or self.product_id or self.channel_id or self.officer_id
        return not filtered and self._actor_condition() is None

    def condition(self) -> ColumnElement[bool]:
        """A WHERE condition on the loans table."""
        restriction = self._actor_condition()
        return _all([*([restriction] if restriction is not None else []), *self._filters(Loan)])

    def dimension_condition(self, columns: Dimensions) -> ColumnElement[bool] | None:
        """The same loans as condition(), as a condition on a table keyed by branch, product, channel and
        officer (db.models.SnapshotGroup); None when the user covers a list of loans (collector, agency)."""
        parts = self._filters(columns)
        if self.actor is not None:
            restriction = dimension_condition(self.actor, columns)
            if restriction is None:
                return None
            parts.insert(0, restriction)
        return _all(parts)

    def _filters(self, columns: Dimensions) -> list[ColumnElement[bool]]:
        parts: list[ColumnElement[bool]] = []
        if self.branch_id:
            parts.append(columns.branch_id.in_(branch_subtree(self.branch_id)))
        if self.product_id:
            parts.append(columns.product_id == self.product_id)
        if self.channel_id:
            parts.append(columns.channel_id == self.channel_id)
        if self.officer_id:
            parts.append(columns.officer_id == self.officer_id)
        return parts

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


def _all(parts: list[ColumnElement[bool]]) -> ColumnElement[bool]:
    return and_(*parts) if parts else true()
