"""`make backup` / `make restore`: a round trip on a throwaway database gives back every row.

Each test backs up a database with data in it, changes that data, restores the backup over it
and compares the row count of every table with the counts at backup time.
"""

import io
import sqlite3
import subprocess
import tarfile

import psycopg
import pytest
from django.db import connection

from tests.factories import AssignmentFactory, LinmasFactory, TPSFactory, UserFactory
from tests.hardening.support import BASE_DIR, app_environ, database_url

# `-o`: the venv counts as installed, so that the test never runs pip.
MAKE = ["make", "--no-print-directory", "-o", ".venv/.installed"]


def make(target: str, env: dict[str, str], *variables: str) -> subprocess.CompletedProcess:
    result = subprocess.run(
        [*MAKE, target, *variables],
        cwd=BASE_DIR,
        env=env,
        capture_output=True,
        text=True,
        timeout=180,
    )
    assert result.returncode == 0, result.stdout + result.stderr
    return result


def postgresql_counts() -> dict[str, int]:
    with connection.cursor() as cursor:
        tables = connection.introspection.table_names(cursor)
        counts = {}
        for table in tables:
            cursor.execute(f"SELECT COUNT(*) FROM {connection.ops.quote_name(table)}")
            counts[table] = cursor.fetchone()[0]
    return counts


def sqlite_counts(path) -> dict[str, int]:
    with sqlite3.connect(path) as db:
        tables = [
            name
            for (name,) in db.execute(
                "SELECT name FROM sqlite_master WHERE type = 'table' AND name NOT LIKE 'sqlite_%'"
            )
        ]
        return {t: db.execute(f'SELECT COUNT(*) FROM "{t}"').fetchone()[0] for t in tables}


@pytest.mark.services
@pytest.mark.django_db(transaction=True)
def test_backup_and_restore_round_trip_on_postgresql_gives_back_every_row(tmp_path):
    tps = TPSFactory()
    AssignmentFactory(personnel=LinmasFactory(), tps=[tps])
    UserFactory()
    env = app_environ(DATABASE_URL=database_url(), OPSBOARD_VAR_DIR=str(tmp_path))
    at_backup = postgresql_counts()

    backup = make("backup", env).stdout.strip().splitlines()[-1]
    AssignmentFactory(personnel=LinmasFactory(), tps=[TPSFactory(), tps])
    UserFactory.create_batch(3)
    changed = postgresql_counts()
    connection.close()  # the restore drops and recreates every table
    make("restore", env, f"RESTORE={backup}")

    assert backup.startswith(str(tmp_path / "backups" / "opsboard-")) and backup.endswith(".tar")
    assert changed != at_backup
    assert postgresql_counts() == at_backup
    assert sum(at_backup.values()) > 100  # migrations' rows, the coverage snapshots, the data
    with connection.cursor() as cursor:  # the overlap rule lives in the database: it is back
        cursor.execute(
            "SELECT 1 FROM pg_constraint WHERE conname = 'deployments_assignment_no_overlap'"
        )
        assert cursor.fetchone() is not None


SEED = """
from django.core.management import call_command
call_command("migrate", verbosity=0)
from tests.factories import AssignmentFactory, LinmasFactory, TPSFactory, UserFactory
for _ in range(3):
    AssignmentFactory(personnel=LinmasFactory(), tps=[TPSFactory()])
UserFactory.create_batch(2)
"""


def test_backup_and_restore_round_trip_on_sqlite_gives_back_every_row(tmp_path):
    database = tmp_path / "opsboard.sqlite3"
    env = app_environ(DATABASE_URL=f"sqlite:///{database}", OPSBOARD_VAR_DIR=str(tmp_path))
    subprocess.run(
        [".venv/bin/python", "manage.py", "shell", "-c", SEED],
        cwd=BASE_DIR,
        env=env,
        check=True,
        capture_output=True,
        timeout=180,
    )
    at_backup = sqlite_counts(database)

    backup = make("backup", env).stdout.strip().splitlines()[-1]
    with sqlite3.connect(database) as db:
        db.execute("DELETE FROM deployments_assignment_tps")
        db.execute("INSERT INTO auth_group (name) VALUES ('ditambah setelah cadangan')")
    changed = sqlite_counts(database)
    make("restore", env, f"RESTORE={backup}")

    assert backup.startswith(str(tmp_path / "backups" / "opsboard-"))
    assert backup.endswith(".tar")
    assert changed != at_backup
    assert sqlite_counts(database) == at_backup
    assert at_backup["deployments_assignment_tps"] == 3


