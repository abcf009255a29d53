"""The schema says what the code does (issue 14, item 8): the detail actions that answer
arrays are documented as arrays (not pages), nullable fields as nullable, and downloads
with their real content types."""

import pytest
from drf_spectacular.generators import SchemaGenerator

ARRAYS = [
    "/api/v1/audits/{id}/comments/",
    "/api/v1/audits/{id}/history/",
    "/api/v1/audits/{id}/transitions/",
    "/api/v1/options/{id}/history/",
    "/api/v1/assessments/{id}/candidates/",
    "/api/v1/assessments/{id}/panel-history/",
    "/api/v1/assessments/{id}/history/",
    "/api/v1/assessments/{id}/scores/",
    "/api/v1/key-lists/{id}/suggestions/",
]


@pytest.fixture(scope="module")
def schema():
    return SchemaGenerator().get_schema(request=None, public=True)


@pytest.mark.parametrize("path", ARRAYS)
def test_array_endpoints_are_documented_as_arrays(schema, path):
    get = schema["paths"][path]["get"]
    body = get["responses"]["200"]["content"]["application/json"]["schema"]
    assert body["type"] == "array"
    assert {p["name"] for p in get.get("parameters", [])} & {"page", "page_size"} == set()


def test_nullable_fields_are_nullable(schema):
    assert schema["components"]["schemas"]["ScoringSheet"]["properties"]["published_by"]["nullable"]


@pytest.mark.parametrize(
    ("path", "types"),
    [
        ("/api/v1/reports/{id}/download/", {"application/pdf", "spreadsheetml"}),
        ("/api/v1/documents/{id}/download/", {"application/pdf", "image/png", "wordprocessingml"}),
    ],
)
def test_downloads_name_their_real_content_types(schema, path, types):
    content = set(schema["paths"][path]["get"]["responses"]["200"]["content"])
    assert "application/octet-stream" not in content
    for wanted in types:
        assert any(wanted in c for c in content), (wanted, content)
