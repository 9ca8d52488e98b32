"""An extract written here by hand goes through `postloan import` and comes out of `postloan kpi`
with the figures DOMAIN section 4 defines, worked out on paper below; a broken one is refused whole."""

from __future__ import annotations

import json
from pathlib import Path

import pytest
from sqlalchemy import Engine, func, select

from dashboard.cli import main
from db.data_version import data_version
from db.models import Base
from tests.conftest import url_of

EXTRACT = {
    "branches.csv": """branch_id,name,parent_id
HQ,总行,
SH,上海分行,HQ
SH01,浦东支行,SH
BJ,北京分行,HQ
""",
    "staff.csv": """staff_id,name,role,branch_id,joined_on,left_on
S1,李娜,account_officer,SH01,2019-03-01,
S2,张伟,account_officer,BJ,2018-07-01,2025-02-28
S3,王芳,risk_manager,SH,2016-01-01,
""",
    "products.csv": """product_id,name,category,repayment_method,periodic_check_months
CL,消费贷,consumer,equal_instalment,
BL,经营贷,business,interest_first,6
""",
    "channels.csv": """channel_id,name,grade
WEB,线上,A
""",
    "customers.csv": """customer_id,name,id_number,phone,address,credit_grade,repayment_capacity
C1,刘洋,310101199001011234,13800001111,上海市浦东新区,good,strong
C2,陈静,110101198505052345,13900002222,,fair,fair
""",
    "loans.csv": """loan_id,customer_id,product_id,branch_id,officer_id,channel_id,principal,annual_rate,term_months,disbursed_on,maturity_on,payment_mode,written_off_on
L1,C1,CL,SH01,S1,WEB,12000.00,0.12,3,2025-01-15,2025-04-15,self,
L2,C2,BL,BJ,S2,WEB,50000,0.08,3,2025-01-20,2025-04-20,entrusted,
L3,C1,CL,SH01,S1,,6000.50,0.10,2,2024-06-01,2024-08-01,entrusted,2025-01-10
""",
    "schedule.csv": """loan_id,instalment_no,due_on,principal_due,interest_due
L1,1,2025-02-15,4000.00,120.00
L1,2,2025-03-15,4000.00,80.00
L1,3,2025-04-15,4000.00,40.00
L2,1,2025-02-20,0,333.33
L2,2,2025-03-20,0,333.33
L2,3,2025-04-20,50000,333.34
L3,1,2024-07-01,3000.25,50
L3,2,2024-08-01,3000.25,25
""",
    "repayments.csv": """repayment_id,loan_id,instalment_no,paid_on,principal_paid,interest_paid
R1,L1,1,2025-02-15,4000.00,120.00
R2,L2,1,2025-02-20,0,333.33
R3,L2,2,2025-03-01,0,200.00
R4,L3,,2025-02-01,500.00,0
""",
    "inspections.csv": """inspection_id,loan_id,kind,done_on,method,staff_id,funds_use_ok,risk_signal,notes
I1,L1,first,2025-01-17,phone,S1,1,0,
I2,L2,first,2025-01-29,onsite,S2,1,0,资金用途与合同一致
""",
}


def _write(directory: Path, files: dict[str, str]) -> Path:
    directory.mkdir()
    for name, text in files.items():
        (directory / name).write_text(text, encoding="utf-8")
    return directory


def _cli(capsys: pytest.CaptureFixture[str], *argv: str) -> tuple[int, str, str]:
    code = main(list(argv))
    out, err = capsys.readouterr()
    return code, out, err


def _counts(engine: Engine) -> dict[str, int]:
    with engine.connect() as conn:
        return {
            t.name: conn.execute(select(func.count()).select_from(t)).scalar_one()
            for t in Base.metadata.sorted_tables
        }


