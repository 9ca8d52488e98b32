"""Idle expiry across the tabs of one sign-in (POSTLOAN_IDLE_MINUTES).

A sign-in is one pass through the sign-in form; every tab of that browser shares it through the cookie, which
carries its id (the "sid" claim). Each tab is its own Streamlit session, so a tab cannot see another tab's
activity in its own session state: this process-wide register keeps, per sign-in, when any of its tabs last
ran a script and when its cookie was last issued. A tab left idle while the person works in another is
therefore still signed in when they come back to it, and the cookie is re-issued while they are active (its
expiry slides), so a new tab opened during a long meeting is let in by it.

Pure Python, no Streamlit, so the rules are tested on their own (tests/auth/test_idle.py).
"""

from __future__ import annotations

import time
from dataclasses import dataclass
from threading import Lock

# A cookie is re-issued at most this often: each issue is a component render (and one more script run) in
# the browser. A new tab is therefore let in while the last activity is less than the idle time ago, give
# or take this much: the cookie's expiry is counted from when it was issued, never beyond.
COOKIE_REFRESH_SECONDS = 60.0
# A cookie the browser has not reported back is issued again after this long: the component that writes it
# is dropped if another script run (a click to another page) replaces the run that drew it before the
# browser ran it, and a reload would then ask for the password.
COOKIE_RETRY_SECONDS = 3.0


def now() -> float:
    """Seconds since the epoch; one function, so the tests can move time on."""
    return time.time()


def expired(last_active: float | None, at: float, idle_seconds: float) -> bool:
    """Whether a session last active at last_active (None: never seen, e.g. a test's seeded session) has
    been idle longer than idle_seconds at time at."""
    return last_active is not None and at - last_active > idle_seconds


def refresh_seconds(idle_seconds: float) -> float:
    """How long a cookie goes before it is re-issued: a minute, less for a very short idle time."""
    return min(COOKIE_REFRESH_SECONDS, idle_seconds / 4)


@dataclass
class _SignIn:
    last_seen: float
    cookie_issued: float | None = None


class Activity:
    """Last activity and last cookie issue per sign-in, shared by the sessions of every tab (thread-safe:
    Streamlit runs each session's script in its own thread)."""

    def __init__(self) -> None:
        self._lock = Lock()
        self._sign_ins: dict[str, _SignIn] = {}

    def seen(self, sid: str, at: float, idle_seconds: float) -> None:
        """A tab of this sign-in ran a script at `at`; sign-ins idle for longer than idle_seconds are
        dropped on the way (they have expired and can only start again through the form)."""
        with self._lock:
            for other in [s for s, v in self._sign_ins.items() if at - v.last_seen > idle_seconds]:
                del self._sign_ins[other]
            entry = self._sign_ins.setdefault(sid, _SignIn(at))
            entry.last_seen = max(entry.last_seen, at)

    def last_seen(self, sid: str) -> float | None:
        with self._lock:
            entry = self._sign_ins.get(sid)
            return None if entry is None else entry.last_seen

    def claim_cookie(
        self, sid: str, at: float, idle_seconds: float, force: bool = False, confirmed: bool = True
    ) -> bool:
        """Whether this run should issue the sign-in's cookie: it never was (in this process), it was issued
        longer than refresh_seconds ago (COOKIE_RETRY_SECONDS when the browser has not `confirmed` it), or
        force. Recorded as issued at `at` when True, so two tabs running at once do not both issue it."""
        with self._lock:
            entry = self._sign_ins.setdefault(sid, _SignIn(at))
            issued = entry.cookie_issued
            wait = refresh_seconds(idle_seconds) if confirmed else COOKIE_RETRY_SECONDS
            if not force and issued is not None and at - issued < wait:
                return False
            entry.cookie_issued = at
            return True


ACTIVITY = Activity()
