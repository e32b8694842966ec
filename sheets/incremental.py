"""Incremental reload: keep each spreadsheet's parse with its change token; a reload asks the
store which spreadsheets changed (one cheap call), re-reads and re-parses only those, then
resolves versions and scope across all of them exactly as a full load does (same code:
``sheets.load._load``), so the Dataset is the one a full load would give at the same clock.

A parse is kept only when it can be trusted to match its token: the token is taken BEFORE the
read (a change landing in between makes the next token differ, so it is read again), an
unreadable spreadsheet is kept only when the store says it is absent (anything else may be a
passing failure and is asked again; the store's own cache answers that cheaply), and a read
served from the last good copy during an outage is not kept.

A spreadsheet this process wrote itself (the store's ``write_marks`` moved: Google Sheets) is
known to have changed without asking, so its read goes out together with Drive's
``files.list`` instead of after it: one round trip of waiting instead of two. That read is
not after the token, so it is used but not kept on its word: right after the load, one more
read of it (sent after the token's answer came, so it may be kept with that token) confirms
it in the background. When the two reads differ (somebody else's edit landed in between),
nothing is kept and the next check reloads it.
"""

from __future__ import annotations

import threading
from collections.abc import Sequence
from concurrent.futures import ThreadPoolExecutor
from dataclasses import dataclass, field
from pathlib import Path

from sheets.gcpause import gc_paused
from sheets.load import Dataset, SheetParse, StepMemo, _load, parse_sheet
from sheets.parse import ParsedColumns
from sheets.parse_cache import ParseCache
from sheets.stores.base import ABSENT, SheetRead, Store, VersionLookup, version_lookup

UNCONFIRMED = "?"  # a token no store gives: the next check sees a change


@dataclass
class ReloadStats:
    """What the last reload did (for tests, benchmarks and the data banner)."""

    asked: int = 0  # spreadsheets whose token was asked
    read: list[str] = field(default_factory=list)  # spreadsheets read again
    kept: int = 0  # spreadsheets whose kept parse was used
    from_disk: int = 0  # of which taken from the parse cache on disk
    early: list[str] = field(default_factory=list)  # read together with the token call (own writes)


