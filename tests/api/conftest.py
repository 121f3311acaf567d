import pytest

from tests.api.helpers import ELECTION_DAY_9AM
from tests.factories import OperationFactory


@pytest.fixture
def election_day(db, settings):
    """The operation with its phases, the operation clock at 09.00 WIB on 27 Nov 2024."""
    settings.OPSBOARD_NOW = ELECTION_DAY_9AM
    return OperationFactory()


@pytest.fixture(autouse=True)
def fast_password_hashing(settings):
    # Every persona's password is hashed on creation; PBKDF2's deliberate slowness is not what
    # these tests are about and made up most of their run time.
    settings.PASSWORD_HASHERS = ["django.contrib.auth.hashers.MD5PasswordHasher"]
