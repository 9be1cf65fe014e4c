import os
import subprocess
import sys
from io import BytesIO
from pathlib import Path

import pytest
from openpyxl import load_workbook

from exports.command import main_export
from tests.conftest import SETTINGS, make_tenant


def _park_export(*args: str) -> subprocess.CompletedProcess:
    code = "import sys; from api.cli import main; sys.exit(main(sys.argv[1:]))"
    return subprocess.run(
        [sys.executable, "-c", code, "export", *args],
        capture_output=True,
        env=os.environ.copy(),
        cwd=Path(__file__).resolve().parents[2],
        timeout=120,
    )


@pytest.mark.parametrize(
    ("kind", "year", "lang"),
    [("summary", 2016, "zh"), ("statistics", None, "zh"), ("statistics", 20016, "zh"), ("template", None, "fr")],
)
def test_unusable_arguments_exit_2(kind, year, lang, tmp_path, capsys):
    assert main_export(SETTINGS, kind, year, lang, str(tmp_path / "out.xlsx")) == 2
    assert "error:" in capsys.readouterr().err
    assert not (tmp_path / "out.xlsx").exists()


def test_an_output_in_a_missing_directory_exits_2(tmp_path):
    assert main_export(SETTINGS, "template", None, "zh", str(tmp_path / "nowhere" / "t.xlsx")) == 2


async def test_cli_writes_the_statistics_workbook(empty_registry, tmp_path):
    await make_tenant(moved_in_on="2016-01-01")
    out = tmp_path / "stats.xlsx"
    result = _park_export("statistics", "--year", "2016", "--lang", "en", "-o", str(out))
    assert result.returncode == 0, result.stderr.decode()
    book = load_workbook(out)
    assert book.sheetnames[0] == "Summary"
    assert book["Tenants"].max_row == 6  # title, details, groups, header, one tenant, total
    assert not Path(f"{out}.part").exists()


async def test_statistics_of_the_first_year_exit_2_as_the_api_answers_422(empty_registry, tmp_path):
    out = tmp_path / "stats.xlsx"
    result = _park_export("statistics", "--year", "1900", "-o", str(out))
    assert result.returncode == 2, result.stderr.decode()
    assert "statistics start after 1900" in result.stderr.decode()
    assert not out.exists() and not Path(f"{out}.part").exists()


def test_cli_writes_the_template_to_stdout():
    result = _park_export("template", "-o", "-")
    assert result.returncode == 0, result.stderr.decode()
    assert load_workbook(BytesIO(result.stdout)).sheetnames[:3] == ["企业", "知识产权", "经营数据"]


async def test_cli_writes_the_registry_dump(empty_registry, tmp_path):
    tenant = await make_tenant()
    out = tmp_path / "registry.xlsx"
    result = _park_export("registry", "-o", str(out))
    assert result.returncode == 0, result.stderr.decode()
    assert load_workbook(out)["企业"]["A2"].value == tenant["uscc"]


@pytest.mark.parametrize(
    ("period", "as_of", "year"),
    [("2016H3", None, None), ("last year", None, None), ("2016H1", "31/05/2016", None), ("2016", None, 2016)],
)
def test_an_unreadable_period_or_date_exits_2(period, as_of, year, tmp_path, capsys):
    assert main_export(SETTINGS, "statistics", year, "zh", str(tmp_path / "out.xlsx"), period=period, as_of=as_of) == 2
    assert "error:" in capsys.readouterr().err


async def test_cli_writes_a_half_year_workbook_as_of_a_day(empty_registry, tmp_path):
    await make_tenant(moved_in_on="2016-01-01")
    await make_tenant(moved_in_on="2016-05-15")
    out = tmp_path / "half.xlsx"
    result = _park_export("statistics", "--period", "2016H1", "--as-of", "2016-05-01", "-o", str(out))
    assert result.returncode == 0, result.stderr.decode()
    assert "statistics 2016H1" in result.stderr.decode()
    book = load_workbook(out)
    assert book["概览"]["A1"].value == "动力谷自主创新园 2016年上半年统计"
    assert book["企业明细"].max_row == 6  # one tenant on record on 2016-05-01
    # Columns taken before their end (the day falls in 2016Q2) say so.
    assert [cell.value for cell in book["按期间"][4]][2:] == ["2016H1（截至2016-05-01）", "2016Q1",
                                                           "2016Q2（截至2016-05-01）"]  # fmt: skip
