"""Fill gaps with factories: whom it proposes and in what order, and what its confirmation
refuses (the demo's case: test_gaps_demo.py)."""

import pytest
from django.core.exceptions import ValidationError

from deployments.models import Assignment, Force, PostKind, Unavailability
from deployments.services import assignments_cancel, gaps_apply, gaps_propose
from deployments.services.gaps import FREE, OVERSTAFFED
from tests.factories import (
    AssignmentFactory,
    BkoInFactory,
    DesaFactory,
    KecamatanFactory,
    PersonnelFactory,
    PolsekFactory,
    PostFactory,
    SecurityPatternFactory,
    SprinFactory,
    TPSFactory,
    UserFactory,
    phase,
)


@pytest.fixture
def world(db):
    """Polri 2 per 4 kurang rawan TPS, nothing of Linmas; a Polsek and four TPS of one desa."""
    pemungutan = phase()
    SecurityPatternFactory(
        operation=pemungutan.operation, force=Force.POLRI, personnel_count=2, tps_count=4
    )
    kecamatan = KecamatanFactory(code="357101", name="Mojoroto")
    desa = DesaFactory(kecamatan=kecamatan, code="3571011001", name="Bandar Lor")
    return {
        "phase": pemungutan,
        "polsek": PolsekFactory(kecamatan=kecamatan),
        "tps": [TPSFactory(desa=desa, number=n) for n in range(1, 5)],
        "sprin": SprinFactory(operation=pemungutan.operation),
        "admin": UserFactory(username="operator.gaps"),
    }


def _at_post(person, kind, pemungutan, name):
    return AssignmentFactory(
        personnel=person, phase=pemungutan, kind=kind, post=PostFactory(kind=kind, name=name)
    )


def test_an_over_staffed_tps_gives_one_guard_and_keeps_the_other(world):
    # TPS 1 has a pair over it alone (2 where ½ is asked); TPS 2 has nobody.
    pemungutan, (one, two, *_rest) = world["phase"], world["tps"]
    pair = [PersonnelFactory(unit=world["polsek"]) for _ in range(2)]
    for person in pair:
        AssignmentFactory(personnel=person, phase=pemungutan, tps=[one])
    _at_post(PersonnelFactory(unit=world["polsek"]), PostKind.POSKO, pemungutan, "Posko PPK")

    proposal = gaps_propose(tps=[two], phase=pemungutan)

    # A remainder of one TPS needs one officer, not a pair ("1 Polri untuk 2 TPS" is ½).
    assert [(i.source, [t.pk for t in i.tps]) for i in proposal.items] == [(OVERSTAFFED, [two.pk])]
    assert proposal.items[0].personnel in pair
    assert proposal.considered == 2  # the TPS asked about and the one giving a guard
    assert proposal.before["covered"] == 1 and proposal.after["covered"] == 2


def test_the_free_come_first_then_the_reserve_then_patrols(world):
    pemungutan, stations = world["phase"], world["tps"]
    patrol = PersonnelFactory(unit=world["polsek"], name="A Patroli")
    reserve = PersonnelFactory(unit=world["polsek"], name="B Cadangan")
    free = PersonnelFactory(unit=world["polsek"], name="C Bebas")
    _at_post(patrol, PostKind.PATROLI, pemungutan, "Patroli Sektor")
    _at_post(reserve, PostKind.CADANGAN, pemungutan, "Cadangan Polres")

    proposal = gaps_propose(tps=stations, phase=pemungutan)

    assert [(i.personnel, i.source) for i in proposal.items] == [
        (free, FREE),
        (reserve, PostKind.CADANGAN),
    ]
    assert all(i.tps == stations for i in proposal.items)


def test_confirmation_refuses_foreign_ids_and_writes_nothing(world):
    pemungutan, stations = world["phase"], world["tps"]
    reserve = PersonnelFactory(unit=world["polsek"])
    other = PersonnelFactory(unit=world["polsek"])
    duty = _at_post(reserve, PostKind.CADANGAN, pemungutan, "Cadangan Polres")
    foreign_duty = _at_post(other, PostKind.CADANGAN, pemungutan, "Cadangan Kodim")
    (item,) = gaps_propose(tps=stations[:1], phase=pemungutan).items
    elsewhere = TPSFactory(desa=DesaFactory(code="3571021001", name="Balowerti"))
    hijacked = item.token.rsplit(":", 1)[0] + f":{foreign_duty.pk}"
    outside = item.token.replace(f":{stations[0].pk}:", f":{elsewhere.pk}:")

    refusals = []
    for token, scope in [(hijacked, None), (outside, stations[0].desa.tps.all())]:
        with pytest.raises(ValidationError) as refused:
            gaps_apply(
                tokens=[token],
                phase=pemungutan,
                sprin=world["sprin"],
                stations=scope,
                by=world["admin"],
            )
        refusals.append(" ".join(refused.value.messages))

    assert "bukan tugasnya" in refusals[0]
    assert "di luar wilayah Anda" in refusals[1]
    duty.refresh_from_db()
    assert duty.ends_at == pemungutan.ends_at
    assert Assignment.objects.filter(kind=PostKind.PAM_TPS).count() == 0


