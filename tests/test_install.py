"""The registry installed as a deployment installs it (SPEC §10, "Installs as a package"): the sdist and the
wheel built from it with `bin/uv build`, the wheel installed into a fresh virtual environment outside the
checkout beside the dependencies at their locked versions (uv.lock), then `park demo` and `park serve` from
that environment on a fresh database of the suite's engine, and every page of the portal and of the API
docs opened as every role. Built once per session; docs/operations-install.md tells the choices."""

from __future__ import annotations

import shutil
import subprocess
import tarfile
import zipfile
from dataclasses import dataclass
from pathlib import Path

import httpx
import pytest

from registry.periods import Period
from tests.portal.pages import ROLES, ROWS, call, check_answer, portal_client
from tests.processes import add_account, park, serving, token

ROOT = Path(__file__).resolve().parent.parent
PACKAGES = ("api", "registry", "importers", "exports")
PASSWORD = "install-test-password"


@dataclass(frozen=True)
class Built:
    sdist: Path
    wheel: Path


def _run(*command: str | Path, **options) -> subprocess.CompletedProcess:
    result = subprocess.run([str(c) for c in command], capture_output=True, text=True, timeout=600, **options)
    assert result.returncode == 0, f"{command}: {result.stdout}\n{result.stderr}"
    return result


# What .gitignore keeps out of a clone; a stale *.egg-info above all: setuptools would take its SOURCES.txt
# as the list of files to ship, and a file MANIFEST.in misses would still be shipped here and nowhere else.
NOT_IN_A_CLONE = shutil.ignore_patterns(
    ".git",
    ".venv",
    ".tools",
    "*.egg-info",
    "build",
    "dist",
    "var",
    "__pycache__",
    "*.pyc",
    ".pytest_cache",
    ".ruff_cache",
    ".schemathesis",
)


@pytest.fixture(scope="session")
def built(tmp_path_factory) -> Built:
    """`bin/uv build` of a clean copy of the checkout: the sdist, then the wheel built from the unpacked
    sdist (as pip builds one from PyPI)."""
    source, out = tmp_path_factory.mktemp("source") / "park-registry", tmp_path_factory.mktemp("dist")
    shutil.copytree(ROOT, source, ignore=NOT_IN_A_CLONE)
    _run(ROOT / "bin" / "uv", "build", source, "--out-dir", out, cwd=ROOT)
    (sdist,), (wheel,) = out.glob("*.tar.gz"), out.glob("*.whl")
    return Built(sdist, wheel)


@pytest.fixture(scope="session")
def venv(built, tmp_path_factory) -> Path:
    """A fresh virtual environment outside the checkout: the locked dependencies (`uv sync --frozen`, from
    uv's cache when it holds them), then the wheel itself, without letting it pull anything else in."""
    venv = tmp_path_factory.mktemp("installed") / "venv"
    uv = ROOT / "bin" / "uv"
    _run(
        uv,
        "sync",
        "--frozen",
        "--no-dev",
        "--no-install-project",
        "--quiet",
        env=_clean_env() | {"UV_PROJECT_ENVIRONMENT": str(venv)},
    )
    _run(
        uv, "pip", "install", "--no-deps", "--quiet", "--python", venv / "bin" / "python", built.wheel, env=_clean_env()
    )
    _run(uv, "pip", "check", "--python", venv / "bin" / "python", env=_clean_env())  # the wheel's needs all met
    return venv


def _clean_env(base: dict[str, str] | None = None) -> dict[str, str]:
    """The environment without anything pointing into the checkout or at its .venv."""
    import os

    env = dict(base if base is not None else os.environ)
    for name in ("PYTHONPATH", "VIRTUAL_ENV", "PYTHONHOME", "UV_PROJECT_ENVIRONMENT"):
        env.pop(name, None)
    return env


def _files_on_disk() -> set[str]:
    """Every file of the packages' folders in the checkout (what the wheel must carry)."""
    return {
        path.relative_to(ROOT).as_posix()
        for package in PACKAGES
        for path in (ROOT / package).rglob("*")
        if path.is_file() and "__pycache__" not in path.parts and path.suffix not in (".pyc", ".pyo")
    }


def test_the_sdist_and_the_wheel_built_from_it_carry_every_file_of_the_packages(built):
    on_disk = _files_on_disk()
    assert {
        "api/portal/templates/not_found.html",
        "api/portal/static/park.css",
        "api/schema_docs/static/scalar/standalone.js",
    } <= on_disk
    in_wheel = set(zipfile.ZipFile(built.wheel).namelist())
    with tarfile.open(built.sdist) as sdist:
        in_sdist = {name.split("/", 1)[1] for name in sdist.getnames() if "/" in name}
    assert on_disk - in_sdist == set()
    assert on_disk - in_wheel == set()


