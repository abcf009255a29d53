"""The database keeps, on each review round, a copy of its audit's region
(`Review.region_code`, `city_code`, `province_code`, which the audit keeps of its
enterprise's: audits/triggers.py), so that an authority's rounds are counted and listed
from the rounds alone; and whether a concluded round is `superseded` (a later round of
its audit and kind concluded), so that the statistics count each audit's result from its
latest concluded round without asking, per round, whether a later one exists (issue 13).
Set on every insert and update of a round, whatever writes it (what is written there is
ignored); the region followed when the audit's changes, and the rounds of an audit and
kind set again when one of them is written or deleted. Installed by migration
assessments 0009 and at every `migrate` (core.triggers).
"""

from core.triggers import TriggerSet

from .choices import ReviewState

CONCLUDED = f"'{ReviewState.CONCLUDED}'"


def superseded(row: str) -> str:
    """Whether the round `row` is concluded and a later one of its audit and kind is."""
    return (
        f"({row}.state = {CONCLUDED} AND EXISTS (SELECT 1 FROM assessments_review later "
        f"WHERE later.audit_id = {row}.audit_id AND later.kind = {row}.kind "
        f"AND later.state = {CONCLUDED} AND later.round > {row}.round))"
    )


def _rounds_again(row: str, differs: str = "IS DISTINCT FROM") -> str:
    """Set `superseded` again on the rounds of the audit and kind of `row`."""
    value = superseded("assessments_review")
    return (
        f"UPDATE assessments_review SET superseded = {value} "
        f"WHERE audit_id = {row}.audit_id AND kind = {row}.kind AND superseded {differs} {value}"
    )


COLUMNS = ("region_code", "city_code", "province_code")


def _from_audit(audit: str) -> str:
    return ", ".join(
        f"{column} = (SELECT {column} FROM audits_audit WHERE id = {audit})" for column in COLUMNS
    )


POSTGRESQL = [
    f"""
    CREATE OR REPLACE FUNCTION assessments_review_region() RETURNS trigger AS $$
    BEGIN
        SELECT region_code, city_code, province_code
        INTO NEW.region_code, NEW.city_code, NEW.province_code
        FROM audits_audit WHERE id = NEW.audit_id;
        NEW.superseded := {superseded("NEW")};
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
    f"""
    CREATE OR REPLACE FUNCTION assessments_review_rounds() RETURNS trigger AS $$
    BEGIN
        -- Only `superseded` is set here: this trigger does not fire again.
        IF TG_OP <> 'INSERT' THEN {_rounds_again("OLD")}; END IF;
        IF TG_OP <> 'DELETE' THEN {_rounds_again("NEW")}; END IF;
        RETURN NULL;
    END $$ LANGUAGE plpgsql
    """,
    "DROP TRIGGER IF EXISTS assessments_review_rounds ON assessments_review",
    """
    CREATE TRIGGER assessments_review_rounds
    AFTER INSERT OR DELETE OR UPDATE OF audit_id, kind, round, state ON assessments_review
    FOR EACH ROW EXECUTE FUNCTION assessments_review_rounds()
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
    CREATE TRIGGER IF NOT EXISTS assessments_review_rounds_insert AFTER INSERT
    ON assessments_review BEGIN {_rounds_again("NEW", "IS NOT")}; END
    """,
    f"""
    CREATE TRIGGER IF NOT EXISTS assessments_review_rounds_delete AFTER DELETE
    ON assessments_review BEGIN {_rounds_again("OLD", "IS NOT")}; END
    """,
    f"""
    CREATE TRIGGER IF NOT EXISTS assessments_review_rounds_update
    AFTER UPDATE OF audit_id, kind, round, state ON assessments_review
    BEGIN {_rounds_again("OLD", "IS NOT")}; {_rounds_again("NEW", "IS NOT")}; END
    """,
    f"""
    CREATE TRIGGER IF NOT EXISTS assessments_audit_moved AFTER UPDATE ON audits_audit
    WHEN OLD.region_code IS NOT NEW.region_code OR OLD.city_code IS NOT NEW.city_code
    BEGIN UPDATE assessments_review SET {_from_audit("NEW.id")} WHERE audit_id = NEW.id; END
    """,
]

REVIEW_KEPT = TriggerSet(
    migration=("assessments", "0009_review_kept"),
    create={"postgresql": POSTGRESQL, "sqlite": SQLITE},
    drop={
        "postgresql": [
            "DROP TRIGGER IF EXISTS assessments_audit_moved ON audits_audit",
            "DROP FUNCTION IF EXISTS assessments_audit_moved()",
            "DROP TRIGGER IF EXISTS assessments_review_rounds ON assessments_review",
            "DROP FUNCTION IF EXISTS assessments_review_rounds()",
            "DROP TRIGGER IF EXISTS assessments_review_region ON assessments_review",
            "DROP FUNCTION IF EXISTS assessments_review_region()",
        ],
        "sqlite": [
            "DROP TRIGGER IF EXISTS assessments_audit_moved",
            "DROP TRIGGER IF EXISTS assessments_review_rounds_insert",
            "DROP TRIGGER IF EXISTS assessments_review_rounds_delete",
            "DROP TRIGGER IF EXISTS assessments_review_rounds_update",
            "DROP TRIGGER IF EXISTS assessments_review_region_update",
            "DROP TRIGGER IF EXISTS assessments_review_region_insert",
        ],
    },
    fill_rows={
        vendor: f"UPDATE assessments_review SET {_from_audit('assessments_review.audit_id')}, "
        f"superseded = {superseded('assessments_review')}"
        for vendor in ("postgresql", "sqlite")
    },
)
