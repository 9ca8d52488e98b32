"""The admin's configuration (settings service, both databases) and the Users and Settings pages (AppTest):
valid and invalid input, what is written, the messages next to the fields, values kept."""

from __future__ import annotations

from datetime import date

import pytest
from sqlalchemy import Engine, select

from dashboard import clock
from dashboard.auth.settings import clear_setting, meaning, set_dpd_floors, set_setting, setting_rows
from dashboard.auth.users import check_password
from dashboard.config import load_config
from dashboard.work.errors import FormInvalid, NotAllowed
from dashboard.workdays import add_workdays, calendar_gap
from db.models import AuditEntry, Setting, User
from tests.auth.conftest import ADMIN, AUDITOR, MANAGER_B2
from tests.web.conftest import PAGES, app


def _settings(engine: Engine) -> dict[str, str]:
    with engine.connect() as conn:
        return {k: v for k, v in conn.execute(select(Setting.key, Setting.value))}


def test_set_and_clear_a_setting(people: Engine) -> None:
    set_setting(people, ADMIN, "officer_overdue_max", " 0.025 ")
    set_setting(people, ADMIN, "officer_overdue_max", "0.02")
    assert _settings(people) == {"officer_overdue_max": "0.02"}
    assert str(load_config(people).officer_overdue_max) == "0.02"
    with people.connect() as conn:
        rows = setting_rows(conn).set_index("name")
        audit = conn.execute(select(AuditEntry.action, AuditEntry.before, AuditEntry.after)).all()
    assert rows.loc["officer_overdue_max"].tolist() == ["0.03", "0.02", "0.02"]
    assert rows.loc["loss_after_dpd", "value"] is None and rows.loc["loss_after_dpd", "effective"] == "360"
    assert [a[0] for a in audit] == ["insert", "update"]
    assert audit[1][1:] == ('{"value": "0.025"}', '{"value": "0.02"}')
    clear_setting(people, ADMIN, "officer_overdue_max")
    assert _settings(people) == {}
    assert str(load_config(people).officer_overdue_max) == "0.03"


@pytest.mark.parametrize(
    ("name", "value", "text"),
    [
        ("officer_overdue_max", "3%", "3% is not a valid value for this setting"),
        ("officer_overdue_max", "1.5", "A share between 0 and 1"),
        ("officer_overdue_max", "NaN", "NaN is not a valid value for this setting"),
        ("contact_from_hour", "7", "Between 8 and 20"),
        ("contact_to_hour", "22", "Between 9 and 21"),
        (
            "doubtful_after_dpd",
            "400",
            "The DPD floors must rise: substandard < doubtful < loss. To change more than one, save them "
            "together under Classification DPD floors",
        ),
        ("staff_cutoff", "2017-02-30", "2017-02-30 is not a valid value for this setting"),
        ("field_visit_amount", "-1", "Between 0 and ∞"),
    ],
)
def test_bad_values_are_refused_with_the_reason(people: Engine, name: str, value: str, text: str) -> None:
    with pytest.raises(FormInvalid) as refused:
        set_setting(people, ADMIN, name, value)
    assert refused.value.field_texts("en") == {"value": text}
    assert _settings(people) == {}


def test_a_reset_that_would_break_the_order_is_refused(people: Engine) -> None:
    with pytest.raises(FormInvalid, match="DPD floors must rise"):
        set_setting(people, ADMIN, "loss_after_dpd", "180")  # below doubtful's 270
    set_setting(people, ADMIN, "doubtful_after_dpd", "150")
    set_setting(people, ADMIN, "loss_after_dpd", "180")
    with pytest.raises(FormInvalid, match="DPD floors must rise"):
        clear_setting(people, ADMIN, "doubtful_after_dpd")  # back to 270 > 180
    assert _settings(people) == {"doubtful_after_dpd": "150", "loss_after_dpd": "180"}


CARD_FLOORS = {"substandard_after_dpd": "90", "doubtful_after_dpd": "120", "loss_after_dpd": "180"}


