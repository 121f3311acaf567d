"""Instructions from the command to the guards of a kecamatan or desa."""

from field.models import Instruction, InstructionAck
from tests.factories import InstructionFactory


def test_command_staff_send_an_instruction_to_a_kecamatan(login, command_staff, mojoroto):
    response = login(command_staff).post(
        "/lapangan/instruksi/", {"kecamatan": mojoroto.pk, "text": "Siaga hoaks pukul 10.00."}
    )

    instruction = Instruction.objects.get()
    assert response.status_code == 302
    assert (instruction.kecamatan, instruction.created_by) == (mojoroto, command_staff)


def test_an_instruction_needs_exactly_one_area(login, command_staff, mojoroto, tps_a):
    response = login(command_staff).post(
        "/lapangan/instruksi/",
        {"kecamatan": mojoroto.pk, "desa": tps_a.desa.pk, "text": "Dua wilayah."},
    )

    assert response.status_code == 422
    assert not Instruction.objects.exists()


def test_polsek_staff_cannot_address_another_kecamatan(login, polsek_staff, pesantren):
    response = login(polsek_staff).post(
        "/lapangan/instruksi/", {"kecamatan": pesantren.pk, "text": "Bukan wilayah saya."}
    )

    assert response.status_code == 422
    assert not Instruction.objects.exists()


def test_a_withdrawn_instruction_leaves_the_guards_phones(
    login, command_staff, field_officer, guard, mojoroto
):
    instruction = InstructionFactory(kecamatan=mojoroto, text="Ditarik nanti.")
    login(command_staff).post(f"/lapangan/instruksi/{instruction.pk}/tarik/")

    body = login(field_officer).get("/me/").content.decode()

    assert "Ditarik nanti." not in body


def test_the_list_counts_acknowledgements(login, command_staff, field_officer, guard, mojoroto):
    instruction = InstructionFactory(kecamatan=mojoroto)
    login(field_officer).post(f"/me/instruksi/{instruction.pk}/terima/")

    body = login(command_staff).get("/lapangan/instruksi/").content.decode()

    assert InstructionAck.objects.get().person == guard
    assert '<td class="num">1</td>' in body


def test_acknowledging_twice_keeps_one_acknowledgement(login, field_officer, guard, mojoroto):
    instruction = InstructionFactory(kecamatan=mojoroto)
    client = login(field_officer)

    client.post(f"/me/instruksi/{instruction.pk}/terima/")
    client.post(f"/me/instruksi/{instruction.pk}/terima/")

    assert InstructionAck.objects.count() == 1
