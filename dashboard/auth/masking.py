"""Customer identifiers as most people may see them: an ID number keeps its first and last four characters,
a phone number its first three and last four (`138****5678`).

Everyone sees them masked; the roles with the "unmask" permission may reveal one customer's values on the
loan card through an explicit, audited action (dashboard/ui/unmask.py)."""

from __future__ import annotations

import pandas as pd


def mask_id(id_number: str | None) -> str | None:
    if not id_number:
        return id_number
    if len(id_number) <= 8:
        return "*" * len(id_number)
    return id_number[:4] + "*" * (len(id_number) - 8) + id_number[-4:]


def mask_phone(phone: str | None) -> str | None:
    if not phone:
        return phone
    if len(phone) <= 7:
        return "*" * len(phone)
    return phone[:3] + "*" * (len(phone) - 7) + phone[-4:]


# Columns that hold customer identifiers, wherever a frame carries them (lists, downloads).
MASKERS = {"id_number": mask_id, "phone": mask_phone, "customer_phone": mask_phone}


def mask_frame(frame: pd.DataFrame) -> pd.DataFrame:
    """A copy of the frame with every identifier column masked: what a table and its downloads show."""
    masked = frame.copy()
    for column, mask in MASKERS.items():
        if column in masked.columns:
            masked[column] = [mask(value) if isinstance(value, str) else value for value in masked[column]]
    return masked
