"""A throwaway PostgreSQL server for the tests (Debian's ``postgresql`` package).

Started in a temporary folder on a free port with a password-protected user, so the
tests also see a URL that holds a password. initdb refuses to run as root: as root
the server runs as the ``postgres`` system user, otherwise as the current user.
"""

from __future__ import annotations

import glob
import os
import shutil
import socket
import subprocess
import tempfile
import time
from dataclasses import dataclass
from pathlib import Path

from dashboard.serve import free_port

PASSWORD = "s3cret-Pa55word"
USER = "dashboard"


def pg_bin() -> Path | None:
    found = sorted(glob.glob("/usr/lib/postgresql/*/bin/initdb"), key=lambda p: int(p.split("/")[4]))
    return Path(found[-1]).parent if found else None


@dataclass
class Server:
    root: Path
    port: int
    bindir: Path
    as_user: list[str]

    @property
    def url(self) -> str:
        return f"postgresql+psycopg://{USER}:{PASSWORD}@127.0.0.1:{self.port}/postgres"

    def url_with(self, *, password: str | None = None, port: int | None = None) -> str:
        return (f"postgresql+psycopg://{USER}:{password or PASSWORD}@127.0.0.1:{port or self.port}/postgres")

    def stop(self) -> None:
        subprocess.run([*self.as_user, str(self.bindir / "pg_ctl"), "-D", str(self.root / "data"), "-m", "immediate",
                        "stop"], capture_output=True, check=False)
        shutil.rmtree(self.root, ignore_errors=True)


def start() -> Server:
    bindir = pg_bin()
    if bindir is None:
        raise RuntimeError("PostgreSQL server binaries not found: apt-get install -y postgresql")
    root = Path(tempfile.mkdtemp(prefix="dashboard-pg-"))
    as_user: list[str] = []
    if os.geteuid() == 0:
        as_user = ["runuser", "-u", "postgres", "--"]
        shutil.chown(root, "postgres")
    pwfile = root / "pw"
    pwfile.write_text(PASSWORD)
    if as_user:
        shutil.chown(pwfile, "postgres")
    subprocess.run([*as_user, str(bindir / "initdb"), "-D", str(root / "data"), "-U", USER, f"--pwfile={pwfile}",
                    "--auth=scram-sha-256", "-E", "UTF8", "--locale=C.UTF-8", "--no-sync"],
                   check=True, capture_output=True)
    port = free_port()
    opts = (f"-p {port} -k {root} -c listen_addresses=127.0.0.1 -c fsync=off -c synchronous_commit=off "
            "-c full_page_writes=off")
    server = Server(root, port, bindir, as_user)
    proc = subprocess.run([*as_user, str(bindir / "pg_ctl"), "-D", str(root / "data"), "-o", opts, "-w", "-t", "60",
                           "-l", str(root / "log"), "start"], capture_output=True, text=True)
    if proc.returncode != 0:
        log = (root / "log").read_text() if (root / "log").exists() else ""
        server.stop()
        raise RuntimeError(f"PostgreSQL did not start: {proc.stderr}\n{log}")
    deadline = time.monotonic() + 30
    while time.monotonic() < deadline:
        with socket.socket() as s:
            if s.connect_ex(("127.0.0.1", port)) == 0:
                return server
        time.sleep(0.1)
    server.stop()
    raise RuntimeError("PostgreSQL did not accept connections")
