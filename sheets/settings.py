"""The app's ``secrets.toml``, read without Streamlit, so the CLI sees what the app sees.

Streamlit reads ``~/.streamlit/secrets.toml`` and then ``.streamlit/secrets.toml`` in the
working directory (later files win, section by section), or the files listed in its
``secrets.files`` option; ``STREAMLIT_SECRETS_FILES`` (paths separated by spaces) sets that
option for ``streamlit run`` and for ``tdkt`` alike (deploy/tdkt.service uses it to keep the
secrets outside the repository).
"""

from __future__ import annotations

import os
import tomllib
from collections.abc import Mapping
from pathlib import Path
from typing import Any

from sheets.errors import SourceError


def secrets_files() -> list[Path]:
    env = os.environ.get("STREAMLIT_SECRETS_FILES", "").split()
    if env:
        return [Path(p).expanduser() for p in env]
    return [Path.home() / ".streamlit" / "secrets.toml", Path.cwd() / ".streamlit" / "secrets.toml"]


def load_secrets() -> dict[str, Any]:
    """Every secrets file that exists, merged like Streamlit (a later file's top-level key
    replaces an earlier one's). A file that is not valid TOML is an error naming it."""
    merged: dict[str, Any] = {}
    for path in secrets_files():
        if not path.is_file():
            continue
        try:
            merged.update(tomllib.loads(path.read_text(encoding="utf-8")))
        except (tomllib.TOMLDecodeError, UnicodeDecodeError) as exc:
            raise SourceError(f"Tệp cấu hình «{path}» không đúng định dạng TOML: {exc}") from exc
    return merged


def connection() -> Mapping[str, Any] | None:
    """The ``[connections.tdkt]`` table, or None."""
    conn = load_secrets().get("connections", {})
    tdkt = conn.get("tdkt") if isinstance(conn, Mapping) else None
    return tdkt if isinstance(tdkt, Mapping) else None