def _in_venv(venv: Path, cwd: Path, env: dict[str, str]) -> dict[str, str]:
    code = (
        "import api, registry, importers, exports, api.portal, jinja2; "
        "print(*(m.__file__ for m in (api, registry, importers, exports, api.portal)), sep='\\n')"
    )
    out = _run(venv / "bin" / "python", "-c", code, cwd=cwd, env=env).stdout.split()
    return dict(zip(("api", "registry", "importers", "exports", "api.portal"), out, strict=True))


async def _real_values(url: str, admin_token: str, env: dict[str, str], park_command: list[str]) -> dict[str, str]:
    """The placeholders of tests/portal/pages.py from the demo park: a tenant with an IP deadline ahead, the
    item, a period it reported, a dry run and a batch with errors, a tenant account."""
    async with httpx.AsyncClient(
        base_url=url + "/api/v1", headers={"Authorization": f"Bearer {admin_token}"}, timeout=120
    ) as api:
        deadline = (await api.get("/deadlines?within=7300&limit=1")).json()["items"][0]
        uscc = deadline["uscc"]
        item = (await api.get(f"/ip/{deadline['ip_id']}")).json()
        reports = (await api.get(f"/tenants/{uscc}/reports")).json()["items"]
        header = "统一社会信用代码,企业名称,产业类别,状态\n"
        batch = await api.post(
            "/imports?dry_run=true", files={"file": ("a.csv", f"{header}{uscc},改名,其他,在孵\n".encode())}
        )
        invalid = await api.post("/imports?dry_run=true", files={"file": ("b.csv", f"{header}1,,矿业,在孵\n".encode())})
        assert (batch.status_code, invalid.status_code) == (200, 422), batch.text + invalid.text
        # The demo's report rounds (SPEC §6): the 2017Q3 round in progress asks the tenant; the 2016 round
        # is closed, and its signed summary is handed in here.
        rounds = {r["period"]: r for r in (await api.get("/rounds")).json()["items"]}
        open_round, closed_round = rounds["2017Q3"], rounds["2016"]
        asked = await api.get(f"/rounds/{open_round['id']}/returns/{uscc}")
        assert asked.status_code == 200, asked.text
        scan = await api.put(
            f"/rounds/{closed_round['id']}/signed", files={"file": ("signed.pdf", b"%PDF-1.4 handed in\n")}
        )
        assert scan.status_code == 200, scan.text
    assert reports, f"the demo tenant {uscc} has no reports"
    period = reports[0]["period"]
    assert (
        park(
            env,
            "users",
            "add",
            "install-tenant",
            "--role",
            "tenant",
            "--tenant",
            uscc,
            "--password-stdin",
            stdin=PASSWORD + "\n",
            command=park_command,
        ).returncode
        == 0
    )
    return {
        "t": uscc,
        "ip": str(item["id"]),
        "ip_number": item["number"],
        "period": period,
        "period_label": Period.parse(period).label("zh"),
        "year": period[:4],
        "closed_year": period[:4],
        "batch": str(batch.json()["id"]),
        "invalid": str(invalid.json()["id"]),
        "account": "install-tenant",
        "round": str(open_round["id"]),
        "round_title": open_round["title"],
        "closed_round": str(closed_round["id"]),
    }


async def test_the_installed_wheel_serves_every_page_to_every_role(venv, fresh_env, tmp_path):
    work = tmp_path / "operator"  # the operator's working directory: nowhere near the checkout
    work.mkdir()
    assert not work.is_relative_to(ROOT)
    env = _clean_env(fresh_env)
    modules = _in_venv(venv, work, env)
    assert all(Path(file).is_relative_to(venv) for file in modules.values()), modules
    park_command = [str(venv / "bin" / "park")]

    demo = park(env, "demo", command=park_command, cwd=work)
    assert demo.returncode == 0, demo.stdout + demo.stderr
    accounts = {"admin": "install-admin", "manager": "install-manager", "statistician": "install-statistician"}
    for role, name in accounts.items():
        add_account(env, name, role, PASSWORD, command=park_command)

    with serving(env, log=tmp_path / "serve.log", command=park_command, cwd=work) as url:
        values = await _real_values(url, token(url, "install-admin", PASSWORD), env, park_command)
        accounts["tenant"] = values["account"]
        failures = []
        for role in ROLES:
            client = await portal_client(url, accounts.get(role), PASSWORD)
            try:
                for row in (r for r in ROWS if r.method == "GET"):
                    response = await call(client, row, values)
                    try:
                        check_answer(row, role, response, values)
                    except AssertionError as failed:
                        failures.append((row.id, role, response.status_code, str(failed)[:500]))
                missing = await client.get("/no-such-page")
                if missing.status_code != 404 or "<main" not in missing.text:
                    failures.append(("404", role, missing.status_code, missing.text[:500]))
            finally:
                await client.aclose()
        log = (tmp_path / "serve.log").read_text()
    assert failures == [], failures
    assert "Traceback" not in log and "TemplateNotFound" not in log, log[-5000:]
