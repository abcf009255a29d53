"""Uploaded files: what they are by content, not by name, and how big."""

import hashlib
import zipfile

from django.conf import settings
from django.core.exceptions import ValidationError
from django.template.defaultfilters import filesizeformat
from django.utils.translation import gettext as _

PDF, PNG, JPEG = "application/pdf", "image/png", "image/jpeg"
XLSX = "application/vnd.openxmlformats-officedocument.spreadsheetml.sheet"
DOCX = "application/vnd.openxmlformats-officedocument.wordprocessingml.document"
EXTENSIONS = {PDF: "pdf", PNG: "png", JPEG: "jpg", XLSX: "xlsx", DOCX: "docx"}


def download_responses(*content_types) -> dict:
    """The OpenAPI responses of a download: the file, as each type it may be served in."""
    return {(200, content_type): bytes for content_type in content_types or EXTENSIONS}


def sniff_content_type(upload) -> str | None:
    """PDF, PNG, JPEG by their magic numbers; XLSX and DOCX by the part every such
    ZIP package has. Anything else is None, whatever the file is called."""
    upload.seek(0)
    head = upload.read(8)
    upload.seek(0)
    if head.startswith(b"%PDF-"):
        return PDF
    if head.startswith(b"\x89PNG\r\n\x1a\n"):
        return PNG
    if head.startswith(b"\xff\xd8\xff"):
        return JPEG
    if head.startswith(b"PK\x03\x04"):
        try:
            with zipfile.ZipFile(upload) as package:
                names = set(package.namelist())
        except zipfile.BadZipFile:
            return None
        finally:
            upload.seek(0)
        if "xl/workbook.xml" in names:
            return XLSX
        if "word/document.xml" in names:
            return DOCX
    return None


def check_upload(upload, *, field: str = "file") -> tuple[str, str]:
    """Validate an uploaded document; return (content type, SHA-256)."""
    limit = settings.MAX_UPLOAD_BYTES
    if upload.size > limit:
        raise ValidationError(
            {field: _("The file is larger than %(size)s.") % {"size": filesizeformat(limit)}}
        )
    content_type = sniff_content_type(upload)
    if content_type is None:
        raise ValidationError(
            {
                field: _(
                    "Only PDF, PNG, JPEG, XLSX and DOCX files are accepted (checked by content)."
                )
            }
        )
    digest = hashlib.sha256()
    for chunk in upload.chunks():
        digest.update(chunk)
    upload.seek(0)
    return content_type, digest.hexdigest()
