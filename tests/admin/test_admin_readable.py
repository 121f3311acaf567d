"""The admin reads as one product: its own name, readable object names, a readable audit log."""

import pytest
from django.urls import reverse
from django.utils import timezone

from audit.models import AuditEvent
from tests.factories import AssignmentFactory


@pytest.mark.django_db
def test_the_admin_index_and_login_page_say_opsboard_not_django(login, ops_admin):
    index = login(ops_admin).get(reverse("admin:index")).content.decode()
    sign_in = login(None).get(reverse("admin:login")).content.decode()

    for text in (index, sign_in):
        assert "Opsboard — Administrasi" in text
        assert "Django" not in text
    assert "Data operasi" in index


@pytest.mark.django_db
def test_deleting_an_assignment_lists_its_tps_by_name(login, superuser, tps_006, officer):
    assignment = AssignmentFactory(personnel=officer)
    assignment.tps.set([tps_006])

    page = login(superuser).get(
        reverse("admin:deployments_assignment_delete", args=[assignment.pk])
    )

    text = page.content.decode()
    assert page.status_code == 200
    assert " object (" not in text
    assert str(tps_006) in text


@pytest.mark.django_db
def test_history_records_read_in_indonesian_and_wib(tps_006, officer):
    assignment = AssignmentFactory(personnel=officer)
    assignment.tps.set([tps_006])

    record = assignment.history.first()

    assert str(record).startswith(f"{assignment}, per ")
    assert str(record).endswith(" WIB")
    assert str(record.tps.first()).startswith(f"{tps_006}, per ")


@pytest.mark.django_db
def test_an_export_line_of_the_audit_log_reads_as_labelled_values(login, superuser):
    event = AuditEvent.objects.create(
        at=timezone.now(),
        kind=AuditEvent.Kind.EXPORT,
        username="operator",
        what="/admin/deployments/personnel/export/",
        detail={
            "file": "personnel.xlsx",
            "format": "xlsx",
            "rows": 12,
            "filters": {"q": "<b>andi</b>"},
        },
    )
    client = login(superuser)

    change = client.get(reverse("admin:audit_auditevent_change", args=[event.pk]))
    listing = client.get(reverse("admin:audit_auditevent_changelist"))

    for page in (change, listing):
        text = page.content.decode()
        assert "Format: xlsx" in text
        assert "Baris: 12" in text
        assert "Berkas: personnel.xlsx" in text
        assert "Filter: q=&lt;b&gt;andi&lt;/b&gt;" in text  # escaped, never markup
        assert '{"' not in text
