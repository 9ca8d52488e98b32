"""Targets and thresholds of DOMAIN.md section 3: defaults here, overrides in the settings table."""

from __future__ import annotations

import logging
import re
from dataclasses import dataclass, field, fields, replace
from datetime import date
from decimal import Decimal

from sqlalchemy import Connection, Engine, select

from db.models import Product, Setting

log = logging.getLogger("postloan.config")


@dataclass(frozen=True)
class Config:
    # Rule 12: DPD floors of the five-tier classification (a loan is at least X when DPD > floor).
    substandard_after_dpd: int = 90
    doubtful_after_dpd: int = 270
    loss_after_dpd: int = 360
    # Rule 3: first check N days after disbursement.
    first_check_days_self: int = 3
    first_check_days_entrusted: int = 7
    # Rule 4: monthly sampling share and the day of the month it is due by.
    sampling_share: Decimal = Decimal("0.10")
    sampling_due_day: int = 20
    # Rule 9: targets.
    m1_cure_target: Decimal = Decimal("0.92")
    m2_m3_cure_target: Decimal = Decimal("0.05")
    officer_overdue_max: Decimal = Decimal("0.03")
    officer_npl_max: Decimal = Decimal("0.01")
    # Rule 9, the Wuhan rules 四(1): a phone collector who takes over departed staff's loans keeps the M3 roll
    # rate of what they inherited at most this. The seed names no number: the default lets at most the share
    # roll that the M2–M3 cure target (at least 5% cured) leaves.
    successor_m3_roll_max: Decimal = Decimal("0.95")
    staff_cutoff: date = date(2017, 12, 31)
    agency_field_visit_target: Decimal = Decimal("1")
    first_check_target: Decimal = Decimal("1")
    # Rule 4: each officer's sampling rate (done / the ⌈sampling_share × last month's loans⌉ required)
    # must reach this; 1 = every officer checks at least their sampling_share.
    sampling_rate_target: Decimal = Decimal("1")
    # Rule 2: early collection.
    field_visit_amount: Decimal = Decimal("50000")
    lost_contact_days: int = 5
    # A loan that lost contact should get its field visit within this many days (compliance figure).
    lost_contact_visit_days: int = 3
    agency_after_dpd: int = 30
    # Collection conduct (issue 4).
    # The ceiling a form or upload enforces: rule 2 asks for two calls a day early on and allows a
    # third; a fourth call to one loan on one calendar day is refused.
    max_calls_per_day: int = 3
    ptp_max_days: int = 30
    # A visit's next follow-up is at most this many days after the visit (a date in 9999 is a typo).
    follow_up_max_days: int = 366
    contact_from_hour: int = 8
    contact_to_hour: int = 21
    # Photos as evidence: the largest one accepted, in bytes.
    photo_max_bytes: int = 5_000_000
    # Rule 8: important issues are reported within this many working days of being raised; major ones
    # within this many (0: the same working day), by the working-day calendar (dashboard.workdays).
    issue_report_days: int = 1
    major_issue_report_days: int = 0
    # Rule 5 (Art. 45): no fixed periodic checks for amortising instalment loans never overdue, nor for loans
    # in litigation (a legal collection action). 1: the exemption applies, 0: it does not.
    periodic_exempt_instalment: int = 1
    periodic_exempt_litigation: int = 1
    # Reminders (issue 17; seed 004 四(二)3): instalments due within this many days, bullet loans maturing
    # within that many, are on the reminder list.
    reminder_days: int = 3
    maturity_notice_days: int = 30
    # Early warning (issue 17): a warning is answered within this many working days of its signal, per kind
    # of signal (seed 002 Art. 47 daily warnings; seed 003 warning signals and responses).
    warning_days_first_overdue: int = 2
    warning_days_broken_promise: int = 2
    warning_days_inspection_risk: int = 2
    warning_days_funds_misused: int = 1
    warning_days_major_issue: int = 1
    warning_days_overdue_elsewhere: int = 2
    warning_days_lawsuit: int = 1
    warning_days_rating_downgrade: int = 3
    warning_days_business_closed: int = 1
    warning_days_guarantor_problem: int = 3
    warning_days_collateral_problem: int = 3
    warning_days_other: int = 5
    # Internal signals seen up to this many days before the scan's date open warnings; older ones are history.
    warning_lookback_days: int = 7
    # Agencies under these are flagged for recall.
    agency_min_recovery_rate: Decimal = Decimal("0.05")
    agency_min_coverage: Decimal = Decimal("0.90")
    # Issue 18: a written-off loan is still pursued with an open legal case, an agency holding it, or a
    # collection action within this many days up to the as-of date.
    pursuit_quiet_days: int = 90
    # Issue 18, the 2023 classification rules: a restructured loan is at least substandard for this many
    # months from restructured_on (the anniversary itself is outside), then falls back to its DPD floor.
    restructured_observation_months: int = 12
    # Issue 18, seed 002 (Wuhan rules 四(2)): an asset-preservation officer's yearly recovery target (yuan) on
    # loans non-performing before the cut-off date and written-off loans; a branch's is the sum of its
    # officers'. Each branch reduces its NPL balance of the start of the year by this share.
    asset_preservation_recovery_target: Decimal = Decimal("500000")
    npl_reduction_target: Decimal = Decimal("0.20")
    # Rule 12 per product: (product_id, substandard, doubtful, loss) of each product with its own floors
    # (products.dpd_floors). Not a setting: load_config reads it from the products table.
    product_floors: tuple[tuple[str, int, int, int], ...] = field(default=(), metadata={"setting": False})

    def warning_days(self, kind: str) -> int:
        """Working days to answer a warning of this kind of signal."""
        return int(getattr(self, f"warning_days_{kind}"))

    def floors(self, product_id: str | None = None) -> tuple[int, int, int]:
        """The DPD floors (substandard, doubtful, loss) of a product: its own, else the settings'."""
        for product, *own in self.product_floors:
            if product == product_id:
                return own[0], own[1], own[2]
        return self.substandard_after_dpd, self.doubtful_after_dpd, self.loss_after_dpd


