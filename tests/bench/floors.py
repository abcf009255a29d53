"""The floors of the benchmark: hand-written SQL over the same tables returning the same
rows as each operation (tests/bench/bench.py times them interleaved). Each function
returns [(sql, params)]; `raw()` makes a function that runs them and fetches every row.
"""

import datetime

from django.db import connection
from django.utils import timezone

from audits.choices import BEFORE_ACCEPTANCE, BEFORE_REPORT, CLOSED, OWES_DISCLOSURE, AuditState


def raw(queries):
    def run():
        with connection.cursor() as cursor:
            for sql, params in queries:
                cursor.execute(sql, params)
                cursor.fetchall()

    return run


def _like(prefix: str) -> str:
    return prefix + "%"


def in_scope(prefix: str, alias: str = "a") -> str:
    """The audits (or, `alias` r, the review rounds) of a scope by their copy of the region
    code (of that prefix's length)."""
    column = {2: "province_code", 4: "city_code", 6: "region_code"}[len(prefix)]
    return f"{alias}.{column} = %(scope)s"


# --- the deadlines still owed, off the audit's row ----------------------------------------

# Each deadline: the column of its due date and when it is still owed, as the audit's row
# holds it (its state, and the facts the database keeps: disclosure_pending,
# registered_on, filed).
OWED = {
    "start": ("start_due", "a.state = %(not_started)s"),
    "disclosure": ("disclosure_due", "a.state = ANY(%(owes_disclosure)s) AND a.disclosure_pending"),
    "report": ("report_due", "a.state = ANY(%(before_report)s)"),
    "acceptance": ("acceptance_due", "a.state = ANY(%(before_acceptance)s)"),
    "registration": ("registration_due", "a.state = ANY(%(open)s) AND a.registered_on IS NULL"),
    "filing": ("filing_due", "a.state = ANY(%(open)s) AND NOT a.filed"),
}


def deadline_params() -> dict:
    return {
        "today": timezone.localdate(),
        "soon": timezone.localdate() + datetime.timedelta(days=30),
        "not_started": AuditState.NOT_STARTED,
        "owes_disclosure": list(OWES_DISCLOSURE),
        "before_report": list(BEFORE_REPORT),
        "before_acceptance": list(BEFORE_ACCEPTANCE),
        "open": [state for state in AuditState.values if state not in CLOSED],
    }


def overdue_sql(kind: str) -> str:
    due, owed = OWED[kind]
    return f"({owed} AND a.{due} < %(today)s)"


ANY_OVERDUE = "(" + " OR ".join(overdue_sql(kind) for kind in OWED) + ")"

# The earliest due date still owed (the overdue list's order).
NEXT_DUE = (
    "LEAST("
    + ", ".join(
        f"COALESCE(CASE WHEN {owed} THEN a.{due} END, DATE '9999-12-31')"
        for due, owed in OWED.values()
    )
    + ")"
)


def board_sql(prefix: str):
    """The deadline board: per city, each deadline overdue and due within 30 days; the
    cities' names."""
    counts = ", ".join(
        f"count(*) FILTER (WHERE {overdue_sql(kind)}), count(*) FILTER (WHERE {owed} "
        f"AND a.{due} BETWEEN %(today)s AND %(soon)s)"
        for kind, (due, owed) in OWED.items()
    )
    params = deadline_params() | {"scope": prefix, "like": prefix[:2] + "%"}
    return [
        (
            f"SELECT a.city_code, {counts} FROM audits_audit a WHERE {in_scope(prefix)} "
            "GROUP BY 1 ORDER BY 1",
            params,
        ),
        (
            "SELECT * FROM enterprises_region WHERE level = 'city' AND code LIKE %(like)s",
            params,
        ),
        (  # the ten chosen over the audits alone, then joined
            f"WITH few AS (SELECT a.id, {NEXT_DUE} AS next_due FROM audits_audit a "
            f"WHERE {in_scope(prefix)} AND {ANY_OVERDUE} ORDER BY next_due, a.id LIMIT 10) "
            "SELECT a.*, few.next_due, e.*, g.*, o.* FROM few "
            "JOIN audits_audit a ON a.id = few.id "
            "JOIN enterprises_enterprise e ON e.id = a.enterprise_id "
            "JOIN enterprises_region g ON g.code = e.region_id "
            "LEFT JOIN accounts_organization o ON o.id = a.consultancy_id "
            "ORDER BY few.next_due, a.id",
            params,
        ),
    ]


