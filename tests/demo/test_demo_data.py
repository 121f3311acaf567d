"""What `seed_kediri_2024` puts in the database: the article's figures, the wilkum, the guards."""

from collections import Counter, defaultdict
from datetime import date

import pytest
from django.db.models import Count, F, Sum

from coordination.models import Meeting
from demo.deployment import polri_pattern
from deployments.models import (
    GUARDED_KINDS,
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
    # The deployment at TPS and posts; the guarded objects' shift rotations are their own
    # (demo/rotations.py, tests/deployments/test_demo_rotations.py).
    assignments = Assignment.objects.exclude(kind__in=GUARDED_KINDS).select_related("personnel")

    per_person = Counter(assignments.values_list("personnel_id", flat=True))

    # The reserve pair sent to the hoax (demo/incidents.py) hold two: the relieved reserve
    # duty and the dispatch duty; everyone else one.
    assert len(per_person) == 2285 and Counter(per_person.values()) == {1: 2283, 2: 2}
    assert assignments.exclude(phase=pemungutan).count() == 0
    assert all(pemungutan.contains(a.starts_at, a.ends_at) for a in assignments)


def test_tni_and_other_polri_serve_at_named_posts():
    # The dispatch duties of the reserve pair have no post (field.dispatch): not posts.
    at_posts = Assignment.objects.exclude(
        kind__in=(PostKind.PAM_TPS, PostKind.KEJADIAN, *GUARDED_KINDS)
    )

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

    deployment = Assignment.objects.exclude(kind__in=GUARDED_KINDS)
    assert deployment.filter(sprin__isnull=True).count() == 0
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

    # The morning's incidents, from reports; those the logistics flags raised are
    # tests/demo/test_demo_logistics.py's.
    incidents = Incident.objects.filter(logistics_flag=None)

    assert set(incidents.values_list("state", flat=True)) == set(IncidentState.values)
    assert not incidents.exclude(title__endswith="(sintetis)").exists()
    assert not SituationReport.objects.exclude(text__endswith="(laporan sintetis)").exists()
    assert incidents.filter(kecamatan__name="Mojoroto").exists()  # polsek.mojoroto sees some
    assert all(i.links.count() == 1 for i in incidents)


# Election morning in the field (demo/morning.py, demo/incidents.py)


def _pam_tps_duties():
    return Assignment.objects.filter(kind=PostKind.PAM_TPS, status=Assignment.Status.ACTIVE)


def test_most_guards_checked_in_at_their_own_tps_before_it_opened():
    from django.conf import settings

    from demo.common import wib
    from field.models import CheckIn

    duties = _pam_tps_duties()
    own = set(duties.values_list("personnel_id", "tps"))
    checkins = CheckIn.objects.all()

    share = checkins.count() / duties.count()
    assert 0.8 < share < 0.97  # most, not all
    assert len(set(checkins.values_list("person_id", flat=True))) == checkins.count()
    assert set(checkins.values_list("person_id", "tps_id")) <= own
    assert not checkins.exclude(at__gte=wib(11, 27, 5, 45), at__lt=wib(11, 27, 7)).exists()
    unverified = checkins.filter(latitude=None)
    far = checkins.filter(far=True)
    assert 0 < unverified.count() < checkins.count() // 4
    assert not unverified.exclude(distance_m=None).exists()
    assert 0 < far.count() < checkins.count() // 20
    assert not far.filter(distance_m__lte=settings.FIELD_CHECKIN_FAR_METRES).exists()
    near = checkins.filter(far=False).exclude(distance_m=None)
    assert not near.filter(distance_m__gt=settings.FIELD_CHECKIN_FAR_METRES).exists()


def test_most_tps_reported_their_guards_and_their_opening_the_late_box_at_07_55():
    from demo.common import wib
    from field.incidents.models import Incident
    from field.models import TPSStatusStep

    steps = TPSStatusStep.objects.all()
    opened = steps.filter(step=TPSStatusStep.Step.TPS_OPEN)
    late = Incident.objects.filter(logistics_flag=None).get(incident_class="gangguan_logistik")

    assert set(steps.values_list("step", flat=True)) == {1, 2}  # 09.00: voting still open
    assert steps.filter(step=1).count() > 0.85 * TPS.objects.count()
    assert opened.count() > 0.8 * TPS.objects.count()
    assert not steps.filter(step=1).exclude(at__date=date(2024, 11, 26)).exists()
    assert opened.get(tps=late.tps).at == wib(11, 27, 7, 55)
    assert not opened.exclude(tps=late.tps).exclude(at__lt=wib(11, 27, 7, 21)).exists()
    # Reported by a guard of that TPS.
    own = set(_pam_tps_duties().values_list("personnel_id", "tps"))
    assert set(steps.values_list("person_id", "tps_id")) <= own


def test_a_few_more_reports_all_labelled_synthetic_two_left_for_the_command():
    from field.models import SituationReport

    reports = SituationReport.objects.filter(incident_link=None)

    assert 10 < reports.filter(kind="aman").count() < 40
    assert reports.exclude(kind="aman").count() == 2  # unhandled: in the feed
    assert not SituationReport.objects.exclude(text__endswith="(laporan sintetis)").exists()


def test_a_reserve_pair_was_sent_to_the_hoax_by_the_dispatch_service():
    from demo.common import wib
    from field.dispatch.models import IncidentDispatch
    from field.incidents.models import EventKind, Incident

    hoax = Incident.objects.get(incident_class="hoaks")
    links = list(IncidentDispatch.objects.select_related("duty", "relieved", "personnel"))

    assert hoax.state == "ditangani" and hoax.dispatched_at == wib(11, 27, 8, 5)
    assert len(links) == 2 and {link.incident_id for link in links} == {hoax.pk}
    for link in links:
        assert link.personnel.force == Force.POLRI and link.by.username == "kabagops"
        assert link.relieved.kind == PostKind.CADANGAN
        assert link.relieved.status == Assignment.Status.RELIEVED
        assert link.relieved.ends_at == link.at == hoax.dispatched_at
        assert link.duty.kind == PostKind.KEJADIAN and link.duty.status == "active"
    assert set(hoax.responders.all()) == {link.personnel for link in links}
    event = hoax.events.get(kind=EventKind.DISPATCHED)
    assert sorted(event.data["responders"]) == sorted(link.personnel_id for link in links)
    assert hoax.title.endswith("(sintetis)") and hoax.dispatch_note.endswith("(sintetis)")


def test_urgent_incidents_carry_their_escalation_as_of_nine():
    from django.contrib.auth import get_user_model

    from field.incidents.models import EventKind, Incident
    from field.notifications.models import EscalationStep, Notification

    kabagops = get_user_model().objects.get(username="kabagops")
    morning = Incident.objects.filter(logistics_flag=None)  # the logistics flags' are not here
    urgent = morning.filter(severity__gte=3)
    levels = {
        i.incident_class: sorted(i.escalation_steps.values_list("level", flat=True)) for i in urgent
    }

    assert (
        not EscalationStep.objects.filter(incident__in=morning)
        .exclude(incident__in=urgent)
        .exists()
    )
    # Answered at its verification (07.16), at 08.50 after Kabag Ops was told; the Darurat of
    # 08.52 (Tinggi) told Kabag Ops at 08.57 and waits.
    assert levels == {
        "gangguan_logistik": [1],
        "pelanggaran_pemilu": [1, 2],
        "bentrok_massa": [1, 2],
    }
    [unread] = Notification.objects.visible_to(kabagops).filter(acknowledged_at=None)
    assert unread.incident.incident_class == "bentrok_massa" and unread.level == 2
    for incident in urgent:
        told = incident.events.filter(kind=EventKind.NOTIFIED).count()
        assert told == incident.escalation_steps.count()
        acknowledged = incident.events.filter(kind=EventKind.ACKNOWLEDGED)
        assert acknowledged.exists() == (incident.verified_at is not None)
    # polsek.mojoroto was told of its kecamatan's urgent incident and answered.
    mine = Notification.objects.filter(recipient__username="polsek.mojoroto")
    assert mine.count() == 1 and mine.get().acknowledged_at is not None
    # No darurat waits unanswered: the dashboard's alarm does not ring when the demo opens.
    from field.incidents.selectors import panic_alarms

    assert panic_alarms(kabagops) == []


# PostgreSQL's count: SQLite's variable limit splits the bulk writes into more batches as the
# rows grow, which is the very growth the bound is there to catch on PostgreSQL.
@pytest.mark.services
def test_the_morning_is_bulk_written_and_reset_removes_it(django_assert_max_num_queries):
    from demo.incidents import late_ballot_tps_ids
    from demo.morning import morning_create, morning_delete
    from demo.seed import demo_delete
    from field.dispatch.models import IncidentDispatch
    from field.models import CheckIn, SituationReport, TPSStatusStep
    from field.notifications.models import EscalationStep, Notification

    pemungutan = Phase.objects.get(code=Phase.Code.PEMUNGUTAN)
    synthetic = TPS.objects.filter(is_synthetic=True)
    morning_delete(synthetic)
    SituationReport.objects.filter(incident_link=None).delete()
    with django_assert_max_num_queries(20):  # whatever the number of guards
        figures = morning_create(pemungutan, late_tps_ids=late_ballot_tps_ids())
    assert figures.checkins == CheckIn.objects.count() > 1500

    removed = demo_delete()

    assert removed["check-in"] == figures.checkins
    assert removed["status TPS"] == figures.status_steps
    for model in (
        CheckIn,
        TPSStatusStep,
        SituationReport,
        IncidentDispatch,
        EscalationStep,
        Notification,
    ):
        assert not model.objects.exists(), model