# The fields stored in the settings table (all but the per-product floors).
SETTINGS = tuple(f.name for f in fields(Config) if f.metadata.get("setting", True))
# Rule 12's default DPD floors among them, in rising order.
FLOORS = ("substandard_after_dpd", "doubtful_after_dpd", "loss_after_dpd")
SHARES = {
    "sampling_share",
    "m1_cure_target",
    "m2_m3_cure_target",
    "officer_overdue_max",
    "officer_npl_max",
    "successor_m3_roll_max",
    "agency_field_visit_target",
    "first_check_target",
    "sampling_rate_target",
    "agency_min_recovery_rate",
    "agency_min_coverage",
    "npl_reduction_target",
}
# name -> (lowest, highest) for whole numbers; None: no upper bound. Every day count has one: a huge value
# overflows the date arithmetic of the saves and figures that read it.
BOUNDS: dict[str, tuple[int, int | None]] = {
    "substandard_after_dpd": (0, 99_999),
    "doubtful_after_dpd": (0, 99_999),
    "loss_after_dpd": (0, 99_999),
    "first_check_days_self": (0, 366),
    "first_check_days_entrusted": (0, 366),
    "lost_contact_days": (0, 366),
    "agency_after_dpd": (0, 99_999),
    "sampling_due_day": (1, 28),
    # The schema's CHECK keeps every action between 08:00 and 21:00 (the conduct rule); a setting may only
    # narrow that window.
    "contact_from_hour": (8, 20),
    "contact_to_hour": (9, 21),
    "max_calls_per_day": (1, 100),
    "ptp_max_days": (1, 366),
    "follow_up_max_days": (1, 3660),
    "lost_contact_visit_days": (0, 366),
    "photo_max_bytes": (1, 50_000_000),
    "pursuit_quiet_days": (0, 3660),
    "restructured_observation_months": (0, 120),
    "issue_report_days": (0, 30),
    "major_issue_report_days": (0, 30),
    "warning_lookback_days": (1, 366),
    "periodic_exempt_instalment": (0, 1),
    "periodic_exempt_litigation": (0, 1),
    "reminder_days": (1, 60),
    "maturity_notice_days": (1, 180),
}
# Working days to answer a warning: at least the same working day, at most six weeks of them.
BOUNDS |= {name: (0, 30) for name in SETTINGS if name.startswith("warning_days_")}


def in_range(name: str, value: object) -> bool:
    """Whether a parsed setting lies in its range: shares 0..1, whole numbers within BOUNDS (at least 0
    by default), amounts not negative."""
    if isinstance(value, Decimal):
        if not value.is_finite():
            return False
        return Decimal(0) <= value <= Decimal(1) if name in SHARES else value >= 0
    if isinstance(value, int):
        low, high = BOUNDS.get(name, (0, None))
        return low <= value and (high is None or value <= high)
    return True


_FLOORS = re.compile(r"(\d{1,5})/(\d{1,5})/(\d{1,5})", re.ASCII)


def parse_floors(text: str) -> tuple[int, int, int]:
    """A product's DPD floors written "S/D/L" (more than S days past due: at least substandard, more than D
    doubtful, more than L loss), strictly rising. ValueError says what is wrong."""
    found = _FLOORS.fullmatch(text.strip())
    if not found:
        raise ValueError(f"{text!r} is not written S/D/L with three whole numbers of days, e.g. 90/120/180")
    s, d, low = (int(n) for n in found.groups())
    if not s < d < low:
        raise ValueError(f"{text!r} does not rise: substandard < doubtful < loss is required")
    return s, d, low


_PARSERS = {int: int, Decimal: Decimal, date: date.fromisoformat}


def parse_setting(name: str, raw: str) -> object:
    """Turn a stored setting into the field's type; unknown names and bad values raise ValueError."""
    types = {f.name: f.type for f in fields(Config) if f.name in SETTINGS}
    if name not in types:
        raise ValueError(f"unknown setting {name!r}")
    kind = {"int": int, "Decimal": Decimal, "date": date}[str(types[name])]
    try:
        return _PARSERS[kind](raw)
    except Exception as exc:
        raise ValueError(f"setting {name}: {raw!r} is not a valid {kind.__name__}") from exc


def load_config(engine: Engine) -> Config:
    with engine.connect() as conn:
        return config_from(conn)


def config_from(conn: Connection) -> Config:
    """The settings table over the defaults, with each product's own DPD floors."""
    rows = conn.execute(select(Setting.key, Setting.value)).all()
    values = {}
    for key, raw in rows:
        try:
            value = parse_setting(key, raw)
        except ValueError:
            value = None
        if value is None or not in_range(key, value):
            # Written around the Settings page (SQL, an old version): the default holds, so one bad row
            # cannot break every save that reads it (ptp_max_days=10**20 overflowed the date arithmetic).
            log.warning("setting %s=%r is out of range or malformed; the default is used", key, raw)
            continue
        values[key] = value
    products = conn.execute(
        select(Product.product_id, Product.dpd_floors)
        .where(Product.dpd_floors.is_not(None))
        .order_by(Product.product_id)
    ).all()
    return replace(
        Config(),
        **values,
        product_floors=tuple((p, *parse_floors(text)) for p, text in products),
    )
