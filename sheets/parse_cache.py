"""Each spreadsheet's parse kept on disk with its change token, so a restarted app server (a
deploy, a crash, a second server on the same machine) asks Google Drive what changed instead of
reading and parsing the whole province again: one ``files.list`` request of the read quota
instead of one request per spreadsheet, and the time of unpickling instead of parsing.

Only stores whose tokens name the same cells in every process and forever use it
(``parse_cache_scope``: Google Sheets, whose token is Drive's ``modifiedTime`` of a spreadsheet
id). SQLite and PostgreSQL tokens are counters that start again when a file or database is
made anew, so a kept parse could match a token of different cells; they are not kept.

An entry is used only when its token, its scope and the parsing code (a hash of the ``sheets``
package's sources and of pandas' and numpy's versions) are the ones asked; anything else,
a damaged file included, is a miss and the spreadsheet is read as without the cache. Files are
written whole (a temp file, then a rename), so a server killed mid-write leaves no half entry.
The folder holds pickles the app loads: it must be writable by the app's user only (it is
made with mode 0700).
"""

from __future__ import annotations

import hashlib
import os
import pickle
import tempfile
from functools import cache
from pathlib import Path
from typing import TYPE_CHECKING, Any

if TYPE_CHECKING:
    from sheets.load import SheetParse

CACHE_ENV = "TDKT_PARSE_CACHE"  # a folder, or "off"


@cache
def code_version() -> str:
    """Changes whenever the code that parses (or the libraries whose values it keeps) does."""
    import numpy as np
    import pandas as pd

    h = hashlib.sha256(f"{pd.__version__} {np.__version__}".encode())
    for path in sorted(Path(__file__).parent.rglob("*.py")):  # the stores turn cells into values too
        h.update(path.name.encode())
        h.update(path.read_bytes())
    return h.hexdigest()[:16]


def default_directory() -> Path | None:
    """``TDKT_PARSE_CACHE`` (``off``: no cache), else ``~/.cache/tdkt/parses``."""
    env = os.environ.get(CACHE_ENV, "").strip()
    if env.lower() == "off":
        return None
    return Path(env).expanduser() if env else Path.home() / ".cache" / "tdkt" / "parses"


class ParseCache:
    def __init__(self, directory: Path, scope: str) -> None:
        self.directory = directory
        self.scope = scope

    def _path(self, name: str) -> Path:
        digest = hashlib.sha256(f"{self.scope}\0{name}".encode()).hexdigest()[:32]
        return self.directory / f"{digest}.pickle"

    def has(self, name: str) -> bool:
        return self._path(name).is_file()

    def get(self, name: str, token: str) -> SheetParse | None:
        path = self._path(name)
        try:
            with path.open("rb") as f:
                head = pickle.load(f)
                if head != (code_version(), self.scope, name, token):
                    return None
                sp: Any = pickle.load(f)
        except FileNotFoundError:
            return None
        except Exception:  # damaged, or written by other code: a miss, and drop it
            path.unlink(missing_ok=True)
            return None
        if getattr(sp, "name", None) != name:
            return None
        sp.tab_marks = {}  # a store's tab marks count within one process: another's may repeat them
        return sp  # type: ignore[no-any-return]

    def put(self, name: str, token: str, sp: SheetParse) -> None:
        """Keep ``sp`` for ``token``; a failure (a full disk, no rights) only loses the cache."""
        try:
            self.directory.mkdir(parents=True, exist_ok=True, mode=0o700)
            fd, tmp = tempfile.mkstemp(dir=self.directory, suffix=".tmp")
            try:
                with os.fdopen(fd, "wb") as f:
                    pickle.dump((code_version(), self.scope, name, token), f, protocol=5)
                    pickle.dump(sp, f, protocol=5)
                os.replace(tmp, self._path(name))
            except BaseException:
                Path(tmp).unlink(missing_ok=True)
                raise
        except Exception:
            pass

    def drop(self, name: str) -> None:
        self._path(name).unlink(missing_ok=True)
