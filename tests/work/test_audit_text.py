"""The audit log in words: only what changed, old → new, field names and codes in the reader's language."""

from __future__ import annotations

import json

import pytest

from dashboard.work.audit_text import action_label, differences, field_label, record_label, table_label


@pytest.mark.parametrize(
    ("lang", "expected"),
    [
        ("en", ["Channel: Call → Field visit", "Promised amount: 500.00 → —"]),
        ("zh", ["催收方式: 电话 → 上门外访", "承诺金额: 500.00 → —"]),
    ],
)
def test_an_update_lists_each_changed_field_old_to_new(lang: str, expected: list[str]) -> None:
    before = json.dumps({"loan_id": "B", "channel": "call", "ptp_amount": "500.00"})
    after = json.dumps({"loan_id": "B", "channel": "field_visit", "ptp_amount": None})
    lines = differences(before, after, lang).splitlines()
    assert lines == expected  # the loan, unchanged, is not listed


def test_a_new_record_lists_its_values_and_booleans_read_as_words() -> None:
    lines = differences(None, json.dumps({"risk_signal": True, "funds_use_ok": False}), "zh").splitlines()
    assert lines == ["风险信号: 是", "资金按合同约定用途使用: 否"]
    assert differences(float("nan"), None, "en") == ""  # a missing cell in a frame


def test_a_setting_in_its_unit_and_by_its_name() -> None:
    before, after = json.dumps({"value": "0.03"}), json.dumps({"value": "0.025"})
    assert differences(before, after, "zh", table="settings", record="officer_overdue_max") == "值: 3% → 2.5%"
    assert record_label("settings", "officer_overdue_max", "zh") != "officer_overdue_max"
    assert record_label("visits", "V1", "zh") == "V1"


def test_labels_and_their_fallback() -> None:
    assert (table_label("collection_actions", "zh"), action_label("insert", "zh")) == ("催收记录", "新增")
    assert action_label("login_failed", "en") == "Sign-in failed"
    assert field_label("no_such_field", "zh") == "no_such_field"  # shown as stored, never dropped
