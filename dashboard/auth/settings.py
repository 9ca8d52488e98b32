"""Targets and thresholds as the admin changes them: one row per overridden setting in the settings table.

A value is checked for its type (dashboard.config.parse_setting), its range, and against the other
settings (the DPD floors must rise, contact hours must open before they close). The settings table is
key/value text, so these checks cannot be row CHECKs; they run here inside the saving transaction.
"""

from __future__ import annotations

import re
from collections.abc import Mapping
from dataclasses import replace
from datetime import date
from decimal import Decimal
from typing import Any

import pandas as pd
from sqlalchemy import Connection, Engine, delete, insert, select, update

from dashboard.actor import Actor
from dashboard.config import BOUNDS, FLOORS, SETTINGS, SHARES, Config, parse_floors, parse_setting
from dashboard.i18n import TERMS, translate
from dashboard.work.access import require
from dashboard.work.audit import lock_chain
from dashboard.work.errors import FormInvalid, Message, message
from dashboard.work.saving import Change, Saved, save
from db.data_version import EVERY_DATE, bump_data_version
from db.models import Product, Setting

NAMES = list(SETTINGS)
COLUMNS = ["name", "default", "value", "effective"]
# Rule 12's DPD floors (FLOORS) are saved together (set_dpd_floors): one at a time, a rising triple such as
# the credit-card 90/120/180 could be refused on the way from another (90/270/360: loss 180 first is under
# doubtful's 270).


def _text(value: Any) -> str:
    return value.isoformat() if isinstance(value, date) else str(value)


def stored(conn: Connection) -> dict[str, str]:
    return {key: value for key, value in conn.execute(select(Setting.key, Setting.value))}


def unit(name: str) -> str:
    """The unit a setting is shown and typed in (the term "admin.unit.{unit}"): shares as percentages."""
    if name in SHARES:
        return "percent"
    if name.startswith("warning_days_") or name in ("issue_report_days", "major_issue_report_days"):
        return "workdays"
    if name == "sampling_due_day":
        return "day_of_month"
    if name.endswith(("_dpd", "_days")) or "_days_" in name:
        return "days"
    special = {
        "contact_from_hour": "hour",
        "contact_to_hour": "hour",
        "photo_max_bytes": "bytes",
        "field_visit_amount": "yuan",
        "asset_preservation_recovery_target": "yuan",
        "restructured_observation_months": "months",
        "max_calls_per_day": "calls",
        "periodic_exempt_instalment": "switch",
        "periodic_exempt_litigation": "switch",
        "staff_cutoff": "date",
    }
    return special.get(name, "number")


def in_unit(name: str, text: str | None) -> str | None:
    """A stored value as the admin reads it: a share as a percentage (0.03 -> 3%), others as stored."""
    if text is None or unit(name) != "percent":
        return text
    try:
        share = Decimal(text)
    except ArithmeticError:
        return text
    return f"{share.scaleb(2).normalize():f}%"


def from_unit(name: str, typed: str) -> str:
    """What the admin typed in the setting's unit, as stored: 3 or 3% of a share is 0.03. Other settings
    are typed as stored. FormInvalid (field 'value') for a percentage that is not a number."""
    typed = typed.strip()
    if unit(name) != "percent":
        return typed
    try:
        share = Decimal(typed.removesuffix("%").strip()).scaleb(-2)
    except ArithmeticError:
        raise FormInvalid({"value": message("admin.err.value_type", value=typed)}) from None
    if not share.is_finite():
        raise FormInvalid({"value": message("admin.err.value_type", value=typed)})
    return f"{share.normalize():f}"


def meaning(name: str, language: str) -> str:
    """The setting's description in the user's language; a setting added since has its name only."""
    key = f"admin.setting.{name}"
    return translate(key, language) if key in TERMS else name


