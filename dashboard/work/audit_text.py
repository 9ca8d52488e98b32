"""The audit log in words (issue 21): each entry's table, action and before/after difference in the reader's
language, one "field: old → new" per changed field, field names translated. A field or code without a
term is shown as it is stored rather than dropped: the log must stay complete."""

from __future__ import annotations

import json
from typing import Any

from dashboard.auth.settings import in_unit, meaning
from dashboard.i18n import TERMS, translate

# Where a field's name is found among the terms, first match wins: the audit's own, then the pages'.
_FIELD_KEYS = ("audit.field.{field}", "term.{field}", "insp.{field}", "action.col.{field}")
# Fields whose values are codes with their own terms (the first prefix that names the code).
_CODES = {
    "channel": ("overdue.channel.",),
    "result": ("overdue.result.",),
    "classification": ("class.",),
    "proposed_class": ("class.",),
    "current_class": ("class.",),
    "kind": ("insp.kind.",),
    "method": ("visit.method.", "insp.method."),
    "severity": ("visit.severity.",),
    "stage": ("visit.stage.", "legal.stage."),
    "from_stage": ("legal.stage.",),
    "to_stage": ("legal.stage.",),
    "role": ("auth.role.",),
    "status": ("cls.status.",),
}


def _term(key: str, language: str) -> str | None:
    return translate(key, language) if key in TERMS else None


def field_label(field: str, language: str) -> str:
    for pattern in _FIELD_KEYS:
        found = _term(pattern.format(field=field), language)
        if found is not None:
            return found
    return field


def table_label(table: str, language: str) -> str:
    return _term(f"audit.table.{table}", language) or table


def action_label(action: str, language: str) -> str:
    return _term(f"audit.action.{action}", language) or action


def _value(field: str, value: Any, language: str) -> str:
    if value is None or value == "":
        return "—"
    if isinstance(value, bool):
        return translate("audit.yes" if value else "audit.no", language)
    if isinstance(value, dict | list):
        return json.dumps(value, ensure_ascii=False)
    if isinstance(value, str):
        for prefix in _CODES.get(field, ()):
            found = _term(f"{prefix}{value}", language)
            if found is not None:
                return found
    return str(value)


def _parsed(text: Any) -> dict[str, Any]:
    if not isinstance(text, str) or not text:  # None, or a missing cell (NaN) from a frame
        return {}
    try:
        loaded = json.loads(text)
    except ValueError:
        return {"": text}
    return loaded if isinstance(loaded, dict) else {"": loaded}


def record_label(table: str, record: str, language: str) -> str:
    """A setting's record by the setting's name in the reader's language; other records by their key."""
    return meaning(record, language) if table == "settings" else record


def differences(before: Any, after: Any, language: str, *, table: str = "", record: str = "") -> str:
    """The fields that differ between the JSON before and after, one line each: "label: old → new" (a new
    record's fields: "label: new"; a deleted one's: "label: old → —"). A setting's value is shown in its
    unit (a share as a percentage)."""
    old, new = _parsed(before), _parsed(after)
    if table == "settings":
        old, new = ({k: in_unit(record, v) if k == "value" else v for k, v in d.items()} for d in (old, new))
    lines = []
    for field in [*old, *(f for f in new if f not in old)]:
        was, now = old.get(field), new.get(field)
        if field in old and field in new and was == now:
            continue
        label = field_label(field, language) if field else ""
        prefix = f"{label}: " if label else ""
        if field not in old and not old:
            lines.append(f"{prefix}{_value(field, now, language)}")
        else:
            lines.append(f"{prefix}{_value(field, was, language)} → {_value(field, now, language)}")
    return "\n".join(lines)