def test_the_credit_card_floors_are_saved_together_from_the_defaults(people: Engine) -> None:
    """Rule 12: 91-120 DPD substandard, 121-180 doubtful, over 180 loss. From 90/270/360 a single save of
    loss 180 is refused (under doubtful's 270); the three saved together are not."""
    set_dpd_floors(people, ADMIN, CARD_FLOORS)
    assert _settings(people) == CARD_FLOORS
    config = load_config(people)
    assert (config.substandard_after_dpd, config.doubtful_after_dpd, config.loss_after_dpd) == (90, 120, 180)
    # Back to the defaults, in one save again (one at a time, doubtful 270 first is over loss's 180).
    set_dpd_floors(
        people, ADMIN, {"substandard_after_dpd": "90", "doubtful_after_dpd": "270", "loss_after_dpd": "360"}
    )
    assert load_config(people).loss_after_dpd == 360
    with people.connect() as conn:
        audit = conn.execute(
            select(AuditEntry.action, AuditEntry.record_key, AuditEntry.after).order_by(AuditEntry.entry_id)
        ).all()
    assert [(a, k) for a, k, _ in audit[:3]] == [("insert", f) for f in CARD_FLOORS]
    assert audit[-1] == ("update", "loss_after_dpd", '{"value": "360"}')


def test_the_credit_card_floors_are_accepted_one_at_a_time_in_a_rising_order(people: Engine) -> None:
    set_setting(people, ADMIN, "doubtful_after_dpd", "120")
    set_setting(people, ADMIN, "loss_after_dpd", "180")
    set_setting(people, ADMIN, "substandard_after_dpd", "90")
    assert _settings(people) == CARD_FLOORS


@pytest.mark.parametrize(
    ("floors", "field", "text"),
    [
        (
            ("90", "90", "180"),
            "doubtful_after_dpd",
            "The DPD floors must rise: substandard < doubtful < loss",
        ),
        (
            ("120", "90", "180"),
            "doubtful_after_dpd",
            "The DPD floors must rise: substandard < doubtful < loss",
        ),
        (("120", "180", "180"), "loss_after_dpd", "The DPD floors must rise: substandard < doubtful < loss"),
        (("90", "200", "180"), "loss_after_dpd", "The DPD floors must rise: substandard < doubtful < loss"),
        (("90", "", "180"), "doubtful_after_dpd", "Required"),
        (("90", "120", "1.5"), "loss_after_dpd", "1.5 is not a valid value for this setting"),
        (("-1", "120", "180"), "substandard_after_dpd", "Between 0 and 99999"),
    ],
)
def test_floors_that_do_not_rise_are_refused_next_to_the_field(
    people: Engine, floors: tuple[str, str, str], field: str, text: str
) -> None:
    with pytest.raises(FormInvalid) as refused:
        set_dpd_floors(people, ADMIN, dict(zip(CARD_FLOORS, floors, strict=True)))
    assert refused.value.field_texts("en") == {field: text}
    assert _settings(people) == {}


def test_only_an_admin_sets_the_floors(people: Engine) -> None:
    with pytest.raises(NotAllowed):
        set_dpd_floors(people, MANAGER_B2, CARD_FLOORS)
    assert _settings(people) == {}


def test_contact_hours_must_start_before_they_end(people: Engine) -> None:
    set_setting(people, ADMIN, "contact_to_hour", "12")
    with pytest.raises(FormInvalid, match="Contact hours must start before they end"):
        set_setting(people, ADMIN, "contact_from_hour", "12")
    assert _settings(people) == {"contact_to_hour": "12"}


def test_only_an_admin_changes_settings(people: Engine) -> None:
    for actor in (MANAGER_B2, AUDITOR):
        with pytest.raises(NotAllowed):
            set_setting(people, actor, "ptp_max_days", "10")
    assert _settings(people) == {}


