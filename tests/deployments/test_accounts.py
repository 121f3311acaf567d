import pytest
from django.core.exceptions import ValidationError

from deployments.models import Force
from deployments.services import personnel_account_create
from tests.factories import LinmasFactory, PersonnelFactory, UnitFactory


@pytest.mark.django_db
def test_login_username_is_the_identifier():
    person = PersonnelFactory(identifier="85061234")

    user = personnel_account_create(personnel=person, password="test-Pass-2024")

    assert user.username == "85061234"
    assert person.user == user


@pytest.mark.django_db
def test_identifier_clash_across_forces_is_refused_with_a_message():
    polri = PersonnelFactory(identifier="31000001")
    tni = PersonnelFactory(
        force=Force.TNI,
        rank="Serda",
        identifier="31000001",
        unit=UnitFactory(force=Force.TNI, kind="koramil"),
    )
    personnel_account_create(personnel=polri)

    with pytest.raises(ValidationError) as excinfo:
        personnel_account_create(personnel=tni)

    assert "sudah dipakai" in str(excinfo.value)
    tni.refresh_from_db()
    assert tni.user is None


@pytest.mark.django_db
def test_database_refuses_a_polri_nrp_that_is_not_eight_digits():
    from django.db import IntegrityError, transaction

    with pytest.raises(IntegrityError), transaction.atomic():
        PersonnelFactory(identifier="1234")


@pytest.mark.django_db
def test_database_refuses_a_rank_from_another_force():
    from django.db import IntegrityError, transaction

    with pytest.raises(IntegrityError), transaction.atomic():
        LinmasFactory(rank="Bripka")
