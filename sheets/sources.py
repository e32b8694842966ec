"""Open a source named as on the command line: demo, sqlite:PATH, xlsx:PATH, gsheets:KEY,
postgresql://USER[:PASSWORD]@HOST[:PORT]/DB."""

from __future__ import annotations

import os
import tempfile
from pathlib import Path

from sheets.errors import SourceError
from sheets.stores.base import Store

REPO = Path(__file__).resolve().parents[1]
DEMO_SEED = 2020


def demo_path() -> Path:
    return Path(os.environ.get("TDKT_DEMO_PATH", str(REPO / "data" / "demo.sqlite")))


def build_demo_store(path: Path, *, scale: float = 1.0, seed: int = DEMO_SEED) -> Store:
    """Build the demo province into a fresh SQLite file, atomically."""
    from sheets.demo import build_demo
    from sheets.stores.sqlite import SqliteStore

    path.parent.mkdir(parents=True, exist_ok=True)
    fd, tmp = tempfile.mkstemp(prefix=".demo-", suffix=".sqlite", dir=path.parent)
    os.close(fd)
    os.unlink(tmp)
    store = SqliteStore(tmp)
    build_demo(store, seed=seed, scale=scale)
    close = getattr(store, "close", None)
    if callable(close):
        close()
    for suffix in ("-wal", "-shm"):
        Path(str(path) + suffix).unlink(missing_ok=True)
    os.replace(tmp, path)
    for suffix in ("-wal", "-shm"):
        Path(tmp + suffix).unlink(missing_ok=True)
    return SqliteStore(path)


def open_source(spec: str, *, credentials: str | None = None, create: bool = False) -> Store:
    """Open a store. ``create`` allows a new SQLite file or workbook folder (copy targets)."""
    spec = spec.strip()
    if spec == "demo":
        path = demo_path()
        if not path.exists():
            return build_demo_store(path)
        from sheets.stores.sqlite import SqliteStore

        return SqliteStore(path)
    if spec.startswith(("postgresql://", "postgres://")):
        from sheets.stores.postgres import PostgresStore

        return PostgresStore(spec)
    kind, _, rest = spec.partition(":")
    if not rest:
        raise SourceError(
            f"Nguồn dữ liệu «{spec}» không hợp lệ: dùng demo, sqlite:ĐƯỜNG_DẪN, xlsx:ĐƯỜNG_DẪN, gsheets:KHÓA hoặc postgresql://NGƯỜI_DÙNG@MÁY/CSDL."
        )
    if kind == "sqlite":
        from sheets.stores.sqlite import SqliteStore

        p = Path(rest)
        if not p.exists() and not create:
            raise SourceError(f"Không tìm thấy tệp SQLite «{rest}».")
        p.parent.mkdir(parents=True, exist_ok=True)
        return SqliteStore(p)
    if kind == "xlsx":
        from sheets.stores.xlsx import XlsxStore

        p = Path(rest)
        if p.is_dir() or (not p.suffix and create):
            p = p / "registry.xlsx"
        if not p.exists():
            if not create:
                raise SourceError(f"Không tìm thấy sổ tính đăng ký «{rest}».")
            p.parent.mkdir(parents=True, exist_ok=True)
        return XlsxStore(p)
    if kind == "gsheets":
        from sheets.stores.gsheets import GSheetsStore

        creds = credentials or os.environ.get("TDKT_SERVICE_ACCOUNT") or os.environ.get(
            "GOOGLE_APPLICATION_CREDENTIALS"
        )
        if not creds:  # the same secrets.toml as the app ([connections.tdkt])
            from sheets.settings import connection

            conn = connection()
            if conn and (conn.get("service_account_info") or conn.get("service_account_file")):
                return GSheetsStore.from_secrets({**conn, "spreadsheet": rest})
            raise SourceError(
                "Thiếu khóa tài khoản dịch vụ Google: dùng --credentials TỆP.json, biến môi trường "
                "TDKT_SERVICE_ACCOUNT, hoặc mục [connections.tdkt] của .streamlit/secrets.toml."
            )
        if not Path(creds).exists():
            raise SourceError(f"Không tìm thấy tệp khóa tài khoản dịch vụ «{creds}».")
        return GSheetsStore(rest, credentials_file=creds)
    raise SourceError(f"Loại nguồn «{kind}» không được hỗ trợ: dùng demo, sqlite:, xlsx:, gsheets: hoặc postgresql://.")
