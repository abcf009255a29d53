import os
import subprocess
import sys
from pathlib import Path

import pytest
import yaml

ROOT = Path(__file__).resolve().parents[2]


def run_manage(*args, env=None):
    return subprocess.run(
        [sys.executable, "manage.py", *args],
        cwd=ROOT,
        env=env,
        capture_output=True,
        text=True,
        timeout=120,
    )


def production_env(**extra):
    env = {
        key: value
        for key, value in os.environ.items()
        if key not in {"DEBUG", "SECRET_KEY", "DJANGO_SETTINGS_MODULE", "DJANGO_ALLOW_ASYNC_UNSAFE"}
    }
    env.update(
        {
            "DEBUG": "0",
            "SECRET_KEY": "p7V#q2kL9w!zR4mX8nT1yB6cF3hJ5dG0sA-eU_iO+lK@vN&rW*tY",
            "ALLOWED_HOSTS": "cpaudit.example.gov.cn",
        },
        **extra,
    )
    return env


def test_check_deploy_is_clean_with_production_settings():
    result = run_manage("check", "--deploy", "--fail-level", "WARNING", env=production_env())
    assert result.returncode == 0, result.stdout + result.stderr
    assert "no issues" in result.stdout


def test_check_deploy_flags_the_local_fallback_key():
    env = production_env()
    del env["SECRET_KEY"]
    result = run_manage("check", "--deploy", "--fail-level", "WARNING", env=env)
    assert result.returncode != 0
    assert "security.W009" in result.stdout + result.stderr


def test_openapi_schema_is_valid_and_has_the_contract_paths(tmp_path):
    out = tmp_path / "schema.yaml"
    result = run_manage("spectacular", "--validate", "--fail-on-warn", "--file", str(out))
    assert result.returncode == 0, result.stdout + result.stderr
    paths = yaml.safe_load(out.read_text())["paths"]
    missing = [path for path in CONTRACT_PATHS if path not in paths]
    assert missing == []
    schemas = yaml.safe_load(out.read_text())["components"]["schemas"]
    missing = [
        (schema, field)
        for schema, fields in CONTRACT_FIELDS.items()
        for field in fields
        if field not in schemas[schema].get("properties", {})
        and field not in schemas[schema].get("enum", [])
    ]
    assert missing == []


