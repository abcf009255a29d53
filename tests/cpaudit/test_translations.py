"""Both languages complete: every message of the zh_Hans catalogue is translated."""

import re
from pathlib import Path

import pytest
from django.utils import translation

PO = Path(__file__).resolve().parents[2] / "locale/zh_Hans/LC_MESSAGES/django.po"


def entries(text):
    """(msgid, fuzzy, [msgstr, ...]) for each entry; continuation lines joined."""
    for block in text.split("\n\n"):
        fields, current = {}, None
        for line in block.splitlines():
            if line.startswith(("msgid", "msgstr")):
                current, _, rest = line.partition(" ")
                fields[current] = rest.strip()[1:-1]
            elif line.startswith('"') and current:
                fields[current] += line[1:-1]
        if "msgid" in fields:
            yield (
                fields["msgid"],
                "#, fuzzy" in block,
                [value for key, value in fields.items() if key.startswith("msgstr")],
            )


def test_every_message_is_translated_and_none_is_fuzzy():
    problems = [
        msgid
        for msgid, fuzzy, translations in entries(PO.read_text())
        if msgid and (fuzzy or not all(translations))
    ]
    assert problems == []


def test_catalogue_is_compiled_and_current():
    mo = PO.with_suffix(".mo")
    assert mo.exists() and mo.stat().st_mtime >= PO.stat().st_mtime - 1
    with translation.override("zh-hans"):
        assert translation.gettext("Key-enterprise lists") != "Key-enterprise lists"


def test_words_with_two_meanings_have_a_translation_each():
    """One English word, two meanings, two messages (contexts): the option aspect
    "employees" is 员工, the enterprise's headcount 从业人数; people have a 姓名, things
    a 名称; the next deadline of a timeline is not 即将到期 (about to expire)."""
    from audits.choices import Aspect

    with translation.override("zh-hans"):
        assert str(Aspect.EMPLOYEES.label) == "员工"
        assert translation.pgettext("person", "Name") == "姓名"
        assert translation.pgettext("person", "name") == "姓名"
        assert translation.pgettext("region column", "City") == "城市"
        # The headcount, things' names and "due next" have contexts of their own since
        # issue 17: TWO_MEANINGS below.
        assert translation.gettext("City") == "市级"


# --- issue 17 item 5: one English word, two meanings, one message each ----------------------
#
# Each English message below means two things in this application; every use in the code
# must say which (a message context), so that the zh catalogue can word each meaning on its
# own. The values are the zh wording each meaning must read as.
TWO_MEANINGS = {
    "Employees": {"option aspect": "员工", "headcount": "从业人数"},
    "employees": {"headcount": "从业人数"},
    "Name": {"person": "姓名", "thing": "名称"},
    "name": {"person": "姓名", "thing": "名称"},
    "Submitted": {"state": "已提交", "time submitted": "提交时间"},
    "submitted": {"state": "已提交", "time submitted": "提交时间"},
    # The next deadline of a timeline, not something about to expire (即将到期).
    "due next": {"deadline": "下一项期限"},
}
ROOT = PO.parents[3]
SCANNED = [
    path
    for pattern in ("*/**/*.py", "templates/**/*.html", "templates/**/*.txt")
    for path in ROOT.glob(pattern)
    if not {".venv", "tests", "migrations", "node_modules"} & set(path.relative_to(ROOT).parts)
]


