"""`threadbase ingest --explain`: how the parser read one page, for a person to check."""

from __future__ import annotations

from datetime import UTC, datetime, tzinfo

from api.ingest.head import read_head
from api.ingest.page import normalise, parse_page
from api.ingest.renderings import choose, scores


def explain_page(text: str, timezone: tzinfo = UTC, crawled_at: datetime | None = None) -> str:
    """Title and byline, the boundary, every rendering's score, and each comment header."""
    lines = normalise(text).split("\n")
    choice = choose(lines)
    start = choice.section.start if choice is not None else len(lines)
    head = read_head(lines, start)
    page = parse_page(text, timezone, crawled_at)
    out = [
        f"title      line {head.title_at + 1}: {head.title}",
        f"byline     {head.byline or '-'}   published {head.published or '-'}",
    ]
    ranked = ", ".join(f"{name} {score:.2f}" for score, name, _ in scores(lines))
    if choice is None:
        out.append(f"boundary   none: no rendering found comments ({ranked})")
    else:
        runner = choice.runner_up
        out += [
            f"boundary   article lines {head.body_at + 1}-{start}, comments from line "
            f"{start + 1} to {choice.section.end}",
            f"rendering  {choice.name} (score {choice.score:.2f}); runner-up "
            + (f"{runner[0]} ({runner[1]:.2f})" if runner else "none"),
            f"scores     {ranked}",
            f"comments   {len(page.comments)}",
        ]
        for raw, parsed, link in zip(
            choice.section.comments, page.comments, page.threads, strict=True
        ):
            when = "-" if parsed.posted_at is None else parsed.posted_at.isoformat()
            parent = "" if link.parent is None else f" -> #{link.parent}"
            kind = "" if parsed.kind == "comment" else f" [{parsed.kind}]"
            shown = lines[raw.line].strip()[:60]
            out.append(
                f"  #{parsed.position:<3} line {raw.line + 1:<5} {parsed.author!r}"
                f" | {parsed.posted_text or '-'} | {when}{parent}{kind}: {shown}"
            )
    out += [f"warning    {w}" for w in page.warnings]
    return "\n".join(out)
