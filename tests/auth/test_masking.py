"""Customer identifiers masked everywhere (tables and their downloads), except through the explicit,
audited unmask action of the roles that work their own cases."""

from __future__ import annotations

import json

import pandas as pd
import pytest
from sqlalchemy import Engine, select
from streamlit.testing.v1 import AppTest

from dashboard.actor import Actor
from dashboard.auth.masking import mask_frame, mask_id, mask_phone
from dashboard.auth.text import plain
from dashboard.ui.session import ACTOR_KEY
from db.models import AuditEntry
from tests.auth.conftest import AUDITOR, COLLECTOR_C1, MANAGER_B2, OFFICER_O1, OFFICER_O2, RISK_B1

ID, PHONE = "110101199001011234", "13812345678"


def test_the_masks() -> None:
    assert mask_id(ID) == "1101**********1234"
    assert mask_phone(PHONE) == "138****5678"
    assert mask_id("12345678") == "********" and mask_phone("1234567") == "*******"
    assert mask_id(None) is None and mask_phone("") == ""


def test_a_frame_and_so_its_downloads_are_masked() -> None:
    frame = pd.DataFrame({"loan_id": ["B"], "id_number": [ID], "phone": [PHONE], "note": [PHONE]})
    masked = mask_frame(frame)
    assert masked.to_dict("records") == [
        {"loan_id": "B", "id_number": "1101**********1234", "phone": "138****5678", "note": PHONE}
    ]
    csv = masked.to_csv(index=False)
    assert ID not in csv and "138****5678" in csv
    assert frame["id_number"].tolist() == [ID]  # the caller's frame is left alone


def test_plain_text_escapes_markdown() -> None:
    assert plain("**bold** [x](javascript:alert(1)) :red[r] <b>") == (
        r"\*\*bold\*\* \[x\]\(javascript\:alert\(1\)\) \:red\[r\] \<b\>"
    )
    assert plain("line one\nline two") == "line one line two"
    assert plain("مرحبا 👋 王伟") == "مرحبا 👋 王伟"


def _card(loan_id: str) -> None:
    from dashboard.ui.unmask import show_customer_contact

    show_customer_contact(loan_id, "110101199001011234", "13812345678")


def _contact(actor: Actor, loan_id: str = "B") -> AppTest:
    at = AppTest.from_function(_card, args=(loan_id,), default_timeout=30)
    at.session_state[ACTOR_KEY] = actor
    at.session_state["lang"] = "en"
    return at.run()


def _shown(at: AppTest) -> dict[str, str]:
    return at.dataframe[0].value.iloc[0].to_dict()


def _unmask_rows(engine: Engine) -> list[tuple]:
    with engine.connect() as conn:
        return [
            tuple(r)
            for r in conn.execute(
                select(
                    AuditEntry.username,
                    AuditEntry.action,
                    AuditEntry.table_name,
                    AuditEntry.record_key,
                    AuditEntry.after,
                )
            )
        ]


@pytest.mark.parametrize("actor", [OFFICER_O1, RISK_B1])
def test_unmasking_is_an_audited_action(app_db: Engine, actor: Actor) -> None:
    at = _contact(actor)
    assert not at.exception
    assert _shown(at) == {"ID number": "1101**********1234", "Phone": "138****5678"}
    assert _unmask_rows(app_db) == []
    at.button(key="unmask_B").click().run()
    assert not at.exception
    assert _shown(at) == {"ID number": ID, "Phone": PHONE}
    rows = _unmask_rows(app_db)
    assert [r[:4] for r in rows] == [(actor.username, "unmask", "loans", "B")]
    assert ID not in rows[0][4] and PHONE not in rows[0][4]
    assert json.loads(rows[0][4]) == {"fields": "id_number, phone"}


@pytest.mark.parametrize("actor", [MANAGER_B2, AUDITOR])
def test_roles_without_the_need_never_see_the_full_values(app_db: Engine, actor: Actor) -> None:
    at = _contact(actor, "C")
    assert _shown(at) == {"ID number": "1101**********1234", "Phone": "138****5678"}
    assert not [b for b in at.button if b.key == "unmask_C"]


@pytest.mark.parametrize("actor", [OFFICER_O2, COLLECTOR_C1])
def test_unmasking_a_loan_outside_the_scope_is_refused(app_db: Engine, actor: Actor) -> None:
    at = _contact(actor, "B")  # B is O1's loan and not assigned to C1
    at.button(key="unmask_B").click().run()
    assert at.error[0].value == "Loan B is not one of yours (or does not exist)"
    assert _shown(at) == {"ID number": "1101**********1234", "Phone": "138****5678"}
    assert _unmask_rows(app_db) == []
