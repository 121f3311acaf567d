import pytest
from django.contrib.auth.models import AnonymousUser, Group

from core.access import GROUP_COMMAND, GROUP_POLSEK, Role, access_of
from opsboard.auth import OpsboardBackend
from tests.factories import UserFactory


@pytest.mark.django_db
@pytest.mark.parametrize(
    ("persona", "role"),
    [
        ("superuser", Role.SUPERUSER),
        ("ops_admin", Role.ADMIN),
        ("command_staff", Role.COMMAND),
        ("polsek_staff", Role.POLSEK),
        ("field_officer", Role.FIELD),
    ],
)
def test_each_persona_has_its_role(persona, role, request):
    user = request.getfixturevalue(persona)

    assert access_of(user).role is role


def test_anonymous_has_the_anonymous_role():
    assert access_of(AnonymousUser()).role is Role.ANONYMOUS


@pytest.mark.django_db
def test_polsek_staff_are_scoped_to_the_kecamatan_of_their_polsek(polsek_staff, mojoroto):
    access = access_of(polsek_staff)

    assert access.kecamatan_id == mojoroto.pk
    assert not access.sees_everything


@pytest.mark.django_db
def test_polsek_account_without_its_polsek_reads_nothing_rather_than_everything():
    user = UserFactory(groups=[GROUP_POLSEK])

    assert access_of(user).role is Role.NONE


@pytest.mark.django_db
def test_withdrawn_field_officer_loses_the_role(field_officer):
    field_officer.personnel.active = False
    field_officer.personnel.save()

    assert access_of(field_officer.__class__.objects.get(pk=field_officer.pk)).role is Role.NONE


@pytest.mark.django_db
def test_deactivated_account_has_no_role(command_staff):
    command_staff.is_active = False

    assert access_of(command_staff).role is Role.NONE


@pytest.mark.django_db
def test_role_is_computed_once_per_request(command_staff, django_assert_num_queries):
    access_of(command_staff)

    with django_assert_num_queries(0):
        access_of(command_staff)


@pytest.mark.django_db
@pytest.mark.parametrize(
    "persona", ["superuser", "ops_admin", "command_staff", "polsek_staff", "field_officer"]
)
def test_the_backend_reads_user_and_role_in_one_query(persona, request, django_assert_num_queries):
    user = request.getfixturevalue(persona)
    expected = access_of(user.__class__.objects.get(pk=user.pk))

    with django_assert_num_queries(1):
        loaded = OpsboardBackend().get_user(user.pk)
        access = access_of(loaded)

    assert access == expected


@pytest.mark.django_db
def test_the_strongest_role_group_wins_when_reading_through_the_backend(mojoroto):
    from tests.factories import PolsekFactory, polsek_staff_user

    user = polsek_staff_user("polsek.and.command", PolsekFactory(kecamatan=mojoroto))
    user.groups.add(Group.objects.get_or_create(name=GROUP_COMMAND)[0])

    assert access_of(OpsboardBackend().get_user(user.pk)).role is Role.COMMAND


@pytest.mark.django_db
def test_a_group_outside_the_roles_gives_no_role_through_the_backend():
    user = UserFactory(groups=["Wall screen"])

    assert access_of(OpsboardBackend().get_user(user.pk)).role is Role.NONE


@pytest.mark.django_db
def test_the_backend_refuses_a_deactivated_account(command_staff):
    command_staff.is_active = False
    command_staff.save(update_fields=["is_active"])

    assert OpsboardBackend().get_user(command_staff.pk) is None
