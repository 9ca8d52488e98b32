"""Users (admin): who may sign in, with which role and over which loans; add, reset a password, disable,
enable, unlock. The same service as `postloan user`, audited; passwords only ever stored as hashes."""

import streamlit as st
from sqlalchemy import select

from dashboard.auth.users import (
    NewUser,
    add_user,
    list_users,
    new_password,
    reset_password,
    set_disabled,
    unlock,
)
from dashboard.ui import forms
from dashboard.ui.data import engine
from dashboard.ui.i18n import t
from dashboard.ui.session import current_actor
from dashboard.ui.widgets import table
from dashboard.work.access import can
from dashboard.work.allocation import record_departure
from dashboard.work.saving import Saved, save
from db.models import Agency, Branch, Staff
from db.models.enums import USER_ROLES

PASSWORD_ONCE = "_users_password_once"  # (form, username, password) until shown after the save

actor = current_actor()
if actor is None:
    st.info(t("work.sign_in"))
    st.stop()
st.title(t("page.users"))
if not can(actor, "admin"):
    st.error(t("admin.refused"))
    st.stop()
st.caption(t("admin.users_intro"))

# Read without the data-version cache: failed sign-ins change the counts without bumping it.
with engine().connect() as conn:
    users = list_users(conn)
    staff = {s: f"{n} ({s}, {r})" for s, n, r in conn.execute(select(Staff.staff_id, Staff.name, Staff.role))}
    agencies = {a: f"{n} ({a})" for a, n in conn.execute(select(Agency.agency_id, Agency.name))}
    branches = {b: f"{n} ({b})" for b, n in conn.execute(select(Branch.branch_id, Branch.name))}

# Names are typed by people: shown in dataframe cells, which never render Markdown or HTML.
table(
    users.assign(role=[t(f"auth.role.{r}") for r in users["role"]]),
    "users",
    column_config={name: t(f"admin.col.{name}") for name in users.columns}
    | {
        "disabled": st.column_config.CheckboxColumn(t("admin.col.disabled")),
        "locked_until": st.column_config.DatetimeColumn(
            t("admin.col.locked_until"), format="YYYY-MM-DD HH:mm"
        ),
    },
)


def pick(label: str, options: dict[str, str], key: str) -> str | None:
    labels = {None: t("admin.none")} | options
    return st.selectbox(label, [None, *sorted(options)], format_func=labels.__getitem__, key=key)


def show_password_once(form: str, saved: Saved | None) -> None:
    pending = st.session_state.get(PASSWORD_ONCE)
    if saved is None or pending is None or pending[0] != form:
        return
    st.session_state.pop(PASSWORD_ONCE)
    if not saved.duplicate:
        st.warning(t("admin.generated", username=pending[1]), icon=":material/key:")
        st.code(pending[2], language=None)


def submit(form: str, username: str, password: str, run) -> None:  # type: ignore[no-untyped-def]
    """Save with the typed password, or a generated one that is shown once after the save."""
    if not password:
        password = new_password()
        st.session_state[PASSWORD_ONCE] = (form, username, password)
    else:
        st.session_state.pop(PASSWORD_ONCE, None)
    forms.outcome(form, lambda: run(password))


add_tab, password_tab, access_tab, leave_tab = st.tabs(
    [t("admin.tab_add"), t("admin.tab_password"), t("admin.tab_access"), t("admin.tab_leave")]
)
with add_tab:
    show_password_once("user_add", forms.notices("user_add"))
    token = forms.token("user_add")
    with st.form("user_add", clear_on_submit=False):
        username = st.text_input(t("admin.username"), key="user_add_username").strip().lower()
        forms.field_error("user_add", "username")
        name = st.text_input(t("admin.name"), key="user_add_name")
        forms.field_error("user_add", "name")
        roles = {r: t(f"auth.role.{r}") for r in USER_ROLES}
        role = st.selectbox(t("admin.role"), USER_ROLES, format_func=roles.__getitem__, key="user_add_role")
        forms.field_error("user_add", "role")
        staff_id = pick(t("admin.staff"), staff, "user_add_staff")
        forms.field_error("user_add", "staff_id")
        agency_id = pick(t("admin.agency"), agencies, "user_add_agency")
        forms.field_error("user_add", "agency_id")
        branch_id = pick(t("admin.branch"), branches, "user_add_branch")
        forms.field_error("user_add", "branch_id")
        password = st.text_input(t("admin.password"), type="password", key="user_add_password")
        forms.field_error("user_add", "password")
        added = st.form_submit_button(t("work.submit"), type="primary")
    if added:
        submit(
            "user_add",
            username,
            password,
            lambda secret: add_user(
                engine(),
                actor,
                NewUser(username, name, role, secret, staff_id, agency_id, branch_id),
                token,
            ),
        )

names = {u: f"{n} ({u})" for u, n in zip(users["username"], users["name"], strict=True)}
with password_tab:
    show_password_once("user_password", forms.notices("user_password"))
    token = forms.token("user_password")
    with st.form("user_password", clear_on_submit=False):
        who = st.selectbox(t("admin.user"), list(names), format_func=names.get, key="user_password_user")
        password = st.text_input(t("admin.password"), type="password", key="user_password_password")
        forms.field_error("user_password", "password")
        reset = st.form_submit_button(t("work.submit"), type="primary")
    if reset and who:
        submit(
            "user_password", who, password, lambda secret: reset_password(engine(), actor, who, secret, token)
        )

with access_tab:
    forms.notices("user_access")
    token = forms.token("user_access")
    with st.form("user_access", clear_on_submit=False):
        who = st.selectbox(t("admin.user"), list(names), format_func=names.get, key="user_access_user")
        actions = {a: t(f"admin.action.{a}") for a in ("disable", "enable", "unlock")}
        action = st.radio(
            t("admin.action"),
            list(actions),
            format_func=actions.__getitem__,
            horizontal=True,
            key="user_access_action",
        )
        changed = st.form_submit_button(t("work.submit"), type="primary")
    if changed and who:
        if action == "unlock":
            forms.outcome("user_access", lambda: unlock(engine(), actor, who, token))
        else:
            forms.outcome(
                "user_access", lambda: set_disabled(engine(), actor, who, action == "disable", token)
            )

with leave_tab:
    st.caption(t("admin.leave_help"))
    forms.notices("staff_leave")
    token = forms.token("staff_leave")
    with st.form("staff_leave", clear_on_submit=False):
        member = st.selectbox(t("admin.staff"), sorted(staff), format_func=staff.get, key="staff_leave_staff")
        forms.field_error("staff_leave", "staff_id")
        left_on = st.date_input(t("admin.left_on"), value=None, key="staff_leave_on", **forms.ANY_DAY)
        forms.field_error("staff_leave", "left_on")
        leave = st.form_submit_button(t("work.submit"), type="primary")
    if leave and member:
        forms.outcome(
            "staff_leave",
            lambda: save(
                engine(),
                actor,
                token,
                lambda conn: record_departure(conn, actor, staff_id=member, left_on=left_on),
            ),
        )
