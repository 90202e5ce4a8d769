"""RFC 9457 problem details: the one error shape of the API."""

from __future__ import annotations

from typing import Annotated, Literal

import msgspec
from msgspec import Meta

from schemas.common import Model

ParamLocation = Literal["query", "path", "header", "body", "cookie"]


class InvalidParam(Model, kw_only=True):
    """One request field that could not be accepted."""

    name: Annotated[str, Meta(description="Name of the offending field.", examples=["limit"])]
    location: Annotated[
        ParamLocation, Meta(description="Where the field was sent.", examples=["query"])
    ] = "query"
    reason: Annotated[
        str, Meta(description="Why it was rejected.", examples=["must be at most 500"])
    ]


class Problem(Model, kw_only=True):
    """An RFC 9457 problem details document (`application/problem+json`)."""

    type: Annotated[
        str,
        Meta(
            description="URI reference identifying the problem type.",
            examples=["https://threadbase.dev/problems/invalid-parameters"],
        ),
    ]
    title: Annotated[str, Meta(description="Short summary of the problem type.")]
    status: Annotated[int, Meta(description="HTTP status code.", examples=[400])]
    detail: Annotated[str, Meta(description="Explanation specific to this occurrence.")]
    instance: Annotated[
        str, Meta(description="Path of the request that failed.", examples=["/v1/articles/9"])
    ]
    invalid_params: Annotated[
        list[InvalidParam],
        Meta(description="The request fields that were rejected, if any."),
    ] = msgspec.field(default_factory=list)
