"""Columns the database keeps: a set of triggers per vendor that copies facts of other
rows onto the rows that are listed and counted (audits/triggers.py: the audit's
region; procedures/triggers.py: its registration and filing), whatever writes the rows
(the ORM, bulk_create, COPY, SQL by hand).

A `TriggerSet` is installed by the migration that adds its columns, which then fills
the existing rows, and again by every `migrate` (post_migrate), since SQLite drops a
table's triggers when a later migration rebuilds the table; on SQLite they are off
while migrations run (pre_migrate), as a rebuild trips over a trigger naming the table.
"""

from dataclasses import dataclass, field


@dataclass(frozen=True)
class TriggerSet:
    # ("app", "migration name") that adds the columns the triggers write.
    migration: tuple[str, str]
    # Per vendor ("postgresql", "sqlite"): the statements that (re)create the triggers,
    # idempotently; those that drop them; and the statement that fills existing rows.
    create: dict[str, list[str]]
    drop: dict[str, list[str]]
    fill_rows: dict[str, str] = field(default_factory=dict)

    def _run(self, connection, statements) -> None:
        with connection.cursor() as cursor:
            for sql in statements:
                cursor.execute(sql)

    def install(self, connection) -> None:
        self._run(connection, self.create.get(connection.vendor, []))

    def remove(self, connection) -> None:
        self._run(connection, self.drop.get(connection.vendor, []))

    def fill(self, connection) -> None:
        """Set the kept columns of every existing row (the triggers keep them after)."""
        if connection.vendor in self.fill_rows:
            self._run(connection, [self.fill_rows[connection.vendor]])

    # --- in migrations ---------------------------------------------------------------

    def migrate_forwards(self, apps, schema_editor) -> None:
        """The migration's RunPython: the triggers (on SQLite at post_migrate), then the
        existing rows filled."""
        connection = schema_editor.connection
        if connection.vendor != "sqlite":
            self.install(connection)
        self.fill(connection)

    def migrate_backwards(self, apps, schema_editor) -> None:
        self.remove(schema_editor.connection)

    # --- at every migrate --------------------------------------------------------------

    def connect(self, app_config) -> None:
        """Drop on SQLite before migrations run; install once they ran (when the
        migration that adds the columns is applied)."""
        from django.db.models.signals import post_migrate, pre_migrate

        pre_migrate.connect(self._drop_for_rebuilds, sender=app_config, weak=False)
        post_migrate.connect(self._reinstall, sender=app_config, weak=False)

    def _reinstall(self, using="default", **kwargs) -> None:
        from django.db import connections
        from django.db.migrations.recorder import MigrationRecorder

        connection = connections[using]
        if self.migration in MigrationRecorder(connection).applied_migrations():
            self.install(connection)

    def _drop_for_rebuilds(self, using="default", **kwargs) -> None:
        from django.db import connections

        connection = connections[using]
        if connection.vendor == "sqlite":
            self.remove(connection)


# --- around a bulk load ----------------------------------------------------------------


def suspend(connection, trigger_sets) -> None:
    """A bulk load (seed_scale): the triggers off while the rows are written, as each
    would otherwise rewrite an audit per registration, filing, disclosure and round.
    Inside the load's transaction, so a failed load leaves them as they were."""
    if not connection.in_atomic_block:
        raise RuntimeError("Suspend the triggers inside the load's transaction.")
    for trigger_set in reversed(trigger_sets):
        trigger_set.remove(connection)


def resume(connection, trigger_sets) -> None:
    """After the load: every row filled once per set, in the order given (a later set
    reads what an earlier one keeps), then the triggers back."""
    for trigger_set in trigger_sets:
        trigger_set.fill(connection)
    for trigger_set in trigger_sets:
        trigger_set.install(connection)
