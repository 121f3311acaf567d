import pytest


@pytest.fixture
def guard(election_day, field_officer):
    """The `field_officer` persona's Personnel record (a Linmas at TPS A)."""
    return field_officer.personnel