class Loader:
    """Loads a store again and again, re-reading only what changed. Thread-safe."""

    def __init__(self, store: Store, cache_dir: Path | None = None) -> None:
        """``cache_dir``: keep parses on disk there too (``sheets.parse_cache``), where the
        store's tokens allow it."""
        self.store = store
        scope_fn = getattr(store, "parse_cache_scope", None)
        scope = scope_fn() if cache_dir is not None and scope_fn is not None else None
        self._disk = ParseCache(cache_dir, scope) if cache_dir is not None and scope else None
        self._skip_disk = False  # after "Làm mới": read everything, then keep the new parses
        self._kept: dict[str, tuple[str, SheetParse]] = {}
        self._parsed: dict[str, SheetParse] = {}  # each spreadsheet's last parse: its tabs by store mark
        self._linked: list[str] = []  # the spreadsheets the last load linked, for one token call
        self._lock = threading.Lock()
        self.stats = ReloadStats()
        self.tokens: dict[str, str] | None = None  # the tokens the last load was built from
        # tokens asked by ``changed``, the lookup they came from and the reads sent with them
        # (own writes), used by the next load
        self._pending: tuple[VersionLookup, dict[str, str] | None, dict[str, SheetRead]] | None = None
        self._memo = StepMemo()  # the steps of the last load, reused where their inputs are
        self._marks: dict[str, int] = {}  # the store's write marks when last asked
        self._confirming: threading.Thread | None = None
        self._revision = 0  # bumped when a confirming read found a change the early read missed

    def load(self) -> Dataset:
        self.settle()
        with self._lock, gc_paused():
            return self._reload()

    def settle(self) -> None:
        """Wait for the background read that confirms an early read (tests, benchmarks)."""
        t = self._confirming
        if t is not None:
            t.join()

    def _own_writes(self, names: Sequence[str]) -> list[str]:
        """The spreadsheets among ``names`` this process wrote since it last asked."""
        fn = getattr(self.store, "write_marks", None)
        if fn is None:
            return []
        marks: dict[str, int] = fn(list(names))
        moved = [n for n in names if n in self._kept and marks.get(n, 0) != self._marks.get(n, 0)]
        self._marks.update(marks)
        return moved

    def _ask(self, names: list[str]) -> tuple[VersionLookup, dict[str, str] | None, dict[str, SheetRead]]:
        """The tokens of ``names`` now, and the spreadsheets known to need a read (own writes; the
        registry when its parse is not kept: a cold load or "Làm mới") read at once."""
        written = self._own_writes(names)
        registry = self.store.registry
        if registry not in self._kept and registry not in written and hasattr(self.store, "write_marks") \
                and (self._disk is None or self._skip_disk or not self._disk.has(registry)):
            # a remote store (Google Sheets): the registry must be read anyway, and its read going
            # out with files.list saves a round trip; it is confirmed after the load like an own write
            written.insert(0, registry)
        if not written:
            lookup = version_lookup(self.store)
            return lookup, lookup(names), {}

        def ask() -> tuple[VersionLookup, dict[str, str] | None]:
            lk = version_lookup(self.store)
            return lk, lk(names)

        with ThreadPoolExecutor(max_workers=1) as pool:
            asked = pool.submit(ask)
            reads = self.store.read(written)
            lookup, tokens = asked.result()
        return lookup, tokens, {r.name: r for r in reads}

    def _reload(self) -> Dataset:
        stats = ReloadStats()
        registry = self.store.registry
        pending, self._pending = self._pending, None
        tokens: dict[str, str] | None
        if pending is None:
            lookup, tokens, early = self._ask([registry, *self._linked])
        else:
            lookup, tokens, early = pending
        stats.asked = 0 if tokens is None else len(tokens)
        used: dict[str, str | None] = {}
        confirm: list[tuple[str, str, SheetRead, SheetParse]] = []
        disk = None if self._skip_disk else self._disk
        self._skip_disk = False

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
            marks = getattr(self.store, "write_marks", None)
            if marks is not None:  # before the reads: a write after them moves the mark again
                self._marks.update(marks(names))
            out: dict[str, SheetParse] = {}
            todo: list[str] = []
            stale = set(getattr(self.store, "stale_sheets", dict)()) if early else set()
            for n in names:
                tok = tokens.get(n) if tokens is not None else None
                kept = self._kept.get(n)
                first = early.pop(n, None)
                if first is not None:  # read with the token call: used now, confirmed after the load
                    sp = parse_sheet(first, config_allowed, self._parsed.get(n))
                    if kept is not None:
                        _keep_same_tabs(kept[1], sp)
                    out[n] = sp
                    stats.read.append(n)
                    stats.early.append(n)
                    self._kept.pop(n, None)
                    if tok is not None and first.error is None and n not in stale:
                        confirm.append((n, tok, first, sp))
                elif tok is not None and kept is not None and kept[0] == tok:
                    out[n] = kept[1]
                    stats.kept += 1
                elif tok is not None and disk is not None and (got := disk.get(n, tok)) is not None:
                    out[n] = got
                    self._kept[n] = (tok, got)
                    stats.kept += 1
                    stats.from_disk += 1
                else:
                    todo.append(n)
                used[n] = tok
            if todo:
                reads = self.store.read(todo)
                stale = set(getattr(self.store, "stale_sheets", dict)())
                for r in reads:
                    sp = parse_sheet(r, config_allowed, self._parsed.get(r.name))
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
                        if self._disk is not None and r.error is None:
                            self._disk.put(r.name, tok, sp)
                    else:
                        self._kept.pop(r.name, None)
            self._parsed.update(out)
            return [out[n] for n in names]

        ds = _load(self.store, fetch, self._memo)
        self._linked = [n for n in ds.sheets if n != registry]
        for n in [n for n in self._kept if n not in used]:  # no longer linked
            del self._kept[n]
        for n in [n for n in self._parsed if n not in used]:
            del self._parsed[n]
        self.stats = stats
        self.tokens = {n: t for n, t in used.items() if t is not None} if tokens is not None else None
        if confirm:
            self._confirming = threading.Thread(target=self._confirm, args=(confirm,), daemon=True,
                                                name="tdkt-confirm-read")
            self._confirming.start()
        return ds

    def _confirm(self, items: list[tuple[str, str, SheetRead, SheetParse]]) -> None:
        """Read the early-read spreadsheets once more (after their tokens' answer, so this read
        may be kept with them): the same cells keep the early parse with its token; different
        cells (another edit landed between the two) keep nothing and mark the token, so the
        next check reloads and the generation moves."""
        names = [n for n, _, _, _ in items]
        try:
            for n in names:
                self.store.invalidate(n)  # the early read is in the store's cache: read anew
            again = {r.name: r for r in self.store.read(names)}
            stale = set(getattr(self.store, "stale_sheets", dict)())
        except Exception:  # a confirmation is an optimisation: the next check will read again
            again, stale = {}, set(names)
        with self._lock:
            for n, tok, first, sp in items:
                r = again.get(n)
                if self.tokens is None or self.tokens.get(n) != tok:
                    continue  # a later load moved on
                if r is not None and n not in stale and r.error is None and r.tabs == first.tabs \
                        and r.tab_ids == first.tab_ids:
                    self._kept[n] = (tok, sp)
                    if self._disk is not None:
                        self._disk.put(n, tok, sp)
                else:
                    self._kept.pop(n, None)
                    self.tokens[n] = UNCONFIRMED
                    self._revision += 1

    def forget(self) -> None:
        """Drop every kept parse: the next load reads everything again ("Làm mới")."""
        self.settle()
        with self._lock:
            self._kept.clear()
            self._parsed.clear()
            self._pending = None
            self._memo = StepMemo()
            self._skip_disk = True

    def token(self) -> str | None:
        """One text naming the data of the last load (None when the store cannot tell):
        two app servers over one store that loaded the same data give the same text."""
        joined = _joined(self.tokens)
        return joined if joined is None or not self._revision else f"{joined}#{self._revision}"

    def changed(self) -> bool | None:
        """Whether the store changed since the last load, asked now (one cheap call); None when
        the store cannot tell. The tokens asked serve the next load, so a reload after a
        change costs this call plus the reads of what changed, and nothing more (after this
        process's own write: those reads go out with this call, and one confirming read
        follows the load)."""
        self.settle()
        with self._lock, gc_paused():  # an early read decodes a spreadsheet's JSON (sheets.gcpause)
            names = [self.store.registry, *self._linked]
            lookup, tokens, early = self._ask(names)
            if tokens is None or self.tokens is None:
                self._pending = (lookup, tokens, early) if early else None
                return True if early else None
            self._pending = (lookup, tokens, early)
            return bool(early) or any(self.tokens.get(n) != t for n, t in tokens.items())


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