def _page(name: str, actor=ADMIN):  # type: ignore[no-untyped-def]
    at = app(actor=actor, lang="en").run()
    return at.switch_page(str(PAGES / f"{name}.py")).run()


def test_settings_page_saves_and_refuses_with_the_message_next_to_the_field(app_db: Engine) -> None:
    at = _page("settings")
    assert not at.exception
    assert at.title[0].value == "Targets and thresholds"
    at.selectbox(key="setting_name").set_value("ptp_max_days")
    at.text_input(key="setting_value").input("0")
    at.button[0].click().run()
    assert [e.value for e in at.error] == [
        "1 field(s) need correcting; nothing was saved",
        "Between 1 and 366",
    ]
    assert at.text_input(key="setting_value").value == "0"  # what was typed stays
    assert _settings(app_db) == {}
    at.text_input(key="setting_value").input("10")
    at.button[0].click().run()
    assert not at.exception
    assert _settings(app_db) == {"ptp_max_days": "10"}
    assert at.success[0].value == "Saved as ptp_max_days"
    shown = at.dataframe[0].value.set_index("name")
    assert shown.loc["ptp_max_days", "effective"] == "10"
    assert shown.loc["ptp_max_days", "unit"] == "days"


@pytest.mark.parametrize(
    ("lang", "name", "unit", "typed_bad", "bad", "good"),
    [
        ("en", "officer_overdue_max", "%", "150", "Between 0% and 100%", "2.5%"),
        ("zh", "officer_overdue_max", "%", "abc", "abc 不是该参数的有效值", "2.5"),
    ],
)
def test_settings_page_shows_shares_in_percent_and_takes_them_in_percent(
    app_db: Engine, lang: str, name: str, unit: str, typed_bad: str, bad: str, good: str
) -> None:
    at = app(actor=ADMIN, lang=lang).run().switch_page(str(PAGES / "settings.py")).run()
    assert not at.exception
    table = at.dataframe[0].value
    assert table.columns[0] == "meaning" and table.columns[-1] == "name"  # the code last
    row = table.set_index("name").loc[name]
    # The name in the user's language, the unit, the value in it (the default 0.03 is 3%).
    assert row["meaning"] == meaning(name, lang) and name not in row["meaning"]
    assert row["unit"] == unit and row["default"] == row["effective"] == "3%"
    assert not any(v == "0.03" for v in row.tolist())
    box = at.selectbox(key="setting_name")
    assert unit in box.format_func(name) and name not in box.format_func(name)
    box.set_value(name)
    at.text_input(key="setting_value").input(typed_bad)
    at.button[0].click().run()
    assert bad in [e.value for e in at.error]
    assert _settings(app_db) == {}
    at.text_input(key="setting_value").input(good)
    at.button[0].click().run()
    assert not at.exception and not at.error
    assert _settings(app_db) == {name: "0.025"}
    assert at.dataframe[0].value.set_index("name").loc[name, "effective"] == "2.5%"


def test_settings_page_saves_the_credit_card_floors_together_and_refuses_a_non_rising_triple(
    app_db: Engine,
) -> None:
    at = _page("settings")
    assert not at.exception
    fields = {name: at.text_input(key=f"floors_{name}") for name in CARD_FLOORS}
    assert [f.value for f in fields.values()] == ["90", "270", "360"]  # the floors in effect
    fields["doubtful_after_dpd"].input("180")
    fields["loss_after_dpd"].input("180")
    next(b for b in at.button if b.label == "Save the floors").click().run()
    assert [e.value for e in at.error] == [
        "1 field(s) need correcting; nothing was saved",
        "The DPD floors must rise: substandard < doubtful < loss",
    ]
    assert at.text_input(key="floors_loss_after_dpd").value == "180"  # what was typed stays
    assert _settings(app_db) == {}
    at.text_input(key="floors_doubtful_after_dpd").input("120")
    next(b for b in at.button if b.label == "Save the floors").click().run()
    assert not at.exception
    assert _settings(app_db) == CARD_FLOORS
    assert at.success[0].value == "Saved as substandard_after_dpd"
    shown = at.dataframe[0].value.set_index("name")
    assert shown.loc[list(CARD_FLOORS), "effective"].tolist() == ["90", "120", "180"]


