"""Targets and thresholds (admin): the defaults of dashboard/config.py, what is set in the settings table,
and a form to set or reset one. A save bumps the data version, so every page uses the new value at once."""

from datetime import timedelta

import pandas as pd
import streamlit as st

from dashboard import clock
from dashboard.auth.settings import (
    NAMES,
    clear_setting,
    in_unit,
    meaning,
    product_floor_rows,
    set_dpd_floors,
    set_product_floors,
    set_setting,
    setting_rows,
    unit,
)
from dashboard.config import FLOORS
from dashboard.importer import ExtractInvalid
from dashboard.ui import forms
from dashboard.ui.data import engine
from dashboard.ui.i18n import language, t
from dashboard.ui.session import current_actor
from dashboard.ui.widgets import table
from dashboard.ui.workdays import calendar_notice
from dashboard.work.access import can
from dashboard.work.calendar_edit import set_workday, upload_calendar
from dashboard.workdays import calendar_rows

FORM = "setting"
FLOORS_FORM = "floors"
PRODUCT_FORM = "product_floors"
CALENDAR_FORM = "calendar"

actor = current_actor()
if actor is None:
    st.info(t("work.sign_in"))
    st.stop()
st.title(t("page.settings"))
if not can(actor, "admin"):
    st.error(t("admin.refused"))
    st.stop()
st.caption(t("admin.settings_intro"))

with engine().connect() as conn:
    rows = setting_rows(conn)
# Each setting by its name in the user's language, its unit, and its values in that unit (3%, not 0.03);
# the code last, for the CLI and the docs.
shown = pd.DataFrame(
    {
        "meaning": [meaning(name, language()) for name in rows["name"]],
        "unit": [t(f"admin.unit.{unit(name)}") for name in rows["name"]],
        **{
            column: [in_unit(name, value) for name, value in zip(rows["name"], rows[column], strict=True)]
            for column in ("default", "value", "effective")
        },
        "name": rows["name"],
    },
    dtype=object,
)
table(
    shown,
    "settings",
    column_config={
        "meaning": t("admin.col.name_setting"),
        "unit": t("admin.col.unit"),
        "default": t("admin.col.default"),
        "value": t("admin.col.value"),
        "effective": t("admin.col.effective"),
        "name": t("admin.col.code"),
    },
)

forms.notices(FORM)
token = forms.token(FORM)
# Labels worked out here, in the user's language, rather than inside format_func.
labels = {n: f"{meaning(n, language())} ({t(f'admin.unit.{unit(n)}')})" for n in NAMES}
with st.form(FORM, clear_on_submit=False):
    name = st.selectbox(
        t("admin.setting"),
        NAMES,
        format_func=labels.__getitem__,
        key=f"{FORM}_name",
    )
    forms.field_error(FORM, "name")
    # In a form the label cannot follow the setting chosen: the unit is in each setting's label.
    value = st.text_input(t("admin.value"), help=t("admin.value_help"), key=f"{FORM}_value")
    forms.field_error(FORM, "value")
    left, right = st.columns(2)
    saved = left.form_submit_button(t("admin.save_setting"), type="primary")
    reset = right.form_submit_button(t("admin.reset_setting"))
if saved:
    forms.outcome(FORM, lambda: set_setting(engine(), actor, name, value, token, typed=True))
if reset:
    forms.outcome(FORM, lambda: clear_setting(engine(), actor, name, token))

# The three floors in one save: one at a time, a rising triple could be refused on the way (DOMAIN rule 12).
st.subheader(t("admin.floors"))
st.caption(t("admin.floors_intro"))
forms.notices(FLOORS_FORM)
floors_token = forms.token(FLOORS_FORM)
effective = rows.set_index("name")["effective"]
with st.form(FLOORS_FORM, clear_on_submit=False):
    for column, floor in zip(st.columns(len(FLOORS)), FLOORS, strict=True):
        with column:
            st.text_input(meaning(floor, language()), value=effective[floor], key=f"{FLOORS_FORM}_{floor}")
            forms.field_error(FLOORS_FORM, floor)
    saved_floors = st.form_submit_button(t("admin.save_floors"), type="primary")
