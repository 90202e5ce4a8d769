"""Service health."""

from __future__ import annotations

from typing import Annotated, Literal

from msgspec import Meta

from schemas.common import Model


class Health(Model, kw_only=True):
    """Liveness and database reachability."""

    status: Literal["ok"]
    schema_version: Annotated[int, Meta(ge=0, description="Applied migration version.")]
    articles: Annotated[int, Meta(ge=0)]
