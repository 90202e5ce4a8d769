"""The `threadbase` command: ingest pages, serve the API, write openapi.json."""

from __future__ import annotations

import json
import os
import sqlite3
import sys
import tempfile
import threading
import time
from collections.abc import Awaitable, Callable, Iterator
from contextlib import contextmanager
from dataclasses import dataclass
from datetime import UTC, datetime
from functools import partial
from pathlib import Path
from typing import TYPE_CHECKING, Any, TypeVar, cast
from zoneinfo import ZoneInfo, ZoneInfoNotFoundError

import click
import msgspec
from rich.console import Console
from rich.progress import (
    BarColumn,
    DownloadColumn,
    Progress,
    TextColumn,
    TimeElapsedColumn,
    TimeRemainingColumn,
)

from api.intake.loader import find_pages, ingest_files
from api.parsing.pool import ParsePool
from api.parsing.workers import ParseWorkers
from api.settings import DEFAULT_DB, Settings
from api.store.protocol import CrawlResult
from api.store.sqlite import connections as db

if TYPE_CHECKING:
    from api.store.postgres.store import PostgresStore


def _database(ctx: click.Context, _param: click.Parameter, value: Path) -> Path:
    """The absolute database path, announced on stderr so every command says which file it uses."""
    path = value.expanduser().resolve()
    if not ctx.resilient_parsing:
        if os.environ.get("THREADBASE_LOG_FORMAT", "").strip().lower() == "json":
            line = {"level": "info", "logger": "threadbase", "message": f"database: {path}"}
            click.echo(json.dumps(line), err=True)
        else:
            click.echo(f"database: {path}", err=True)
    return path


DB_OPTION = click.option(
    "--db",
    "db_path",
    type=click.Path(path_type=Path, dir_okay=False),
    envvar="THREADBASE_DB",
    default=DEFAULT_DB,
    show_default=True,
    callback=_database,
    help="SQLite file (env THREADBASE_DB); relative paths are from the current directory.",
)


T = TypeVar("T")


def _postgres_url() -> str | None:
    """`THREADBASE_DATABASE_URL` when it names PostgreSQL (then `--db` is not used)."""
    try:
        return Settings.from_env().database_url
    except ValueError as exc:
        raise click.UsageError(str(exc)) from exc


def _sqlite_only(command: str) -> None:
    """Refuse a command that works on the SQLite file when the settings name PostgreSQL."""
    if _postgres_url() is not None:
        raise click.UsageError(
            f"{command} works on SQLite only; unset THREADBASE_DATABASE_URL and give --db"
        )


def _on_postgres(url: str, work: Callable[[PostgresStore], Awaitable[T]]) -> T:
    """Run `work` on the PostgreSQL store at `url` (migrated first), then close it."""
    import asyncio

    async def run() -> T:
        from api.store.postgres.store import PostgresStore

        store = await PostgresStore.open(url, search_deadline=Settings().search_deadline_seconds)
        try:
            return await work(store)
        finally:
            await store.close()

    return asyncio.run(run())


def plural(count: int, noun: str, many: str | None = None) -> str:
    """`1 page`, `2 pages`."""
    return f"{count:,} {noun if count == 1 else (many or noun + 's')}"


@click.group()
@click.version_option(package_name="threadbase", prog_name="threadbase")
def main() -> None:
    """Threadbase: articles and their reader-comment threads."""


