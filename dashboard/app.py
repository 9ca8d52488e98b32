"""Streamlit entry point (`streamlit run dashboard/app.py`): sign-in, then the global filters and the
navigation of the signed-in user's role.

It lives apart from pages/ on purpose: a pages/ folder beside the entry script is auto-discovered by
Streamlit, and a deep link would then run a page without the filters and without sign-in. Here a page not
in the role's list is not given to st.navigation at all, so no URL reaches its script: its URL path opens a
stand-in that says, in the user's language, that the page is not for their role (Streamlit's own answer to
an unknown path is an English "Page not found" dialog).

Every page of the role is served at its own path (/overview, /overdue...): Streamlit serves the default
page at the root only, so the default is a hidden second entry of the role's first page, and the root runs
that page's script too.
"""

from collections.abc import Callable

import streamlit as st

from dashboard.auth import signin
from dashboard.ui.errors import guarded
from dashboard.ui.filters import render_sidebar
from dashboard.ui.i18n import t
from dashboard.ui.pages import PAGES, PAGES_DIR, PageSpec, for_role, reads_filters

st.set_page_config(page_title="postloan 贷后管理", page_icon="🏦", layout="wide")


def main() -> None:
    auth = signin.authenticator(signin.require_cookie_key())
    actor = signin.signed_in(auth)
    if actor is None:
        st.stop()
    signin.user_box(auth, actor)
    pages = for_role(actor.role)
    if not pages:
        st.error(t("auth.no_pages", role=actor.role))
        st.stop()
    render_sidebar(actor, filters=reads_filters(pages))
    entries = [
        st.Page(
            PAGES_DIR / page.file,
            title=t(page.title_key),
            icon=page.icon,
            url_path=page.url_path,
            visibility="hidden" if page.hidden else "visible",
        )
        for page in pages
    ]
    start = entries[0]

    def not_for_role(page: PageSpec) -> Callable[[], None]:
        def refuse() -> None:
            st.title(t("auth.not_for_role_title"))
            st.warning(
                t("auth.not_for_role", page=t(page.title_key), role=t(f"auth.role.{actor.role}")),
                icon=":material/block:",
            )
            st.page_link(start, label=t("auth.to_start", page=start.title), icon=start.icon)

        return refuse

    home = st.Page(
        PAGES_DIR / pages[0].file,
        title=start.title,
        icon=start.icon,
        url_path="start",  # never shown: the default page is served at the root
        default=True,
        visibility="hidden",
    )
    outside = [
        st.Page(not_for_role(page), title=t(page.title_key), url_path=page.url_path, visibility="hidden")
        for page in PAGES
        if page not in pages
    ]
    # A risk manager has 14 pages: all of them in the menu, not "view 4 more". The stand-ins are hidden.
    navigation = st.navigation([*entries, home, *outside], expanded=True)
    asked_for = signin.next_page()
    for entry in entries:
        # Signed in through the form from a deep link: open the page the link named (if the role has it).
        if asked_for and entry.url_path == asked_for != navigation.url_path:
            st.switch_page(entry, query_params=st.query_params.to_dict())
    # A page slower than half a second says so in the user's language at its top (Streamlit's own status
    # in the toolbar stays in English: it is not ours to translate).
    with st.spinner(t("app.loading")):
        navigation.run()


# Every failure, of the sign-in or of a page, is a message with a reference; the detail goes to the log.
guarded(main)
