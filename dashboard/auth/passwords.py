"""What a new password must be (issue 22): at least MIN_LENGTH characters, not on the list of passwords
leaked in breaches, and not easy to guess from common words, names, keyboard patterns, sequences, repeats,
dates or the user's own username and name.

The lists are those shipped in the zxcvbn package (Dropbox's estimator; its `passwords` list is the
30,000 most frequent of a breach corpus of ten million, with English words, names and film and TV words
beside it): nothing is looked up over the network. A password passes when zxcvbn's estimate is at least
MIN_SCORE, about 10^8 guesses (its "safely unguessable"): against bcrypt that is years of one core.

zxcvbn() keeps the user's inputs in a module-level dictionary shared by every caller; the dashboard runs
each session on a thread of its own, so the matching here builds its own copy for each check instead.
"""

from __future__ import annotations

import re
from collections.abc import Iterable
from typing import Any

from zxcvbn import matching, scoring
from zxcvbn.time_estimates import estimate_attack_times

from dashboard.work.errors import Message, message

MIN_LENGTH = 12
MAX_BYTES = 72  # bcrypt ignores (bcrypt 5: refuses) anything longer
MIN_SCORE = 3  # zxcvbn's 0-4 scale: 3 is at least 10^8 guesses
BREACHED = "passwords"  # zxcvbn's list of passwords from breaches
WORD_LISTS = ("english_wikipedia", "female_names", "male_names", "surnames", "us_tv_and_film")
# The weakness named when a password scores too low, in this order: the first found among the parts
# zxcvbn split the password into. Its own user's details come first, a common password next.
WEAKNESSES = (
    "user_inputs",
    BREACHED,
    "spatial",
    "repeat",
    "sequence",
    "date",
    "words",
)
_PARTS = re.compile(r"[\s._@-]+")
MIN_USER_WORD = 4  # a shorter username ("o1", "aud") is found inside too many good passwords


def _user_words(user_inputs: Iterable[str | None]) -> list[str]:
    """The username and name, whole, run together and split into their parts ("wang.wei": "wang.wei",
    "wangwei", "wang", "wei")."""
    words: list[str] = []
    for given in user_inputs:
        if not given or not given.strip():
            continue
        whole = given.strip().lower()
        words += [whole, _PARTS.sub("", whole), *(part for part in _PARTS.split(whole) if len(part) >= 3)]
    return list(dict.fromkeys(word for word in words if word))


def _contains_user(password: str, user_inputs: Iterable[str | None]) -> bool:
    """Whether the password holds the username or the whole name (run together, any case): zxcvbn counts
    them as one guess each, which a long enough rest can outweigh, but a colleague guesses them first."""
    typed = _PARTS.sub("", password.lower())
    whole = (_PARTS.sub("", given.lower()) for given in user_inputs if given)
    return any(len(word) >= MIN_USER_WORD and word in typed for word in whole)


def _weakness(match: dict[str, Any]) -> str | None:
    pattern = match["pattern"]
    if pattern == "dictionary":
        name = match.get("dictionary_name")
        if name in ("user_inputs", BREACHED):
            return name
        return "words" if name in WORD_LISTS else None
    if pattern == "regex":  # zxcvbn's one regex is a recent year
        return "date"
    return pattern if pattern in WEAKNESSES else None


def estimate(password: str, user_inputs: Iterable[str | None] = ()) -> tuple[int, list[str]]:
    """zxcvbn's score (0-4) and the weaknesses of the parts it found, in WEAKNESSES order."""
    dictionaries = {
        **matching.RANKED_DICTIONARIES,
        "user_inputs": matching.build_ranked_dict(_user_words(user_inputs)),
    }
    matches = matching.omnimatch(password, dictionaries)
    result = scoring.most_guessable_match_sequence(password, matches)
    score = int(estimate_attack_times(result["guesses"])["score"])
    found = {_weakness(match) for match in result["sequence"]}
    return score, [weakness for weakness in WEAKNESSES if weakness in found]


def is_breached(password: str) -> bool:
    """Whether the password is, whole, on the breach list (which zxcvbn keeps in lower case)."""
    return password.lower() in matching.RANKED_DICTIONARIES[BREACHED]


def password_problem(password: str, user_inputs: Iterable[str | None] = ()) -> Message | None:
    """What is wrong with a new password, or None. user_inputs: the username and the person's name."""
    if len(password) < MIN_LENGTH:
        return message("admin.err.password_short", min=MIN_LENGTH)
    if len(password.encode()) > MAX_BYTES:
        return message("admin.err.password_long", max=MAX_BYTES)
    if password != password.strip():
        return message("admin.err.password_spaces")
    if is_breached(password):
        return message("admin.err.password_breached")
    if _contains_user(password, user_inputs):
        return message("admin.err.password_user_inputs")
    score, weaknesses = estimate(password, user_inputs)
    if score >= MIN_SCORE:
        return None
    return message(f"admin.err.password_{weaknesses[0]}" if weaknesses else "admin.err.password_guessable")
