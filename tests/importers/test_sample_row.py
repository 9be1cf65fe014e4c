"""The template's sample row is marked as a sample and never imported as a record, through either
door (`POST /imports`, `park import`); typed over with a real USCC, it is an ordinary row."""

from __future__ import annotations

import os
import subprocess
import sys
from io import BytesIO
from pathlib import Path

import pytest
from openpyxl import load_workbook

from exports.template import template_workbook
from registry.uscc import SAMPLE_USCC, validate_uscc
from registry.vocabulary import SHEET_KINDS, SHEETS
from tests.conftest import new_uscc
from tests.importers.conftest import audited_since, registry_state

ROOT = Path(__file__).resolve().parents[2]
XLSX = "application/vnd.openxmlformats-officedocument.spreadsheetml.sheet"
NOTHING = {"created": 0, "updated": 0, "unchanged": 0, "skipped": 0, "cleared": 0}


def _sheet_names(lang: str) -> list[str]:
    """The sheets that carry a sample row: those that name a tenant (the annual fees sheet names none)."""
    return [zh if lang == "zh" else en for zh, en, fields in SHEETS.values() if any(f.key == "uscc" for f in fields)]


def _fees_sheet(lang: str) -> str:
    zh, en, _ = SHEETS["fees"]
    return zh if lang == "zh" else en


def _assert_only_sample_warnings(warnings: list[dict], lang: str) -> None:
    """A sample row skipped on each sheet that has one; the annual fees sheet, headers only, has nothing
    to import and says so."""
    assert [(w["sheet"], w["row"], w["column"], w["code"]) for w in warnings] == [
        (name, 2, "A", "sample_row") for name in _sheet_names(lang)
    ] + [(_fees_sheet(lang), 1, None, "sheet_empty")]


def test_the_sample_code_is_a_well_formed_uscc_of_no_company():
    assert validate_uscc(SAMPLE_USCC) == (SAMPLE_USCC, [])
    assert "EXAMPLE" in SAMPLE_USCC


@pytest.mark.parametrize("lang", ["zh", "en"])
def test_the_sample_row_is_marked_as_a_sample(lang):
    book = load_workbook(BytesIO(template_workbook(lang)))
    for name in _sheet_names(lang):
        cell = book[name]["A2"]
        assert cell.value == SAMPLE_USCC
        assert cell.font.i and cell.font.color.rgb.endswith("7F7F7F")  # grey italic, as every sample cell
        assert ("示例行" if lang == "zh" else "Sample row") in cell.comment.text


@pytest.mark.parametrize("lang", ["zh", "en"])
async def test_importing_the_untouched_template_over_the_api_creates_nothing(manager_client, lang):
    before = await registry_state()
    response = await manager_client.post(
        "/imports", files={"file": (f"template-{lang}.xlsx", template_workbook(lang), XLSX)}
    )
    assert response.status_code == 201, response.text
    body = response.json()
    assert body["status"] == "applied" and body["errors"] == []
    # Each sample row counted as skipped, so the counts add up to the sheets' data rows.
    assert body["sheets"] == {kind: NOTHING | {"skipped": int(kind != "fees")} for kind in SHEET_KINDS}
    _assert_only_sample_warnings(body["warnings"], lang)
    after = await registry_state()
    assert {k: after[k] for k in ("tenants", "ip", "reports")} == {k: before[k] for k in ("tenants", "ip", "reports")}
    assert await audited_since(before) == [("import", "create")]


def test_importing_the_untouched_template_with_park_import_creates_nothing_and_says_so(tmp_path):
    path = tmp_path / "template-zh.xlsx"
    path.write_bytes(template_workbook("zh"))
    result = subprocess.run([sys.executable, "-m", "api.cli", "import", str(path)], cwd=ROOT, env=os.environ,
                            capture_output=True, text=True, timeout=300)  # fmt: skip
    # Nothing to import: a script must not take it for a done import.
    assert result.returncode == 1, result.stderr
    assert "nothing to import" in result.stderr
    for kind in ("tenants", "ip", "reports"):
        assert f"{kind:8} created       0  updated       0  unchanged       0  skipped       1" in result.stdout
    assert result.stdout.count("[sample_row]") == 3 and result.stdout.count("[sheet_empty]") == 1


@pytest.mark.parametrize("lang", ["zh", "en"])
async def test_the_sample_rows_typed_over_with_a_real_uscc_import_as_records(manager_client, lang):
    book = load_workbook(BytesIO(template_workbook(lang)))
    uscc = new_uscc()
    for name in _sheet_names(lang):
        book[name]["A2"] = uscc
    out = BytesIO()
    book.save(out)
    response = await manager_client.post(
        "/imports", params={"dry_run": "true"}, files={"file": ("filled.xlsx", out.getvalue(), XLSX)}
    )
    assert response.status_code == 200, response.text
    body = response.json()
    assert body["errors"] == []
    assert [(w["sheet"], w["code"]) for w in body["warnings"]] == [(_fees_sheet(lang), "sheet_empty")]
    assert {kind: counts["created"] for kind, counts in body["sheets"].items()} == {
        "tenants": 1,
        "ip": 1,
        "reports": 1,
        "fees": 0,
    }


@pytest.fixture
async def manager_client(as_role):
    return await as_role("manager")
