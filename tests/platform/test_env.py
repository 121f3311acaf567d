"""core/env.py: configuration is parsed strictly, and secrets can come from files."""

from datetime import timedelta

import pytest
from django.core.exceptions import ImproperlyConfigured

from core.env import env_bool, env_datetime, env_int, env_list, env_str
from tests.platform.conftest import BASE_DIR, settings_variables


@pytest.mark.parametrize("raw", ["true", "TRUE", "1", "on", " On "])
def test_env_bool_reads_true(monkeypatch, raw):
    monkeypatch.setenv("OPSBOARD_FLAG", raw)

    value = env_bool("OPSBOARD_FLAG", False)

    assert value is True


@pytest.mark.parametrize("raw", ["false", "False", "0", "off"])
def test_env_bool_reads_false(monkeypatch, raw):
    monkeypatch.setenv("OPSBOARD_FLAG", raw)

    value = env_bool("OPSBOARD_FLAG", True)

    assert value is False


@pytest.mark.parametrize("raw", ["yes", "no", "y", "enabled", "2", "tru"])
def test_env_bool_refuses_anything_else_instead_of_guessing(monkeypatch, raw):
    monkeypatch.setenv("DEBUG", raw)

    with pytest.raises(ImproperlyConfigured) as excinfo:
        env_bool("DEBUG", True)

    assert f"DEBUG={raw!r}" in str(excinfo.value)
    assert "true/false" in str(excinfo.value)


def test_env_bool_takes_the_default_when_unset_or_empty(monkeypatch):
    monkeypatch.delenv("OPSBOARD_FLAG", raising=False)
    unset = env_bool("OPSBOARD_FLAG", True)
    monkeypatch.setenv("OPSBOARD_FLAG", "")

    empty = env_bool("OPSBOARD_FLAG", True)

    assert unset is True
    assert empty is True


def test_secret_file_wins_over_the_plain_variable(monkeypatch, tmp_path):
    secret = tmp_path / "secret_key"
    secret.write_text("  from-the-file-0123456789\n", encoding="utf-8")
    monkeypatch.setenv("SECRET_KEY", "from-the-environment")
    monkeypatch.setenv("SECRET_KEY_FILE", str(secret))

    value = env_str("SECRET_KEY", "default")

    assert value == "from-the-file-0123456789"  # whitespace and the newline stripped


def test_file_variant_works_for_every_kind_of_setting(monkeypatch, tmp_path):
    hosts, limit, debug = tmp_path / "hosts", tmp_path / "limit", tmp_path / "debug"
    hosts.write_text("a.example, b.example\n", encoding="utf-8")
    limit.write_text("7\n", encoding="utf-8")
    debug.write_text("false\n", encoding="utf-8")
    monkeypatch.setenv("ALLOWED_HOSTS_FILE", str(hosts))
    monkeypatch.setenv("AXES_FAILURE_LIMIT_FILE", str(limit))
    monkeypatch.setenv("DEBUG_FILE", str(debug))

    values = (
        env_list("ALLOWED_HOSTS", []),
        env_int("AXES_FAILURE_LIMIT", 5),
        env_bool("DEBUG", True),
    )

    assert values == (["a.example", "b.example"], 7, False)


def test_missing_secret_file_stops_start_up_naming_the_variable(monkeypatch, tmp_path):
    monkeypatch.setenv("SECRET_KEY_FILE", str(tmp_path / "absent"))

    with pytest.raises(ImproperlyConfigured) as excinfo:
        env_str("SECRET_KEY", "default")

    assert "SECRET_KEY_FILE=" in str(excinfo.value)
    assert "absent" in str(excinfo.value)


@pytest.mark.parametrize(
    ("raw", "message"),
    [("ten", "not a whole number"), ("0", "at least 1"), ("21", "at most 20")],
)
def test_env_int_refuses_bad_numbers(monkeypatch, raw, message):
    monkeypatch.setenv("AXES_FAILURE_LIMIT", raw)

    with pytest.raises(ImproperlyConfigured) as excinfo:
        env_int("AXES_FAILURE_LIMIT", 5, minimum=1, maximum=20)

    assert message in str(excinfo.value)


def test_env_list_splits_on_commas_and_drops_blanks(monkeypatch):
    monkeypatch.setenv("ALLOWED_HOSTS", " opsboard.example , ,[::1],")

    value = env_list("ALLOWED_HOSTS", ["default"])

    assert value == ["opsboard.example", "[::1]"]


def test_env_datetime_needs_an_offset(monkeypatch):
    monkeypatch.setenv("OPSBOARD_NOW", "2024-11-27T09:00:00")

    with pytest.raises(ImproperlyConfigured) as excinfo:
        env_datetime("OPSBOARD_NOW")

    assert "+07:00" in str(excinfo.value)


def test_env_datetime_reads_iso_8601_with_offset(monkeypatch):
    monkeypatch.setenv("OPSBOARD_NOW", "2024-11-27T09:00:00+07:00")

    value = env_datetime("OPSBOARD_NOW")

    assert value.utcoffset() == timedelta(hours=7)
    assert (value.year, value.month, value.day, value.hour) == (2024, 11, 27, 9)


def test_env_example_documents_every_setting_that_settings_reads():
    documented = (BASE_DIR / ".env.example").read_text(encoding="utf-8")
    read = settings_variables()

    undocumented = sorted(
        name for name in read if f"\n{name}=" not in documented and f"\n#{name}=" not in documented
    )

    assert len(read) >= 15, "the settings scan found too few variables: is the regex stale?"
    assert undocumented == [], f"add to .env.example with a comment: {undocumented}"
