"""What a save can refuse. Messages are translation keys (dashboard/terms) with their values, so a form
shows them in the user's language and the CLI and bulk upload in English."""

from __future__ import annotations

from collections.abc import Callable

from dashboard.i18n import translate

Message = tuple[str, dict[str, object]]  # (term key, values for its placeholders)
# What a page applies to each text value of a message before it is put in (the Markdown escape of
# dashboard.auth.text.plain): a value may be what the user typed or the link carried.
Escape = Callable[[str], str]


def _values(values: dict[str, object], escape: Escape | None) -> dict[str, object]:
    if escape is None:
        return values
    return {name: escape(v) if isinstance(v, str) else v for name, v in values.items()}


def message(key: str, **values: object) -> Message:
    return key, values


class WorkError(Exception):
    """A save refused as a whole; nothing was written."""

    def __init__(self, key: str, **values: object) -> None:
        self.key, self.values = key, values
        super().__init__(translate(key, "en", **values))

    def text(self, language: str, escape: Escape | None = None) -> str:
        return translate(self.key, language, **_values(self.values, escape))


class FormInvalid(WorkError):
    """Field -> what is wrong with it. The form shows each message next to its field."""

    def __init__(self, errors: dict[str, Message]) -> None:
        self.errors = errors
        Exception.__init__(
            self, "; ".join(f"{field}: {translate(k, 'en', **v)}" for field, (k, v) in errors.items())
        )
        self.key, self.values = "work.err.form_invalid", {"count": len(errors)}

    def field_texts(self, language: str, escape: Escape | None = None) -> dict[str, str]:
        return {field: translate(k, language, **_values(v, escape)) for field, (k, v) in self.errors.items()}


class NotAllowed(WorkError):
    """The user's role or scope does not cover this record or action."""


class StaleRecord(WorkError):
    """Someone else saved the record after this user opened it (optimistic locking)."""
