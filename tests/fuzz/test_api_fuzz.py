"""Schemathesis over the OpenAPI schema, as each role (issue 14, item 9): generated
requests to every operation, through the real WSGI application on the test database,
fail the test on any 5xx or on a response that does not match the schema. Bounded in
time: FUZZ_EXAMPLES cases per operation and role (default 2), and FUZZ_SECONDS (default
150) in all; the closing line gives the counts."""

import os
import time
from collections import Counter

import pytest
import schemathesis
from django.core import signals
from django.core.handlers.wsgi import WSGIHandler
from django.db import close_old_connections
from hypothesis import HealthCheck, Phase, given
from hypothesis import settings as hypothesis_settings
from rest_framework.authtoken.models import Token
from schemathesis.checks import (
    content_type_conformance,
    not_a_server_error,
    response_schema_conformance,
)

from tests.support.audits import add_option, engaged_audit, upload

pytestmark = pytest.mark.django_db

EXAMPLES = int(os.environ.get("FUZZ_EXAMPLES", "2"))
SECONDS = float(os.environ.get("FUZZ_SECONDS", "150"))
ROLES = ["admin", "province_officer", "consultant", "enterprise_user", "expert", None]
CHECKS = [not_a_server_error, response_schema_conformance, content_type_conformance]


def failures_of(error: BaseException) -> list[str]:
    """Schemathesis raises a group of failures (an ExceptionGroup, or a BaseExceptionGroup
    when one of them is not an Exception): each, one line."""
    if isinstance(error, BaseExceptionGroup):
        return [line for sub in error.exceptions for line in failures_of(sub)]
    return [f"{type(error).__name__}: {str(error).strip().splitlines()[0][:300]}"]


def fuzzer(operation, headers, counts):
    """A Hypothesis test of one operation as one caller."""

    @given(case=operation.as_strategy())
    @hypothesis_settings(
        max_examples=EXAMPLES,
        deadline=None,
        database=None,
        derandomize=True,
        phases=[Phase.explicit, Phase.generate],
        suppress_health_check=list(HealthCheck),
    )
    def run(case):
        response = case.call(headers=headers)
        counts[response.status_code // 100] += 1
        counts["cases"] += 1
        case.validate_response(response, checks=CHECKS, headers=headers)

    return run


@pytest.fixture
def keep_the_test_connection():
    """What Django's test client does around a request: the handler's signals must not
    close the connection that holds the test's transaction."""
    for signal in (signals.request_started, signals.request_finished):
        signal.disconnect(close_old_connections)
    yield
    for signal in (signals.request_started, signals.request_finished):
        signal.connect(close_old_connections)


def test_no_operation_answers_5xx_or_off_schema_for_any_role(
    cast, settings, keep_the_test_connection
):
    settings.ALLOWED_HOSTS = ["*"]
    audit = engaged_audit(cast)
    add_option(cast, audit)
    upload(cast, audit)
    tokens = {role: Token.objects.create(user=cast.user(role)).key for role in ROLES if role}
    # A handler of the test's own: its middleware is built now, with the test settings
    # (plain HTTP), as the application's was when it was first imported.
    schema = schemathesis.openapi.from_wsgi("/api/schema/?format=json", WSGIHandler())
    operations = [result.ok() for result in schema.get_all_operations()]
    assert len(operations) > 100

    deadline = time.monotonic() + SECONDS
    counts, found = Counter(), []
    for operation in operations:
        for role in ROLES:
            if time.monotonic() > deadline:
                break
            headers = {"Authorization": f"Token {tokens[role]}"} if role else {}

            run = fuzzer(operation, headers, counts)
            try:
                run()
            except BaseException as error:  # noqa: B036 - a group may hold non-Exceptions
                if isinstance(error, KeyboardInterrupt):
                    raise
                if os.environ.get("FUZZ_DEBUG"):
                    raise
                found += [f"{operation.label} as {role}: {f}" for f in failures_of(error)]
    print(
        f"\nfuzz: {counts['cases']} cases over {len(operations)} operations x {len(ROLES)} "
        f"roles; 2xx {counts[2]}, 3xx {counts[3]}, 4xx {counts[4]}, 5xx {counts[5]}"
    )
    assert counts["cases"] >= len(operations)
    assert found == [], "\n".join(found[:40])
