"""One base exception; messages are in Vietnamese so the UI and CLI can show them as they are."""

from __future__ import annotations


class TdktError(Exception):
    """Base of every error this package raises on purpose."""


class SourceError(TdktError):
    """A source cannot be opened or understood."""


class PermissionDenied(TdktError):
    """The actor may not write this record."""


class ValidationError(TdktError):
    """Rows offered for writing are not valid; ``problems`` says why, row by row."""

    def __init__(self, message: str, problems: list | None = None) -> None:  # type: ignore[type-arg]
        super().__init__(message)
        self.problems = problems or []


class WriteError(TdktError):
    """A write failed; the caller keeps the user's input and may retry."""


class PartialWriteError(WriteError):
    """A write spanning several spreadsheets stopped half-way: ``written`` (spreadsheet -> rows)
    landed, ``missing`` did not. Retrying with the same write id completes what is missing."""

    def __init__(self, message: str, *, write_id: str, written: dict[str, int], missing: dict[str, int]) -> None:
        super().__init__(message)
        self.write_id = write_id
        self.written = written
        self.missing = missing
