"""The house's rules (issue 10; design.md "Layout"): every change of state goes through
its app's workflow module, which writes the history row; the layers contract is
import-linter's (`make test` runs `lint-imports`)."""

import ast
from pathlib import Path

import pytest

ROOT = Path(__file__).resolve().parents[2]
APPS = [
    "core",
    "accounts",
    "notifications",
    "enterprises",
    "audits",
    "assessments",
    "reporting",
    "cpaudit",
]
STATE_FIELDS = {"state", "status"}
# The seeders write whole histories in bulk (COPY), their plans keeping a `state` of their
# own; tests/cpaudit/test_seed_scale.py checks that what they write is consistent.
NOT_SCANNED = ("migrations", "seeding")


def state_writes(source: str) -> list[int]:
    """The lines of `source` that assign a `state` or `status` attribute, update one in
    SQL (`.update(state=…)`) or set one with `setattr`."""
    lines = []
    for node in ast.walk(ast.parse(source)):
        if isinstance(node, ast.Assign | ast.AugAssign | ast.AnnAssign):
            targets = node.targets if isinstance(node, ast.Assign) else [node.target]
            for target in targets:
                for part in target.elts if isinstance(target, ast.Tuple) else [target]:
                    if isinstance(part, ast.Attribute) and part.attr in STATE_FIELDS:
                        lines.append(node.lineno)
        elif isinstance(node, ast.Call):
            func = node.func
            if (
                isinstance(func, ast.Attribute)
                and func.attr in {"update", "bulk_update"}
                and (
                    any(k.arg in STATE_FIELDS for k in node.keywords)
                    or any(
                        isinstance(a, ast.List | ast.Tuple)
                        and any(
                            isinstance(e, ast.Constant) and e.value in STATE_FIELDS for e in a.elts
                        )
                        for a in node.args
                    )
                )
            ):
                lines.append(node.lineno)
            if (
                isinstance(func, ast.Name)
                and func.id == "setattr"
                and len(node.args) > 1
                and isinstance(node.args[1], ast.Constant)
                and node.args[1].value in STATE_FIELDS
            ):
                lines.append(node.lineno)
    return lines


@pytest.mark.parametrize(
    "snippet",
    [
        "audit.state = 'planning'",
        "job.state, job.started_at = 'running', now",
        "Option.objects.filter(pk=1).update(status='retained')",
        "Review.objects.bulk_update(rows, ['state'])",
        "setattr(entry, 'status', 'removed')",
    ],
)
def test_the_scanner_finds_each_way_of_writing_a_state(snippet):
    assert state_writes(snippet) == [1]


def test_the_scanner_leaves_reads_and_other_fields_alone():
    assert (
        state_writes(
            "x = audit.state\nrow['status'] = 'done'\naudit.focus = 'f'\n"
            "Audit.objects.filter(state='planning').update(focus='x')"
        )
        == []
    )


def test_states_change_only_in_the_workflow_modules():
    """Audit, option, review round, key list, list entry and report job: each `state` or
    `status` is written by its app's workflow.py alone (with its history row)."""
    offenders = []
    for app in APPS:
        for path in sorted((ROOT / app).rglob("*.py")):
            relative = path.relative_to(ROOT)
            if path.name == "workflow.py" or any(p in NOT_SCANNED for p in relative.parts):
                continue
            offenders += [f"{relative}:{line}" for line in state_writes(path.read_text())]
    assert offenders == [], "states written outside the workflow modules:\n" + "\n".join(offenders)
