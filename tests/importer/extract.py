"""A small valid extract built in Python, for tests to break one cell at a time.

Rows are dicts of CSV text; a row at index i of a file is on line i + 2 (the header is line 1).
Branch B1 comes before its parent HQ on purpose: the importer must write parents first.
"""

from __future__ import annotations

import csv
import io
from collections.abc import Mapping
from pathlib import Path

from sqlalchemy import Engine, Select, func, select

from dashboard.importer.spec import SPECS
from db.models import Base
from db.models.enums import EXTRACT_TABLES

Rows = list[dict[str, str]]


def _rows(header: str, *lines: str) -> Rows:
    names = header.split(",")
    return [dict(zip(names, next(csv.reader([line])), strict=True)) for line in lines]


def minimal_extract() -> dict[str, Rows]:
    """A fresh copy every call, so a test can change it freely."""
    return {
        "branches.csv": _rows("branch_id,name,parent_id", "B1,北京分行,HQ", "HQ,总行,"),
        "staff.csv": _rows(
            "staff_id,name,role,branch_id,joined_on,left_on",
            "O1,李明,account_officer,B1,2020-01-01,",
            "C1,张华,phone_collector,HQ,2019-05-01,",
        ),
        "products.csv": _rows(
            "product_id,name,category,repayment_method,periodic_check_months",
            "P1,消费贷,consumer,equal_instalment,",
            "P2,经营贷,business,interest_first,6",
        ),
        "channels.csv": _rows("channel_id,name,grade", "CH1,网点,A"),
        "customers.csv": _rows(
            "customer_id,name,id_number,phone,address,credit_grade,repayment_capacity",
            'K1,王伟,110101199001011234,13812345678,"北京市朝阳区, 1号",good,strong',
            "K2,赵敏,310101198502023456,,,fair,",
        ),
        "contacts.csv": _rows("contact_id,customer_id,name,relation,phone", "K1a,K1,王父,父亲,13800000001"),
        "agencies.csv": _rows("agency_id,name,commission_rate", "A1,甲催收,0.15"),
        "loans.csv": _rows(
            "loan_id,customer_id,product_id,branch_id,officer_id,channel_id,principal,annual_rate,"
            "term_months,disbursed_on,maturity_on,payment_mode,written_off_on",
            "L1,K1,P1,B1,O1,CH1,12000.00,0.0435,3,2024-01-15,2024-04-15,entrusted,",
            "L2,K2,P2,B1,O1,,50000.5,0.06,2,2024-02-01,2024-04-01,self,",
            "L3,K1,P1,HQ,O1,CH1,3000,0.1,1,2023-06-01,2023-07-01,entrusted,2024-01-31",
        ),
        "schedule.csv": _rows(
            "loan_id,instalment_no,due_on,principal_due,interest_due",
            "L1,1,2024-02-15,4000.00,43.50",
            "L1,2,2024-03-15,4000.00,29.00",
            "L1,3,2024-04-15,4000.00,14.50",
            "L2,1,2024-03-01,0.00,250.00",
            "L2,2,2024-04-01,50000.50,250.00",
            "L3,1,2023-07-01,3000.00,25.00",
        ),
        "repayments.csv": _rows(
            "repayment_id,loan_id,instalment_no,paid_on,principal_paid,interest_paid",
            "R1,L1,1,2024-02-15,4000.00,43.50",
            "R2,L1,2,2024-03-16,4000.00,29.00",
            "R3,L3,,2024-03-01,100.01,0",
        ),
        "placements.csv": _rows(
            "placement_id,loan_id,agency_id,placed_on,recalled_on,placed_amount",
            "PL1,L3,A1,2023-10-01,,3000.00",
        ),
        "assignments.csv": _rows(
            "assignment_id,loan_id,collector_id,assigned_on,ended_on",
            "AS1,L3,C1,2023-07-02,2023-10-01",
            "AS2,L1,C1,2024-03-16,",
        ),
        "collection_actions.csv": _rows(
            "action_id,loan_id,acted_at,channel,staff_id,agency_id,result,ptp_amount,ptp_on,info_repaired",
            "CA1,L3,2023-08-02T10:30,call,C1,,ptp,500.00,2023-08-10,0",
        ),
        "inspections.csv": _rows(
            "inspection_id,loan_id,kind,done_on,method,staff_id,funds_use_ok,risk_signal,notes",
            "I1,L1,first,2024-01-20,onsite,O1,1,0,",
        ),
        "visits.csv": _rows(
            "visit_id,loan_id,visited_on,method,staff_id,content,feedback,satisfaction",
            "V1,L1,2024-03-01,phone,O1,還款提醒,,5",
        ),
        "issues.csv": _rows(
            "issue_id,loan_id,visit_id,severity,raised_on,reported_on,resolved_on,description",
            "IS1,L1,V1,important,2024-03-01,2024-03-02,,收入下降",
        ),
        "classification_overrides.csv": _rows(
            "loan_id,effective_on,classification,reason,staff_id",
            "L3,2023-09-01,substandard,失聯超過30天,C1",
        ),
        "legal_cases.csv": _rows(
            "case_id,loan_id,filed_on,court,case_number,stage,claimed,awarded,recovered,costs,lawyer,agency_id,"
            "next_hearing_on,note",
            "LC1,L3,2023-11-01,朝阳区法院,(2023)京0105民初1号,filed,3000.00,,,500.00,王律师,,2024-05-10,",
        ),
        "restructurings.csv": _rows(
            "restructuring_id,loan_id,restructured_on,reason", "RS1,L2,2024-03-20,经营困难，延长期限"
        ),
    }


MINIMAL_COUNTS = {
    "branches": 2,
    "staff": 2,
    "products": 2,
    "channels": 1,
    "customers": 2,
    "contacts": 1,
    "agencies": 1,
    "loans": 3,
    "schedule": 6,
    "repayments": 3,
    "placements": 1,
    "collector_assignments": 2,
    "collection_actions": 1,
    "inspections": 1,
    "visits": 1,
    "issues": 1,
    "classification_overrides": 1,
    "legal_cases": 1,
    "restructurings": 1,
}


def csv_text(rows: Rows) -> str:
    out = io.StringIO()
    writer = csv.writer(out, lineterminator="\n")
    writer.writerow(rows[0].keys())
    writer.writerows(row.values() for row in rows)
    return out.getvalue()


def write_extract(directory: Path, files: Mapping[str, Rows | str | bytes]) -> Path:
    """Write each file as given: rows as CSV, text or bytes as they are."""
    directory.mkdir(parents=True, exist_ok=True)
    for name, content in files.items():
        path = directory / name
        if isinstance(content, bytes):
            path.write_bytes(content)
        else:
            path.write_text(content if isinstance(content, str) else csv_text(content), encoding="utf-8")
    return directory


def counts(engine: Engine) -> dict[str, int]:
    with engine.connect() as conn:
        return {
            table: conn.execute(select(func.count()).select_from(Base.metadata.tables[table])).scalar_one()
            for table in EXTRACT_TABLES  # the calendar is the migration's, not the extract's
        }


def dump(engine: Engine) -> dict[str, list[tuple[object, ...]]]:
    """Every row of every extract table, sorted by key, to compare whole database states."""
    with engine.connect() as conn:
        return {table: [tuple(row) for row in conn.execute(_sorted(table))] for table in EXTRACT_TABLES}


def _sorted(table: str) -> Select[tuple[object, ...]]:
    model = Base.metadata.tables[table]
    return select(model).order_by(*(model.c[name] for name in SPECS[table].key))
