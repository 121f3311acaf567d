"""Fixtures of the field reporting tests (election day and fast hashing are in the root conftest):
a private photo folder per test, and a TPS team around the `field_officer` persona."""

import pytest


@pytest.fixture(autouse=True)
def photo_root(settings, tmp_path):
    settings.FIELD_PHOTO_ROOT = tmp_path / "field-photos"
    return settings.FIELD_PHOTO_ROOT


@pytest.fixture
def guard(election_day, field_officer):
    """The `field_officer` persona's Personnel record (a Linmas at TPS A)."""
    return field_officer.personnel
