from io import BytesIO

import pytest
from openpyxl import Workbook, load_workbook

from exports.template import INLINE_LIST_LIMIT, _ListSheet, template_workbook
from registry.vocabulary import CLEAR_WORD, SHEETS, Choice, Enumeration
from tests.exports.conftest import formulas


@pytest.fixture(scope="module", params=["zh", "en"])
def template(request):
    return request.param, load_workbook(BytesIO(template_workbook(request.param)))


def test_template_has_the_three_import_sheets_named_from_the_vocabulary(template):
    lang, book = template
    visible = [s.title for s in book.worksheets if s.sheet_state == "visible"]
    assert visible == [zh if lang == "zh" else en for zh, en, _ in SHEETS.values()]


def test_headers_are_the_vocabulary_labels_with_units(template):
    lang, book = template
    for zh, en, fields in SHEETS.values():
        sheet = book[zh if lang == "zh" else en]
        headers = [c.value for c in sheet[1]]
        assert len(headers) == len(fields)
        for header, field in zip(headers, fields, strict=True):
            assert header.startswith(field.zh if lang == "zh" else field.en)
            if field.unit:
                assert header.endswith(")") and "(" in header
    reports = book["经营数据" if lang == "zh" else "Reports"]
    header = [c.value for c in reports[1]]
    assert ("营业收入(元)" if lang == "zh" else "Revenue (yuan)") in header


def test_each_sheet_has_a_sample_row_and_a_frozen_header(template):
    lang, book = template
    for zh, en, fields in SHEETS.values():
        sheet = book[zh if lang == "zh" else en]
        assert sheet.freeze_panes == "B2"
        if not any(f.key == "uscc" for f in fields):
            assert sheet.max_row == 1  # the annual fees name no tenant: a sample could not be told apart
            continue
        assert sheet.max_row == 2
        sample = {f.key: c.value for f, c in zip(fields, sheet[2], strict=True)}
        assert sample["uscc"]


def test_every_enumeration_column_has_a_dropdown(template):
    lang, book = template
    for zh, en, fields in SHEETS.values():
        sheet = book[zh if lang == "zh" else en]
        validations = {str(v.sqref).split(":")[0]: v for v in sheet.data_validations.dataValidation}
        has_sample = sheet.max_row == 2  # read first: looking at a cell of row 2 makes the row
        for column, field in enumerate(fields, 1):
            letter = sheet.cell(2, column).column_letter
            if field.enum is None:
                assert f"{letter}2" not in validations
                continue
            validation = validations[f"{letter}2"]
            assert validation.type == "list" and validation.showErrorMessage
            labels = [c.zh if lang == "zh" else c.en for c in field.enum.choices]
            # A field that may be emptied offers the word that clears it, after its choices.
            offered = labels if field.required else [*labels, CLEAR_WORD[lang]]
            assert validation.formula1 == '"' + ",".join(offered) + '"'
            # The sample row's value (where the sheet has one) is one of the choices.
            assert not has_sample or sheet.cell(2, column).value in labels


def test_every_header_note_says_a_blank_cell_changes_nothing_and_how_to_clear(template):
    lang, book = template
    for zh, en, fields in SHEETS.values():
        sheet = book[zh if lang == "zh" else en]
        for column, field in enumerate(fields, 1):
            note = sheet.cell(1, column).comment.text
            assert ("留空则不改动" if lang == "zh" else "a blank cell leaves the stored value") in note
            assert (CLEAR_WORD[lang] in note) is (not field.required), (field.key, note)


def test_the_template_holds_no_formulas(template):
    _, book = template
    assert formulas(book) == []


def test_a_list_longer_than_255_characters_goes_to_a_hidden_sheet():
    long = Enumeration("long", tuple(Choice(f"c{i}", f"很长的选项名称第{i}号", f"long choice {i}") for i in range(40)))
    short = Enumeration("short", (Choice("a", "甲", "A"), Choice("b", "乙", "B")))
    book = Workbook()
    lists = _ListSheet(book, "zh")
    assert len(",".join(lists.labels(long))) > INLINE_LIST_LIMIT
    assert lists.formula(short) == '"甲,乙"'
    assert lists.formula(long) == "'选项'!$A$2:$A$41"
    lists.finish()
    hidden = book["选项"]
    assert hidden.sheet_state == "hidden"
    assert [hidden.cell(r, 1).value for r in range(2, 42)] == lists.labels(long)


def test_a_choice_with_a_comma_cannot_go_inline():
    enum = Enumeration("comma", (Choice("a", "甲,乙", "A, B"), Choice("b", "丙", "C")))
    lists = _ListSheet(Workbook(), "en")
    assert lists.formula(enum) == "'Lists'!$A$2:$A$3"


def test_unknown_language_is_refused():
    with pytest.raises(ValueError):
        template_workbook("fr")
