"""The database keeps, on each audit, the two facts its registration and filing rules
read (procedures/deadlines.py): `Audit.registered_on`, the day of its registration, and
`Audit.filed`, whether a filing of the contract and audit plan is waiting or accepted.
The overdue lists, the deadline board and the statistics then read them off the audit's
own row instead of probing these tables once per audit (issue 13).

Kept whatever writes the rows: set when a registration or a filing is written or
deleted, and on every insert and update of an audit (what is written there is ignored,
so an audit saved from a copy read before its filing keeps the filing's fact).
Installed by migration procedures 0003 and at every `migrate` (core.triggers).
"""

from core.triggers import TriggerSet

from .choices import FilingKind, FilingState

FILED_STATES = ", ".join(f"'{state}'" for state in (FilingState.SUBMITTED, FilingState.ACCEPTED))


def registered_on(audit: str) -> str:
    return f"(SELECT registered_on FROM procedures_registration WHERE audit_id = {audit})"


def filed(audit: str) -> str:
    return (
        f"EXISTS (SELECT 1 FROM procedures_filing WHERE audit_id = {audit} "
        f"AND kind = '{FilingKind.START}' AND state IN ({FILED_STATES}))"
    )


def _touch(audit: str, differs: str = "IS DISTINCT FROM") -> str:
    """Set the audit's two facts again (the update only when they changed)."""
    return f"""
        UPDATE audits_audit SET registered_on = {registered_on(audit)}, filed = {filed(audit)}
        WHERE id = {audit} AND (registered_on {differs} {registered_on(audit)}
            OR filed {differs} {filed(audit)})"""


POSTGRESQL = [
    f"""
    CREATE OR REPLACE FUNCTION procedures_audit_steps() RETURNS trigger AS $$
    BEGIN
        NEW.registered_on := {registered_on("NEW.id")};
        NEW.filed := {filed("NEW.id")};
        RETURN NEW;
    END $$ LANGUAGE plpgsql
    """,
    "DROP TRIGGER IF EXISTS procedures_audit_steps ON audits_audit",
    """
    CREATE TRIGGER procedures_audit_steps BEFORE INSERT OR UPDATE ON audits_audit
    FOR EACH ROW EXECUTE FUNCTION procedures_audit_steps()
    """,
    f"""
    CREATE OR REPLACE FUNCTION procedures_step_changed() RETURNS trigger AS $$
    BEGIN
        IF TG_OP <> 'INSERT' THEN {_touch("OLD.audit_id")}; END IF;
        IF TG_OP <> 'DELETE' THEN {_touch("NEW.audit_id")}; END IF;
        RETURN NULL;
    END $$ LANGUAGE plpgsql
    """,
    "DROP TRIGGER IF EXISTS procedures_registration_changed ON procedures_registration",
    """
    CREATE TRIGGER procedures_registration_changed
    AFTER INSERT OR DELETE OR UPDATE OF audit_id, registered_on ON procedures_registration
    FOR EACH ROW EXECUTE FUNCTION procedures_step_changed()
    """,
    "DROP TRIGGER IF EXISTS procedures_filing_changed ON procedures_filing",
    """
    CREATE TRIGGER procedures_filing_changed
    AFTER INSERT OR DELETE OR UPDATE OF audit_id, kind, state ON procedures_filing
    FOR EACH ROW EXECUTE FUNCTION procedures_step_changed()
    """,
]

# SQLite: AFTER triggers that set the row just after (recursive triggers are off).
EVENTS = {"insert": ("NEW",), "delete": ("OLD",), "update": ("OLD", "NEW")}
SQLITE = [
    *(
        f"""
        CREATE TRIGGER IF NOT EXISTS procedures_audit_steps_{event} AFTER {event.upper()}
        ON audits_audit BEGIN {_touch("NEW.id", "IS NOT")}; END
        """
        for event in ("insert", "update")
    ),
    *(
        f"""
        CREATE TRIGGER IF NOT EXISTS procedures_{table}_{event} AFTER {event.upper()}
        ON procedures_{table}
        BEGIN {"; ".join(_touch(f"{row}.audit_id", "IS NOT") for row in rows)}; END
        """
        for table in ("registration", "filing")
        for event, rows in EVENTS.items()
    ),
]

DROP = {
    "postgresql": [
        "DROP TRIGGER IF EXISTS procedures_filing_changed ON procedures_filing",
        "DROP TRIGGER IF EXISTS procedures_registration_changed ON procedures_registration",
        "DROP FUNCTION IF EXISTS procedures_step_changed()",
        "DROP TRIGGER IF EXISTS procedures_audit_steps ON audits_audit",
        "DROP FUNCTION IF EXISTS procedures_audit_steps()",
    ],
    "sqlite": [
        *(
            f"DROP TRIGGER IF EXISTS procedures_{table}_{event}"
            for table in ("registration", "filing")
            for event in EVENTS
        ),
        "DROP TRIGGER IF EXISTS procedures_audit_steps_insert",
        "DROP TRIGGER IF EXISTS procedures_audit_steps_update",
    ],
}

FILL = {
    vendor: f"""
        UPDATE audits_audit SET registered_on = {registered_on("audits_audit.id")},
            filed = {filed("audits_audit.id")}"""
    for vendor in ("postgresql", "sqlite")
}

AUDIT_STEPS = TriggerSet(
    migration=("procedures", "0003_audit_steps_kept"),
    create={"postgresql": POSTGRESQL, "sqlite": SQLITE},
    drop=DROP,
    fill_rows=FILL,
)
