"""The database keeps an audit's copy of its enterprise's region (`Audit.region_code`,
`city_code`, `province_code`; the scope indexes read them): set on every insert and
update of an audit, whatever writes the rows (the ORM, bulk_create, COPY, SQL by hand),
and followed when an enterprise's region changes.

`install()` (re)creates the triggers and is idempotent: migration 0011 runs it, and so
does every `migrate` (apps.py, post_migrate), since SQLite drops a table's triggers when
a later migration rebuilds the table.
"""

POSTGRESQL = [
    """
    CREATE OR REPLACE FUNCTION audits_audit_region_code() RETURNS trigger AS $$
    BEGIN
        SELECT region_id INTO NEW.region_code
        FROM enterprises_enterprise WHERE id = NEW.enterprise_id;
        NEW.city_code := substr(NEW.region_code, 1, 4);
        NEW.province_code := substr(NEW.region_code, 1, 2);
        RETURN NEW;
    END $$ LANGUAGE plpgsql
    """,
    "DROP TRIGGER IF EXISTS audits_audit_region_code ON audits_audit",
    """
    CREATE TRIGGER audits_audit_region_code BEFORE INSERT OR UPDATE ON audits_audit
    FOR EACH ROW EXECUTE FUNCTION audits_audit_region_code()
    """,
    """
    CREATE OR REPLACE FUNCTION enterprises_enterprise_moved() RETURNS trigger AS $$
    BEGIN
        -- The audits' own trigger copies the new region.
        UPDATE audits_audit SET region_code = NEW.region_id WHERE enterprise_id = NEW.id;
        RETURN NULL;
    END $$ LANGUAGE plpgsql
    """,
    "DROP TRIGGER IF EXISTS enterprises_enterprise_moved ON enterprises_enterprise",
    """
    CREATE TRIGGER enterprises_enterprise_moved AFTER UPDATE OF region_id
    ON enterprises_enterprise FOR EACH ROW
    WHEN (OLD.region_id IS DISTINCT FROM NEW.region_id)
    EXECUTE FUNCTION enterprises_enterprise_moved()
    """,
]

# SQLite (the embedded mode) has no BEFORE trigger that may change NEW: the row is set
# just after (recursive triggers are off, so these do not fire themselves).
REGION = "(SELECT region_id FROM enterprises_enterprise WHERE id = NEW.enterprise_id)"
SET_REGION = f"""
    UPDATE audits_audit SET region_code = {REGION}, city_code = substr({REGION}, 1, 4),
        province_code = substr({REGION}, 1, 2)
    WHERE id = NEW.id;"""
SQLITE = [
    f"""
    CREATE TRIGGER IF NOT EXISTS audits_audit_region_code_insert AFTER INSERT ON audits_audit
    BEGIN {SET_REGION} END
    """,
    f"""
    CREATE TRIGGER IF NOT EXISTS audits_audit_region_code_update AFTER UPDATE ON audits_audit
    WHEN NEW.region_code IS NOT {REGION}
        OR NEW.city_code IS NOT substr(NEW.region_code, 1, 4)
        OR NEW.province_code IS NOT substr(NEW.region_code, 1, 2)
    BEGIN {SET_REGION} END
    """,
    """
    CREATE TRIGGER IF NOT EXISTS enterprises_enterprise_moved AFTER UPDATE OF region_id
    ON enterprises_enterprise WHEN OLD.region_id IS NOT NEW.region_id
    BEGIN
        UPDATE audits_audit SET region_code = NEW.region_id, city_code =
            substr(NEW.region_id, 1, 4), province_code = substr(NEW.region_id, 1, 2)
        WHERE enterprise_id = NEW.id;
    END
    """,
]
STATEMENTS = {"postgresql": POSTGRESQL, "sqlite": SQLITE}

FILL = {
    "postgresql": """
        UPDATE audits_audit a SET region_code = e.region_id
        FROM enterprises_enterprise e WHERE e.id = a.enterprise_id
    """,
    "sqlite": SET_REGION.replace("NEW.enterprise_id", "audits_audit.enterprise_id")
    .replace("WHERE id = NEW.id;", "")
    .strip(),
}

REMOVE = {
    "postgresql": [
        "DROP TRIGGER IF EXISTS enterprises_enterprise_moved ON enterprises_enterprise",
        "DROP FUNCTION IF EXISTS enterprises_enterprise_moved()",
        "DROP TRIGGER IF EXISTS audits_audit_region_code ON audits_audit",
        "DROP FUNCTION IF EXISTS audits_audit_region_code()",
    ],
    "sqlite": [
        "DROP TRIGGER IF EXISTS enterprises_enterprise_moved",
        "DROP TRIGGER IF EXISTS audits_audit_region_code_update",
        "DROP TRIGGER IF EXISTS audits_audit_region_code_insert",
    ],
}


def install(connection) -> None:
    with connection.cursor() as cursor:
        for sql in STATEMENTS.get(connection.vendor, []):
            cursor.execute(sql)


def fill(connection) -> None:
    """Copy the region onto every existing audit (the triggers keep it from then on)."""
    if connection.vendor in FILL:
        with connection.cursor() as cursor:
            cursor.execute(FILL[connection.vendor])


def remove(connection) -> None:
    with connection.cursor() as cursor:
        for sql in REMOVE.get(connection.vendor, []):
            cursor.execute(sql)


MIGRATION = ("audits", "0011_audit_region_code")


def reinstall(using="default", **kwargs) -> None:
    """post_migrate: the triggers again, once the migration that adds the columns ran."""
    from django.db import connections
    from django.db.migrations.recorder import MigrationRecorder

    connection = connections[using]
    if MIGRATION in MigrationRecorder(connection).applied_migrations():
        install(connection)


def drop_for_rebuilds(using="default", **kwargs) -> None:
    """pre_migrate, on SQLite: the triggers go while migrations run (a migration that
    rebuilds the enterprises table fails on a trigger naming it); post_migrate sets
    them again."""
    from django.db import connections

    connection = connections[using]
    if connection.vendor == "sqlite":
        remove(connection)