def steps_sql(prefix: str):
    """The filings waiting for a decision and the meetings of the next 14 days."""
    params = {"scope": prefix, "today": timezone.localdate()}
    meetings = (
        "FROM procedures_meeting m JOIN assessments_review r ON r.id = m.review_id "
        "JOIN audits_audit a ON a.id = r.audit_id "
        "JOIN enterprises_enterprise e ON e.id = a.enterprise_id "
        f"WHERE {in_scope(prefix)} AND m.minutes = '' "
        "AND m.held_on BETWEEN %(today)s AND %(today)s + 14"
    )
    return [
        (
            "SELECT count(*) FROM procedures_filing f JOIN audits_audit a ON a.id = f.audit_id "
            f"WHERE {in_scope(prefix)} AND f.state = 'submitted'",
            params,
        ),
        (f"SELECT count(*) {meetings}", params),
        (f"SELECT m.*, r.*, a.*, e.* {meetings} ORDER BY m.held_on, m.id LIMIT 10", params),
    ]


# --- dashboards and the review queue -------------------------------------------------------

# The rounds of a scope by their own copy of the region code.
REVIEWS_IN_SCOPE = """
    FROM assessments_review r WHERE {scope}"""

# The stage of a round being scored: all experts scored and (acceptance) every verifiable
# mid/high option verified.
PROGRESS = """
    (SELECT count(*) FROM assessments_panelmember p WHERE p.review_id = r.id) AS panel,
    (SELECT count(*) FROM assessments_score s WHERE s.review_id = r.id) AS scored,
    CASE WHEN r.kind = 'acceptance' THEN (
        SELECT count(*) FROM audits_option o WHERE o.audit_id = r.audit_id
        AND o.cost_class = 'mid_high'
        AND o.status IN ('feasible', 'implementing', 'implemented')
        AND NOT EXISTS (SELECT 1 FROM assessments_verification v
                        WHERE v.option_id = o.id AND v.review_id = r.id))
    ELSE 0 END AS unverified"""


def review_counts_sql(prefix: str):
    params = {"scope": prefix, "today": timezone.localdate()}
    reviews = REVIEWS_IN_SCOPE.format(scope=in_scope(prefix, "r"))
    return [
        (
            f"SELECT r.state, count(*), count(*) FILTER (WHERE r.state <> 'concluded' "
            f"AND r.due_on < %(today)s) {reviews} GROUP BY r.state",
            params,
        ),
        (
            f"SELECT {PROGRESS} {reviews} AND r.state = 'panel_formed'",
            params,
        ),
    ]


def dashboard_sql(prefix: str):
    """Enterprises and SMEs in scope, the top 8 industries, the queue's counts, the
    deadline board with who is overdue, and the steps to take."""
    params = {"prefix": _like(prefix)}
    return [
        (
            "SELECT count(*), count(*) FILTER (WHERE employees < 2000 "
            "OR annual_sales < 300000000 OR total_assets < 400000000) "
            "FROM enterprises_enterprise WHERE region_id LIKE %(prefix)s",
            params,
        ),
        (
            "SELECT i.code, i.name_zh, count(*) AS n FROM enterprises_enterprise e "
            "JOIN enterprises_industry i ON i.code = e.industry_id "
            "WHERE e.region_id LIKE %(prefix)s GROUP BY i.code, i.name_zh "
            "ORDER BY n DESC, i.code LIMIT 8",
            params,
        ),
        *review_counts_sql(prefix),
        *board_sql(prefix),
        *steps_sql(prefix),
    ]


def review_queue_sql(prefix: str, overdue: bool = False):
    """The counts, the number of rounds and the first page of 50 with enterprise,
    region and progress."""
    params = {"scope": prefix, "today": timezone.localdate()}
    reviews = REVIEWS_IN_SCOPE.format(scope=in_scope(prefix, "r"))
    where = " AND r.state <> 'concluded' AND r.due_on < %(today)s" if overdue else ""
    return [
        *review_counts_sql(prefix),
        (f"SELECT count(*) {reviews}{where}", params),
        (
            f"SELECT r.id, r.kind, r.round, r.state, r.result, r.score, r.applied_on, r.due_on, "
            f"e.name, g.name_zh, {PROGRESS} FROM assessments_review r "
            "JOIN audits_audit a ON a.id = r.audit_id "
            "JOIN enterprises_enterprise e ON e.id = a.enterprise_id "
            "JOIN enterprises_region g ON g.code = e.region_id "
            f"WHERE {in_scope(prefix, 'r')}{where} "
            "ORDER BY r.concluded_on DESC NULLS FIRST, r.due_on, r.id LIMIT 50",
            params,
        ),
    ]