def setting_rows(conn: Connection) -> pd.DataFrame:
    """Each setting: its default, the stored override (None if there is none) and the value in effect."""
    values = stored(conn)
    default = Config()
    rows = []
    for name in NAMES:
        override = values.get(name)
        rows.append(
            (name, _text(getattr(default, name)), override, override or _text(getattr(default, name)))
        )
    return pd.DataFrame(rows, columns=COLUMNS, dtype=object)


def _range_problem(name: str, value: Any) -> Message | None:
    if isinstance(value, Decimal) and not value.is_finite():
        return message("admin.err.value_type", value=value)
    if name in SHARES and not Decimal(0) <= value <= Decimal(1):
        return message("admin.err.share")
    if isinstance(value, int):
        low, high = BOUNDS.get(name, (0, None))
        if value < low or (high is not None and value > high):
            return message("admin.err.range", low=low, high="∞" if high is None else high)
    if isinstance(value, Decimal) and value < 0:
        return message("admin.err.range", low=0, high="∞")
    return None


def _floors_problem(config: Config) -> tuple[str, Message] | None:
    """The floor that does not rise above the one before it, and why; None when they strictly rise."""
    if config.substandard_after_dpd >= config.doubtful_after_dpd:
        return "doubtful_after_dpd", message("admin.err.dpd_order")
    if config.doubtful_after_dpd >= config.loss_after_dpd:
        return "loss_after_dpd", message("admin.err.dpd_order")
    return None


def _consistency_problem(config: Config) -> Message | None:
    if _floors_problem(config):
        return message("admin.err.dpd_order_one")
    if not config.contact_from_hour < config.contact_to_hour:
        return message("admin.err.hours_order")
    return None


def _check(conn: Connection, name: str, raw: str | None) -> None:
    """Raise FormInvalid (on the field 'value') unless the setting may take this value (None: the default)."""
    if name not in NAMES:
        raise FormInvalid({"name": message("admin.err.setting", name=name)})
    values = stored(conn)
    if raw is None:
        values.pop(name, None)
    else:
        try:
            parsed = parse_setting(name, raw)
        except ValueError:
            raise FormInvalid({"value": message("admin.err.value_type", value=raw)}) from None
        problem = _range_problem(name, parsed)
        if problem:
            raise FormInvalid({"value": problem})
        values[name] = raw
    config = replace(Config(), **{key: parse_setting(key, value) for key, value in values.items()})
    problem = _consistency_problem(config)
    if problem:
        raise FormInvalid({"value": problem})


def _stale_if_state(conn: Connection, name: str) -> None:
    """The observation period of restructured loans is folded into the snapshots' override rank
    (dashboard.kpi.restructured), unlike the DPD floors: changing it makes every snapshot stale."""
    if name == "restructured_observation_months":
        lock_chain(conn)  # the audit log's lock before data_version's row, as every save takes them
        bump_data_version(conn, state=True, affects_from=EVERY_DATE)


def set_setting(
    engine: Engine, actor: Actor, name: str, raw: str, token: str | None = None, *, typed: bool = False
) -> Saved:
    """Set one setting. typed: `raw` is what the admin typed in the setting's unit (dashboard.auth.settings
    .unit: a share in percent), converted here; otherwise it is the stored text."""
    raw = raw.strip()

    def write(conn: Connection) -> list[Change]:
        nonlocal raw
        require(actor, "admin")
        if typed:
            raw = from_unit(name, raw)
        try:
            _check(conn, name, raw)
        except FormInvalid as exc:
            # A share typed in percent is refused in percent.
            if typed and exc.errors.get("value", ("",))[0] == "admin.err.share":
                raise FormInvalid({"value": message("admin.err.percent")}) from None
            raise
        before = stored(conn).get(name)
        _stale_if_state(conn, name)
        if before is None:
            conn.execute(insert(Setting).values(key=name, value=raw))
            return [Change("insert", "settings", name, None, {"value": raw})]
        conn.execute(update(Setting).where(Setting.key == name).values(value=raw))
        return [Change("update", "settings", name, {"value": before}, {"value": raw})]

    return save(engine, actor, token, write)


