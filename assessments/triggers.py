"""The database keeps a review round's copy of its audit's region (`Review.region_code`,
`city_code`, `province_code`, which the audit keeps of its enterprise's:
audits/triggers.py), so that an authority's rounds are counted and listed from the
rounds alone (issue 13): set on every insert and update of a round, whatever writes it
(what is written there is ignored), and followed when the audit's region changes.
Installed by migration assessments 0009 and at every `migrate` (core.triggers).
"""

from core.triggers import TriggerSet

COLUMNS = ("region_code", "city_code", "province_code")


def _from_audit(audit: str) -> str:
    return ", ".join(
        f"{column} = (SELECT {column} FROM audits_audit WHERE id = {audit})" for column in COLUMNS
    )


POSTGRESQL = [
    """
    CREATE OR REPLACE FUNCTION assessments_review_region() RETURNS trigger AS $$
    BEGIN
        SELECT region_code, city_code, province_code
        INTO NEW.region_code, NEW.city_code, NEW.province_code
        FROM audits_audit WHERE id = NEW.audit_id;
        RETURN NEW;
    END $$ LANGUAGE plpgsql
    """,
    "DROP TRIGGER IF EXISTS assessments_review_region ON assessments_review",
    """
    CREATE TRIGGER assessments_review_region BEFORE INSERT OR UPDATE ON assessments_review
    FOR EACH ROW EXECUTE FUNCTION assessments_review_region()
    """,
    """
    CREATE OR REPLACE FUNCTION assessments_audit_moved() RETURNS trigger AS $$
    BEGIN
        -- The rounds' own trigger copies the audit's new region.
        UPDATE assessments_review SET region_code = NEW.region_code WHERE audit_id = NEW.id;
        RETURN NULL;
    END $$ LANGUAGE plpgsql
    """,
    "DROP TRIGGER IF EXISTS assessments_audit_moved ON audits_audit",
    """
    CREATE TRIGGER assessments_audit_moved AFTER UPDATE OF region_code ON audits_audit
    FOR EACH ROW WHEN (OLD.region_code IS DISTINCT FROM NEW.region_code)
    EXECUTE FUNCTION assessments_audit_moved()
    """,
]

# SQLite: AFTER triggers that set the row just after (recursive triggers are off).
DIFFERS = " OR ".join(
    f"NEW.{column} IS NOT (SELECT {column} FROM audits_audit WHERE id = NEW.audit_id)"
    for column in COLUMNS
)
SQLITE = [
    *(
        f"""
        CREATE TRIGGER IF NOT EXISTS assessments_review_region_{event} AFTER {event.upper()}
        ON assessments_review WHEN {DIFFERS}
        BEGIN UPDATE assessments_review SET {_from_audit("NEW.audit_id")} WHERE id = NEW.id; END
        """
        for event in ("insert", "update")
    ),
    f"""
    CREATE TRIGGER IF NOT EXISTS assessments_audit_moved AFTER UPDATE ON audits_audit
    WHEN OLD.region_code IS NOT NEW.region_code OR OLD.city_code IS NOT NEW.city_code
    BEGIN UPDATE assessments_review SET {_from_audit("NEW.id")} WHERE audit_id = NEW.id; END
    """,
]

REVIEW_REGION = TriggerSet(
    migration=("assessments", "0009_review_region_code"),
    create={"postgresql": POSTGRESQL, "sqlite": SQLITE},
    drop={
        "postgresql": [
            "DROP TRIGGER IF EXISTS assessments_audit_moved ON audits_audit",
            "DROP FUNCTION IF EXISTS assessments_audit_moved()",
            "DROP TRIGGER IF EXISTS assessments_review_region ON assessments_review",
            "DROP FUNCTION IF EXISTS assessments_review_region()",
        ],
        "sqlite": [
            "DROP TRIGGER IF EXISTS assessments_audit_moved",
            "DROP TRIGGER IF EXISTS assessments_review_region_update",
            "DROP TRIGGER IF EXISTS assessments_review_region_insert",
        ],
    },
    fill_rows={
        vendor: f"UPDATE assessments_review SET {_from_audit('assessments_review.audit_id')}"
        for vendor in ("postgresql", "sqlite")
    },
)
