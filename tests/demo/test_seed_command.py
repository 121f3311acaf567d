"""How `seed_kediri_2024` behaves: idempotent, --reset, demo logins only with a password."""

import pytest
from django.contrib.auth import get_user_model
from django.db.models import Count

from core.access import GROUP_ADMIN, GROUP_COMMAND, Role, access_of
from demo.seed import ALREADY_SEEDED
from deployments.models import Assignment, Personnel
from tests.demo.conftest import DEMO_PASSWORD, demo_checksum, run_seed
from tps.models import TPS, Kecamatan

pytestmark = pytest.mark.usefixtures("seeded", "db")
User = get_user_model()


def _totals() -> dict:
    return {
        "personnel": dict(Personnel.objects.values_list("force").annotate(n=Count("pk"))),
        "tps": TPS.objects.count(),
        "assignments": Assignment.objects.count(),
        "users": User.objects.count(),
    }


def test_first_run_prints_an_indonesian_summary(seeded):
    summary = seeded

    assert "Data demo Kediri 2024 dibuat" in summary
    assert "2.285 = Polri 576 + TNI 31 + Linmas 1.678" in summary
    assert "220.807 pemilih" in summary


def test_second_run_changes_nothing_and_says_so():
    before, checksum = _totals(), demo_checksum()

    output = run_seed()

    assert ALREADY_SEEDED in output
    assert _totals() == before
    assert demo_checksum() == checksum


def test_reset_rebuilds_the_same_demo(monkeypatch):
    monkeypatch.setenv("OPSBOARD_DEMO_PASSWORD", DEMO_PASSWORD)
    before, checksum = _totals(), demo_checksum()

    output = run_seed("--reset")

    assert "Data demo lama dihapus" in output
    assert _totals() == before
    assert demo_checksum() == checksum


def test_no_demo_login_exists_without_the_password_variable(monkeypatch):
    monkeypatch.delenv("OPSBOARD_DEMO_PASSWORD", raising=False)

    output = run_seed("--reset")

    assert "tidak ada login demo" in output
    assert not User.objects.exists()
    assert not Personnel.objects.filter(user__isnull=False).exists()
    assert Personnel.objects.count() == 2285


def test_demo_logins_have_their_roles():
    admin = User.objects.get(username="admin")
    operator = User.objects.get(username="operator")
    kabagops = User.objects.get(username="kabagops")
    polsek = User.objects.get(username="polsek.mojoroto")

    polsek_access = access_of(polsek)

    assert admin.is_superuser and admin.is_staff
    assert operator.is_staff and operator.groups.filter(name=GROUP_ADMIN).exists()
    assert kabagops.is_staff and kabagops.groups.filter(name=GROUP_COMMAND).exists()
    assert access_of(kabagops).role is Role.COMMAND
    assert polsek_access.role is Role.POLSEK
    assert polsek_access.kecamatan_id == Kecamatan.objects.get(name="Mojoroto").pk
    assert admin.check_password(DEMO_PASSWORD)


def test_every_person_logs_in_with_their_identifier():
    people = Personnel.objects.select_related("user")

    usernames = {p.identifier: p.user.username for p in people if p.user_id}

    assert len(usernames) == 2285
    assert all(identifier == username for identifier, username in usernames.items())
    assert access_of(people.get(identifier="LM-3571011001-01").user).role is Role.FIELD


def test_all_demo_accounts_share_one_password_hash():
    hashes = User.objects.values_list("password", flat=True).distinct()

    assert User.objects.count() == 2289
    assert hashes.count() == 1


def test_reset_keeps_accounts_made_by_hand(monkeypatch):
    monkeypatch.setenv("OPSBOARD_DEMO_PASSWORD", DEMO_PASSWORD)
    User.objects.filter(username="admin").delete()
    own_admin = User.objects.create_user("admin", password="Sendiri-2024")

    output = run_seed("--reset")

    own_admin.refresh_from_db()
    assert own_admin.check_password("Sendiri-2024")
    assert not own_admin.is_superuser
    assert "sudah dipakai akun lain, tidak diubah: admin" in output
