"""Start a throwaway PostgreSQL server on 127.0.0.1 for tests (Debian's postgresql package)."""

from __future__ import annotations

import glob
import os
import shutil
import socket
import subprocess
import tempfile
from collections.abc import Iterator
from contextlib import contextmanager
from pathlib import Path


def postgres_bin() -> Path | None:
    """The newest installed PostgreSQL bin directory, or None."""
    found = sorted(glob.glob("/usr/lib/postgresql/*/bin/initdb"))
    return Path(found[-1]).parent if found else None


def free_port() -> int:
    """A free TCP port on 127.0.0.1."""
    with socket.socket() as sock:
        sock.bind(("127.0.0.1", 0))
        port: int = sock.getsockname()[1]
        return port


@contextmanager
def running_postgres() -> Iterator[str]:
    """Yield a connection URL to a fresh server; the data directory is deleted afterwards."""
    bin_dir = postgres_bin()
    assert bin_dir is not None, "PostgreSQL is not installed: `make test` installs it (apt-get install postgresql)"
    as_root = os.geteuid() == 0
    workdir = Path(tempfile.mkdtemp(prefix="nmo-pg-"))
    data = workdir / "data"
    prefix: list[str] = []
    if as_root:  # postgres refuses to run as root
        shutil.chown(workdir, "postgres", "postgres")
        workdir.chmod(0o700)
        prefix = ["runuser", "-u", "postgres", "--"]
    port = free_port()
    subprocess.run([*prefix, str(bin_dir / "initdb"), "-D", str(data), "-U", "nmo", "--auth=trust", "-E", "UTF8"],
                   check=True, capture_output=True)
    options = f"-p {port} -k {workdir} -c listen_addresses=127.0.0.1 -c fsync=off"
    subprocess.run([*prefix, str(bin_dir / "pg_ctl"), "-D", str(data), "-o", options, "-w", "-l",
                    str(workdir / "log"), "start"], check=True, capture_output=True)
    try:
        yield f"postgresql://nmo@127.0.0.1:{port}/postgres"
    finally:
        subprocess.run([*prefix, str(bin_dir / "pg_ctl"), "-D", str(data), "-m", "immediate", "stop"],
                       check=False, capture_output=True)
        shutil.rmtree(workdir, ignore_errors=True)
