"""The handover note on the phone: the outgoing shift writes, the incoming acknowledges once;
the database refuses what must never be stored."""

import pytest
from django.db import IntegrityError, transaction
from django.urls import reverse

from deployments.models import HandoverNote, PostKind
from tests.factories import PersonnelFactory
from tests.shift_factories import GuardedPostFactory, phase_at, shift_at, wib

pytestmark = pytest.mark.django_db


@pytest.fixture
def shifts(field_officer):
    post = GuardedPostFactory(kind=PostKind.PPK, name="PPK Mojoroto")
    morning, evening = shift_at(post, wib(2, 7, month=12)), shift_at(post, wib(2, 15, month=12))
    incoming = PersonnelFactory(name="Briptu Budi")
    for person, shift in ((field_officer.personnel, morning), (incoming, evening)):
        person.assignments.create(
            phase=phase_at(shift.starts_at),
            kind=post.kind,
            post=post,
            shift=shift,
            starts_at=shift.starts_at,
            ends_at=shift.ends_at,
        )
    return morning, evening, incoming


def test_the_outgoing_member_writes_the_note_from_the_phone(
    login, field_officer, shifts, election_day
):
    morning, evening, _incoming = shifts
    client = login(field_officer)
    url = reverse("field:handover", args=[morning.pk])

    assert "Serah terima regu" in client.get(reverse("opsboard:me")).content.decode()
    response = client.post(url, {"text": "Pintu belakang rusak, sudah dilaporkan."})

    assert response.status_code == 302
    note = HandoverNote.objects.get()
    assert (note.from_shift, note.to_shift, note.written_by) == (
        morning,
        evening,
        field_officer.personnel,
    )
    assert len(client.get(url).content) < 10_000


def test_the_incoming_member_acknowledges_once(login, field_officer, shifts):
    morning, evening, incoming = shifts
    HandoverNote.objects.create(
        from_shift=morning,
        to_shift=evening,
        text="Aman.",
        written_by=incoming,
        written_at=wib(2, 14, month=12),
    )
    # The officer on the incoming shift: move the field officer's duty to the evening.
    duty = field_officer.personnel.assignments.get(shift=morning)
    duty.delete()
    incoming.assignments.all().delete()
    field_officer.personnel.assignments.create(
        phase=phase_at(evening.starts_at),
        kind=evening.post.kind,
        post=evening.post,
        shift=evening,
        starts_at=evening.starts_at,
        ends_at=evening.ends_at,
    )
    client = login(field_officer)
    url = reverse("field:handover", args=[evening.pk])

    assert "Aman." in client.get(url).content.decode()
    assert client.post(url, {"action": "ack"}).status_code == 302
    again = client.post(url, {"action": "ack"})

    assert again.status_code == 422
    note = HandoverNote.objects.get()
    assert note.acknowledged_by == field_officer.personnel


def test_another_officers_shift_is_not_found(login, field_officer_other_tps, shifts):
    response = login(field_officer_other_tps).get(reverse("field:handover", args=[shifts[0].pk]))

    assert response.status_code == 404


def test_the_database_refuses_an_acknowledgement_without_its_author(shifts):
    morning, evening, incoming = shifts

    with transaction.atomic(), pytest.raises(IntegrityError):
        HandoverNote.objects.create(
            from_shift=morning,
            to_shift=evening,
            text="x",
            written_by=incoming,
            written_at=wib(2, 14, month=12),
            acknowledged_at=wib(2, 15, month=12),
        )


def test_the_database_refuses_a_note_to_another_posts_shift(shifts):
    morning, _evening, incoming = shifts
    elsewhere = shift_at(GuardedPostFactory(), wib(2, 15, month=12))

    with transaction.atomic(), pytest.raises(IntegrityError, match="handovernote"):
        HandoverNote.objects.create(
            from_shift=morning,
            to_shift=elsewhere,
            text="x",
            written_by=incoming,
            written_at=wib(2, 14, month=12),
        )


def test_an_acknowledged_note_is_never_changed(shifts):
    morning, evening, incoming = shifts
    note = HandoverNote.objects.create(
        from_shift=morning,
        to_shift=evening,
        text="Aman.",
        written_by=incoming,
        written_at=wib(2, 14, month=12),
        acknowledged_by=incoming,
        acknowledged_at=wib(2, 15, month=12),
    )

    with transaction.atomic(), pytest.raises(IntegrityError, match="handovernote"):
        HandoverNote.objects.filter(pk=note.pk).update(text="Diubah")
