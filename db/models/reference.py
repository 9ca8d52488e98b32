"""Reference data of the core-banking extract: branches, staff, products, channels, customers, agencies."""

from __future__ import annotations

from datetime import date
from decimal import Decimal

from sqlalchemy import Boolean, CheckConstraint, ForeignKey, Index, Integer, String
from sqlalchemy.orm import Mapped, mapped_column

from db.models.base import Base, Key, Rate, one_of
from db.models.enums import (
    CREDIT_GRADES,
    PRODUCT_CATEGORIES,
    REPAYMENT_CAPACITIES,
    REPAYMENT_METHODS,
    STAFF_ROLES,
)


class Branch(Base):
    __tablename__ = "branches"

    branch_id: Mapped[str] = mapped_column(Key, primary_key=True)
    name: Mapped[str] = mapped_column(String(200))
    parent_id: Mapped[str | None] = mapped_column(Key, ForeignKey("branches.branch_id"), index=True)


class Staff(Base):
    __tablename__ = "staff"
    __table_args__ = (
        one_of("role", STAFF_ROLES),
        CheckConstraint("left_on IS NULL OR left_on >= joined_on", name="left_after_joined"),
    )

    staff_id: Mapped[str] = mapped_column(Key, primary_key=True)
    name: Mapped[str] = mapped_column(String(200))
    role: Mapped[str] = mapped_column(String(30))
    branch_id: Mapped[str] = mapped_column(Key, ForeignKey("branches.branch_id"), index=True)
    joined_on: Mapped[date]
    left_on: Mapped[date | None]


class Product(Base):
    __tablename__ = "products"
    __table_args__ = (
        one_of("category", PRODUCT_CATEGORIES),
        one_of("repayment_method", REPAYMENT_METHODS),
        CheckConstraint(
            "periodic_check_months IS NULL OR periodic_check_months > 0", name="interval_positive"
        ),
    )

    product_id: Mapped[str] = mapped_column(Key, primary_key=True)
    name: Mapped[str] = mapped_column(String(200))
    category: Mapped[str] = mapped_column(String(20))
    repayment_method: Mapped[str] = mapped_column(String(30))
    periodic_check_months: Mapped[int | None] = mapped_column(Integer)
    # Rule 12's DPD floors for this product, written "S/D/L" (e.g. "90/120/180" for a credit card); NULL:
    # the settings' floors. Parsed and checked (strictly rising) by dashboard.config.parse_floors, in the
    # importer and the Settings page; class is derived from DPD at query time, so a change applies at once.
    dpd_floors: Mapped[str | None] = mapped_column(String(20))


class Channel(Base):
    __tablename__ = "channels"

    channel_id: Mapped[str] = mapped_column(Key, primary_key=True)
    name: Mapped[str] = mapped_column(String(200))
    grade: Mapped[str | None] = mapped_column(String(20))


class Customer(Base):
    __tablename__ = "customers"
    __table_args__ = (
        one_of("credit_grade", CREDIT_GRADES),
        one_of("repayment_capacity", REPAYMENT_CAPACITIES),
    )

    customer_id: Mapped[str] = mapped_column(Key, primary_key=True)
    name: Mapped[str] = mapped_column(String(200), index=True)
    id_number: Mapped[str] = mapped_column(String(30), index=True)
    phone: Mapped[str | None] = mapped_column(String(30))
    address: Mapped[str | None] = mapped_column(String(400))
    credit_grade: Mapped[str | None] = mapped_column(String(10))
    repayment_capacity: Mapped[str | None] = mapped_column(String(10))


class Contact(Base):
    """A person to call about a customer when the borrower cannot be reached (rule 2: after T+3 call every
    contact): a relative, an employer, a guarantor."""

    __tablename__ = "contacts"
    __table_args__ = (
        CheckConstraint("length(trim(name)) > 0", name="name_required"),
        CheckConstraint("length(trim(phone)) > 0", name="phone_required"),
    )

    contact_id: Mapped[str] = mapped_column(Key, primary_key=True)
    customer_id: Mapped[str] = mapped_column(Key, ForeignKey("customers.customer_id"), index=True)
    name: Mapped[str] = mapped_column(String(200))
    relation: Mapped[str | None] = mapped_column(String(40))
    phone: Mapped[str] = mapped_column(String(30))


class Agency(Base):
    __tablename__ = "agencies"
    __table_args__ = (CheckConstraint("commission_rate >= 0 AND commission_rate <= 1", name="rate_range"),)

    agency_id: Mapped[str] = mapped_column(Key, primary_key=True)
    name: Mapped[str] = mapped_column(String(200))
    commission_rate: Mapped[Decimal] = mapped_column(Rate)


class Workday(Base):
    """China's working-day calendar: one row per date, whether staff work on it (holidays are off; a make-up
    weekend day is on). Filled from the chinesecalendar package (dashboard.workdays.fill_from_package), from
    calendar.csv for the years the package lacks, and by admins. Every working-day rule reads it through
    dashboard.workdays.workday_after; a date without a row counts Monday to Friday only.

    workday_no and day_no are derived (dashboard.workdays.renumber), never imported: the number of working
    days, and of rows, up to and including the date, so "N working days after D" is one indexed lookup and
    a gap in the table shows as day_no not keeping pace with the dates."""

    __tablename__ = "workdays"
    __table_args__ = (Index("ix_workdays_workday_no", "workday_no", "is_workday"),)

    day: Mapped[date] = mapped_column("date", primary_key=True)
    is_workday: Mapped[bool] = mapped_column(Boolean)
    workday_no: Mapped[int | None] = mapped_column(Integer, info={"derived": True})
    day_no: Mapped[int | None] = mapped_column(Integer, info={"derived": True})
