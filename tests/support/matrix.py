"""Generic role tests (style.md §8): one class per endpoint or page, a matrix of the
status each role gets for each action, and one generated test per cell.

    class TestEnterpriseApi(RoleMatrix):
        matrix = {"retrieve": {"admin": 200, "province_officer": 200, ...}, ...}
        build = staticmethod(lambda cast: {"audit": engaged_audit(cast)})   # optional
        def request(self, action, client, cast): ...   # self.world.audit

The cells of a class share one cast, and what `build(cast)` makes, created once for the
class (`class_db`, tests/conftest.py); each cell runs in a savepoint of its own, so what
one cell changes is undone before the next. Every row must name every role of the cast,
so adding a role breaks loudly.
"""

from types import SimpleNamespace

import pytest
from django.db import connection
from django.test.utils import CaptureQueriesContext
from rest_framework.test import APIClient

from .cast import ROLES, make_cast


def api_client(user) -> APIClient:
    client = APIClient()
    if user is not None:
        client.force_authenticate(user)
    return client


def page_client(client, user):
    if user is not None:
        client.force_login(user)
    return client


def parametrize_matrix(metafunc) -> None:
    matrix = getattr(metafunc.cls, "matrix", None)
    if not matrix or "action" not in metafunc.fixturenames:
        return
    cells, ids = [], []
    for action, row in matrix.items():
        missing = set(ROLES) - set(row)
        assert not missing, f"{metafunc.cls.__name__}.{action} names no status for {missing}"
        for role in ROLES:
            cells.append((action, role, row[role]))
            ids.append(f"{action}-{role}")
    metafunc.parametrize("action,role,expected", cells, ids=ids)


class RoleMatrix:
    """Subclasses set `matrix` and implement `request(action, client, cast)`; `build`
    makes what every cell reads (as `self.world`), once per class."""

    matrix: dict = {}
    api = True

    @staticmethod
    def build(cast) -> dict:
        return {}

    @pytest.fixture(scope="class")
    @classmethod
    def world(cls, class_db):
        cast = make_cast()
        return SimpleNamespace(cast=cast, **cls.build(cast))

    @pytest.fixture
    def cast(self, world, db):
        self.world = world
        return world.cast

    def request(self, action, client, cast):  # pragma: no cover - abstract
        raise NotImplementedError

    def test_role_gets_expected_status(self, cast, client, action, role, expected):
        user = cast.user(role)
        http = api_client(user) if self.api else page_client(client, user)
        response = self.request(action, http, cast)
        if response.streaming:
            # Read a download to its end, as a WSGI server would: the test client closes
            # it then, with the database connection left open for the next cell (a
            # download closed only when collected would close it inside the class's
            # transaction).
            b"".join(response.streaming_content)
        assert response.status_code == expected, (
            f"{action} as {role}: {response.status_code}, expected {expected}: "
            f"{getattr(response, 'data', None) or response.content[:300]!r}"
        )


def count_queries(func) -> int:
    with CaptureQueriesContext(connection) as queries:
        func()
    return len(queries)


def assert_constant_queries(fetch, grow, *, few: int = 2, many: int = 20):
    """`fetch()` runs the same number of queries with `few` and with `many` rows.

    `grow(n)` adds n rows that `fetch` lists. Fails on the N+1 patterns the design
    warns about (design.md pitfalls).
    """
    grow(few)
    small = count_queries(fetch)
    grow(many - few)
    large = count_queries(fetch)
    assert small == large, f"{small} queries for {few} rows but {large} for {many}"
    return large
