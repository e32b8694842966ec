"""A throw-away PostgreSQL cluster for the tests (Debian's ``postgresql`` package).

``initdb`` and ``pg_ctl`` refuse to run as root, so under root they run as the ``postgres``
user (``runuser``) in a temp folder it owns. The server listens on 127.0.0.1 at a free port
(password required: scram) and on a unix socket in that folder (trust), and is stopped when
the session ends. Without the binaries the tests skip, except under CI=true where that is a
failure.
"""

from __future__ import annotations

import contextlib
import glob
import itertools
import os
import shutil
import socket
import subprocess
import tempfile
from pathlib import Path

PASSWORD = "tdkt-test-pw"


def pg_bin() -> Path | None:
    found = sorted(glob.glob("/usr/lib/postgresql/*/bin/pg_ctl"))
    if found:
        return Path(found[-1]).parent
    which = shutil.which("pg_ctl")
    return Path(which).parent if which else None


def _free_port() -> int:
    with socket.socket() as s:
        s.bind(("127.0.0.1", 0))
        return int(s.getsockname()[1])


class Cluster:
    def __init__(self, bindir: Path) -> None:
        self.bindir = bindir
        self.root = Path(tempfile.mkdtemp(prefix="tdkt-pg-", dir="/tmp"))
        self.data = self.root / "data"
        self.port = _free_port()
        self.as_postgres = os.geteuid() == 0
        self.user = "postgres" if self.as_postgres else os.environ.get("USER", "postgres")
        self._names = itertools.count(1)

    def _run(self, *args: str) -> None:
        cmd = [str(self.bindir / args[0]), *args[1:]]
        if self.as_postgres:
            cmd = ["runuser", "-u", "postgres", "--", *cmd]
        subprocess.run(cmd, check=True, capture_output=True, timeout=120)

    def start(self) -> None:
        if self.as_postgres:
            shutil.chown(self.root, "postgres", "postgres")
        pwfile = self.root / "pw"
        pwfile.write_text(PASSWORD + "\n")
        if self.as_postgres:
            shutil.chown(pwfile, "postgres", "postgres")
        self._run("initdb", "-D", str(self.data), "-U", self.user, "--auth-local=trust",
                  "--auth-host=scram-sha-256", f"--pwfile={pwfile}", "-E", "UTF8", "--no-locale", "--no-sync")
        opts = (f"-c listen_addresses=127.0.0.1 -c port={self.port} -c unix_socket_directories={self.root} "
                "-c fsync=off -c synchronous_commit=off -c full_page_writes=off -c max_connections=200 "
                "-c shared_buffers=64MB")
        self._run("pg_ctl", "-D", str(self.data), "-o", opts, "-l", str(self.root / "log"), "-w", "start")

    def stop(self) -> None:
        with contextlib.suppress(subprocess.CalledProcessError):
            self._run("pg_ctl", "-D", str(self.data), "-m", "immediate", "-w", "stop")
        shutil.rmtree(self.root, ignore_errors=True)

    def socket_uri(self, db: str = "postgres") -> str:
        """Over the unix socket: no password needed."""
        return f"postgresql://{self.user}@/{db}?host={self.root}&port={self.port}"

    def tcp_uri(self, db: str = "postgres", *, password: bool = True) -> str:
        pw = f":{PASSWORD}" if password else ""
        return f"postgresql://{self.user}{pw}@127.0.0.1:{self.port}/{db}"

    def new_database(self) -> str:
        """A fresh, empty database; its name."""
        import psycopg

        name = f"t{next(self._names)}"
        with psycopg.connect(self.socket_uri(), autocommit=True) as conn:
            conn.execute(f"CREATE DATABASE {name}")
        return name


def start_cluster() -> Cluster | str:
    """A running cluster, or why there is none."""
    bindir = pg_bin()
    if bindir is None:
        return "PostgreSQL không có trên máy này (cài gói Debian «postgresql»)."
    cluster = Cluster(bindir)
    try:
        cluster.start()
    except (subprocess.CalledProcessError, OSError, subprocess.TimeoutExpired) as exc:
        err = getattr(exc, "stderr", b"") or b""
        cluster.stop()
        return f"Không khởi động được PostgreSQL: {exc} {err.decode(errors='replace')[-400:]}"
    return cluster
