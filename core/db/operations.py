"""Migration operations that only some database backends can run."""

from django.db import migrations


class PostgreSQLOnlySQL(migrations.RunSQL):
    """RunSQL that runs on PostgreSQL and is a no-op elsewhere.

    Rules that only PostgreSQL can hold against concurrent writers (exclusion constraints) go
    here, so that SQLite still migrates and `makemigrations --check` stays clean; model
    validation states the same rule on every backend.
    """

    def database_forwards(self, app_label, schema_editor, from_state, to_state):
        if schema_editor.connection.vendor == "postgresql":
            super().database_forwards(app_label, schema_editor, from_state, to_state)

    def database_backwards(self, app_label, schema_editor, from_state, to_state):
        if schema_editor.connection.vendor == "postgresql":
            super().database_backwards(app_label, schema_editor, from_state, to_state)

    def describe(self):
        return "PostgreSQL only: " + super().describe()


class RefuseUpdateOnceSigned(migrations.operations.base.Operation):
    """A trigger that refuses every UPDATE of a row whose ``signed_at`` is set, on PostgreSQL
    and SQLite: a signed report is corrected by a new revision, never changed in place.

    The services refuse first with an Indonesian message; the trigger is the guarantee for every
    other path (a shell, a script, a future bug). Deleting stays possible (a test database's
    flush deletes rows on SQLite). The trigger is named ``<table>_signed_locked`` and its
    message starts with that name, so a refusal says which rule it was.
    """

    reversible = True

    def __init__(self, table: str) -> None:
        self.table = table

    @property
    def name(self) -> str:
        return f"{self.table}_signed_locked"

    def _statements(self, vendor: str, *, forward: bool) -> list[str]:
        message = f"{self.name}: buat revisi baru"
        function = f"{self.table}_refuse_signed_update"
        if vendor == "postgresql":
            create = [
                f"""
                CREATE FUNCTION {function}() RETURNS trigger AS $$
                BEGIN
                    IF OLD.signed_at IS NOT NULL THEN
                        RAISE EXCEPTION '{message}'
                            USING ERRCODE = 'integrity_constraint_violation';
                    END IF;
                    RETURN NEW;
                END;
                $$ LANGUAGE plpgsql;
                """,
                f"""
                CREATE TRIGGER {self.name} BEFORE UPDATE ON {self.table}
                FOR EACH ROW EXECUTE FUNCTION {function}();
                """,
            ]
            drop = [
                f"DROP TRIGGER IF EXISTS {self.name} ON {self.table};",
                f"DROP FUNCTION IF EXISTS {function}();",
            ]
        elif vendor == "sqlite":
            create = [
                f"""
                CREATE TRIGGER {self.name} BEFORE UPDATE ON {self.table}
                WHEN OLD.signed_at IS NOT NULL
                BEGIN
                    SELECT RAISE(ABORT, '{message}');
                END;
                """
            ]
            drop = [f"DROP TRIGGER IF EXISTS {self.name};"]
        else:
            raise RuntimeError(f"No signed-row trigger for database vendor {vendor!r}.")
        return create if forward else drop

    def state_forwards(self, app_label, state) -> None:
        pass

    def database_forwards(self, app_label, schema_editor, from_state, to_state) -> None:
        for sql in self._statements(schema_editor.connection.vendor, forward=True):
            schema_editor.execute(sql)

    def database_backwards(self, app_label, schema_editor, from_state, to_state) -> None:
        for sql in self._statements(schema_editor.connection.vendor, forward=False):
            schema_editor.execute(sql)

    def describe(self) -> str:
        return f"Refuse UPDATE of signed rows of {self.table}"

    def deconstruct(self):
        return (self.__class__.__qualname__, [], {"table": self.table})