def _uses(msgid: str):
    """(path, context or None) of every use of `msgid` as a message in the sources."""
    quoted = re.escape(f'"{msgid}"')
    bare = [
        # Python and template filters: _("x"), gettext("x"), gettext_lazy("x"), …
        rf"(?<![\w.])(?:_|gettext|gettext_lazy|gettext_noop|ngettext)\(\s*{quoted}\s*[,)]",
        # {% translate "x" %} / {% trans "x" as y %} without a context
        rf"{{%\s*(?:translate|trans)\s+{quoted}(?:(?!context)[^%])*%}}",
        rf"{{%\s*blocktranslate(?:(?!context)[^%])*%}}{re.escape(msgid)}{{%\s*endblocktranslate",
    ]
    contexts = [
        rf"(?<![\w.])(?:pgettext|pgettext_lazy|npgettext)\(\s*\"([^\"]+)\"\s*,\s*{quoted}",
        rf"{{%\s*(?:translate|trans)\s+{quoted}[^%]*context\s+\"([^\"]+)\"[^%]*%}}",
    ]
    for path in SCANNED:
        text = path.read_text(encoding="utf-8")
        for pattern in bare:
            for _match in re.finditer(pattern, text):
                yield path.relative_to(ROOT).as_posix(), None
        for pattern in contexts:
            for match in re.finditer(pattern, text):
                yield path.relative_to(ROOT).as_posix(), match.group(1)


def test_the_scan_sees_the_uses():
    """The scan itself: it finds the known uses (else the next test proves nothing)."""
    assert ("audits/choices.py", "option aspect") in set(_uses("Employees"))
    assert ("templates/audits/audit_detail.html", "person") in set(_uses("Name"))
    assert ("templates/public/disclosure_list.html", "time submitted") in set(_uses("Submitted"))


@pytest.mark.parametrize("msgid", sorted(TWO_MEANINGS))
def test_a_word_with_two_meanings_is_never_used_without_its_context(msgid):
    uses = set(_uses(msgid))
    assert uses, f"{msgid!r} is no longer used: drop it from TWO_MEANINGS"
    bare = sorted(path for path, context in uses if context is None)
    assert bare == [], f"{msgid!r} without a context (say which meaning): {bare}"
    unknown = sorted({context for _path, context in uses} - set(TWO_MEANINGS[msgid]))
    assert unknown == [], f"{msgid!r} with a context TWO_MEANINGS does not know: {unknown}"


def po_entries(text):
    """{(msgctxt or None, msgid): msgstr} of the catalogue's active (not obsolete) entries."""
    found = {}
    for block in text.split("\n\n"):
        fields, current = {}, None
        for line in block.splitlines():
            if line.startswith(("msgctxt", "msgid", "msgstr")):
                current, _, rest = line.partition(" ")
                fields[current] = rest.strip()[1:-1]
            elif line.startswith('"') and current:
                fields[current] += line[1:-1]
        if fields.get("msgid"):
            found[(fields.get("msgctxt"), fields["msgid"])] = fields.get("msgstr", "")
    return found


MEANINGS = [
    (msgid, context, wording)
    for msgid, meanings in sorted(TWO_MEANINGS.items())
    for context, wording in sorted(meanings.items())
]


@pytest.mark.parametrize(("msgid", "context", "wording"), MEANINGS)
def test_each_meaning_reads_as_its_users_say_it(msgid, context, wording):
    """The zh catalogue words each meaning as listed. Skipped while the catalogue has no
    translation of that (context, message) yet: the lead translates after merging
    (then every case here runs, and none may be skipped)."""
    if not po_entries(PO.read_text()).get((context, msgid)):
        pytest.skip(f"zh catalogue: no translation of {msgid!r} in context {context!r} yet")
    with translation.override("zh-hans"):
        assert translation.pgettext(context, msgid) == wording


@pytest.mark.parametrize("msgid", sorted(TWO_MEANINGS))
def test_the_catalogue_keeps_no_context_free_entry_of_a_word_with_two_meanings(msgid):
    """Once the catalogue is made again (makemessages), the context-free entry of each
    such word is gone (obsolete), so no one translation serves two meanings."""
    entries = po_entries(PO.read_text())
    if not all((context, msgid) in entries for context in TWO_MEANINGS[msgid]):
        pytest.skip(f"zh catalogue not made again since {msgid!r} got its contexts")
    assert (None, msgid) not in entries