@main.command()
@click.argument("paths", nargs=-1, required=True, type=click.Path(exists=True, path_type=Path))
@DB_OPTION
@click.option(
    "--timezone",
    default="UTC",
    show_default=True,
    help="IANA zone in which the pages' local times are written.",
)
@click.option("--if-empty", is_flag=True, help="Do nothing when the database holds articles.")
@click.option(
    "--crawled-at",
    type=click.DateTime(["%Y-%m-%dT%H:%M:%S%z", "%Y-%m-%dT%H:%M:%S", "%Y-%m-%d"]),
    default=None,
    help=(
        'When the pages were crawled, unless a record says: relative times ("2 hours ago") '
        "are read against it, and re-crawls of a page merge in this order. Default: now."
    ),
)
@click.option(
    "--explain",
    is_flag=True,
    help="Parse one page file and print how its comments were read; store nothing.",
)
@click.option(
    "--workers",
    type=click.IntRange(1),
    default=None,
    help="Processes that parse pages side by side. Default: THREADBASE_PARSE_WORKERS, else "
    "one per core.",
)
def ingest(
    paths: tuple[Path, ...],
    db_path: Path,
    timezone: str,
    if_empty: bool,
    crawled_at: datetime | None,
    explain: bool,
    workers: int | None,
) -> None:
    """Parse pages and store them, one transaction per page; re-crawls merge.

    PATHS are page files (*.txt), crawl-record files (*.jsonl, *.jsonl.gz: one
    {"text", "url", "date", "crawled_at"} object per line), or folders holding either.
    """
    try:
        zone = ZoneInfo(timezone)
    except (ZoneInfoNotFoundError, ValueError) as exc:
        raise click.BadParameter(
            f"unknown time zone {timezone!r}", param_hint="--timezone"
        ) from exc
    if crawled_at is not None and crawled_at.tzinfo is None:
        crawled_at = crawled_at.replace(tzinfo=zone)
    if explain:
        from api.evaluation.explain import explain_page
        from api.intake.loader import read_text

        for path in paths:
            click.echo(explain_page(read_text(path), zone, crawled_at))
        return
    if _postgres_url() is not None:
        raise click.UsageError(
            "ingest writes to SQLite; for PostgreSQL, ingest into a SQLite file and "
            "`threadbase copy` it, or POST the pages to a server (/v1/articles)"
        )
    console = Console(stderr=True)
    conn = db.connect(db_path)
    try:
        if if_empty and conn.execute("SELECT 1 FROM articles LIMIT 1").fetchone():
            console.print(f"{db_path} already holds articles; nothing ingested.")
            return
        files = find_pages(paths)
        tally = Tally()
        failures: list[str] = []
        warnings: list[str] = []
        with Progress(
            TextColumn("[bold]ingest"),
            BarColumn(),
            DownloadColumn(),
            TimeElapsedColumn(),
            TimeRemainingColumn(),
            console=console,
            disable=not console.is_terminal,
        ) as progress:
            total = sum(f.stat().st_size for f in files if f.is_file())
            task = progress.add_task("pages", total=total)
            settings = Settings.from_env()
            parser = ParseWorkers(settings.parse_budget_seconds, workers or settings.parse_workers)
            for outcome in ingest_files(conn, files, zone, crawled_at, parser):
                progress.advance(task, outcome.progress)
                warnings += [f"{outcome.where}: {w}" for w in outcome.warnings]
                if outcome.error is not None:
                    failures.append(f"{outcome.where}: {outcome.error}")
                elif outcome.result is not None:
                    tally.add(outcome.result)
    finally:
        conn.close()
    for line in failures:
        click.echo(f"error: {line}", err=True)
    for line in warnings:
        click.echo(f"warning: {line}", err=True)
    click.echo(
        tally.summary(len(failures))
        + (f", {plural(len(warnings), 'page')} with unread comments" if warnings else "")
    )
    if failures:
        sys.exit(1)


@dataclass
class Tally:
    """What a run of crawls did, for the one-line summary."""

    created: int = 0
    merged: int = 0
    unchanged: int = 0
    added: int = 0
    edited: int = 0
    removed: int = 0

    def add(self, result: CrawlResult) -> None:
        """Count one crawl."""
        if result.outcome == "created":
            self.created += 1
        elif result.outcome == "merged":
            self.merged += 1
            self.added += result.added
            self.edited += result.edited
            self.removed += result.removed
        else:
            self.unchanged += 1

    def summary(self, failed: int) -> str:
        """`N pages: a new articles, m merged (x comments added, y edited, z removed), ...`"""
        pages = self.created + self.merged + self.unchanged + failed
        return (
            f"{plural(pages, 'page')}: {plural(self.created, 'new article')}, "
            f"{self.merged:,} merged ({plural(self.added, 'comment')} added, "
            f"{self.edited:,} edited, {self.removed:,} removed), "
            f"{self.unchanged:,} unchanged, {failed:,} failed"
        )


