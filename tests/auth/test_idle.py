"""Idle expiry across tabs (dashboard.auth.idle), without Streamlit: a sign-in stays alive while any of its
tabs is active, ends after POSTLOAN_IDLE_MINUTES without activity, and its cookie is re-issued while it is
active, so its expiry slides."""

from __future__ import annotations

from dashboard.auth.idle import (
    COOKIE_REFRESH_SECONDS,
    COOKIE_RETRY_SECONDS,
    Activity,
    expired,
    refresh_seconds,
)

MINUTE = 60.0
IDLE = 30 * MINUTE
T = 1_800_000_000.0


class Browser:
    """One sign-in as the server sees it: the register, each tab's own last run, and the cookie's expiry
    (the instant the last issued cookie stops letting a new tab in)."""

    def __init__(self, activity: Activity, at: float) -> None:
        self.activity = activity
        self.tabs: dict[str, float] = {}
        self.cookie_expires = 0.0
        self.open_tab("first", at, signing_in=True)

    def _run(self, tab: str, at: float, force: bool = False) -> None:
        self.tabs[tab] = at
        self.activity.seen("sid", at, IDLE)
        if self.activity.claim_cookie("sid", at, IDLE, force=force):
            self.cookie_expires = at + IDLE

    def open_tab(self, tab: str, at: float, signing_in: bool = False) -> bool:
        """A new tab: let in by the cookie while it has not expired (the form otherwise)."""
        if not signing_in and at >= self.cookie_expires:
            return False
        self._run(tab, at, force=signing_in)
        return True

    def click(self, tab: str, at: float) -> bool:
        """A script run in an open tab: False when the sign-in had expired (the tab is signed out)."""
        last = max(self.tabs[tab], self.activity.last_seen("sid") or 0.0)
        if expired(last, at, IDLE):
            del self.tabs[tab]
            return False
        self._run(tab, at)
        return True


def test_active_at_t_t25_t50_keeps_the_session_and_a_new_tab_is_let_in() -> None:
    browser = Browser(Activity(), T)
    assert browser.click("first", T + 25 * MINUTE)
    # A drill-down opened in a new tab during a long meeting, 50 minutes after signing in.
    assert browser.open_tab("drill-down", T + 50 * MINUTE)
    assert browser.click("first", T + 50 * MINUTE)
    assert browser.click("drill-down", T + 75 * MINUTE)


def test_idle_31_minutes_ends_it_in_every_tab_and_for_new_tabs() -> None:
    browser = Browser(Activity(), T)
    assert browser.click("first", T + 25 * MINUTE)
    assert browser.open_tab("second", T + 26 * MINUTE)
    later = T + 26 * MINUTE + 31 * MINUTE
    assert not browser.click("first", later)
    assert not browser.click("second", later)
    assert not browser.open_tab("third", later)


def test_a_tab_left_idle_while_another_is_active_stays_signed_in() -> None:
    browser = Browser(Activity(), T)
    assert browser.open_tab("second", T + 20 * MINUTE)
    assert browser.click("second", T + 40 * MINUTE)
    # The first tab has not run for 45 minutes, the sign-in only for 5.
    assert browser.click("first", T + 45 * MINUTE)


def test_a_new_tab_is_let_in_until_the_idle_time_less_at_most_one_refresh() -> None:
    browser = Browser(Activity(), T)
    for minute in range(1, 11):
        assert browser.click("first", T + minute * MINUTE - 1)
    last = T + 10 * MINUTE - 1
    assert browser.open_tab("late", last + IDLE - COOKIE_REFRESH_SECONDS - 1)
    assert not Browser(Activity(), T).open_tab("after", T + IDLE)


def test_the_cookie_is_reissued_at_most_once_a_refresh_and_at_once_when_forced() -> None:
    activity = Activity()
    assert activity.claim_cookie("s", T, IDLE)
    assert not activity.claim_cookie("s", T + 59, IDLE)  # another tab's run within the minute
    assert activity.claim_cookie("s", T + 59, IDLE, force=True)
    assert activity.claim_cookie("s", T + 59 + COOKIE_REFRESH_SECONDS, IDLE)
    assert refresh_seconds(2 * MINUTE) == 30  # a very short idle time refreshes more often


def test_a_cookie_the_browser_has_not_reported_is_issued_again_after_a_few_seconds() -> None:
    activity = Activity()
    assert activity.claim_cookie("s", T, IDLE)
    assert not activity.claim_cookie("s", T + COOKIE_RETRY_SECONDS - 1, IDLE, confirmed=False)
    assert activity.claim_cookie("s", T + COOKIE_RETRY_SECONDS, IDLE, confirmed=False)
    # Once the browser reports it, the minute's refresh applies again.
    assert not activity.claim_cookie("s", T + COOKIE_RETRY_SECONDS + 1, IDLE, confirmed=True)


def test_expired_sign_ins_are_dropped_and_a_seeded_session_never_expires() -> None:
    activity = Activity()
    activity.seen("old", T, IDLE)
    activity.seen("new", T + IDLE + 1, IDLE)
    assert activity.last_seen("old") is None
    assert activity.last_seen("new") == T + IDLE + 1
    assert not expired(None, T + 10 * IDLE, IDLE)
    assert not expired(T, T + IDLE, IDLE)
    assert expired(T, T + IDLE + 1, IDLE)