# --- statistics --------------------------------------------------------------------------

# The audits of the scope and year, by their own copies of the region, the list's year
# and the industry (audits/triggers.py), as the summary reads them.
AUDITS_OF_SCOPE = """
    FROM audits_audit a WHERE {scope} AND (%(year)s::int IS NULL OR a.year = %(year)s)"""


def statistics_sql(prefix: str, year: int | None):
    """The summary's figures by hand: listed entries, pipeline and overdue by city and
    industry, review results (of the latest concluded round too), options and investment,
    summed benefits."""
    audits = AUDITS_OF_SCOPE.format(scope=in_scope(prefix))
    params = deadline_params() | {"year": year, "scope": prefix, "prefix": _like(prefix)}
    overdue = ", ".join(
        [f"count(*) FILTER (WHERE {ANY_OVERDUE})"]
        + [f"count(*) FILTER (WHERE {overdue_sql(kind)})" for kind in OWED]
    )
    joined = audits.split("FROM audits_audit a", 1)[1]
    return [
        (
            "SELECT substr(e.region_id, 1, 4), e.industry_id, count(*) "
            "FROM enterprises_listentry le "
            "JOIN enterprises_enterprise e ON e.id = le.enterprise_id "
            "JOIN enterprises_keyenterpriselist kl ON kl.id = le.key_list_id "
            "WHERE e.region_id LIKE %(prefix)s AND le.status = 'active' "
            "AND kl.status = 'published' AND (%(year)s::int IS NULL OR kl.year = %(year)s) "
            "GROUP BY 1, 2",
            params,
        ),
        (
            f"SELECT a.city_code, a.industry_code, a.state, count(*), {overdue} "
            f"{audits} GROUP BY 1, 2, 3",
            params,
        ),
        (
            "SELECT a.city_code, a.industry_code, r.kind, r.round = 1, a.state, r.state, "
            "r.result, r.superseded, count(*) FROM assessments_review r "
            f"JOIN audits_audit a ON a.id = r.audit_id {joined} GROUP BY 1, 2, 3, 4, 5, 6, 7, 8",
            params,
        ),
        (
            "SELECT a.city_code, a.industry_code, t.cost_class, sum(t.count), "
            "sum(t.implemented), sum(t.investment) FROM audits_optiontotals t "
            f"JOIN audits_audit a ON a.id = t.audit_id {joined} GROUP BY 1, 2, 3",
            params,
        ),
        (
            "SELECT t.indicator, sum(t.expected), sum(t.actual), sum(t.verified) "
            f"FROM audits_benefittotals t WHERE t.audit_id IN (SELECT a.id {audits}) "
            "GROUP BY 1",
            params,
        ),
    ]


# --- audit lists -------------------------------------------------------------------------

AUDIT_ROWS = """
    SELECT a.*, e.name, e.credit_code, e.region_id, o.name, kl.year, d.id
    FROM audits_audit a JOIN enterprises_enterprise e ON e.id = a.enterprise_id
    LEFT JOIN accounts_organization o ON o.id = a.consultancy_id
    LEFT JOIN enterprises_listentry le ON le.id = a.list_entry_id
    LEFT JOIN enterprises_keyenterpriselist kl ON kl.id = le.key_list_id
    LEFT JOIN enterprises_emissiondisclosure d ON d.entry_id = le.id"""


def _audit_filter(prefix: str, state: str | None, overdue: bool) -> str:
    where = in_scope(prefix)
    if state:
        where += " AND a.state = %(state)s"
    if overdue:
        where += f" AND {ANY_OVERDUE}"
    return where


