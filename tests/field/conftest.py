"""Fixtures of the field reporting tests: election day on the operation clock, fast password
hashing, a private photo folder per test, and a TPS team around the `field_officer` persona."""

import pytest

from tests.field.helpers import ELECTION_DAY_9AM


@pytest.fixture
def election_day(db, settings):
    """The operation with its phases; the operation clock at 09.00 WIB on 27 Nov 2024."""
    from tests.factories import OperationFactory

    settings.OPSBOARD_NOW = ELECTION_DAY_9AM
    return OperationFactory()


@pytest.fixture(autouse=True)
def fast_password_hashing(settings):
    # Personas hash a password on creation; PBKDF2's slowness is not what these tests test.
    settings.PASSWORD_HASHERS = ["django.contrib.auth.hashers.MD5PasswordHasher"]


@pytest.fixture(autouse=True)
def photo_root(settings, tmp_path):
    settings.FIELD_PHOTO_ROOT = tmp_path / "field-photos"
    return settings.FIELD_PHOTO_ROOT


@pytest.fixture
def guard(election_day, field_officer):
    """The `field_officer` persona's Personnel record (a Linmas at TPS A)."""
    return field_officer.personnel