if saved_floors:
    typed = {floor: st.session_state[f"{FLOORS_FORM}_{floor}"] for floor in FLOORS}
    forms.outcome(FLOORS_FORM, lambda: set_dpd_floors(engine(), actor, typed, floors_token))

# Per product (DOMAIN section 5, products.dpd_floors): a credit card's 90/120/180 beside the default.
st.subheader(t("admin.product_floors"))
st.caption(t("admin.product_floors_intro"))
with engine().connect() as conn:
    products = product_floor_rows(conn)
table(
    products,
    "product_floors",
    column_config={
        "product_id": t("admin.col.product"),
        "name": t("admin.col.product_name"),
        "dpd_floors": t("admin.col.dpd_floors"),
        "effective": t("admin.col.floors_effective"),
    },
)
forms.notices(PRODUCT_FORM)
product_token = forms.token(PRODUCT_FORM)
product_names = dict(zip(products["product_id"], products["name"], strict=True))
with st.form(PRODUCT_FORM, clear_on_submit=False):
    product = st.selectbox(
        t("admin.product"),
        list(product_names),
        format_func=lambda p: f"{p} — {product_names[p]}",
        key=f"{PRODUCT_FORM}_product",
    )
    forms.field_error(PRODUCT_FORM, "product")
    st.text_input(t("admin.product_floors_value"), key=f"{PRODUCT_FORM}_dpd_floors")
    forms.field_error(PRODUCT_FORM, "dpd_floors")
    saved_product = st.form_submit_button(t("admin.save_product_floors"), type="primary")
if saved_product and product is not None:
    typed_floors = st.session_state[f"{PRODUCT_FORM}_dpd_floors"]
    forms.outcome(
        PRODUCT_FORM, lambda: set_product_floors(engine(), actor, product, typed_floors, product_token)
    )

# The working-day calendar (issue 17): every working-day deadline reads it.
st.subheader(t("admin.calendar"))
st.caption(t("admin.calendar_intro"))
calendar_notice()
shown_from = st.date_input(t("admin.calendar_from"), value=clock.today(), key="calendar_from")
with engine().connect() as conn:
    days = pd.DataFrame(calendar_rows(conn, shown_from, shown_from + timedelta(days=42)))
if not days.empty:
    days.insert(1, "weekday", [t(f"weekday.{d.weekday()}") for d in days["date"]])
table(
    days,
    "calendar",
    column_config={
        "date": t("admin.calendar_day"),
        "weekday": t("admin.col.weekday"),
        "is_workday": st.column_config.CheckboxColumn(t("admin.calendar_is_workday")),
    },
)
forms.notices(CALENDAR_FORM)
calendar_token = forms.token(CALENDAR_FORM)
with st.form(CALENDAR_FORM, clear_on_submit=False):
    day = st.date_input(t("admin.calendar_day"), value=None, key=f"{CALENDAR_FORM}_date")
    forms.field_error(CALENDAR_FORM, "date")
    working = st.checkbox(t("admin.calendar_is_workday"), key=f"{CALENDAR_FORM}_is_workday")
    saved_day = st.form_submit_button(t("admin.calendar_save"), type="primary")
if saved_day:
    forms.outcome(CALENDAR_FORM, lambda: set_workday(engine(), actor, day, working, calendar_token))
uploaded = st.file_uploader(t("admin.calendar_file"), type=["csv"], key="calendar_file")
if uploaded is not None and st.button(t("admin.calendar_import"), key="calendar_import"):
    try:
        done = upload_calendar(engine(), actor, uploaded.getvalue(), forms.token("calendar_upload"))
        st.success(t("admin.calendar_imported", rows=done.changes[0].after["rows"] if done.changes else 0))
    except ExtractInvalid as exc:
        st.error("\n\n".join(str(problem) for problem in exc.problems), icon=":material/error:")