def audit_list_sql(prefix: str, *, page: int = 1, state=None, overdue=False, api=False):
    """A page of the audit list: the paginator's count and 50 rows with enterprise, firm,
    list year and disclosure (the API: and the team; the page: the filter form's firms,
    and the industries and years of the scope)."""
    params = deadline_params() | {
        "scope": prefix,
        "state": state,
        "offset": (page - 1) * 50,
    }
    where = _audit_filter(prefix, state, overdue)
    queries = [
        (f"SELECT count(*) FROM audits_audit a WHERE {where}", params),
        (
            f"{AUDIT_ROWS} WHERE {where} ORDER BY a.start_due, a.id LIMIT 50 OFFSET %(offset)s",
            params,
        ),
    ]
    if api:
        queries.append(
            (
                "SELECT t.audit_id, u.* FROM audits_audit_team t "
                "JOIN accounts_auditor u ON u.id = t.auditor_id WHERE t.audit_id IN ("
                f"SELECT a.id FROM audits_audit a WHERE {where} "
                "ORDER BY a.start_due, a.id LIMIT 50 OFFSET %(offset)s)",
                params,
            )
        )
    else:
        queries += [
            (
                "SELECT o.* FROM accounts_organization o WHERE o.kind = 'consultancy' AND "
                "EXISTS (SELECT 1 FROM audits_audit a WHERE a.consultancy_id = o.id "
                f"AND {in_scope(prefix)}) ORDER BY o.name",
                params,
            ),
            (
                "SELECT DISTINCT a.industry_code, a.year FROM audits_audit a "
                f"WHERE {in_scope(prefix)}",
                params,
            ),
            (
                "SELECT i.* FROM enterprises_industry i WHERE i.code IN (SELECT DISTINCT "
                f"a.industry_code FROM audits_audit a WHERE {in_scope(prefix)}) ORDER BY i.code",
                params,
            ),
            (
                "SELECT code, name_zh FROM enterprises_region WHERE code LIKE %(like)s "
                "AND level IN ('province', 'city') ORDER BY code",
                params | {"like": prefix[:2] + "%"},
            ),
        ]
    return queries


def workspace_sql(audit_id: int, with_scores: bool = False):
    """What the workspace shows: the audit and its enterprise, options, benefits, targets,
    balances, documents, transitions and review rounds (and, for a report, scores)."""
    params = {"audit": audit_id}
    queries = [
        (
            "SELECT a.*, e.*, o.name FROM audits_audit a "
            "JOIN enterprises_enterprise e ON e.id = a.enterprise_id "
            "LEFT JOIN accounts_organization o ON o.id = a.consultancy_id "
            "WHERE a.id = %(audit)s",
            params,
        ),
        ("SELECT * FROM audits_option WHERE audit_id = %(audit)s ORDER BY code", params),
        (
            "SELECT b.* FROM audits_optionbenefit b JOIN audits_option o ON o.id = b.option_id "
            "WHERE o.audit_id = %(audit)s ORDER BY o.code, b.indicator",
            params,
        ),
        ("SELECT * FROM audits_target WHERE audit_id = %(audit)s", params),
        (
            "SELECT b.*, f.* FROM audits_balance b LEFT JOIN audits_balanceflow f "
            "ON f.balance_id = b.id WHERE b.audit_id = %(audit)s",
            params,
        ),
        ("SELECT * FROM audits_document WHERE audit_id = %(audit)s", params),
        (
            "SELECT t.*, u.full_name FROM audits_transitionlog t "
            "JOIN accounts_user u ON u.id = t.actor_id WHERE t.audit_id = %(audit)s",
            params,
        ),
        ("SELECT * FROM assessments_review WHERE audit_id = %(audit)s", params),
    ]
    if with_scores:
        queries.append(
            (
                "SELECT s.*, u.full_name FROM assessments_score s "
                "JOIN assessments_review r ON r.id = s.review_id "
                "JOIN accounts_user u ON u.id = s.expert_id "
                "WHERE r.audit_id = %(audit)s",
                params,
            )
        )
    return queries


def public_lists_sql():
    return [
        ("SELECT count(*) FROM enterprises_keyenterpriselist WHERE status = 'published'", {}),
        (
            "SELECT kl.*, g.name_zh, (SELECT count(*) FROM enterprises_listentry le "
            "WHERE le.key_list_id = kl.id AND le.status = 'active') "
            "FROM enterprises_keyenterpriselist kl JOIN enterprises_region g "
            "ON g.code = kl.province_id WHERE kl.status = 'published' "
            "ORDER BY kl.year DESC, kl.province_id, kl.id DESC LIMIT 50",
            {},
        ),
    ]
