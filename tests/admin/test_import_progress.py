"""A background import's progress is readable by others while its transaction is still open."""

import threading

import pytest
from django.db import connections

from deployments.imports import import_job_create, import_job_validate, jobs, resource
from deployments.models import ImportJob
from tests.admin.helpers import PERSONNEL_COLUMNS, csv_bytes, row


@pytest.mark.services
@pytest.mark.django_db(transaction=True)
def test_progress_is_visible_outside_the_import_transaction(
    ops_admin, polsek_mojoroto, monkeypatch
):
    rows = [
        row(
            PERSONNEL_COLUMNS,
            matra="Polri",
            nrp_no_registrasi=f"{85000000 + n}",
            nama=f"Petugas {n}",
            pangkat="Bripka",
            satuan="Polsek Mojoroto",
        )
        for n in range(600)
    ]
    job = import_job_create(
        kind="personnel",
        file_name="p.csv",
        content=csv_bytes(PERSONNEL_COLUMNS, rows),
        background=True,
        by=ops_admin,
    )
    seen: list[int] = []
    monkeypatch.setattr(resource, "PROGRESS_EVERY", 200)
    writer = jobs._progress_writer

    def observed(job_):
        write = writer(job_)

        def write_and_look(done: int) -> None:
            write(done)

            def look() -> None:  # another connection, as the admin's page would read it
                try:
                    seen.append(ImportJob.objects.get(pk=job_.pk).processed_rows)
                finally:
                    connections.close_all()

            reader = threading.Thread(target=look)
            reader.start()
            reader.join()

        write_and_look.close = write.close  # the writer's thread and connection end with the run
        return write_and_look

    monkeypatch.setattr(jobs, "_progress_writer", observed)

    done = import_job_validate(job_id=job.pk)

    assert done.status == ImportJob.Status.READY
    assert seen == [200, 400, 600]