@main.command()
@DB_OPTION
@click.option("--article", "article_id", type=click.IntRange(1), help="Only this article.")
@click.option("--all", "every", is_flag=True, help="Every article.")
@click.option("--dry-run", is_flag=True, help="Say what would change; write nothing.")
def reparse(db_path: Path, article_id: int | None, every: bool, dry_run: bool) -> None:
    """Re-read stored sources with the current parser and merge the result like a re-crawl
    (comment ids kept where comments match)."""
    from api.store.sqlite.reparse import Reparse, article_ids, reparse_article

    _sqlite_only("reparse")
    if (article_id is None) == (not every):
        raise click.UsageError("give either --article ID or --all")
    parser = ParsePool(Settings.from_env().parse_budget_seconds)
    conn = db.connect(db_path)
    try:
        ids = article_ids(conn) if every else [article_id or 0]
        results: list[Reparse] = []
        for one in ids:
            if conn.execute("SELECT 1 FROM articles WHERE id = ?", (one,)).fetchone() is None:
                raise click.ClickException(f"no article with id {one}")
            results.append(reparse_article(conn, one, dry_run=dry_run, parser=parser))
    finally:
        conn.close()
    for result in results:
        if result.status != "unchanged" or not every:
            click.echo(result.report())
    counts = {s: sum(1 for r in results if r.status == s) for s in Reparse.STATUSES}
    verb = "would change" if dry_run else "changed"
    click.echo(
        f"{plural(len(results), 'article')}: {counts['changed']:,} {verb}, "
        f"{counts['unchanged']:,} unchanged, {counts['no-source']:,} without stored source, "
        f"{counts['failed']:,} failed" + (" (dry run: nothing written)" if dry_run else "")
    )
    if counts["failed"]:
        sys.exit(1)


@main.command()
@DB_OPTION
def doctor(db_path: Path) -> None:
    """Check the database: articles stored apart that are one page (same canonical URL or,
    without one, the same title and text), and crawls whose source was not kept. Exits 1 on
    duplicates; nothing is merged."""
    from api.store.sqlite.backfill import articles_without_source, duplicate_articles

    _sqlite_only("doctor")
    conn = db.connect(db_path)
    try:
        duplicates = duplicate_articles(conn)
        sourceless = articles_without_source(conn)
    finally:
        conn.close()
    for dup in duplicates:
        ids = ", ".join(str(i) for i in dup.article_ids)
        click.echo(f"duplicate articles: {dup.identity}: {ids}")
    if sourceless:
        click.echo(
            f"{plural(len(sourceless), 'article')} with crawls without a stored source (ingested "
            "before sources were kept, or by store_page); `reparse` cannot re-read them: "
            "re-ingest them from files"
        )
    click.echo(
        f"{plural(len(duplicates), 'group')} of duplicate articles"
        + ("; merge them by re-ingesting, or delete the extra ones" if duplicates else "")
    )
    if duplicates:
        sys.exit(1)


@main.command()
@DB_OPTION
@click.option("--host", default="127.0.0.1", show_default=True)
@click.option("--port", default=8000, show_default=True, type=click.IntRange(1, 65535))
@click.option("--workers", default=1, show_default=True, type=click.IntRange(1, 64))
def serve(db_path: Path, host: str, port: int, workers: int) -> None:
    """Serve the API with uvicorn."""
    import uvicorn

    from api.http.logs import uvicorn_log_config
    from api.http.serving import KEEP_ALIVE_SECONDS, HeaderTimeoutProtocol

    os.environ["THREADBASE_DB"] = str(db_path)
    if _postgres_url() is None:  # PostgreSQL: each worker migrates under an advisory lock
        db.connect(db_path).close()  # migrate once, before workers start
    settings = Settings.from_env()
    header_timeout = settings.header_timeout
    log_config = uvicorn_log_config(settings.log_format)
    logging_options: dict[str, Any] = {}
    if log_config is not None:  # JSON: our access line (with the request id) replaces uvicorn's
        logging_options = {"log_config": log_config, "access_log": False}
    base = f"http://{'127.0.0.1' if host in {'0.0.0.0', '::', ''} else host}:{port}"
    if ":" in host and host != "::":
        base = f"http://[{host}]:{port}"
    threading.Thread(target=_announce_when_serving, args=(base,), daemon=True).start()
    with _metrics_folder(workers):
        uvicorn.run(
            "api.app:serve_app",
            factory=True,
            host=host,
            port=port,
            workers=workers,
            http=cast(Any, partial(HeaderTimeoutProtocol, header_timeout=header_timeout)),
            timeout_keep_alive=KEEP_ALIVE_SECONDS,
            proxy_headers=False,
            server_header=False,
            **logging_options,
        )


