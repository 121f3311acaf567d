"""What `seed_kediri_2024` puts in the database: the article's figures, the wilkum, the guards."""

from collections import Counter, defaultdict
from datetime import date

import pytest
from django.db.models import Count, F, Sum

from coordination.models import Meeting
from demo.deployment import polri_pattern
from deployments.models import (
    Assignment,
    Force,
    Operation,
    Personnel,
    Phase,
    PostKind,
    SecurityPattern,
    Sprin,
    Unit,
)
from tps.geo import PointCheck, check_point
from tps.models import TPS, Desa, Indicator, KabKota, Kecamatan, Kerawanan
from tps.services import wilkum_load

pytestmark = pytest.mark.usefixtures("seeded", "db")


def _polri_teams() -> dict[frozenset, list[Assignment]]:
    """Polri Pam TPS assignments grouped by the set of TPS they cover: one group, one team."""
    covers = defaultdict(set)
    for assignment_id, tps_id in Assignment.tps.through.objects.filter(
        assignment__kind=PostKind.PAM_TPS, assignment__personnel__force=Force.POLRI
    ).values_list("assignment_id", "tps_id"):
        covers[assignment_id].add(tps_id)
    teams = defaultdict(list)
    for assignment_id, tps_ids in covers.items():
        teams[frozenset(tps_ids)].append(assignment_id)
    return teams


def test_personnel_totals_match_the_article():
    active = Personnel.objects.active()

    by_force = dict(active.values_list("force").annotate(n=Count("pk")))

    assert by_force == {"POLRI": 576, "TNI": 31, "LINMAS": 1678}
    assert active.count() == 2285


def test_tps_spread_over_the_wilkum_as_estimated():
    kota = TPS.objects.filter(desa__kecamatan__kabkota__code="3571")

    per_kecamatan = dict(kota.values_list("desa__kecamatan__name").annotate(n=Count("pk")))

    assert TPS.objects.count() == 839
    assert kota.count() == 401
    assert per_kecamatan == {"Mojoroto": 154, "Kota": 122, "Pesantren": 125}
    assert TPS.objects.filter(desa__kecamatan__kabkota__code="3506").count() == 438
    assert KabKota.objects.count() == 2
    assert Kecamatan.objects.count() == 8
    assert Desa.objects.count() == 106
    assert Desa.objects.filter(tps__isnull=True).count() == 0


def test_kota_kediri_voters_add_up_to_kpu_total():
    kota = TPS.objects.filter(desa__kecamatan__kabkota__code="3571")
    regency = TPS.objects.filter(desa__kecamatan__kabkota__code="3506")

    kota_voters = kota.aggregate(total=Sum("registered_voters"))["total"]
    regency_mean = regency.aggregate(total=Sum("registered_voters"))["total"] / regency.count()

    assert kota_voters == 220_807
    assert not TPS.objects.filter(registered_voters__gt=600).exists()
    assert not TPS.objects.filter(registered_voters__lt=440).exists()
    assert 480 <= regency_mean <= 600


def test_every_tps_point_lies_inside_its_desa():
    tps = list(TPS.objects.select_related("desa__kecamatan"))

    verdicts = Counter(
        check_point(t.desa, float(t.latitude), float(t.longitude)).verdict for t in tps
    )

    assert verdicts == {PointCheck.INSIDE: 839}


def test_tps_are_marked_synthetic():
    tps = TPS.objects.all()

    assert tps.filter(is_synthetic=False).count() == 0
    assert tps.exclude(address__endswith="(alamat sintetis)").count() == 0


def test_kerawanan_is_mostly_kurang_rawan_with_a_small_vulnerable_minority():
    by_class = dict(TPS.objects.values_list("kerawanan").annotate(n=Count("pk")))

    assert by_class == {"kurang_rawan": 800, "rawan": 35, "sangat_rawan": 4}


def test_indicators_are_estimates_and_flags_fit_the_class():
    indicators = Indicator.objects.all()
    flags = TPS.objects.annotate(n=Count("indicators"))

    assert indicators.values("variable").distinct().count() == 8
    assert indicators.filter(is_estimate=False).count() == 0
    assert set(indicators.filter(guard_relevant=True).values_list("variable", flat=True)) == {
        "Keamanan",
        "Lokasi TPS",
    }
    assert flags.filter(kerawanan=Kerawanan.KURANG_RAWAN, n__gt=0).count() == 0
    assert flags.filter(kerawanan=Kerawanan.RAWAN, n__lt=2).count() == 0
    assert flags.filter(kerawanan=Kerawanan.SANGAT_RAWAN, n__lt=4).count() == 0
    for t in TPS.objects.filter(kerawanan=Kerawanan.RAWAN):
        assert t.indicators.filter(guard_relevant=True).exists()
    for t in TPS.objects.filter(kerawanan=Kerawanan.SANGAT_RAWAN):
        assert t.indicators.filter(variable="Keamanan").exists()