def test_confirmation_needs_a_sprin_of_the_operation(world):
    pemungutan = world["phase"]
    PersonnelFactory(unit=world["polsek"])
    tokens = [i.token for i in gaps_propose(tps=world["tps"], phase=pemungutan).items]
    foreign = SprinFactory(operation__name="Operasi lain")

    messages = []
    for sprin in (None, foreign):
        with pytest.raises(ValidationError) as refused:
            gaps_apply(tokens=tokens, phase=pemungutan, sprin=sprin, by=world["admin"])
        messages.append(refused.value.messages[0])

    assert messages == [
        "Pilih Sprin yang menjadi dasar penugasan ini.",
        f"Sprin {foreign} bukan Sprin operasi ini.",
    ]
    assert Assignment.objects.count() == 0


def test_a_move_that_would_now_leave_its_tps_short_is_refused(world):
    # Between preview and confirmation another admin cancels the partner of the over-staffed
    # pair: moving the remaining guard would leave TPS 1 with nobody.
    pemungutan, (one, two, *_rest) = world["phase"], world["tps"]
    pair = [
        AssignmentFactory(
            personnel=PersonnelFactory(unit=world["polsek"]), phase=pemungutan, tps=[one]
        )
        for _ in range(2)
    ]
    (item,) = gaps_propose(tps=[two], phase=pemungutan).items
    partner = next(a for a in pair if a.pk != item.moves.pk)
    assignments_cancel(assignments=[partner], by=world["admin"])

    with pytest.raises(ValidationError) as refused:
        gaps_apply(tokens=[item.token], phase=pemungutan, sprin=world["sprin"], by=world["admin"])

    assert "tidak lagi terpenuhi" in " ".join(refused.value.messages)
    moved = Assignment.objects.get(pk=item.moves.pk)
    assert moved.status == Assignment.Status.ACTIVE and moved.ends_at == pemungutan.ends_at
    assert not Assignment.objects.filter(tps=two).exists()


def test_an_unavailable_person_is_not_proposed(world):
    """A sick officer's assignment would be refused at confirmation, and with it the whole
    proposal: fill gaps proposes the available one instead."""
    pemungutan, two = world["phase"], world["tps"][1]
    sick, well = (PersonnelFactory(unit=world["polsek"], name=n) for n in ("Aa Sakit", "Zz Sehat"))
    Unavailability.objects.create(
        personnel=sick,
        kind=Unavailability.Kind.SICK,
        starts_at=pemungutan.starts_at,
        ends_at=pemungutan.starts_at + (pemungutan.ends_at - pemungutan.starts_at) / 2,
    )

    proposal = gaps_propose(tps=[two], phase=pemungutan)

    assert [i.personnel for i in proposal.items] == [well]
    applied = gaps_apply(
        tokens=[i.token for i in proposal.items],
        phase=pemungutan,
        sprin=world["sprin"],
        by=world["admin"],
    )
    assert [a.personnel for a in applied] == [well]


def test_a_bko_person_is_proposed_only_inside_their_bko_period(world):
    """A Brimob officer attached for part of the phase would be refused at confirmation, and
    with it the whole proposal; one attached for all of it is proposed like our own."""
    pemungutan, two = world["phase"], world["tps"][1]
    half = pemungutan.starts_at + (pemungutan.ends_at - pemungutan.starts_at) / 2
    part, whole = (PersonnelFactory(unit=world["polsek"], name=n) for n in ("Aa Part", "Zz All"))
    BkoInFactory(personnel=part, starts_at=pemungutan.starts_at, ends_at=half)
    BkoInFactory(personnel=whole, starts_at=pemungutan.starts_at, ends_at=pemungutan.ends_at)

    proposal = gaps_propose(tps=[two], phase=pemungutan)

    assert [i.personnel for i in proposal.items] == [whole]
