"""Settings read from the environment fail loudly on bad values; the demo needs none of them."""

from pathlib import Path

import pytest
from django.core.exceptions import ImproperlyConfigured

from motcua import env


def test_postgres_urls_become_a_database_entry():
    db = env.database_from_url(
        "postgres://motcua:p%40ss@db.internal:6543/motcua?sslmode=require",
        sqlite_default=Path("/x"),
        conn_max_age=60,
    )
    assert db["ENGINE"] == "django.db.backends.postgresql"
    assert (db["NAME"], db["USER"], db["PASSWORD"], db["HOST"], db["PORT"]) == (
        "motcua",
        "motcua",
        "p@ss",
        "db.internal",
        "6543",
    )
    assert db["OPTIONS"] == {"sslmode": "require"}


def test_no_database_url_means_the_embedded_sqlite_file(tmp_path):
    db = env.database_from_url("", sqlite_default=tmp_path / "var" / "db.sqlite3", conn_max_age=0)
    assert db["ENGINE"] == "django.db.backends.sqlite3"
    assert db["OPTIONS"]["transaction_mode"] == "IMMEDIATE"
    assert (tmp_path / "var").is_dir()


@pytest.mark.parametrize(
    ("url", "fragment"),
    [
        ("mysql://root@localhost/db", "unsupported scheme"),
        ("postgres://postgres@localhost:abc/db", "port is not a number"),
        ("postgres://postgres@localhost:5432/", "names no database"),
        ("sqlite://relative.db", "sqlite:////absolute"),
    ],
)
def test_bad_database_urls_are_refused_with_the_reason(url, fragment):
    with pytest.raises(ImproperlyConfigured, match=fragment):
        env.database_from_url(url, sqlite_default=Path("/x"), conn_max_age=0)


@pytest.mark.parametrize(
    ("reader", "value", "fragment"),
    [
        (lambda: env.env_bool("MOTCUA_T", False), "maybe", "expected one of"),
        (lambda: env.env_int("MOTCUA_T", 1), "ten", "whole number"),
        (lambda: env.env_int("MOTCUA_T", 1, minimum=1), "0", "at least 1"),
        (lambda: env.env_choice("MOTCUA_T", "a", ("a", "b")), "c", "expected one of a, b"),
    ],
)
def test_bad_values_stop_the_process_with_a_clear_message(monkeypatch, reader, value, fragment):
    monkeypatch.setenv("MOTCUA_T", value)
    with pytest.raises(ImproperlyConfigured, match=fragment):
        reader()


def test_good_values_are_read(monkeypatch):
    monkeypatch.setenv("MOTCUA_T", "yes")
    assert env.env_bool("MOTCUA_T", False) is True
    monkeypatch.setenv("MOTCUA_T", "a.example, b.example ,")
    assert env.env_list("MOTCUA_T", []) == ["a.example", "b.example"]
    monkeypatch.delenv("MOTCUA_T")
    assert env.env_int("MOTCUA_T", 7) == 7