def test_imported_extract_gives_the_defined_figures(
    engine: Engine, tmp_path: Path, monkeypatch: pytest.MonkeyPatch, capsys: pytest.CaptureFixture[str]
) -> None:
    monkeypatch.setenv("DATABASE_URL", url_of(engine))
    code, out, err = _cli(capsys, "import", str(_write(tmp_path / "extract", EXTRACT)))
    assert (code, err) == (0, "")
    assert "loans: 3" in out

    # As of 2025-03-31:
    #  L1: 12,000 - 4,000 = 8,000 outstanding; instalment 2 (due 15 Mar) unpaid -> 16 DPD, M1.
    #  L2: 50,000 outstanding; instalment 2 (due 20 Mar) has 133.33 left -> 11 DPD, M1.
    #  L3: written off on 10 Jan: not active.
    code, out, _ = _cli(capsys, "kpi", "portfolio", "--as-of", "2025-03-31")
    figures = json.loads(out)
    assert code == 0
    assert figures["active_loans"] == 2
    assert figures["balance"] == 58000.0
    assert figures["overdue_ratio"] == 1.0
    assert figures["npl_ratio"] == 0.0
    assert figures["balance_by_bucket"] == {"M0": 0.0, "M1": 58000.0, "M2": 0.0, "M3": 0.0, "M3+": 0.0}

    code, out, _ = _cli(capsys, "kpi", "loans", "--as-of", "2025-03-31")
    assert json.loads(out) == [
        {
            "loan_id": "L1",
            "dpd": 16,
            "bucket": "M1",
            "classification": "special_mention",
            "outstanding_principal": 8000.0,
            "overdue_amount": 4080.0,
        },
        {
            "loan_id": "L2",
            "dpd": 11,
            "bucket": "M1",
            "classification": "special_mention",
            "outstanding_principal": 50000.0,
            "overdue_amount": 133.33,
        },
    ]

    # Shanghai's subtree holds only L1.
    _, out, _ = _cli(capsys, "kpi", "portfolio", "--as-of", "2025-03-31", "--branch", "SH")
    assert json.loads(out)["balance"] == 8000.0

    # First checks due in January: L1 (self, 15 Jan + 3 = 18 Jan, done 17 Jan: on time);
    # L2's falls due on 27 Jan and was done on the 29th: done, late.
    _, out, _ = _cli(
        capsys, "kpi", "first-checks", "--from", "2025-01-01", "--to", "2025-01-31", "--as-of", "2025-03-31"
    )
    assert json.loads(out) == {
        "due": 2,
        "done": 2,
        "on_time": 1,
        "pending": 0,
        "completion_rate": 1.0,
        "on_time_rate": 0.5,
    }

    # S2 left on 28 Feb: not scored after it, but listed apart, as departed, over the loans still held.
    _, out, _ = _cli(capsys, "kpi", "staff", "--as-of", "2025-03-31")
    assert [(r["staff_id"], r["balance"], r["overdue_ratio"], r["departed"]) for r in json.loads(out)] == [
        ("S1", 8000.0, 1.0, False),
        ("S2", 50000.0, 1.0, True),
    ]


def test_reimport_changes_nothing_and_replacement_replaces(
    engine: Engine, tmp_path: Path, monkeypatch: pytest.MonkeyPatch, capsys: pytest.CaptureFixture[str]
) -> None:
    monkeypatch.setenv("DATABASE_URL", url_of(engine))
    extract = _write(tmp_path / "extract", EXTRACT)
    assert _cli(capsys, "import", str(extract))[0] == 0
    before = _counts(engine)
    assert _cli(capsys, "import", str(extract))[0] == 0
    assert _counts(engine) == before
    # A late payment for L1's second instalment arrives in a later extract: L1 is current again.
    later = _write(
        tmp_path / "later",
        {**EXTRACT, "repayments.csv": EXTRACT["repayments.csv"] + "R5,L1,2,2025-03-20,4000,80\n"},
    )
    assert _cli(capsys, "import", str(later))[0] == 0
    _, out, _ = _cli(capsys, "kpi", "portfolio", "--as-of", "2025-03-31")
    assert json.loads(out)["balance_by_bucket"]["M0"] == 4000.0


def test_broken_extract_is_refused_whole(
    engine: Engine, tmp_path: Path, monkeypatch: pytest.MonkeyPatch, capsys: pytest.CaptureFixture[str]
) -> None:
    monkeypatch.setenv("DATABASE_URL", url_of(engine))
    broken = dict(EXTRACT)
    broken["loans.csv"] = EXTRACT["loans.csv"].replace("2025-01-20", "2025-01-32").replace(",self,", ",cash,")
    broken["repayments.csv"] = EXTRACT["repayments.csv"] + "R9,L9,1,2025-03-01,10,0\n"
    before = _counts(engine)
    code, _, err = _cli(capsys, "import", str(_write(tmp_path / "broken", broken)))
    assert code == 1
    lines = err.strip().splitlines()
    assert any(line.startswith("loans.csv:3: disbursed_on: ") for line in lines)
    assert any(line.startswith("loans.csv:2: payment_mode: ") for line in lines)
    assert any(line.startswith("repayments.csv:6: loan_id: ") for line in lines)
    assert "nothing was imported" in lines[-1]
    assert _counts(engine) == before


def test_import_bumps_the_data_version_and_a_refused_one_does_not(
    engine: Engine, tmp_path: Path, monkeypatch: pytest.MonkeyPatch, capsys: pytest.CaptureFixture[str]
) -> None:
    monkeypatch.setenv("DATABASE_URL", url_of(engine))
    with engine.connect() as conn:
        start = data_version(conn)
    assert _cli(capsys, "import", str(_write(tmp_path / "good", EXTRACT)))[0] == 0
    broken = {**EXTRACT, "loans.csv": EXTRACT["loans.csv"].replace("12000.00", "twelve")}
    assert _cli(capsys, "import", str(_write(tmp_path / "bad", broken)))[0] == 1
    with engine.connect() as conn:
        assert data_version(conn) == start + 1