def test_every_tps_has_two_linmas_from_its_own_desa():
    linmas_cover = Assignment.tps.through.objects.filter(
        assignment__kind=PostKind.PAM_TPS, assignment__personnel__force=Force.LINMAS
    )

    per_tps = Counter(linmas_cover.values_list("tps_id", flat=True))
    per_assignment = Counter(linmas_cover.values_list("assignment_id", flat=True))

    assert len(per_tps) == 839 and set(per_tps.values()) == {2}
    assert set(per_assignment.values()) == {1}
    assert not linmas_cover.exclude(assignment__personnel__home_desa=F("tps__desa")).exists()
    assert not linmas_cover.exclude(assignment__personnel__unit__desa=F("tps__desa")).exists()


def test_identifiers_are_unique_across_forces():
    identifiers = Personnel.objects.values_list("identifier", flat=True)

    clashes = Personnel.objects.values("identifier").annotate(n=Count("pk")).filter(n__gt=1)

    assert len(set(identifiers)) == 2285
    assert not clashes.exists()
    assert all(
        len(nrp) == 8 and nrp.isdigit()
        for nrp in Personnel.objects.filter(force=Force.POLRI).values_list("identifier", flat=True)
    )
    assert all(
        i.startswith("LM-")
        for i in Personnel.objects.filter(force=Force.LINMAS).values_list("identifier", flat=True)
    )


def test_phones_are_stored_as_plus_62():
    phones = Personnel.objects.exclude(phone="").values_list("phone", flat=True)

    assert all(phone.startswith("+62") for phone in phones)
    assert Personnel.objects.filter(force=Force.POLRI, phone="").count() == 1  # the Kapolres
    assert 0 < Personnel.objects.filter(force=Force.LINMAS).exclude(phone="").count() < 1678


def test_units_form_the_tree_of_domain_md():
    polres = Unit.objects.get(code="polres-kediri-kota")
    kodim = Unit.objects.get(code="kodim-0809")

    polsek = Unit.objects.polsek()

    assert polsek.count() == 8
    assert set(polsek.values_list("kecamatan__code", flat=True)) == set(
        Kecamatan.objects.values_list("code", flat=True)
    )
    assert set(polsek.values_list("parent", flat=True)) == {polres.pk}
    assert polres.children.exclude(kind=Unit.Kind.POLSEK).count() == 14
    assert kodim.children.filter(kind=Unit.Kind.KORAMIL).count() == 8
    assert (
        Unit.objects.filter(
            kind=Unit.Kind.SATLINMAS, force=Force.LINMAS, desa__isnull=False
        ).count()
        == 106
    )


def test_operation_has_its_phases_and_the_kapolres_as_commander():
    operation = Operation.objects.get(name="Operasi Mantap Praja Semeru 2024")

    commander = operation.commander

    assert (operation.starts_on, operation.ends_on) == (date(2024, 8, 19), date(2024, 12, 31))
    assert operation.phases.count() == 7
    assert (commander.rank, commander.name) == ("AKBP", "Bramastyo Priaji")


def test_security_pattern_is_stored_as_rows_for_all_phases():
    rows = SecurityPattern.objects.all()

    pattern = {(r.kerawanan, r.force): (r.personnel_count, r.tps_count) for r in rows}

    assert pattern == {
        ("kurang_rawan", "POLRI"): (2, 4),
        ("rawan", "POLRI"): (2, 2),
        ("sangat_rawan", "POLRI"): (2, 1),
        ("khusus", "POLRI"): (2, 1),
        ("kurang_rawan", "LINMAS"): (2, 1),
        ("rawan", "LINMAS"): (2, 1),
        ("sangat_rawan", "LINMAS"): (2, 1),
        ("khusus", "LINMAS"): (2, 1),
    }
    assert not rows.filter(phase__isnull=False).exists()


def test_polri_teams_follow_the_pattern_rows():
    pattern = {r.kerawanan: r for r in SecurityPattern.objects.filter(force=Force.POLRI)}
    tps = {t.pk: t for t in TPS.objects.select_related("desa")}

    teams = _polri_teams()

    assert len(teams) > 200
    for tps_ids, members in teams.items():
        classes = {tps[i].kerawanan for i in tps_ids}
        kecamatan = {tps[i].desa.kecamatan_id for i in tps_ids}
        assert len(classes) == 1 and len(kecamatan) == 1
        row = pattern[classes.pop()]
        assert len(members) == row.personnel_count
        assert len(tps_ids) <= row.tps_count


