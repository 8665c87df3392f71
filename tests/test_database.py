"""The embedded SQLite database is set up for a web server's concurrency."""

import pytest
from django.db import connection


@pytest.mark.django_db
@pytest.mark.skipif(connection.vendor != "sqlite", reason="WAL is SQLite's; PostgreSQL needs no such setting")
def test_sqlite_runs_in_wal_mode_with_a_busy_timeout(tmp_path, settings):
    # The test database lives in memory, where WAL does not apply: open a file one.
    import sqlite3

    from django.db.backends.sqlite3.base import DatabaseWrapper

    wrapper = DatabaseWrapper({**connection.settings_dict, "NAME": str(tmp_path / "wal.sqlite3")})
    try:
        with wrapper.cursor() as cursor:
            cursor.execute("PRAGMA journal_mode")
            assert cursor.fetchone()[0] == "wal"
            cursor.execute("PRAGMA busy_timeout")
            assert cursor.fetchone()[0] == 5000
    finally:
        wrapper.close()
    assert sqlite3.connect(tmp_path / "wal.sqlite3").execute("PRAGMA journal_mode").fetchone()[0] == "wal"
