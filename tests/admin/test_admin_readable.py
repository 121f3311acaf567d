"""The admin reads as one product: its own name, readable object names, a readable audit log."""

import pytest
from django.urls import reverse


@pytest.mark.django_db
def test_the_admin_index_and_login_page_say_opsboard_not_django(login, ops_admin):
    index = login(ops_admin).get(reverse("admin:index")).content.decode()
    sign_in = login(None).get(reverse("admin:login")).content.decode()

    for text in (index, sign_in):
        assert "Opsboard — Administrasi" in text
        assert "Django" not in text
    assert "Data operasi" in index

