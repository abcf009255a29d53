"""Documents: roles, type by content (not by name), checksum and size, download within
scope, the size limit (api.md "Audits", cpaudit/files.py)."""

import hashlib
import io
import zipfile

import openpyxl
import pytest
from django.core.files.uploadedfile import SimpleUploadedFile

from audits import services
from audits.models import Audit, Document
from tests.support.audits import (
    LISTS,
    PDF_BYTES,
    add_option,
    bring_to,
    creates,
    engaged_audit,
    reads,
    upload,
    writes,
)
from tests.support.matrix import RoleMatrix, api_client, assert_constant_queries

pytestmark = pytest.mark.django_db

URL = "/api/v1/documents/"
PDF = "application/pdf"
XLSX = "application/vnd.openxmlformats-officedocument.spreadsheetml.sheet"
DOCX = "application/vnd.openxmlformats-officedocument.wordprocessingml.document"


def png_bytes():
    return b"\x89PNG\r\n\x1a\n" + b"\x00\x00\x00\rIHDR" + bytes(range(64))


def jpeg_bytes():
    return b"\xff\xd8\xff\xe0\x00\x10JFIF\x00" + bytes(range(64)) + b"\xff\xd9"


def xlsx_bytes():
    book = openpyxl.Workbook()
    book.active.append(["indicator", "before", "after"])
    book.active.append(["water_t", 120000, 110000])
    buffer = io.BytesIO()
    book.save(buffer)
    return buffer.getvalue()


def zip_bytes(*names):
    buffer = io.BytesIO()
    with zipfile.ZipFile(buffer, "w") as package:
        package.writestr("[Content_Types].xml", "<Types/>")
        for name in names:
            package.writestr(name, "<document/>")
    return buffer.getvalue()


def docx_bytes():
    return zip_bytes("word/document.xml")


def post(cast, audit, content, name="report.pdf", role="consultant", **fields):
    data = {
        "audit": audit.pk,
        "kind": "evidence",
        "title": "Evidence",
        "file": SimpleUploadedFile(name, content),
    } | fields
    return api_client(cast.user(role)).post(URL, data, format="multipart")


def stored_files(settings):
    root = settings.MEDIA_ROOT / "documents"
    return [path for path in root.rglob("*") if path.is_file()] if root.exists() else []


def content(response) -> bytes:
    return b"".join(response.streaming_content)


class TestDocumentApiRoles(RoleMatrix):
    build = staticmethod(lambda cast: {"audit": engaged_audit(cast)})
    matrix = {
        "list": LISTS,
        "retrieve": reads(),
        "create": creates(),
        "delete": writes(204),
        "download": reads(),
    }

    def request(self, action, client, cast):
        audit = self.world.audit
        document = upload(cast, audit)
        return {
            "list": lambda: client.get(URL),
            "retrieve": lambda: client.get(f"{URL}{document.pk}/"),
            "create": lambda: client.post(
                URL,
                {
                    "audit": audit.pk,
                    "kind": "evidence",
                    "title": "Photo",
                    "file": SimpleUploadedFile("photo.png", png_bytes()),
                },
                format="multipart",
            ),
            "delete": lambda: client.delete(f"{URL}{document.pk}/"),
            "download": lambda: client.get(f"{URL}{document.pk}/download/"),
        }[action]()


def test_document_list_shows_nothing_outside_the_callers_scope(cast, audit):
    upload(cast, audit)
    for role in ("other_province_officer", "other_consultant", "other_enterprise_user"):
        assert api_client(cast.user(role)).get(URL).data["count"] == 0, role
    for role in ("province_officer", "city_officer", "consultant", "enterprise_user"):
        assert api_client(cast.user(role)).get(URL).data["count"] == 1, role


@pytest.mark.parametrize(
    "name, make, content_type, extension",
    [
        ("audit-report.pdf", lambda: PDF_BYTES, PDF, "pdf"),
        ("site.png", png_bytes, "image/png", "png"),
        ("meter.jpg", jpeg_bytes, "image/jpeg", "jpg"),
        ("monitoring.xlsx", xlsx_bytes, XLSX, "xlsx"),
        ("plan.docx", docx_bytes, DOCX, "docx"),
        # By content, not by name: a PNG called .pdf is a PNG, a workbook without a suffix too.
        ("photo.pdf", png_bytes, "image/png", "png"),
        ("data", xlsx_bytes, XLSX, "xlsx"),
    ],
)
def test_accepted_types_are_recognised_by_content(
    cast, audit, settings, name, make, content_type, extension
):
    data = make()
    response = post(cast, audit, data, name=name)
    assert response.status_code == 201, response.data
    assert response.data["content_type"] == content_type
    assert response.data["sha256"] == hashlib.sha256(data).hexdigest()
    assert response.data["size"] == len(data)
    assert response.data["original_name"] == name
    assert response.data["uploaded_by"] == "consultant"
    assert response.data["download_url"] == f"{URL}{response.data['id']}/download/"
    assert "file" not in response.data
    document = Document.objects.get(pk=response.data["id"])
    # Stored under a random name with the sniffed extension, never the uploaded name.
    assert document.file.name.startswith(f"documents/{audit.pk}/")
    assert document.file.name.endswith(f".{extension}")
    assert name not in document.file.name
    assert [path.read_bytes() for path in stored_files(settings)] == [data]