def test_seed_reads_the_pattern_from_its_rows():
    operation = Operation.objects.get()
    pemungutan = operation.phases.get(code=Phase.Code.PEMUNGUTAN)
    SecurityPattern.objects.filter(kerawanan=Kerawanan.KURANG_RAWAN, force=Force.POLRI).update(
        tps_count=2
    )
    SecurityPattern.objects.create(
        operation=operation,
        phase=pemungutan,
        force=Force.POLRI,
        kerawanan=Kerawanan.RAWAN,
        personnel_count=4,
        tps_count=2,
    )
    SecurityPattern.objects.filter(kerawanan=Kerawanan.KHUSUS, force=Force.POLRI).delete()

    pattern = polri_pattern(operation, pemungutan)

    assert pattern == {"kurang_rawan": (2, 2), "rawan": (4, 2), "sangat_rawan": (2, 1)}


def test_the_gap_left_by_576_polri_stays_visible():
    covered = set(
        Assignment.tps.through.objects.filter(assignment__personnel__force=Force.POLRI).values_list(
            "tps_id", flat=True
        )
    )

    without_polri = TPS.objects.exclude(pk__in=covered)

    assert 0 < without_polri.count() < 60
    # The most vulnerable TPS are served first: the gap is all kurang rawan.
    assert set(without_polri.values_list("kerawanan", flat=True)) == {Kerawanan.KURANG_RAWAN}


def test_everyone_has_one_assignment_inside_the_pemungutan_phase():
    pemungutan = Phase.objects.get(code=Phase.Code.PEMUNGUTAN)
    assignments = Assignment.objects.select_related("personnel")

    per_person = Counter(assignments.values_list("personnel_id", flat=True))

    assert len(per_person) == 2285 and set(per_person.values()) == {1}
    assert assignments.exclude(phase=pemungutan).count() == 0
    assert all(pemungutan.contains(a.starts_at, a.ends_at) for a in assignments)


def test_tni_and_other_polri_serve_at_named_posts():
    at_posts = Assignment.objects.exclude(kind=PostKind.PAM_TPS)

    by_force = dict(at_posts.values_list("personnel__force").annotate(n=Count("pk")))

    assert at_posts.filter(post__isnull=True).count() == 0
    assert by_force == {"POLRI": 140, "TNI": 31}
    assert not Assignment.objects.filter(kind=PostKind.PAM_TPS, personnel__force=Force.TNI).exists()
    kinds = set(at_posts.values_list("kind", flat=True))
    assert kinds == {
        PostKind.POSKO,
        PostKind.POS_PAM,
        PostKind.PATROLI,
        PostKind.PENGAWALAN_LOGISTIK,
        PostKind.CADANGAN,
        PostKind.PADAL,
    }


def test_assignments_come_from_sprin_signed_by_the_kapolres_before_h_minus_1():
    sprins = Sprin.objects.all()

    numbers = list(sprins.values_list("number", flat=True))

    assert Assignment.objects.filter(sprin__isnull=True).count() == 0
    assert len(numbers) == len(set(numbers))
    assert all(n.startswith("Sprin/") and n.endswith("/XI/OPS.1.3./2024") for n in numbers)
    assert sprins.filter(date__gte=date(2024, 11, 26)).count() == 0
    assert sprins.exclude(signer__contains="Bramastyo Priaji").count() == 0


def test_rakor_of_13_august_is_recorded_with_its_statements():
    meeting = Meeting.objects.get()

    speakers = list(meeting.statements.values_list("position", flat=True))

    assert meeting.held_at.date() == date(2024, 8, 13)
    assert "Rupatama" in meeting.place
    assert "Bramastyo Priaji" in meeting.chair
    assert speakers == [
        "Kapolres Kediri Kota",
        "Kapolres Kediri Kota",
        "Dandim 0809/Kediri",
        "Sekretaris Daerah Kota Kediri",
    ]
    assert "2.285 personel" in meeting.statements.first().text
    assert "hoaks" in meeting.statements.last().text
    assert meeting.attendance.count() == 12
    assert meeting.decisions.exists()
    assert meeting.action_items.count() >= 3
    assert not meeting.action_items.filter(due_on__isnull=True).exists()


def test_loading_the_wilkum_again_changes_nothing():
    result = wilkum_load()

    assert (result.created, result.updated, result.unchanged) == (0, 0, 116)


def test_election_morning_has_incidents_in_every_state_labelled_synthetic():
    from field.incidents.models import Incident, IncidentState
    from field.models import SituationReport

    incidents = Incident.objects.all()

    assert set(incidents.values_list("state", flat=True)) == set(IncidentState.values)
    assert not incidents.exclude(title__endswith="(sintetis)").exists()
    assert not SituationReport.objects.exclude(text__endswith="(laporan sintetis)").exists()
    assert incidents.filter(kecamatan__name="Mojoroto").exists()  # polsek.mojoroto sees some
    assert all(i.links.count() == 1 for i in incidents)
