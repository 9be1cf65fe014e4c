"""The real files behind `test_real_fixtures.py`: where they are kept and the exact bytes each must be.

They are third-party files found in public repositories (sources, trimming and masking in
`REAL_FILES.md`), so they are not in this repository: the workplace lets fetched data files live only
in the steering repository's `shared/`, as `shared/real_files/`. `PARK_REAL_FILES` names another
folder holding them. A test whose file is not there is skipped, saying so — or fails, where
`PARK_REQUIRE_REAL_FILES=1` (as `.ci/run` sets it); a file that is there but is not byte for byte the
one described fails.
"""

from __future__ import annotations

import hashlib
import os
from pathlib import Path

import pytest

# file name -> sha256 of the file as REAL_FILES.md describes it
REAL_FILES = {
    "cnipa-szu-110.xls": "952b110a10feee9b459cd78b251572abaadd642688503352d47aadc8c33504f7",
    "cnipa-ustb-designs-5.xls": "94da0ae605e47216dfb6463e6b2b54724e5ba7df64f247aef57ad9fb53be85ab",
    "cnipa-ustb-inventions-40.xls": "60ae3607bf24589d78d1ac09dd682a775fba06ee754779b1438db05c60605853",
    "qichacha-shenzhen-51.xls": "fc805451d81ee2e3f25ee6884b1d5ec86d5ce6faf625748a31e74ee195a84159",
}
_SHARED = Path("shared") / "real_files"


def real_files_folder() -> Path | None:
    """`PARK_REAL_FILES`, else the first `shared/real_files` beside the repository or above it."""
    if named := os.environ.get("PARK_REAL_FILES"):
        return Path(named)
    for parent in Path(__file__).resolve().parents[3:]:
        if (parent / _SHARED).is_dir():
            return parent / _SHARED
    return None


def real_file(name: str) -> Path:
    """The path of a real file, checked against its digest; skips the test when the file is absent."""
    folder = real_files_folder()
    path = folder / name if folder else None
    if path is None or not path.is_file():
        missing = f"real file {name} is not in shared/real_files/ (nor in PARK_REAL_FILES); see REAL_FILES.md"
        if os.environ.get("PARK_REQUIRE_REAL_FILES") == "1":  # CI: the real-file tests must run
            pytest.fail(missing)
        pytest.skip(missing)
    digest = hashlib.sha256(path.read_bytes()).hexdigest()
    assert digest == REAL_FILES[name], f"{path} is not the file REAL_FILES.md describes (sha256 {digest})"
    return path