def set_dpd_floors(
    engine: Engine, actor: Actor, floors: Mapping[str, str], token: str | None = None
) -> Saved:
    """The three DPD floors of FLOORS at once, checked together: each a whole number of days, and
    substandard < doubtful < loss. A refusal names the field at fault; nothing is written then."""
    raws = {name: str(floors.get(name, "")).strip() for name in FLOORS}

    def write(conn: Connection) -> list[Change]:
        require(actor, "admin")
        errors: dict[str, Message] = {}
        parsed: dict[str, Any] = {}
        for name, raw in raws.items():
            if not raw:
                errors[name] = message("work.err.required")
                continue
            try:
                parsed[name] = parse_setting(name, raw)
            except ValueError:
                errors[name] = message("admin.err.value_type", value=raw)
                continue
            problem = _range_problem(name, parsed[name])
            if problem:
                errors[name] = problem
        if errors:
            raise FormInvalid(errors)
        wrong = _floors_problem(replace(Config(), **parsed))
        if wrong:
            raise FormInvalid(dict([wrong]))
        before = stored(conn)
        changes = []
        for name, raw in raws.items():
            if name not in before:
                conn.execute(insert(Setting).values(key=name, value=raw))
                changes.append(Change("insert", "settings", name, None, {"value": raw}))
            else:
                conn.execute(update(Setting).where(Setting.key == name).values(value=raw))
                changes.append(Change("update", "settings", name, {"value": before[name]}, {"value": raw}))
        return changes

    return save(engine, actor, token, write)


def clear_setting(engine: Engine, actor: Actor, name: str, token: str | None = None) -> Saved:
    """Back to the default in dashboard/config.py."""

    def write(conn: Connection) -> list[Change]:
        require(actor, "admin")
        _check(conn, name, None)
        before = stored(conn).get(name)
        _stale_if_state(conn, name)
        conn.execute(delete(Setting).where(Setting.key == name))
        return [Change("delete", "settings", name, None if before is None else {"value": before}, None)]

    return save(engine, actor, token, write)


PRODUCT_COLUMNS = ["product_id", "name", "dpd_floors", "effective"]


def product_floor_rows(conn: Connection) -> pd.DataFrame:
    """Each product: its own DPD floors (None: the settings') and the floors in effect, as S/D/L."""
    values = stored(conn)
    default = "/".join(values.get(name) or _text(getattr(Config(), name)) for name in FLOORS)
    rows = [
        (product_id, name, floors, floors or default)
        for product_id, name, floors in conn.execute(
            select(Product.product_id, Product.name, Product.dpd_floors).order_by(Product.product_id)
        )
    ]
    return pd.DataFrame(rows, columns=PRODUCT_COLUMNS, dtype=object)


def set_product_floors(
    engine: Engine, actor: Actor, product_id: str, raw: str | None, token: str | None = None
) -> Saved:
    """A product's own DPD floors "S/D/L" (strictly rising, the importer's check), or blank for the
    settings' floors. Class is derived from DPD at query time, so no snapshot is rebuilt; the data version
    the save bumps makes every page read the new floors."""
    text = (raw or "").strip()

    def write(conn: Connection) -> list[Change]:
        require(actor, "admin")
        before = conn.execute(select(Product.dpd_floors).where(Product.product_id == product_id)).first()
        if before is None:
            raise FormInvalid({"product": message("admin.err.no_product", product=product_id)})
        value = None
        if text:
            try:
                value = "/".join(str(n) for n in parse_floors(text))
            except ValueError:
                order = re.fullmatch(r"\d+/\d+/\d+", text, re.ASCII)
                raise FormInvalid(
                    {"dpd_floors": message("admin.err.dpd_order" if order else "admin.err.floors_form")}
                ) from None
        conn.execute(update(Product).where(Product.product_id == product_id).values(dpd_floors=value))
        return [
            Change("update", "products", product_id, {"dpd_floors": before.dpd_floors}, {"dpd_floors": value})
        ]

    return save(engine, actor, token, write)
