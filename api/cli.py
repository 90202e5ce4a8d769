"""The `threadbase` command: ingest pages, serve the API, write openapi.json."""

from __future__ import annotations

import json
import os
import sys
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
from api.parse_pool import ParsePool
from api.settings import DEFAULT_DB, Settings

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
def ingest(paths: tuple[Path, ...], db_path: Path, timezone: str, if_empty: bool) -> None:
    """Parse pages and store them, one transaction per page.

    PATHS are page files (*.txt), crawl-record files (*.jsonl, *.jsonl.gz: one
    {"text", "url", "date"} object per line), or folders holding either.
    """
    try:
        zone = ZoneInfo(timezone)
    except (ZoneInfoNotFoundError, ValueError) as exc:
        raise click.BadParameter(
            f"unknown time zone {timezone!r}", param_hint="--timezone"
        ) from exc
    console = Console(stderr=True)
    conn = db.connect(db_path)
    try:
        if if_empty and conn.execute("SELECT 1 FROM articles LIMIT 1").fetchone():
            console.print(f"{db_path} already holds articles; nothing ingested.")
            return
        files = find_pages(paths)
        created = unchanged = comments = 0
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
            parser = ParsePool(Settings.from_env().parse_budget_seconds)
            for outcome in ingest_files(conn, files, zone, parser):
                progress.advance(task, outcome.progress)
                if outcome.error is not None:
                    failures.append(f"{outcome.where}: {outcome.error}")
                elif outcome.result is not None and outcome.result.created:
                    created += 1
                    comments += outcome.result.comments
                else:
                    unchanged += 1
    finally:
        conn.close()
    for line in failures:
        click.echo(f"error: {line}", err=True)
    pages = created + unchanged + len(failures)
    click.echo(
        f"{pages} pages: {created} ingested ({comments} comments), "
        f"{unchanged} already present, {len(failures)} failed"
    )
    if failures:
        sys.exit(1)


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