@contextmanager
def _metrics_folder(workers: int) -> Iterator[None]:
    """With several workers, a fresh PROMETHEUS_MULTIPROC_DIR they all write their metrics to,
    so a scrape answered by any one of them reports all (unless the operator set one)."""
    from api.metrics import MULTIPROC_ENV

    if workers == 1 or os.environ.get(MULTIPROC_ENV):
        yield
        return
    with tempfile.TemporaryDirectory(prefix="threadbase-metrics-") as folder:
        os.environ[MULTIPROC_ENV] = folder  # before any worker imports prometheus_client
        try:
            yield
        finally:
            del os.environ[MULTIPROC_ENV]


def _announce_when_serving(base: str, wait_seconds: float = 120) -> None:
    """Print where to go once the server answers its health check (not before)."""
    from urllib.error import URLError
    from urllib.request import urlopen  # not httpx: its request log would precede the banner

    deadline = time.monotonic() + wait_seconds
    while time.monotonic() < deadline:
        try:
            with urlopen(f"{base}/healthz", timeout=2) as answer:
                if answer.status == 200:
                    break
        except (URLError, OSError):
            pass
        time.sleep(0.2)
    else:
        return
    click.echo(
        f"\nThreadbase is serving:\n"
        f"  reader   {base}/\n"
        f"  docs     {base}/docs\n"
        f"  health   {base}/healthz\n"
        f"Press Ctrl+C to stop.\n"
    )


@main.command()
@click.argument("dest", type=click.Path(path_type=Path, dir_okay=False))
@DB_OPTION
def backup(dest: Path, db_path: Path) -> None:
    """Copy the database to the new file DEST, safely while a server writes to it.

    SQLite's online backup API copies one consistent snapshot; the copy is checked with
    `PRAGMA integrity_check` before it takes the name DEST. (PostgreSQL: pg_basebackup or
    pg_dump.)
    """
    from api.store.sqlite.backup import BackupError
    from api.store.sqlite.backup import backup as copy_database

    _sqlite_only("backup (on PostgreSQL use pg_basebackup or pg_dump)")
    try:
        done = copy_database(db_path, dest)
    except (BackupError, sqlite3.Error) as exc:
        raise click.ClickException(str(exc)) from exc
    click.echo(
        f"backed up {plural(done.articles, 'article')} ({plural(done.comments, 'comment')}, "
        f"{done.bytes / 1_000_000:,.1f} MB) to {done.path}; integrity check: ok"
    )


@main.group()
def keys() -> None:
    """API keys for the write operations (stored hashed; shown once)."""


@keys.command(name="create")
@click.argument("name")
@DB_OPTION
def keys_create(name: str, db_path: Path) -> None:
    """Make a key called NAME and print it; it cannot be shown again."""
    from api.store.api_keys import make_key
    from api.store.sqlite.keys import create_key

    if (url := _postgres_url()) is not None:
        new = make_key()
        _on_postgres(url, lambda store: store.create_key(name, new))
        click.echo(new.token)
        return
    conn = db.connect(db_path)
    try:
        new = make_key()
        create_key(conn, name, new)
    finally:
        conn.close()
    click.echo(new.token)


@keys.command(name="list")
@DB_OPTION
def keys_list(db_path: Path) -> None:
    """Show every key's prefix, state, creation time and name."""
    from api.store.sqlite.keys import list_keys

    if (url := _postgres_url()) is not None:
        records = _on_postgres(url, lambda store: store.list_keys())
    else:
        conn = db.connect(db_path)
        try:
            records = list_keys(conn)
        finally:
            conn.close()
    if not records:
        click.echo("no keys (make one with `threadbase keys create NAME`)")
        return
    row = "{:<10}{:<9}{:<22}{}"
    click.echo(row.format("PREFIX", "STATE", "CREATED", "NAME"))
    for r in records:
        created = datetime.fromtimestamp(r.created_at, UTC).strftime("%Y-%m-%dT%H:%M:%SZ")
        state = "active" if r.revoked_at is None else "revoked"
        click.echo(row.format(r.prefix, state, created, r.name))


