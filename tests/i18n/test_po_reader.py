"""The catalogue reader the translation tests rely on reads what makemessages writes."""

from tests.i18n.pofile import parse_po

SAMPLE = r"""# Header comment
msgid ""
msgstr ""
"Language: en\n"
"Plural-Forms: nplurals=2; plural=(n != 1);\n"

#: a/views.py:1 a/views.py:9
#, python-format
msgid ""
"Pindai kode QR, lalu tekan \"Masuk\". Jarak %(m).0f m dari "
"TPS."
msgstr ""
"Scan the QR code, then press \"Sign in\". %(m).0f m from the "
"TPS."

#: a/models.py:3
#, fuzzy, python-format
#| msgid "Old %s"
msgid "Nonaktifkan %s?"
msgstr "Deactivate %s?"

#: a/templates/x.html:4
msgctxt "menu"
msgid "Masuk"
msgstr ""

#: a/templates/y.html:5
msgid "%(n)s rapat"
msgid_plural "%(n)s rapat"
msgstr[0] "%(n)s meeting"
msgstr[1] ""

#~ msgid "Dihapus"
#~ msgstr "Removed"
"""


def test_reader_joins_continued_lines_and_unescapes_quotes():
    header, long, *_ = parse_po(SAMPLE)

    assert header.is_header
    assert "Language: en\n" in header.msgstr
    assert long.msgid == 'Pindai kode QR, lalu tekan "Masuk". Jarak %(m).0f m dari TPS.'
    assert long.msgstr == 'Scan the QR code, then press "Sign in". %(m).0f m from the TPS.'
    assert long.references == ["a/views.py:1", "a/views.py:9"]
    assert not long.untranslated
    assert not long.is_fuzzy


def test_reader_sees_fuzzy_flags_context_and_empty_translations():
    _header, _long, fuzzy, in_context, _plural = parse_po(SAMPLE)

    assert fuzzy.is_fuzzy
    assert fuzzy.msgstr == "Deactivate %s?"
    assert in_context.msgctxt == "menu"
    assert in_context.msgid == "Masuk"
    assert in_context.untranslated


def test_reader_reads_plural_forms_and_counts_a_missing_one_as_untranslated():
    plural = parse_po(SAMPLE)[-1]

    assert plural.msgid_plural == "%(n)s rapat"
    assert plural.msgstr_plural == {0: "%(n)s meeting", 1: ""}
    assert plural.untranslated


def test_reader_skips_obsolete_entries():
    assert [entry.msgid for entry in parse_po(SAMPLE)][-1] == "%(n)s rapat"
