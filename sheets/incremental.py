"""Incremental reload: keep each spreadsheet's parse with its change token; a reload asks the
store which spreadsheets changed (one cheap call), re-reads and re-parses only those, then
resolves versions and scope across all of them exactly as a full load does (same code:
``sheets.load._load``), so the Dataset is the one a full load would give at the same clock.

A parse is kept only when it can be trusted to match its token: the token is taken BEFORE the
read (a change landing in between makes the next token differ, so it is read again), an
unreadable spreadsheet is kept only when the store says it is absent (anything else may be a
passing failure and is asked again; the store's own cache answers that cheaply), and a read
served from the last good copy during an outage is not kept.
"""

from __future__ import annotations

import threading
from dataclasses import dataclass, field

from sheets.gcpause import gc_paused
from sheets.load import Dataset, SheetParse, StepMemo, _load, parse_sheet
from sheets.parse import ParsedColumns
from sheets.stores.base import ABSENT, Store, VersionLookup, version_lookup


@dataclass
class ReloadStats:
    """What the last reload did (for tests, benchmarks and the data banner)."""

    asked: int = 0  # spreadsheets whose token was asked
    read: list[str] = field(default_factory=list)  # spreadsheets read again
    kept: int = 0  # spreadsheets whose kept parse was used


class Loader:
    """Loads a store again and again, re-reading only what changed. Thread-safe."""

    def __init__(self, store: Store) -> None:
        self.store = store
        self._kept: dict[str, tuple[str, SheetParse]] = {}
        self._linked: list[str] = []  # the spreadsheets the last load linked, for one token call
        self._lock = threading.Lock()
        self.stats = ReloadStats()
        self.tokens: dict[str, str] | None = None  # the tokens the last load was built from
        # tokens asked by ``changed`` and the lookup they came from, used by the next load
        self._pending: tuple[VersionLookup, dict[str, str]] | None = None
        self._memo = StepMemo()  # the steps of the last load, reused where their inputs are

    def load(self) -> Dataset:
        with self._lock, gc_paused():
            return self._reload()

    def _reload(self) -> Dataset:
        stats = ReloadStats()
        registry = self.store.registry
        pending, self._pending = self._pending, None
        tokens: dict[str, str] | None
        if pending is None:
            lookup = version_lookup(self.store)
            tokens = lookup([registry, *self._linked])
        else:
            lookup, tokens = pending
        stats.asked = 0 if tokens is None else len(tokens)
        used: dict[str, str | None] = {}

        def fetch(names: list[str], config_allowed: bool) -> list[SheetParse]:
            nonlocal tokens
            if tokens is not None:
                missing = [n for n in names if n not in tokens]
                if missing:  # newly linked spreadsheets (Google Sheets: from the same files.list)
                    more = lookup(missing)
                    if more is None:
                        tokens = None
                    else:
                        tokens.update(more)
                        stats.asked += len(more)
            out: dict[str, SheetParse] = {}
            todo: list[str] = []
            for n in names:
                tok = tokens.get(n) if tokens is not None else None
                kept = self._kept.get(n)
                if tok is not None and kept is not None and kept[0] == tok:
                    out[n] = kept[1]
                    stats.kept += 1
                else:
                    todo.append(n)
                used[n] = tok
            if todo:
                reads = self.store.read(todo)
                stale = set(getattr(self.store, "stale_sheets", dict)())
                for r in reads:
                    sp = parse_sheet(r, config_allowed)
                    before = self._kept.get(r.name)
                    if before is not None:
                        _keep_same_tabs(before[1], sp)
                    out[r.name] = sp
                    stats.read.append(r.name)
                    tok = tokens.get(r.name) if tokens is not None else None
                    trusted = tok is not None and r.name not in stale and (r.error is None or tok == ABSENT)
                    if trusted:
                        assert tok is not None
                        self._kept[r.name] = (tok, sp)
                    else:
                        self._kept.pop(r.name, None)
            return [out[n] for n in names]

        ds = _load(self.store, fetch, self._memo)
        self._linked = [n for n in ds.sheets if n != registry]
        for n in [n for n in self._kept if n not in used]:  # no longer linked
            del self._kept[n]
        self.stats = stats
        self.tokens = {n: t for n, t in used.items() if t is not None} if tokens is not None else None
        return ds

    def forget(self) -> None:
        """Drop every kept parse: the next load reads everything again ("Làm mới")."""
        with self._lock:
            self._kept.clear()
            self._pending = None
            self._memo = StepMemo()

    def token(self) -> str | None:
        """One text naming the data of the last load (None when the store cannot tell):
        two app servers over one store that loaded the same data give the same text."""
        return _joined(self.tokens)

    def changed(self) -> bool | None:
        """Whether the store changed since the last load, asked now (one cheap call); None when
        the store cannot tell. The tokens asked serve the next load, so a reload after a
        change costs this call plus the reads of what changed, and nothing more."""
        with self._lock:
            names = [self.store.registry, *self._linked]
            lookup = version_lookup(self.store)
            tokens = lookup(names)
            if tokens is None or self.tokens is None:
                return None
            self._pending = (lookup, tokens)
            return any(self.tokens.get(n) != t for n, t in tokens.items())


def _keep_same_tabs(before: SheetParse, after: SheetParse) -> None:
    """A spreadsheet read again after a write usually changed in one tab: its other tabs take
    their earlier parse objects back, so the load's kept steps for them still apply."""
    for name, parts in after.parts.items():
        old = before.parts.get(name)
        if old is not None and len(old) == len(parts) and all(map(_same_parse, old, parts)):
            after.parts[name] = old


def _same_parse(a: ParsedColumns, b: ParsedColumns) -> bool:
    try:
        return a.tab is b.tab and a.skipped == b.skipped and a.positions == b.positions and a.columns == b.columns
    except (TypeError, ValueError):  # a value without a plain truth (pd.NA, an array): not the same
        return False


def _joined(tokens: dict[str, str] | None) -> str | None:
    if tokens is None:
        return None
    return "|".join(f"{n}={t}" for n, t in sorted(tokens.items()))
