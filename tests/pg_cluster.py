"""Throwaway PostgreSQL clusters for the tests: initdb in a temp dir, a free port, stopped after.

Debian's PostgreSQL (`make test` installs the `postgresql` package when it is missing) lives in
/usr/lib/postgresql/<version>/bin. initdb refuses to run as root, so as root the cluster belongs
to a system user `threadbase-test`, created here when missing, and every server command runs
as that user (runuser).
"""

from __future__ import annotations

import asyncio
import os
import pwd
import shutil
import socket
import subprocess
import tempfile
from dataclasses import dataclass, field
from pathlib import Path

import asyncpg

TEST_USER = "threadbase-test"
SERVER_SETTINGS = [
    # A test cluster loses nothing it must keep: skip the disk flushes.
    "fsync=off",
    "synchronous_commit=off",
    "full_page_writes=off",
    "max_connections=200",
    "shared_buffers=32MB",
]


def free_port() -> int:
    """A TCP port on 127.0.0.1 that nothing listens on now."""
    with socket.socket() as s:
        s.bind(("127.0.0.1", 0))
        port: int = s.getsockname()[1]
        return port


def bin_dir() -> Path:
    """The newest installed PostgreSQL's programs."""
    found = sorted(
        Path("/usr/lib/postgresql").glob("*/bin/initdb"), key=lambda p: int(p.parent.parent.name)
    )
    if not found:
        raise RuntimeError("PostgreSQL is not installed: `make test` installs Debian's package")
    return found[-1].parent


def _owner() -> str | None:
    """The user the cluster runs as: TEST_USER as root (made when missing), else ourselves."""
    if os.geteuid() != 0:
        return None
    try:
        pwd.getpwnam(TEST_USER)
    except KeyError:
        subprocess.run(
            ["useradd", "--system", "--no-create-home", "--shell", "/usr/sbin/nologin", TEST_USER],
            check=True,
        )
    return TEST_USER


def _run(owner: str | None, *command: str | Path) -> None:
    argv = [str(c) for c in command]
    if owner is not None:
        argv = ["runuser", "-u", owner, "--", *argv]
    subprocess.run(argv, check=True, stdout=subprocess.DEVNULL, stderr=subprocess.PIPE)


@dataclass
class Cluster:
    """A running cluster; `url(name)` names a database in it."""

    root: Path
    port: int
    owner: str | None
    extra: list[str] = field(default_factory=list)

    @property
    def data(self) -> Path:
        return self.root / "data"

    def url(self, database: str = "postgres") -> str:
        """A connection URL for `database` as the superuser `postgres`."""
        return f"postgresql://postgres@127.0.0.1:{self.port}/{database}"

    def create_database(self, name: str) -> str:
        """Create an empty database; returns its URL."""

        async def create() -> None:
            conn = await asyncpg.connect(self.url())
            try:
                await conn.execute(f'CREATE DATABASE "{name}"')
            finally:
                await conn.close()

        asyncio.run(create())
        return self.url(name)

    def start(self) -> None:
        """Start the server and wait until it answers."""
        options = " ".join(
            [
                f"-p {self.port}",
                f"-k {self.root}",
                "-c listen_addresses=127.0.0.1",
                *(f"-c {s}" for s in [*SERVER_SETTINGS, *self.extra]),
            ]
        )
        _run(
            self.owner,
            bin_dir() / "pg_ctl",
            "-D",
            self.data,
            "-l",
            self.root / "server.log",
            "-o",
            options,
            "-w",
            "start",
        )

    def stop(self) -> None:
        """Stop the server at once (nothing in it needs keeping)."""
        _run(self.owner, bin_dir() / "pg_ctl", "-D", self.data, "-m", "immediate", "-w", "stop")


def _make_root(owner: str | None) -> Path:
    # Under /tmp directly: pytest's own temp dirs are private to root, and the cluster's owner
    # must reach its files.
    root = Path(tempfile.mkdtemp(prefix="threadbase-pg-"))
    if owner is not None:
        shutil.chown(root, owner, owner)
    return root


def init_cluster() -> Cluster:
    """A new, stopped cluster (trust authentication on 127.0.0.1, superuser `postgres`)."""
    owner = _owner()
    root = _make_root(owner)
    _run(
        owner,
        bin_dir() / "initdb",
        "-D",
        root / "data",
        "-U",
        "postgres",
        "-A",
        "trust",
        "--encoding=UTF8",
        "--locale=C",
        "--no-sync",
    )
    return Cluster(root, free_port(), owner)


def standby_of(primary: Cluster) -> Cluster:
    """A new, stopped streaming standby of `primary`: `pg_basebackup -R` (which writes the
    standby signal and the connection to the primary) into a cluster of its own."""
    root = _make_root(primary.owner)
    _run(
        primary.owner,
        bin_dir() / "pg_basebackup",
        "-h",
        "127.0.0.1",
        "-p",
        str(primary.port),
        "-U",
        "postgres",
        "-D",
        root / "data",
        "-R",
        "-X",
        "stream",
        "--checkpoint=fast",  # a spread checkpoint on an idle primary waits minutes
        "--no-sync",
    )
    return Cluster(root, free_port(), primary.owner)


def remove(cluster: Cluster) -> None:
    """Delete the cluster's files."""
    shutil.rmtree(cluster.root, ignore_errors=True)
