"""The database keeps an audit's copy of its enterprise's region (`Audit.region_code`,
`city_code`, `province_code`; the scope indexes read them): set on every insert and
update of an audit, whatever writes the rows (the ORM, bulk_create, COPY, SQL by hand),
and followed when an enterprise's region changes (installed by migration 0011). And
whether the audit still owes its emission disclosure (`Audit.disclosure_pending`,
migration 0015), below.

Installed at every `migrate` too (core.triggers.TriggerSet).
"""

from core.triggers import TriggerSet
from enterprises.choices import EntryStatus

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
FILL = {
    "postgresql": """
        UPDATE audits_audit a SET region_code = e.region_id,
            city_code = substr(e.region_id, 1, 4), province_code = substr(e.region_id, 1, 2)
        FROM enterprises_enterprise e WHERE e.id = a.enterprise_id
    """,
    "sqlite": SET_REGION.replace("NEW.enterprise_id", "audits_audit.enterprise_id")
    .replace("WHERE id = NEW.id;", "")
    .strip(),
}

DROP = {
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

REGION_CODE = TriggerSet(
    migration=("audits", "0011_audit_region_code"),
    create={"postgresql": POSTGRESQL, "sqlite": SQLITE},
    drop=DROP,
    fill_rows=FILL,
)


# --- what the overdue rules and the statistics read -------------------------------------
# Kept on the audit's own row, so that the overdue lists, the deadline board and the
# statistics read the audits alone (issue 13): `disclosure_pending`, its entry on its
# list (active) with no emission disclosure yet (the disclosure's overdue rule,
# models.OVERDUE_RULES); `year`, its list's; `industry_code`, its enterprise's. Set on
# every insert and update of an audit, and when its entry's status, its list's year or
# its enterprise's industry changes, or a disclosure of its entry is written or deleted.


def disclosure_pending(entry: str) -> str:
    return (
        f"EXISTS (SELECT 1 FROM enterprises_listentry WHERE id = {entry} "
        f"AND status = '{EntryStatus.ACTIVE}' AND NOT EXISTS "
        f"(SELECT 1 FROM enterprises_emissiondisclosure WHERE entry_id = {entry}))"
    )


def list_year(entry: str) -> str:
    return (
        "(SELECT l.year FROM enterprises_listentry e JOIN enterprises_keyenterpriselist l "
        f"ON l.id = e.key_list_id WHERE e.id = {entry})"
    )


def industry(enterprise: str) -> str:
    return f"(SELECT industry_id FROM enterprises_enterprise WHERE id = {enterprise})"


def _kept(row: str) -> dict[str, str]:
    """Each kept column and its value for the audit `row` (NEW, or the table)."""
    return {
        "disclosure_pending": disclosure_pending(f"{row}.list_entry_id"),
        "year": list_year(f"{row}.list_entry_id"),
        "industry_code": industry(f"{row}.enterprise_id"),
    }


def _touch(where: str, differs: str = "IS DISTINCT FROM") -> str:
    """Set the kept columns again on the audits `where` (only those that changed)."""
    kept = _kept("audits_audit").items()
    setting = ", ".join(f"{column} = {value}" for column, value in kept)
    changed = " OR ".join(f"{column} {differs} {value}" for column, value in kept)
    return f"UPDATE audits_audit SET {setting} WHERE {where} AND ({changed})"


# The audits of the list NEW.
OF_LIST = "list_entry_id IN (SELECT id FROM enterprises_listentry WHERE key_list_id = NEW.id)"


KEPT_POSTGRESQL = [
    f"""
    CREATE OR REPLACE FUNCTION audits_audit_kept() RETURNS trigger AS $$
    BEGIN
        {" ".join(f"NEW.{column} := {value};" for column, value in _kept("NEW").items())}
        RETURN NEW;
    END $$ LANGUAGE plpgsql
    """,
    "DROP TRIGGER IF EXISTS audits_audit_kept ON audits_audit",
    """
    CREATE TRIGGER audits_audit_kept BEFORE INSERT OR UPDATE ON audits_audit
    FOR EACH ROW EXECUTE FUNCTION audits_audit_kept()
    """,
    f"""
    CREATE OR REPLACE FUNCTION audits_kept_changed() RETURNS trigger AS $$
    BEGIN
        IF TG_TABLE_NAME = 'enterprises_listentry' THEN
            {_touch("list_entry_id = NEW.id")};
        ELSIF TG_TABLE_NAME = 'enterprises_keyenterpriselist' THEN
            {_touch(OF_LIST)};
        ELSIF TG_TABLE_NAME = 'enterprises_enterprise' THEN
            {_touch("enterprise_id = NEW.id")};
        ELSE
            IF TG_OP <> 'INSERT' THEN {_touch("list_entry_id = OLD.entry_id")}; END IF;
            IF TG_OP <> 'DELETE' THEN {_touch("list_entry_id = NEW.entry_id")}; END IF;
        END IF;
        RETURN NULL;
    END $$ LANGUAGE plpgsql
    """,
    *(
        sql
        for name, table, event, when in (
            ("audits_entry_status", "enterprises_listentry", "UPDATE OF status", "status"),
            ("audits_list_year", "enterprises_keyenterpriselist", "UPDATE OF year", "year"),
            (
                "audits_enterprise_industry",
                "enterprises_enterprise",
                "UPDATE OF industry_id",
                "industry_id",
            ),
            (
                "audits_entry_disclosed",
                "enterprises_emissiondisclosure",
                "INSERT OR DELETE OR UPDATE OF entry_id",
                None,
            ),
        )
        for sql in (
            f"DROP TRIGGER IF EXISTS {name} ON {table}",
            f"""
            CREATE TRIGGER {name} AFTER {event} ON {table} FOR EACH ROW
            {f"WHEN (OLD.{when} IS DISTINCT FROM NEW.{when})" if when else ""}
            EXECUTE FUNCTION audits_kept_changed()
            """,
        )
    ),
]

KEPT_SQLITE = [
    *(
        f"""
        CREATE TRIGGER IF NOT EXISTS audits_audit_kept_{event} AFTER {event.upper()}
        ON audits_audit BEGIN {_touch("id = NEW.id", "IS NOT")}; END
        """
        for event in ("insert", "update")
    ),
    f"""
    CREATE TRIGGER IF NOT EXISTS audits_entry_status AFTER UPDATE OF status
    ON enterprises_listentry WHEN OLD.status IS NOT NEW.status
    BEGIN {_touch("list_entry_id = NEW.id", "IS NOT")}; END
    """,
    f"""
    CREATE TRIGGER IF NOT EXISTS audits_list_year AFTER UPDATE OF year
    ON enterprises_keyenterpriselist WHEN OLD.year IS NOT NEW.year
    BEGIN {_touch(OF_LIST, "IS NOT")}; END
    """,
    f"""
    CREATE TRIGGER IF NOT EXISTS audits_enterprise_industry AFTER UPDATE OF industry_id
    ON enterprises_enterprise WHEN OLD.industry_id IS NOT NEW.industry_id
    BEGIN {_touch("enterprise_id = NEW.id", "IS NOT")}; END
    """,
    *(
        f"""
        CREATE TRIGGER IF NOT EXISTS audits_entry_disclosed_{event} AFTER {event.upper()}
        ON enterprises_emissiondisclosure BEGIN
        {"; ".join(_touch(f"list_entry_id = {row}.entry_id", "IS NOT") for row in rows)}; END
        """
        for event, rows in (("insert", ("NEW",)), ("delete", ("OLD",)), ("update", ("OLD", "NEW")))
    ),
]

KEPT = TriggerSet(
    migration=("audits", "0015_audit_kept_facts"),
    create={"postgresql": KEPT_POSTGRESQL, "sqlite": KEPT_SQLITE},
    drop={
        "postgresql": [
            "DROP TRIGGER IF EXISTS audits_entry_disclosed ON enterprises_emissiondisclosure",
            "DROP TRIGGER IF EXISTS audits_enterprise_industry ON enterprises_enterprise",
            "DROP TRIGGER IF EXISTS audits_list_year ON enterprises_keyenterpriselist",
            "DROP TRIGGER IF EXISTS audits_entry_status ON enterprises_listentry",
            "DROP FUNCTION IF EXISTS audits_kept_changed()",
            "DROP TRIGGER IF EXISTS audits_audit_kept ON audits_audit",
            "DROP FUNCTION IF EXISTS audits_audit_kept()",
        ],
        "sqlite": [
            *(
                f"DROP TRIGGER IF EXISTS audits_entry_disclosed_{event}"
                for event in ("insert", "delete", "update")
            ),
            "DROP TRIGGER IF EXISTS audits_enterprise_industry",
            "DROP TRIGGER IF EXISTS audits_list_year",
            "DROP TRIGGER IF EXISTS audits_entry_status",
            "DROP TRIGGER IF EXISTS audits_audit_kept_insert",
            "DROP TRIGGER IF EXISTS audits_audit_kept_update",
        ],
    },
    fill_rows={"postgresql": _touch("TRUE"), "sqlite": _touch("1", "IS NOT")},
)
