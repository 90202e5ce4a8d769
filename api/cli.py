"""The `threadbase` command: ingest pages, serve the API, write openapi.json."""

from __future__ import annotations

import json
import os
import sys
from dataclasses import dataclass
from datetime import UTC, datetime
from pathlib import Path
from zoneinfo import ZoneInfo, ZoneInfoNotFoundError

import click
from rich.console import Console
from rich.progress import (
    BarColumn,
    DownloadColumn,
    Progress,
    TextColumn,
    TimeElapsedColumn,
    TimeRemainingColumn,
)

from api import db
from api.loader import find_pages, ingest_files
from api.settings import DEFAULT_DB
from api.store.crawls import CrawlResult

DB_OPTION = click.option(
    "--db",
    "db_path",
    type=click.Path(path_type=Path, dir_okay=False),
    envvar="THREADBASE_DB",
    default=DEFAULT_DB,
    show_default=True,
    help="SQLite file (env THREADBASE_DB).",
)


@click.group()
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
    help="When the pages were fetched (RFC 3339), unless a record says; default: now.",
)
def ingest(
    paths: tuple[Path, ...], db_path: Path, timezone: str, if_empty: bool, crawled_at: str | None
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
    when = _crawl_time(crawled_at)
    console = Console(stderr=True)
    conn = db.connect(db_path)
    try:
        if if_empty and conn.execute("SELECT 1 FROM articles LIMIT 1").fetchone():
            console.print(f"{db_path} already holds articles; nothing ingested.")
            return
        files = find_pages(paths)
        tally = Tally()
        failures: list[str] = []
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
            for outcome in ingest_files(conn, files, zone, when):
                progress.advance(task, outcome.progress)
                if outcome.error is not None:
                    failures.append(f"{outcome.where}: {outcome.error}")
                elif outcome.result is not None:
                    tally.add(outcome.result)
    finally:
        conn.close()
    for line in failures:
        click.echo(f"error: {line}", err=True)
    click.echo(tally.summary(len(failures)))
    if failures:
        sys.exit(1)


def _crawl_time(value: str | None) -> int | None:
    if value is None:
        return None
    from api.records import parse_date

    seconds = parse_date(value)
    if seconds is None:
        raise click.BadParameter(f"not an RFC 3339 time: {value!r}", param_hint="--crawled-at")
    return seconds


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
            f"{pages} pages: {self.created} new articles, {self.merged} merged "
            f"({self.added} comments added, {self.edited} edited, {self.removed} removed), "
            f"{self.unchanged} unchanged, {failed} failed"
        )


@main.command()
@DB_OPTION
@click.option("--host", default="127.0.0.1", show_default=True)
@click.option("--port", default=8000, show_default=True, type=click.IntRange(1, 65535))
@click.option("--workers", default=1, show_default=True, type=click.IntRange(1, 64))
def serve(db_path: Path, host: str, port: int, workers: int) -> None:
    """Serve the API with uvicorn."""
    import uvicorn

    os.environ["THREADBASE_DB"] = str(db_path)
    db.connect(db_path).close()  # migrate once, before workers start
    uvicorn.run(
        "api.app:create_app",
        factory=True,
        host=host,
        port=port,
        workers=workers,
        proxy_headers=False,
        server_header=False,
    )


@main.group()
def keys() -> None:
    """API keys for the write operations (stored hashed; shown once)."""


@keys.command(name="create")
@click.argument("name")
@DB_OPTION
def keys_create(name: str, db_path: Path) -> None:
    """Make a key called NAME and print it; it cannot be shown again."""
    from api.keys import make_key
    from api.store.keys import create_key

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
    """Show every key's prefix, name, creation time and state."""
    from api.store.keys import list_keys

    conn = db.connect(db_path)
    try:
        records = list_keys(conn)
    finally:
        conn.close()
    for r in records:
        created = datetime.fromtimestamp(r.created_at, UTC).strftime("%Y-%m-%dT%H:%M:%SZ")
        state = "active" if r.revoked_at is None else "revoked"
        click.echo(f"{r.prefix}\t{state}\t{created}\t{r.name}")


@keys.command(name="revoke")
@click.argument("prefix")
@DB_OPTION
def keys_revoke(prefix: str, db_path: Path) -> None:
    """Revoke the key whose prefix (the 8 characters after `tb_`) is PREFIX."""
    from api.store.keys import revoke_key

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
    """Score the parser against hand-annotated *.expected.json fixtures."""
    from api.evaluate import score

    for path in fixtures:
        click.echo(score(path).report())


@main.command()
@DB_OPTION
@click.option("--article", "article_id", type=click.IntRange(1), help="Only this article.")
@click.option("--all", "every", is_flag=True, help="Every article.")
@click.option("--dry-run", is_flag=True, help="Say what would change; write nothing.")
def reparse(db_path: Path, article_id: int | None, every: bool, dry_run: bool) -> None:
    """Re-read stored sources with the current parser and merge the result like a re-crawl
    (comment ids kept where comments match)."""
    from api.store.reparse import Reparse, article_ids, reparse_article

    if (article_id is None) == (not every):
        raise click.UsageError("give either --article ID or --all")
    conn = db.connect(db_path)
    try:
        ids = article_ids(conn) if every else [article_id or 0]
        results: list[Reparse] = []
        for one in ids:
            if conn.execute("SELECT 1 FROM articles WHERE id = ?", (one,)).fetchone() is None:
                raise click.ClickException(f"no article with id {one}")
            results.append(reparse_article(conn, one, dry_run=dry_run))
    finally:
        conn.close()
    for result in results:
        if result.status != "unchanged" or not every:
            click.echo(result.report())
    counts = {s: sum(1 for r in results if r.status == s) for s in Reparse.STATUSES}
    verb = "would change" if dry_run else "changed"
    click.echo(
        f"{len(results)} articles: {counts['changed']} {verb}, {counts['unchanged']} unchanged, "
        f"{counts['no-source']} without stored source, {counts['failed']} failed"
        + (" (dry run: nothing written)" if dry_run else "")
    )
    if counts["failed"]:
        sys.exit(1)


@main.command()
@DB_OPTION
def doctor(db_path: Path) -> None:
    """Check the database: articles stored apart that are one page (same canonical URL or,
    without one, the same text), and crawls whose source was not kept. Exits 1 on duplicates;
    nothing is merged."""
    from api.store.backfill import articles_without_source, duplicate_articles

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
            f"{len(sourceless)} articles have crawls without a stored source (ingested before "
            "sources were kept); `reparse` cannot re-read them: re-ingest them from files"
        )
    click.echo(
        f"{len(duplicates)} groups of duplicate articles"
        + ("; merge them by re-ingesting, or delete the extra ones" if duplicates else "")
    )
    if duplicates:
        sys.exit(1)


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
    from api.settings import Settings

    schema = create_app(Settings()).openapi_schema.to_schema()
    return json.dumps(schema, indent=2, sort_keys=True, ensure_ascii=False) + "\n"