@pytest.mark.parametrize(
    "data",
    [
        b"Just some text pretending to be a PDF",
        b"<html><body>%PDF-1.4</body></html>",
        b"PK\x03\x04 not really a zip at all",
        zip_bytes("content.xml"),  # a ZIP, but neither a workbook nor a document
        b"",
    ],
    ids=["text", "html", "broken-zip", "other-zip", "empty"],
)
def test_a_file_named_pdf_that_is_not_one_is_refused_and_nothing_saved(cast, audit, settings, data):
    response = post(cast, audit, data, name="report.pdf", kind="audit_report")
    assert response.status_code == 400
    assert "file" in response.data
    assert not Document.objects.exists()
    assert stored_files(settings) == []


def test_download_returns_the_bytes_within_scope_only(cast, audit):
    data = xlsx_bytes()
    document_id = post(cast, audit, data, name="monitoring 2026.xlsx").data["id"]
    url = f"{URL}{document_id}/download/"
    for role in ("enterprise_user", "consultant", "city_officer"):
        response = api_client(cast.user(role)).get(url)
        assert response.status_code == 200, role
        assert content(response) == data
        assert response["Content-Type"] == XLSX
        assert "attachment" in response["Content-Disposition"]
        assert "monitoring 2026.xlsx" in response["Content-Disposition"]
    for role in ("other_enterprise_user", "other_consultant", "other_province_officer"):
        assert api_client(cast.user(role)).get(url).status_code == 404, role


def test_size_limit(cast, audit, settings):
    settings.MAX_UPLOAD_BYTES = 1024
    too_big = PDF_BYTES + b"0" * (1025 - len(PDF_BYTES))
    response = post(cast, audit, too_big)
    assert response.status_code == 400
    assert "file" in response.data
    assert not Document.objects.exists()
    assert stored_files(settings) == []
    just_fits = too_big[:1024]
    assert post(cast, audit, just_fits).status_code == 201


def test_a_document_may_belong_to_an_option_of_its_audit(cast, audit):
    option = add_option(cast, audit)
    response = post(cast, audit, png_bytes(), name="after.png", option=option.pk)
    assert response.status_code == 201
    assert response.data["option"] == option.pk
    # The Suzhou enterprise's audit: an admin sees both, but an option stays in its audit.
    suzhou = Audit.objects.get(enterprise=cast.suzhou_enterprise)
    response = post(cast, suzhou, png_bytes(), role="admin", option=option.pk)
    assert response.status_code == 400
    assert "option" in response.data


def test_an_option_outside_the_callers_scope_does_not_exist(cast, audit):
    suzhou = Audit.objects.get(enterprise=cast.suzhou_enterprise)
    theirs = services.option_save(
        actor=cast.user("admin"),
        audit=suzhou,
        code="S1",
        title="Dye recovery",
        aspect="waste",
        cost_class="no_low",
    )
    response = post(cast, audit, png_bytes(), option=theirs.pk)
    assert response.status_code == 400
    assert "option" in response.data
    assert not Document.objects.exists()


@pytest.mark.parametrize("field, value", [("kind", "invoice"), ("kind", ""), ("option", "999999")])
def test_kind_and_option_are_checked(cast, audit, field, value):
    response = post(cast, audit, PDF_BYTES, **{field: value})
    assert response.status_code == 400
    assert field in response.data


def test_title_defaults_to_the_file_name(cast, audit):
    response = api_client(cast.user("consultant")).post(
        URL,
        {
            "audit": audit.pk,
            "kind": "evidence",
            "file": SimpleUploadedFile("meter.jpg", jpeg_bytes()),
        },
        format="multipart",
    )
    assert response.status_code == 201
    assert response.data["title"] == "meter.jpg"


def test_deleting_a_document_removes_its_file(
    cast, audit, settings, django_capture_on_commit_callbacks
):
    document = upload(cast, audit)
    assert len(stored_files(settings)) == 1
    with django_capture_on_commit_callbacks(execute=True):  # the file goes after the row
        response = api_client(cast.user("enterprise_user")).delete(f"{URL}{document.pk}/")
    assert response.status_code == 204
    assert stored_files(settings) == []
    assert not Document.objects.exists()


def test_documents_are_kept_while_reviewed(cast, audit, settings):
    audit = bring_to(cast, audit, "under_assessment")
    document = audit.documents.get(kind="audit_report")
    response = api_client(cast.user("consultant")).delete(f"{URL}{document.pk}/")
    assert response.status_code == 409
    assert response.data["unmet"] == [
        "The audit is “Under assessment”.",
        "The document was submitted for review; upload a new version instead.",
    ]
    assert Document.objects.filter(pk=document.pk).exists()
    # The report, the leadership commitment and the work plan: all still on disk.
    assert len(stored_files(settings)) == audit.documents.count() == 3


def test_a_closed_audit_takes_no_documents(cast, audit):
    audit = bring_to(cast, audit, "completed")
    count = Document.objects.count()
    response = post(cast, audit, PDF_BYTES)
    assert response.status_code == 409
    assert Document.objects.count() == count


def test_document_list_query_count_is_constant(cast, audit):
    client = api_client(cast.user("enterprise_user"))
    option = add_option(cast, audit)

    def grow(n):
        for i in range(n):
            upload(cast, audit, kind="evidence", title=f"Photo {i}", option=option)

    assert_constant_queries(lambda: client.get(f"{URL}?page_size=200"), grow)
