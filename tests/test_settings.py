"""Settings: read from the environment, and every one of them documented."""

from __future__ import annotations

import re
from pathlib import Path

import pytest

from api.settings import Settings
from tests.conftest import ROOT


def test_settings_from_the_environment() -> None:
    settings = Settings.from_env(
        {
            "THREADBASE_DB": "/tmp/x.db",
            "THREADBASE_RATE_LIMIT": "0",
            "THREADBASE_CACHE_MAX_AGE": "5",
            "THREADBASE_MAX_BODY_BYTES": "10",
            "THREADBASE_DEBUG": "true",
            "THREADBASE_SECRET": "s3cret",
            "THREADBASE_PARSE_BUDGET_SECONDS": "0.5",
            "THREADBASE_SEARCH_DEADLINE_SECONDS": "0.25",
            "THREADBASE_PARSE_WORKERS": "3",
        }
    )
    assert settings == Settings(
        db_path=Path("/tmp/x.db"),
        rate_limit_per_minute=0,
        cache_max_age=5,
        max_body_bytes=10,
        debug=True,
        secret="s3cret",
        parse_budget_seconds=0.5,
        search_deadline_seconds=0.25,
        parse_workers=3,
    )
    assert Settings.from_env({}) == Settings()
    assert Settings.from_env({"THREADBASE_PARSE_WORKERS": ""}).parse_workers is None
    with pytest.raises(ValueError, match="THREADBASE_PARSE_WORKERS"):
        Settings.from_env({"THREADBASE_PARSE_WORKERS": "0"})


def test_every_setting_is_documented_in_the_readme() -> None:
    source = (ROOT / "api" / "settings.py").read_text()
    variables = set(re.findall(r"THREADBASE_[A-Z_]+", source))
    assert len(variables) == len(Settings.__struct_fields__)
    readme = (ROOT / "README.md").read_text()
    assert {v for v in variables if f"`{v}`" not in readme} == set()


def test_the_database_url_chooses_the_engine() -> None:
    # As SQLAlchemy writes them: three slashes and a relative path, four for an absolute one.
    relative = Settings.from_env({"THREADBASE_DATABASE_URL": "sqlite:///data/tb.db"})
    assert relative == Settings(db_path=Path("data/tb.db"))
    absolute = Settings.from_env({"THREADBASE_DATABASE_URL": "sqlite:////srv/tb.db"})
    assert absolute == Settings(db_path=Path("/srv/tb.db"))
    postgres = Settings.from_env(
        {
            "THREADBASE_DATABASE_URL": "postgresql://tb@db1/threadbase",
            "THREADBASE_READ_DATABASE_URL": "postgresql://tb@db2/threadbase, postgresql://tb@db3/threadbase",
        }
    )
    assert postgres.database_url == "postgresql://tb@db1/threadbase"
    assert postgres.read_database_urls == (
        "postgresql://tb@db2/threadbase",
        "postgresql://tb@db3/threadbase",
    )
    with pytest.raises(ValueError, match="THREADBASE_DATABASE_URL"):
        Settings.from_env({"THREADBASE_DATABASE_URL": "mysql://db1/threadbase"})
