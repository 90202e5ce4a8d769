"""`threadbase backup` while a real server writes: the copy opens, passes SQLite's integrity
check, and serves the same articles as the original did."""

from __future__ import annotations

import sqlite3
import subprocess
import threading
from pathlib import Path

import httpx

from api.store.api_keys import make_key
from api.store.sqlite import connections as db
from api.store.sqlite.keys import create_key
from tests.conftest import SEED, THREADBASE, ingest, served


def page(n: int) -> bytes:
    """The seed page under a new title, so each is a new article."""
    title, rest = SEED.read_text(encoding="utf-8").split("\n", 1)
    return f"{title} (part {n})\n{rest}".encode()


def test_backup_while_the_server_writes(tmp_path: Path) -> None:
    path = tmp_path / "live.db"
    ingest(path, SEED)
    key = make_key()
    conn = db.connect(path)
    create_key(conn, "backup", key)
    conn.close()
    copy = tmp_path / "copies" / "backup.db"
    stop = threading.Event()
    written: list[int] = []
    env = {"THREADBASE_RATE_LIMIT": "0"}
    with served(path, env=env) as base:
        headers = {"Authorization": f"Bearer {key.token}", "Content-Type": "text/plain"}

        def write() -> None:
            with httpx.Client(base_url=base, timeout=30, headers=headers) as client:
                n = 0
                while not stop.is_set():
                    n += 1
                    r = client.post("/v1/articles", content=page(n))
                    assert r.status_code == 201, r.text
                    written.append(r.json()["id"])

        writer = threading.Thread(target=write)
        writer.start()
        try:
            while len(written) < 3 and writer.is_alive():  # writes under way before the backup
                stop.wait(0.05)
            before = len(written)
            ran = subprocess.run(
                [*THREADBASE, "backup", str(copy), "--db", str(path)],
                capture_output=True,
                text=True,
                check=False,
            )
            during = len(written) - before
            while len(written) < before + during + 2 and writer.is_alive():  # and after it
                stop.wait(0.05)
        finally:
            stop.set()
            writer.join()
        assert ran.returncode == 0, ran.stderr
        assert "integrity check: ok" in ran.stdout
        with httpx.Client(base_url=base, timeout=30) as client:
            originals = {i: client.get(f"/v1/articles/{i}").json() for i in [1, *written]}

    check = sqlite3.connect(copy)
    assert check.execute("PRAGMA integrity_check").fetchall() == [("ok",)]
    (journal,) = check.execute("PRAGMA journal_mode").fetchone()
    check.close()
    assert journal == "delete"  # one self-contained file
    assert not list(copy.parent.glob("*.partial"))

    with served(copy, env=env) as base, httpx.Client(base_url=base, timeout=30) as client:
        ids: list[int] = []
        url: str | None = "/v1/articles?limit=100"
        while url:
            r = client.get(url)
            ids += [a["id"] for a in r.json()["items"]]
            url = r.links.get("next", {}).get("url")
        assert 1 in ids
        assert len(ids) >= 1 + before  # every write finished before the backup began
        assert len(ids) < 1 + len(written)  # not those that came after it
        for i in ids:
            assert client.get(f"/v1/articles/{i}").json() == originals[i]


def test_backup_refuses_to_overwrite(tmp_path: Path) -> None:
    path = tmp_path / "live.db"
    ingest(path, SEED)
    dest = tmp_path / "taken.db"
    dest.write_bytes(b"keep me")
    ran = subprocess.run(
        [*THREADBASE, "backup", str(dest), "--db", str(path)],
        capture_output=True,
        text=True,
        check=False,
    )
    assert ran.returncode == 1
    assert "exists" in ran.stderr
    assert dest.read_bytes() == b"keep me"
