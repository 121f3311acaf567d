"""Area alert levels (docs/incidents.md, "Area alert level"): the history of levels per
kecamatan, the contingency checklist a raise starts, ticking it, who may do what."""

from datetime import timedelta

import pytest
from django.core.exceptions import PermissionDenied, ValidationError
from django.db import IntegrityError, transaction
from django.utils import timezone

from field.alerts import selectors, services
from field.alerts.models import AreaAlert, ChecklistItem, ContingencyStep
from tests.factories import KecamatanFactory

pytestmark = pytest.mark.django_db


def _raise(kecamatan, level, by, reason="Massa berkumpul di beberapa TPS"):
    return services.area_alert_set(kecamatan=kecamatan, level=level, reason=reason, by=by)


def _texts(alert):
    return list(alert.checklist.order_by("pk").values_list("level", "text"))


# The steps as data


def test_the_migration_seeds_steps_for_kuning_and_merah():
    levels = set(ContingencyStep.objects.values_list("level", flat=True))

    assert levels == {"kuning", "merah"}
    assert ContingencyStep.objects.filter(level="merah", text__icontains="Polda").exists()
    assert ContingencyStep.objects.filter(level="kuning", text__icontains="Dalmas").exists()


# What the database refuses


def _alert_row(kecamatan, user, **fields):
    values = {
        "kecamatan": kecamatan,
        "level": "kuning",
        "previous_level": "hijau",
        "set_by": user,
        "set_at": timezone.now(),
        "reason": "Uji",
        **fields,
    }
    return AreaAlert.objects.create(**values)


@pytest.mark.parametrize(
    "fields",
    [
        {"level": "biru"},
        {"previous_level": "ungu"},
        {"level": "kuning", "previous_level": "kuning"},
        {"reason": ""},
    ],
    ids=["level_valid", "previous_level_valid", "level_changes", "reason_given"],
)
def test_database_refuses_an_invalid_alert(mojoroto, command_staff, fields):
    with pytest.raises(IntegrityError), transaction.atomic():
        _alert_row(mojoroto, command_staff, **fields)


@pytest.mark.parametrize(
    "fields",
    [
        {"ticked_at": timezone.now()},  # a time without who
        {"ticked_by": "user"},  # who without a time
        {"level": "hijau"},
    ],
    ids=["time_without_who", "who_without_time", "level_valid"],
)
def test_database_refuses_an_invalid_checklist_item(mojoroto, command_staff, fields):
    alert = _alert_row(mojoroto, command_staff)
    if fields.get("ticked_by") == "user":
        fields["ticked_by"] = command_staff
    values = {"alert": alert, "level": "kuning", "order": 1, "text": "Langkah", **fields}

    with pytest.raises(IntegrityError), transaction.atomic():
        ChecklistItem.objects.create(**values)


def test_database_lists_a_step_once_per_raise(mojoroto, command_staff):
    alert = _alert_row(mojoroto, command_staff)
    step = ContingencyStep.objects.filter(level="kuning").first()
    ChecklistItem.objects.create(alert=alert, step=step, level="kuning", order=1, text=step.text)

    with pytest.raises(IntegrityError), transaction.atomic():
        ChecklistItem.objects.create(alert=alert, step=step, level="kuning", order=1, text="x")


def test_database_refuses_a_step_of_hijau():
    with pytest.raises(IntegrityError), transaction.atomic():
        ContingencyStep.objects.create(level="hijau", text="Tidak ada")


# Setting the level


def test_a_kecamatan_without_a_setting_is_hijau(mojoroto, pesantren, command_staff):
    _raise(pesantren, "kuning", command_staff)

    levels = {row["code"]: row["level"] for row in selectors.area_levels(command_staff)}

    assert levels == {mojoroto.code: "hijau", pesantren.code: "kuning"}


def test_raising_to_kuning_starts_its_checklist_once(election_day, mojoroto, command_staff):
    expected = list(
        ContingencyStep.objects.filter(level="kuning", active=True)
        .order_by("order")
        .values_list("level", "text")
    )

    alert = _raise(mojoroto, "kuning", command_staff)
    with pytest.raises(ValidationError, match="sudah berstatus"):
        _raise(mojoroto, "kuning", command_staff)  # the same POST again

    assert alert.previous_level == "hijau"
    assert _texts(alert) == expected
    assert AreaAlert.objects.count() == 1
    assert ChecklistItem.objects.count() == len(expected) > 0


def test_set_at_is_the_operation_clock(settings, election_day, mojoroto, command_staff):
    alert = _raise(mojoroto, "kuning", command_staff)

    assert alert.set_at == settings.OPSBOARD_NOW


