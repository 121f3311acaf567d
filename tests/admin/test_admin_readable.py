"""The admin reads as one product: its own name, readable object names, a readable audit log."""

import pytest
from django.urls import reverse
from django.utils import timezone

from audit.models import AuditEvent


@pytest.mark.django_db
def test_the_admin_index_and_login_page_say_opsboard_not_django(login, ops_admin):
    index = login(ops_admin).get(reverse("admin:index")).content.decode()
    sign_in = login(None).get(reverse("admin:login")).content.decode()

    for text in (index, sign_in):
        assert "Opsboard — Administrasi" in text
        assert "Django" not in text
    assert "Data operasi" in index


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