@keys.command(name="revoke")
@click.argument("prefix")
@DB_OPTION
def keys_revoke(prefix: str, db_path: Path) -> None:
    """Revoke the key whose prefix (the 8 characters after `tb_`) is PREFIX."""
    from api.store.sqlite.keys import revoke_key

    if (url := _postgres_url()) is not None:
        done = _on_postgres(url, lambda store: store.revoke_key(prefix))
    else:
        conn = db.connect(db_path)
        try:
            done = revoke_key(conn, prefix)
        finally:
            conn.close()
    if not done:
        raise click.ClickException(f"no active key with prefix {prefix!r}")
    click.echo(f"revoked {prefix}")


@main.command(name="eval")
@click.argument("fixtures", nargs=-1, required=True, type=click.Path(exists=True, path_type=Path))
def evaluate(fixtures: tuple[Path, ...]) -> None:
    """Score the parser against hand annotations.

    FIXTURES are *.expected.json files (the seed's, or sample pages' as in
    fixtures/dragnet/README.md), folders of them, or folders of raw pages carrying the
    dataset's marker line (stripped before parsing; it gives the true boundary).
    """
    from api.evaluation.fixture import score
    from api.evaluation.pages import coverage, is_page_annotation, score_pages

    pages: list[Path] = []
    for path in fixtures:
        try:
            if path.is_dir():
                annotations = sorted(path.glob("*.expected.json"))
                if annotations:
                    pages += annotations
                else:
                    click.echo(coverage(sorted(path.glob("*.txt"))).report())
            elif is_page_annotation(path):
                pages.append(path)
            else:
                click.echo(score(path).report())
        except (msgspec.DecodeError, msgspec.ValidationError) as exc:
            click.echo(
                f"error: {path}: not an annotation (*.expected.json): {_first_line(exc)}", err=True
            )
            sys.exit(2)
        except (OSError, UnicodeDecodeError) as exc:
            click.echo(f"error: {path}: {_first_line(exc)}", err=True)
            sys.exit(2)
    if pages:
        click.echo(score_pages(pages).report())


def _first_line(exc: Exception) -> str:
    return (str(exc).strip().splitlines() or [type(exc).__name__])[0]


@main.command()
@click.option(
    "--output",
    "-o",
    type=click.Path(path_type=Path, dir_okay=False),
    default=Path("openapi.json"),
    show_default=True,
    help="Where to write; '-' for standard output.",
)
def openapi(output: Path) -> None:
    """Write the OpenAPI document generated from the app."""
    text = render_openapi()
    if str(output) == "-":
        click.echo(text, nl=False)
    else:
        output.write_text(text, encoding="utf-8")
        click.echo(f"wrote {output}")


def render_openapi() -> str:
    """The app's OpenAPI document as stable, pretty JSON."""
    from api.app import create_app
    from api.http.openapi_contract import contract
    from api.settings import Settings

    schema = contract(create_app(Settings()))
    return json.dumps(schema, indent=2, sort_keys=True, ensure_ascii=False) + "\n"


@main.command(name="copy")
@click.option("--from", "source", required=True, help="sqlite:///path or postgresql://…")
@click.option("--to", "dest", required=True, help="sqlite:///path or postgresql://…")
def copy_command(source: str, dest: str) -> None:
    """Copy a whole database to another, SQLite or PostgreSQL, every id kept.

    Run it again after an interruption: it resumes where it stopped. The destination must be
    empty or an earlier copy of the same source.
    """
    import asyncio

    from api.store.copy import copy_database

    console = Console(stderr=True)
    with Progress(
        TextColumn("{task.description:<16}"),
        BarColumn(),
        TextColumn("{task.completed:>10,} / {task.total:,} rows"),
        TimeElapsedColumn(),
        console=console,
    ) as progress:
        tasks: dict[str, Any] = {}

        def report(table: str, done: int, total: int) -> None:
            if table not in tasks:
                tasks[table] = progress.add_task(table, total=total)
            progress.update(tasks[table], completed=done, total=total)

        try:
            copied = asyncio.run(copy_database(source, dest, report))
        except ValueError as exc:
            raise click.BadParameter(str(exc)) from exc
    console.print(
        f"copied {plural(sum(copied.values()), 'row')} "
        f"({plural(copied['articles'], 'article')}, {plural(copied['comments'], 'comment')})"
    )