def test_hijau_to_merah_lists_the_steps_of_kuning_and_merah(mojoroto, command_staff):
    alert = _raise(mojoroto, "merah", command_staff)

    levels = [level for level, _text in _texts(alert)]
    assert set(levels) == {"kuning", "merah"}
    assert levels == sorted(levels, key=["kuning", "merah"].index)  # kuning's first


def test_kuning_to_merah_lists_merah_only_and_lowering_lists_nothing(
    settings, election_day, mojoroto, command_staff
):
    _raise(mojoroto, "kuning", command_staff)
    settings.OPSBOARD_NOW += timedelta(minutes=10)
    merah = _raise(mojoroto, "merah", command_staff)
    settings.OPSBOARD_NOW += timedelta(minutes=10)
    lowered = _raise(mojoroto, "kuning", command_staff, reason="Massa bubar")

    assert {level for level, _text in _texts(merah)} == {"merah"}
    assert _texts(lowered) == []
    assert lowered.previous_level == "merah"
    history = list(AreaAlert.objects.filter(kecamatan=mojoroto).values_list("level", flat=True))
    assert history == ["kuning", "merah", "kuning"]  # newest first


def test_an_inactive_step_is_not_listed_and_an_edit_does_not_rewrite_a_list(
    mojoroto, command_staff
):
    first, second = ContingencyStep.objects.filter(level="kuning").order_by("order")[:2]
    ContingencyStep.objects.filter(pk=second.pk).update(active=False)

    alert = _raise(mojoroto, "kuning", command_staff)
    ContingencyStep.objects.filter(pk=first.pk).update(text="Teks baru")

    texts = [text for _level, text in _texts(alert)]
    assert second.text not in texts
    assert first.text in texts


@pytest.mark.parametrize(
    ("level", "reason", "message"),
    [
        ("biru", "Alasan", "tidak dikenal"),
        ("kuning", "   ", "alasan"),
        ("kuning", "x" * 1001, "1000"),
    ],
)
def test_setting_refuses_bad_input_and_writes_nothing(
    mojoroto, command_staff, level, reason, message
):
    with pytest.raises(ValidationError, match=message):
        services.area_alert_set(kecamatan=mojoroto, level=level, reason=reason, by=command_staff)

    assert not AreaAlert.objects.exists()


def test_only_the_command_sets_a_level_whoever_calls_the_service(
    mojoroto, polsek_staff, field_officer
):
    for user in (polsek_staff, field_officer, None):
        with pytest.raises(PermissionDenied):
            _raise(mojoroto, "kuning", user)

    assert not AreaAlert.objects.exists()


# Ticking


def test_tick_records_who_and_when_once(settings, election_day, mojoroto, command_staff, ops_admin):
    item = _raise(mojoroto, "kuning", command_staff).checklist.first()
    settings.OPSBOARD_NOW += timedelta(minutes=3)

    ticked = services.checklist_item_tick(item=item, by=ops_admin)
    with pytest.raises(ValidationError, match="sudah dicentang"):
        services.checklist_item_tick(item=item, by=command_staff)

    item.refresh_from_db()
    assert (item.ticked_by, item.ticked_at) == (ops_admin, settings.OPSBOARD_NOW)
    assert ticked.ticked


def test_tick_of_a_checklist_no_longer_in_force_is_refused(mojoroto, command_staff):
    item = _raise(mojoroto, "kuning", command_staff).checklist.first()
    _raise(mojoroto, "hijau", command_staff, reason="Aman kembali")

    with pytest.raises(ValidationError, match="tidak berlaku"):
        services.checklist_item_tick(item=item, by=command_staff)

    item.refresh_from_db()
    assert item.ticked_at is None


# The pages


def test_command_staff_raise_a_level_from_the_panel(login, command_staff, mojoroto):
    client = login(command_staff)

    response = client.post(
        f"/lapangan/siaga/{mojoroto.pk}/tetapkan/", {"level": "merah", "reason": "Bentrok massa"}
    )
    panel = client.get("/lapangan/siaga/", HTTP_HX_REQUEST="true").content.decode()

    assert response.status_code == 302
    assert AreaAlert.objects.get().level == "merah"
    assert 'id="siaga-357101" data-level="merah"' in panel
    assert "Laporkan ke Polda Jawa Timur" in panel
    assert "Bentrok massa" in panel


