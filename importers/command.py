"""`park import FILE [--dry-run]`: the API's import pipeline from the command line.

Exit status: 0 applied (or a clean dry run), 1 the file has errors (nothing written) or nothing to
import (no sheet it reads has a data row to import), 2 the input cannot be used at all (missing, too
large, not a spreadsheet, hostile).
"""

from __future__ import annotations

import argparse
import os
import sys
from typing import Any

from importers.report import ImportReport
from registry.settings import Settings, load_settings

CLI_ACTOR_NAME = "cli"
_STATUS = {
    "applied": "已导入 / applied",
    "dry_run": "试运行，未写入 / dry run, nothing written",
    "invalid": "有错误，未写入任何数据 / the file has errors; nothing was written",
}


def _where(issue: dict[str, Any]) -> str:
    parts = [issue["sheet"] or "—"]
    if issue["row"] is not None:
        parts.append(f"{issue['column'] or ''}{issue['row']}")
    elif issue["column"]:
        parts.append(issue["column"])
    value = f" 「{issue['value']}」" if issue["value"] not in (None, "") else ""
    return "!".join(parts) + value


def print_report(report: ImportReport, out=sys.stdout) -> None:
    print(f"导入批次 / import #{report.id}  {report.filename}  sha256 {report.sha256[:16]}…", file=out)
    print(f"结果 / status: {_STATUS.get(report.status, report.status)}", file=out)
    # Only an applied import made anything; a dry run or an invalid file tells what it would make.
    made = ("created", "updated") if report.status == "applied" else ("would create", "would update")
    for kind, counts in report.sheets.items():
        print(
            f"  {kind:8} {made[0]} {counts['created']:>7}  {made[1]} {counts['updated']:>7}  "
            f"unchanged {counts['unchanged']:>7}  skipped {counts.get('skipped', 0):>7}",
            file=out,
        )
    if report.errors:
        print(f"错误 / errors ({len(report.errors)}):", file=out)
        for issue in report.errors:
            print(f"  {_where(issue)}: [{issue['code']}] {issue['message']}", file=out)
    if report.warnings:
        print(f"提示 / warnings ({len(report.warnings)}):", file=out)
        for issue in report.warnings:
            print(f"  {_where(issue)}: [{issue['code']}] {issue['message']}", file=out)


def _progress(label: str, done: int, total: int) -> None:
    print(f"写入 / writing {label} {done}/{total}", file=sys.stderr, flush=True)


def main_import(settings: Settings, path: str, dry_run: bool) -> int:
    from importers.pipeline import run_import
    from importers.safety import ImportRefused, check_size
    from registry.actor import Actor
    from registry.errors import RegistryError
    from registry.migrate import run_on_database

    try:
        size = os.path.getsize(path)
        check_size(size, settings.import_max_bytes)
        with open(path, "rb") as handle:
            content = handle.read()
    except OSError as error:
        print(f"无法读取文件 / cannot read {path}: {error.strerror or error}", file=sys.stderr)
        return 2
    except ImportRefused as refused:
        print(f"拒绝导入 / refused: {refused.detail}", file=sys.stderr)
        return 2
    actor = Actor(CLI_ACTOR_NAME, "admin", source="cli")

    async def run() -> ImportReport:
        return await run_import(actor, os.path.basename(path), content, dry_run, progress=_progress)

    try:
        report = run_on_database(settings, run)
    except ImportRefused as refused:
        print(f"拒绝导入 / refused [{refused.code}]: {refused.detail}", file=sys.stderr)
        return 2
    except RegistryError as error:
        print(f"错误 / error: {error.detail}", file=sys.stderr)
        return 1
    print_report(report)
    if report.status == "invalid":
        return 1
    if nothing_imported(report):
        print(
            "没有可导入的数据：所读工作表中没有可导入的数据行 / nothing to import: no sheet read has a data row to "
            "import",
            file=sys.stderr,
        )
        return 1
    return 0


def nothing_imported(report: ImportReport) -> bool:
    """A file read without errors of which no row makes or matches a record (empty sheets, only skipped
    rows): a script running `park import` must not take it for a done import."""
    return not any(counts[n] for counts in report.sheets.values() for n in ("created", "updated", "unchanged"))


def main(argv: list[str] | None = None) -> int:
    parser = argparse.ArgumentParser(prog="python -m importers.command", description="import a spreadsheet")
    parser.add_argument("file")
    parser.add_argument("--dry-run", action="store_true")
    args = parser.parse_args(argv)
    return main_import(load_settings(), args.file, args.dry_run)


if __name__ == "__main__":
    sys.exit(main())