# Every path api.md names (clients are written against them), and the additions of
# this wave (the history of options and review rounds, issue 10).
CONTRACT_PATHS = [
    "/api/v1/auth/token/",
    "/api/v1/me/",
    "/api/v1/users/",
    "/api/v1/organizations/",
    "/api/v1/regions/{code}/",
    "/api/v1/industries/{code}/",
    "/api/v1/enterprises/",
    "/api/v1/auditors/",
    "/api/v1/key-lists/",
    "/api/v1/key-lists/{list_pk}/entries/",
    "/api/v1/key-lists/{id}/import/",
    "/api/v1/key-lists/{id}/publish/",
    "/api/v1/public/key-lists/",
    "/api/v1/public/key-lists/{id}/entries/",
    "/api/v1/public/entries/",
    "/api/v1/audits/",
    "/api/v1/audits/{id}/transitions/",
    "/api/v1/audits/{id}/transition/",
    "/api/v1/audits/{id}/history/",
    "/api/v1/audits/{id}/survey/",
    "/api/v1/audits/{id}/monitoring/",
    "/api/v1/audits/{id}/evaluation/",
    "/api/v1/evaluation-systems/",
    "/api/v1/evaluation-systems/import/",
    "/api/v1/targets/",
    "/api/v1/options/",
    "/api/v1/documents/",
    "/api/v1/documents/{id}/download/",
    "/api/v1/balances/",
    "/api/v1/expert-profiles/",
    "/api/v1/assessments/",
    "/api/v1/acceptances/",
    "/api/v1/assessments/{id}/sheet/",
    "/api/v1/assessments/{id}/panel/",
    "/api/v1/assessments/{id}/scores/",
    "/api/v1/assessments/{id}/conclude/",
    "/api/v1/acceptances/{id}/verifications/",
    "/api/v1/reports/",
    "/api/v1/reports/{id}/",
    "/api/v1/reports/{id}/download/",
    "/api/v1/statistics/summary/",
    "/api/v1/options/{id}/history/",
    "/api/v1/assessments/{id}/history/",
    "/api/v1/acceptances/{id}/history/",
    # The record (issue 11).
    "/api/v1/audits/{id}/events/",
    "/api/v1/assessments/{id}/snapshot/",
    "/api/v1/acceptances/{id}/snapshot/",
    "/api/v1/assessments/{id}/demands/",
    "/api/v1/acceptances/{id}/demands/",
    "/api/v1/demands/{id}/respond/",
    "/api/v1/policies/{province}/history/",
    # The steps around the audit (issue 15): filings, meetings on a round, invitations,
    # registrations, city proposals.
    "/api/v1/filings/",
    "/api/v1/filings/{id}/",
    "/api/v1/filings/{id}/accept/",
    "/api/v1/filings/{id}/return/",
    "/api/v1/registrations/",
    "/api/v1/meetings/",
    "/api/v1/meetings/{id}/minutes/",
    "/api/v1/assessments/{id}/meeting/",
    "/api/v1/assessments/{id}/meeting/minutes/",
    "/api/v1/acceptances/{id}/meeting/",
    "/api/v1/acceptances/{id}/meeting/minutes/",
    "/api/v1/expert-pool/{id}/declarations/",
    "/api/v1/invitations/",
    "/api/v1/invitations/{id}/answer/",
    "/api/v1/invitations/{id}/pre-review/",
    "/api/v1/invitations/{id}/replace/",
    "/api/v1/proposals/",
    "/api/v1/proposals/{id}/decide/",
    # Supervision (issue 16).
    "/api/v1/upward-reports/",
    "/api/v1/upward-reports/{id}/",
    "/api/v1/upward-reports/{id}/submit/",
    "/api/v1/upward-reports/{id}/receive/",
    "/api/v1/upward-reports/{id}/return/",
    "/api/v1/upward-reports/{id}/xlsx/",
    "/api/v1/upward-reports/{id}/pdf/",
    "/api/v1/urges/",
    "/api/v1/penalties/",
    "/api/v1/penalties/{id}/document/",
    "/api/v1/consultancies/",
    "/api/v1/consultancies/{id}/record/",
    "/api/v1/consultancies/{id}/registration/",
]

# The fields and values api.md's "Additions of the next wave" names for the rules issue
# (issue 12), by the schema component that carries them.
CONTRACT_FIELDS = {
    "Audit": ["team_leader", "late", "report_submitted_on", "acceptance_applied_on"],
    "DocumentKindEnum": [
        "work_plan",
        "leadership_commitment",
        "sustaining_plan",
        "consultancy_contract",
        "monitoring_report",
    ],
    "Balance": ["closure_note"],
    "Option": ["implemented_on", "discount_rate"],
    "Auditor": ["issued_on", "valid_until", "organization", "enterprise"],
    "Overdue": ["start", "report", "disclosure", "acceptance"],
    "ReviewCounts": ["passed", "failed", "pending", "rounds"],
    "Entry": ["open_audit", "closing_reason", "audit"],
    # issue 15
    "Filing": ["audit", "kind", "documents", "state", "reason", "decided_by", "decided_on"],
    "FilingStateEnum": ["submitted", "accepted", "returned"],
    "Meeting": ["review", "held_on", "place", "link", "release_on", "scores_open"],
    "Summary": ["as_of"],
    "UpwardReport": ["region", "kind", "year", "as_of", "due_on", "state", "is_late", "figures"],
    "FirmRecord": ["first_time_pass_pct", "signals", "urges", "penalties", "auditors"],
}


@pytest.mark.django_db
def test_migrations_are_complete():
    result = run_manage("makemigrations", "--check", "--dry-run")
    assert result.returncode == 0, result.stdout
