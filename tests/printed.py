"""Workbooks as LibreOffice prints them: headless `soffice --convert-to pdf`, read back page by page
with poppler's `pdftotext` (Debian: libreoffice-calc-nogui, fonts-noto-cjk, poppler-utils). The
print tests fail, never skip, when those programs are missing: `.ci/run` installs them."""

from __future__ import annotations

import re
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


def printed_fonts(folder: Path, name: str) -> set[str]:
    """The font faces the PDF of workbook `name` in `folder` uses (pdffonts; subset prefixes dropped)."""
    pdffonts = shutil.which("pdffonts")
    assert pdffonts, "install poppler-utils (missing pdffonts)"
    lines = subprocess.run([pdffonts, str(folder / f"{name}.pdf")], check=True, capture_output=True,
                           text=True).stdout.splitlines()[2:]  # fmt: skip
    return {line.split()[0].split("+")[-1] for line in lines if line.strip()}


def printed_word_heights(folder: Path, name: str) -> list[list[float]]:
    """The height in points of each word printed on each page of workbook `name`'s PDF: the printed
    size of its text (an 11-point font at 100 % gives words some 11 to 13 points high)."""
    tools = print_tools()
    html = subprocess.run([tools["pdftotext"], "-bbox", str(folder / f"{name}.pdf"), "-"], check=True,
                          capture_output=True, text=True).stdout  # fmt: skip
    pages = []
    for page in html.split("<page ")[1:]:
        heights = []
        for word in re.finditer(r'<word xMin="[^"]+" yMin="([^"]+)" xMax="[^"]+" yMax="([^"]+)"', page):
            heights.append(float(word[2]) - float(word[1]))
        pages.append(heights)
    return pages
