"""Text fingerprints of reports, to see when one report largely repeats another
(domain.md "Why it exists": token compliance, reports assembled from other documents).

A fingerprint is a sample of the hashed character shingles of the report's text: a
shingle is kept when its hash falls in a fixed 1/SAMPLE slice, so two reports keep the
same shingles of the text they share, and the share of one fingerprint found in another
estimates how much of the first report's text the second already contains.
"""

import hashlib
import io
import re
import zipfile
from xml.etree import ElementTree

from pypdf import PdfReader
from pypdf.errors import PyPdfError

from .models import Document

SHINGLE = 12  # characters (whitespace and punctuation removed): a phrase in Chinese
SAMPLE = 8
MIN_SAMPLED = 10  # fewer sampled shingles say nothing about copying
_NOISE = re.compile(r"[\W_]+", re.UNICODE)
_WORD_TEXT = "{http://schemas.openxmlformats.org/wordprocessingml/2006/main}t"


def extract_text(data: bytes, content_type: str) -> str:
    """The text of a PDF or DOCX report; '' for other types or unreadable files."""
    try:
        if content_type == "application/pdf":
            pages = PdfReader(io.BytesIO(data)).pages
            return "\n".join(page.extract_text() or "" for page in pages)
        if content_type.endswith("wordprocessingml.document"):
            with zipfile.ZipFile(io.BytesIO(data)) as archive:
                root = ElementTree.fromstring(archive.read("word/document.xml"))
            return "".join(node.text or "" for node in root.iter(_WORD_TEXT))
    except (PyPdfError, zipfile.BadZipFile, KeyError, ElementTree.ParseError, ValueError):
        return ""
    return ""


def fingerprint(text: str) -> list[int]:
    chars = _NOISE.sub("", text).lower()
    kept = set()
    for start in range(len(chars) - SHINGLE + 1):
        digest = hashlib.blake2b(chars[start : start + SHINGLE].encode(), digest_size=8).digest()
        value = int.from_bytes(digest, "big") >> 1  # fits a signed 64-bit JSON integer
        if value % SAMPLE == 0:
            kept.add(value)
    return sorted(kept)


def containment(ours: list[int], theirs: list[int]) -> float | None:
    """The share of our sampled shingles that the other text has too."""
    if len(ours) < MIN_SAMPLED or not theirs:
        return None
    return len(set(ours) & set(theirs)) / len(ours)


def document_fingerprint(*, document_id: int) -> None:
    """Store the fingerprint of a report's text (for the repeated-report signal).
    Harmless to run twice."""
    document = Document.objects.filter(pk=document_id).first()
    if document is None:
        return
    with document.file.open("rb") as handle:
        text = extract_text(handle.read(), document.content_type)
    Document.objects.filter(pk=document_id).update(fingerprint=fingerprint(text))
