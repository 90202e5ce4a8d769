"""The app as benchmarked: Threadbase as `threadbase serve` runs it, settings from the
environment (`THREADBASE_DB`, `THREADBASE_RATE_LIMIT=0`). The reference servers it is measured
against are in `bench/peers.py`."""

from __future__ import annotations

from api.app import serve_app

app = serve_app()
