"""A customer's ID number and phone on the loan card: masked, with an explicit, audited "show in full".

Only roles with the "unmask" permission get the button, and only for a loan inside their scope (checked
again on the server when it is pressed). Pressing it writes an audit row (action 'unmask', table 'loans',
the loan id; never the values themselves) in its own transaction, then shows the full values to this
user for this loan until they sign out.
"""

from __future__ import annotations

import pandas as pd
import streamlit as st

from dashboard.actor import Actor
from dashboard.auth.masking import mask_id, mask_phone
from dashboard.auth.text import plain
from dashboard.ui.data import engine
from dashboard.ui.i18n import language, t
from dashboard.ui.session import current_actor
from dashboard.work.access import can, require, require_loan
from dashboard.work.audit import write_audit
from dashboard.work.errors import WorkError

UNMASKED = "_unmasked"  # session key: the set of (username, loan_id) shown in full


def record_unmask(actor: Actor, loan_id: str) -> None:
    """Check permission and scope, and write the audit row, in one transaction. Raises NotAllowed."""
    with engine().begin() as conn:
        require(actor, "unmask")
        require_loan(conn, actor, loan_id)
        write_audit(conn, actor, "unmask", "loans", loan_id, None, {"fields": "id_number, phone"})


def show_customer_contact(loan_id: str, id_number: str | None, phone: str | None) -> None:
    """The identifiers as a small table (text cells), masked unless this user unmasked them here."""
    actor = current_actor()
    shown: set[tuple[str, str]] = st.session_state.setdefault(UNMASKED, set())
    full = actor is not None and (actor.username, loan_id) in shown
    st.dataframe(
        pd.DataFrame(
            [
                {
                    t("auth.id_number"): id_number if full else mask_id(id_number),
                    t("auth.phone"): phone if full else mask_phone(phone),
                }
            ]
        ),
        hide_index=True,
        key=f"contact_{loan_id}",
    )
    if full:
        st.caption(t("auth.unmasked"))
        return
    if actor is None or not can(actor, "unmask"):
        return
    if st.button(
        t("auth.unmask"), help=t("auth.unmask_help"), icon=":material/visibility:", key=f"unmask_{loan_id}"
    ):
        try:
            record_unmask(actor, loan_id)
        except WorkError as exc:
            st.error(exc.text(language(), plain))
            return
        shown.add((actor.username, loan_id))
        st.rerun()
