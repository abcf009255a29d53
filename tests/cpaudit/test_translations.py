"""Both languages complete: every message of the zh_Hans catalogue is translated."""

from pathlib import Path

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
        assert translation.gettext("Employees") == "从业人数"
        assert translation.pgettext("person", "Name") == "姓名"
        assert translation.pgettext("person", "name") == "姓名"
        assert translation.gettext("Name") == "名称"
        assert translation.gettext("due next") != "即将到期"
        assert "到期" not in translation.gettext("due next")
        assert translation.pgettext("region column", "City") == "城市"
        assert translation.gettext("City") == "市级"
