"""Workbooks as LibreOffice prints them: headless `soffice --convert-to pdf`, read back page by page
with poppler's `pdftotext` (Debian: libreoffice-calc-nogui, fonts-noto-cjk, poppler-utils). The
print tests fail, never skip, when those programs are missing: `.ci/run` installs them."""

from __future__ import annotations

import shutil
import subprocess
from pathlib import Path


def print_tools() -> dict[str, str]:
    tools = {name: shutil.which(name) for name in ("soffice", "pdftotext", "pdfinfo")}
    missing = [name for name, path in tools.items() if path is None]
    assert not missing, f"install libreoffice-calc-nogui, fonts-noto-cjk and poppler-utils (missing {missing})"
    return tools  # type: ignore[return-value]


def printed_pages(workbooks: dict[str, bytes], folder: Path) -> dict[str, list[str]]:
    """Each workbook as LibreOffice prints it: the text of each page (the PDFs stay in `folder`)."""
    tools = print_tools()
    for name, content in workbooks.items():
        (folder / f"{name}.xlsx").write_bytes(content)
    # A profile of its own, so a LibreOffice running elsewhere on the machine does not take the job.
    profile = (folder / "profile").as_uri()
    subprocess.run(
        [tools["soffice"], f"-env:UserInstallation={profile}", "--headless", "--convert-to", "pdf", "--outdir",
         str(folder), *(str(folder / f"{name}.xlsx") for name in workbooks)],
        check=True, capture_output=True, timeout=600,
    )  # fmt: skip
    pages = {}
    for name in workbooks:
        text = subprocess.run(
            [tools["pdftotext"], "-layout", str(folder / f"{name}.pdf"), "-"],
            check=True, capture_output=True, text=True,
        ).stdout  # fmt: skip
        pages[name] = text.split("\f")[:-1]
    return pages