def test_htmx_set_answers_the_panel_and_a_bad_level_is_422(login, command_staff, mojoroto):
    client = login(command_staff)
    url = f"/lapangan/siaga/{mojoroto.pk}/tetapkan/"

    ok = client.post(url, {"level": "kuning", "reason": "Waspada"}, HTTP_HX_REQUEST="true")
    bad = client.post(url, {"level": "biru", "reason": "Waspada"}, HTTP_HX_REQUEST="true")
    again = client.post(url, {"level": "kuning", "reason": "Lagi"}, HTTP_HX_REQUEST="true")

    assert ok.status_code == 200 and 'id="alert-panel"' in ok.content.decode()
    assert bad.status_code == 422 and "tidak dikenal" in bad.content.decode()
    assert again.status_code == 422 and "sudah berstatus" in again.content.decode()
    assert AreaAlert.objects.count() == 1


def test_tick_from_the_panel(login, command_staff, mojoroto):
    item = _raise(mojoroto, "kuning", command_staff).checklist.first()
    client = login(command_staff)

    response = client.post(f"/lapangan/siaga/langkah/{item.pk}/centang/", HTTP_HX_REQUEST="true")

    item.refresh_from_db()
    assert response.status_code == 200
    assert item.ticked_by == command_staff
    assert "✓" in response.content.decode()


def test_polsek_staff_see_their_kecamatan_only(
    login, polsek_staff, command_staff, mojoroto, pesantren
):
    _raise(pesantren, "merah", command_staff, reason="Rahasia Pesantren")

    panel = login(polsek_staff).get("/lapangan/siaga/").content.decode()

    assert "Mojoroto" in panel
    assert "Pesantren" not in panel
    assert "Rahasia Pesantren" not in panel
    assert '<form class="alert-set"' not in panel  # they do not set levels


def test_polsek_staff_tick_their_own_but_set_nothing(login, polsek_staff, command_staff, mojoroto):
    item = _raise(mojoroto, "kuning", command_staff).checklist.first()
    client = login(polsek_staff)

    tick = client.post(f"/lapangan/siaga/langkah/{item.pk}/centang/")
    setting = client.post(
        f"/lapangan/siaga/{mojoroto.pk}/tetapkan/", {"level": "merah", "reason": "x"}
    )

    assert tick.status_code == 302
    assert setting.status_code == 403
    assert AreaAlert.objects.count() == 1


def test_another_kecamatan_is_a_404_for_polsek_staff(login, polsek_staff, command_staff, pesantren):
    item = _raise(pesantren, "kuning", command_staff).checklist.first()
    client = login(polsek_staff)

    tick = client.post(f"/lapangan/siaga/langkah/{item.pk}/centang/")
    setting = client.post(
        f"/lapangan/siaga/{pesantren.pk}/tetapkan/", {"level": "merah", "reason": "x"}
    )

    item.refresh_from_db()
    assert (tick.status_code, setting.status_code) == (404, 404)
    assert item.ticked_at is None
    assert AreaAlert.objects.count() == 1


def test_field_officers_get_403(login, field_officer, mojoroto):
    client = login(field_officer)

    assert client.get("/lapangan/siaga/").status_code == 403
    assert (
        client.post(
            f"/lapangan/siaga/{mojoroto.pk}/tetapkan/", {"level": "kuning", "reason": "x"}
        ).status_code
        == 403
    )
    assert client.get("/api/area-alerts.json").status_code == 403
    assert not AreaAlert.objects.exists()


def test_area_alerts_json_gives_the_level_of_each_kecamatan_in_scope(
    login, polsek_staff, command_staff, mojoroto, pesantren
):
    _raise(mojoroto, "kuning", command_staff)
    _raise(pesantren, "merah", command_staff)

    everything = login(command_staff).get("/api/area-alerts.json").json()
    own = login(polsek_staff).get("/api/area-alerts.json").json()

    assert {c: v["level"] for c, v in everything["levels"].items()} == {
        "357101": "kuning",
        "357103": "merah",
    }
    assert list(own["levels"]) == ["357101"]
    assert everything["labels"]["merah"].startswith("Merah")


@pytest.mark.parametrize("areas", [2, 6])
def test_panel_takes_a_fixed_number_of_queries(
    login, command_staff, django_assert_num_queries, areas
):
    for n in range(areas):
        kecamatan = KecamatanFactory(code=f"3572{n:02d}")
        alert = _raise(kecamatan, "kuning", command_staff)
        services.checklist_item_tick(item=alert.checklist.first(), by=command_staff)
    client = login(command_staff)

    # 1 session, 2 the user with their role, 3 kecamatan with their latest alert, 4 those
    # alerts with who set them, 5 their checklists with who ticked, 6 the history.
    with django_assert_num_queries(6):
        response = client.get("/lapangan/siaga/", HTTP_HX_REQUEST="true")

    assert response.content.decode().count('class="alert-area level-') == areas