def test_restore_without_a_file_names_the_newest_backups_and_changes_nothing(tmp_path):
    database = tmp_path / "opsboard.sqlite3"
    sqlite3.connect(database).close()
    env = app_environ(DATABASE_URL=f"sqlite:///{database}", OPSBOARD_VAR_DIR=str(tmp_path))
    make("backup", env)

    result = subprocess.run(
        [*MAKE, "restore"], cwd=BASE_DIR, env=env, capture_output=True, text=True, timeout=60
    )

    assert result.returncode != 0
    assert "make restore RESTORE=FILE" in result.stderr
    assert str(tmp_path / "backups" / "opsboard-") in result.stderr


def _stores(var_dir):
    """The file stores that opsboard/settings.py puts under OPSBOARD_VAR_DIR."""
    return {
        "photo": var_dir / "private" / "field-photos" / "2024" / "11" / "laporan-tps-001.jpg",
        "attachment": var_dir / "private" / "attachments" / "rakor" / "notulen-rakor.pdf",
    }


@pytest.mark.services
@pytest.mark.django_db(transaction=True)
def test_a_backup_restored_on_an_empty_host_brings_back_the_database_and_the_files(tmp_path):
    # Given a host with data, a report photo and a rakor attachment
    AssignmentFactory(personnel=LinmasFactory(), tps=[TPSFactory()])
    old_host, new_host = tmp_path / "old", tmp_path / "new"
    contents = {"photo": b"\xff\xd8\xff\xe0 JPEG " * 500, "attachment": b"%PDF-1.7\n" * 300}
    for name, path in _stores(old_host).items():
        path.parent.mkdir(parents=True)
        path.write_bytes(contents[name])
    at_backup = postgresql_counts()
    backup = (
        make("backup", app_environ(DATABASE_URL=database_url(), OPSBOARD_VAR_DIR=str(old_host)))
        .stdout.strip()
        .splitlines()[-1]
    )

    # When it is restored on a host with an empty database and an empty var directory
    empty = f"{connection.settings_dict['NAME']}_restored"
    with psycopg.connect(database_url(), autocommit=True) as admin:
        admin.execute(f'DROP DATABASE IF EXISTS "{empty}"')
        admin.execute(f'CREATE DATABASE "{empty}"')
    try:
        new_url = database_url().rsplit("/", 1)[0] + f"/{empty}"
        restored = make(
            "restore",
            app_environ(DATABASE_URL=new_url, OPSBOARD_VAR_DIR=str(new_host)),
            f"RESTORE={backup}",
        )
        with psycopg.connect(new_url) as new_db:
            counts = {
                table: new_db.execute(f'SELECT COUNT(*) FROM "{table}"').fetchone()[0]
                for table in at_backup
            }
    finally:
        with psycopg.connect(database_url(), autocommit=True) as admin:
            admin.execute(f'DROP DATABASE IF EXISTS "{empty}"')

    # Then every row and both files are back, byte for byte, in one archive with its manifest
    assert counts == at_backup
    for name, path in _stores(new_host).items():
        assert path.read_bytes() == contents[name], name
    assert "restored files/field-photos into" in restored.stdout
    with tarfile.open(backup) as archive:
        members = set(archive.getnames())
        manifest = archive.extractfile("MANIFEST").read().decode()
    assert {"MANIFEST", "SHA256SUMS", "database.dump"} <= members
    assert "files/field-photos/2024/11/laporan-tps-001.jpg" in members
    assert "files/attachments/rakor/notulen-rakor.pdf" in members
    assert "files/field-photos: 1 files" in manifest


def test_a_damaged_archive_is_refused_before_anything_is_replaced(tmp_path):
    database = tmp_path / "opsboard.sqlite3"
    sqlite3.connect(database).close()
    photo = _stores(tmp_path)["photo"]
    photo.parent.mkdir(parents=True)
    photo.write_bytes(b"asli")
    env = app_environ(DATABASE_URL=f"sqlite:///{database}", OPSBOARD_VAR_DIR=str(tmp_path))
    backup = make("backup", env).stdout.strip().splitlines()[-1]
    damaged = tmp_path / "damaged.tar"
    with tarfile.open(backup) as source, tarfile.open(damaged, "w") as target:
        for member in source.getmembers():
            data = source.extractfile(member) if member.isfile() else None
            if member.name.endswith("laporan-tps-001.jpg"):
                data = io.BytesIO(b"rusak")
                member.size = 5
            target.addfile(member, data)
    photo.write_bytes(b"sesudah cadangan")

    result = subprocess.run(
        [*MAKE, "restore", f"RESTORE={damaged}"],
        cwd=BASE_DIR,
        env=env,
        capture_output=True,
        text=True,
        timeout=60,
    )

    assert result.returncode != 0
    assert "damaged" in result.stderr
    assert photo.read_bytes() == b"sesudah cadangan"