def test_users_page_adds_a_user_with_a_generated_password_shown_once(app_db: Engine) -> None:
    at = _page("users")
    assert not at.exception
    at.text_input(key="user_add_username").input("zhang")
    at.text_input(key="user_add_name").input("张三")
    at.selectbox(key="user_add_role").set_value("collector")
    next(b for b in at.button if b.label == "Save").click().run()
    assert at.error[1].value == "Required for the role collector"  # next to the staff field
    assert at.text_input(key="user_add_name").value == "张三"
    at.selectbox(key="user_add_staff").set_value("C1")
    next(b for b in at.button if b.label == "Save").click().run()
    assert not at.exception
    password = at.code[0].value
    with app_db.connect() as conn:
        row = conn.execute(select(User.__table__).where(User.username == "zhang")).one()
    assert (row.role, row.staff_id, row.name) == ("collector", "C1", "张三")
    assert check_password(password, row.password_hash)
    assert "zhang" in at.dataframe[0].value["username"].tolist()
    at.run()
    assert not at.code  # shown once


def test_admin_pages_are_not_for_other_roles(app_db: Engine) -> None:
    at = app(actor=MANAGER_B2, lang="en").run()
    for page in ("users", "settings"):
        with pytest.raises(ValueError, match="Could not find a navigation page"):
            at.switch_page(str(PAGES / f"{page}.py"))


def test_settings_page_gives_a_product_its_own_floors_and_refuses_a_non_rising_triple(app_db: Engine) -> None:
    from db.models import Product

    def stored() -> dict[str, str | None]:
        with app_db.connect() as conn:
            return dict(conn.execute(select(Product.product_id, Product.dpd_floors)).all())

    at = _page("settings")
    assert not at.exception
    at.selectbox(key="product_floors_product").set_value("P1")
    at.text_input(key="product_floors_dpd_floors").input("120/180/180")
    next(b for b in at.button if b.label == "Save the product's floors").click().run()
    assert [e.value for e in at.error] == [
        "1 field(s) need correcting; nothing was saved",
        "The DPD floors must rise: substandard < doubtful < loss",
    ]
    assert stored() == {"P1": None, "P2": None}
    at.text_input(key="product_floors_dpd_floors").input("90/120/180")
    next(b for b in at.button if b.label == "Save the product's floors").click().run()
    assert not at.exception
    assert stored() == {"P1": "90/120/180", "P2": None}
    shown = at.dataframe[1].value.set_index("product_id")
    assert shown.loc[["P1", "P2"], "effective"].tolist() == ["90/120/180", "90/270/360"]
    assert load_config(app_db).floors("P1") == (90, 120, 180)
    with app_db.connect() as conn:
        audit = conn.execute(
            select(AuditEntry.action, AuditEntry.after).where(AuditEntry.table_name == "products")
        )
        assert audit.all() == [("update", '{"dpd_floors": "90/120/180"}')]


def test_settings_page_sets_a_day_of_the_working_day_calendar(app_db: Engine) -> None:
    at = _page("settings")
    assert not at.exception
    # The demo's today is past the package's last year soon enough: the page says when days are missing.
    with app_db.connect() as conn:
        missing = calendar_gap(conn, clock.today())
    assert bool(missing) == any("working-day calendar" in w.value for w in at.warning)
    at.date_input(key="calendar_date").set_value(date(2025, 10, 9))
    at.checkbox(key="calendar_is_workday").uncheck()
    next(b for b in at.button if b.label == "Save the day").click().run()
    assert not at.exception and not at.error
    with app_db.connect() as conn:
        assert add_workdays(conn, date(2025, 9, 30), 1).day == date(2025, 10, 10)
