"""`park`: serve the API, load the demo park, add accounts, import and export spreadsheets, back up and
restore the database, delete expired import files."""

from __future__ import annotations

import argparse
import copy
import getpass
import os
import secrets
import sys
from pathlib import Path

from registry.permissions import ROLES
from registry.settings import Settings, load_settings
from registry.vocabulary import LANGS


def _log_config() -> dict:
    """uvicorn's logging, plus the registry's: each request's JSON line (api/request_log.py) alone on
    standard output; everything else (a 5xx's trace under "park", uvicorn's own lines) on standard error.
    uvicorn applies it in every worker process."""
    from uvicorn.config import LOGGING_CONFIG

    config = copy.deepcopy(LOGGING_CONFIG)
    config["formatters"] |= {
        "park": {"format": "%(asctime)s %(levelname)s %(name)s: %(message)s"},
        "line": {"format": "%(message)s"},
    }
    config["handlers"] |= {
        "park": {"class": "logging.StreamHandler", "formatter": "park", "stream": "ext://sys.stderr"},
        "requests": {"class": "logging.StreamHandler", "formatter": "line", "stream": "ext://sys.stdout"},
    }
    config["loggers"] |= {"park.requests": {"handlers": ["requests"], "level": "INFO", "propagate": False}}
    config["root"] = {"handlers": ["park"], "level": "INFO"}
    return config


def _metrics_for_workers(workers: int, settings: Settings) -> None:
    """Several workers answer on one port, so a scrape reaches any one of them: each writes its metrics to
    files in PROMETHEUS_MULTIPROC_DIR, and the one scraped adds them all up (prometheus-client's
    multiprocess mode). The folder (given, else `metrics/` in PARK_DATA_DIR) is emptied at start: counts
    left by an earlier run would be added to this one's."""
    if workers == 1:
        return
    folder = os.environ.get("PROMETHEUS_MULTIPROC_DIR") or str(settings.data_dir / "metrics")
    Path(folder).mkdir(parents=True, exist_ok=True)
    for stale in Path(folder).glob("*.db"):
        stale.unlink()
    os.environ["PROMETHEUS_MULTIPROC_DIR"] = folder  # the workers, started after this, inherit it


def _serve(args: argparse.Namespace, settings: Settings) -> int:
    import uvicorn

    from registry.migrate import run_on_database

    async def nothing() -> None:
        return None

    run_on_database(settings, nothing)
    if args.demo:
        _load_demo_with_admin(settings, f"http://{args.host}:{args.port}")
    _metrics_for_workers(args.workers, settings)
    # Each worker process builds its own app (from the same environment: api.app.create_app reads it
    # when given no settings); what they must share (the login throttle, account changes)
    # lives in the database. uvicorn's access log is off: it would print each address with its query (a
    # calendar feed's key); the registry's request log replaces it.
    uvicorn.run(
        "api.app:create_app",
        factory=True,
        host=args.host,
        port=args.port,
        workers=args.workers,
        log_level="info",
        access_log=False,
        log_config=_log_config(),
    )
    return 0


def _purge_uploads(args: argparse.Namespace, settings: Settings) -> int:
    from registry.actor import Actor
    from registry.housekeeping import purge_uploads
    from registry.migrate import run_on_database

    days = settings.upload_retention_days if args.days is None else args.days
    if days < 0:
        print("error: --days must be 0 or more", file=sys.stderr)
        return 2

    async def run() -> list[int]:
        return await purge_uploads(days, Actor("cli", "admin", source="cli"))

    purged = run_on_database(settings, run)
    print(
        f"deleted the stored files of {len(purged)} import batches never applied, older than {days} days"
        + (f": {', '.join(map(str, purged))}" if purged else "")
    )
    return 0


def _rounds_remind(args: argparse.Namespace, settings: Settings) -> int:
    from registry.actor import Actor
    from registry.errors import RegistryError
    from registry.migrate import run_on_database
    from registry.services import reminders

    async def run() -> dict:
        return (await reminders.remind(Actor("cli", "admin", source="cli"), args.id, args.uscc or None)).answer()

    try:
        done = run_on_database(settings, run)
    except RegistryError as refused:
        print(f"error: {refused.detail}", file=sys.stderr)
        for error in refused.errors:
            print(f"  {error.field}: {error.message}", file=sys.stderr)
        return 1
    print(f"round {done['round']}, {done['day']}: reminded {done['reminded']} tenants", end="")
    print(f" ({len(done['skipped'])} reminded today already)" if done["skipped"] else "")
    email = done["email"]
    if email["configured"]:
        print(
            f"e-mail through {email['server']}: {email['delivered']} delivered, {email['failed']} failed, "
            f"{email['without_address']} tenants without an address"
        )
        for error in email["errors"]:
            print(f"  {error}")
    print(done["note"])
    return 0


def _load_demo_with_admin(settings: Settings, url: str = "http://127.0.0.1:8000") -> None:
    """The demo park plus a demo admin with a fresh random password, printed once."""
    from registry.actor import SYSTEM
    from registry.demo import load_demo
    from registry.errors import NotFound
    from registry.migrate import run_on_database
    from registry.services import accounts

    async def run() -> str:
        summary = await load_demo()
        print(summary.describe())
        password = secrets.token_urlsafe(12)
        try:
            await accounts.get_account(SYSTEM, "demo-admin")
        except NotFound:
            await accounts.create_account(SYSTEM, {"username": "demo-admin", "password": password, "role": "admin"})
        else:
            await accounts.update_account(SYSTEM, "demo-admin", {"password": password, "active": True})
        return password

    password = run_on_database(settings, run)
    print(f"\n  Web portal: {url}/  — sign in as demo-admin with password:", password)
    print(f"  e.g. curl -s -X POST {url}/api/v1/auth/token -H 'content-type: application/json' \\")
    print(f'         -d \'{{"username":"demo-admin","password":"{password}"}}\'\n')


def _demo(_: argparse.Namespace, settings: Settings) -> int:
    _load_demo_with_admin(settings)
    return 0


def _users_add(args: argparse.Namespace, settings: Settings) -> int:
    from registry.actor import Actor
    from registry.errors import RegistryError
    from registry.migrate import run_on_database
    from registry.services import accounts

    if args.password_stdin:
        password = sys.stdin.readline().rstrip("\n")
    else:
        password = getpass.getpass(f"password for {args.name}: ")
    data = {"username": args.name, "password": password, "role": args.role}
    if args.tenant:
        data["tenant_uscc"] = args.tenant

    async def run() -> None:
        await accounts.create_account(Actor("cli", "admin", source="cli"), data)

    try:
        run_on_database(settings, run)
    except RegistryError as error:
        print(f"error: {error.detail}", file=sys.stderr)
        for item in error.errors:
            print(f"  {item.field}: {item.message}", file=sys.stderr)
        return 1
    print(f"account {args.name} ({args.role}) created")
    return 0


def _rounds_open(args: argparse.Namespace, settings: Settings) -> int:
    """`park rounds open`: the service the API calls, as the `cli` admin."""
    from registry.actor import Actor
    from registry.errors import RegistryError
    from registry.migrate import run_on_database
    from registry.services import rounds

    data = {"period": args.period, "deadline": args.deadline}
    if args.title:
        data["title"] = args.title
    if args.opens_on:
        data["opens_on"] = args.opens_on

    async def run() -> rounds.Round:
        return await rounds.open_round(Actor("cli", "admin", source="cli"), data)

    try:
        opened = run_on_database(settings, run)
    except RegistryError as error:
        print(f"error: {error.detail}", file=sys.stderr)
        for item in error.errors:
            print(f"  {item.field}: {item.message}", file=sys.stderr)
        return 1
    print(
        f"opened round {opened.id} for {opened.period} ({opened.title}), deadline {opened.deadline}: "
        f"{opened.asked} tenants asked"
    )
    return 0


def _rounds_commands(commands: argparse._SubParsersAction) -> None:
    """`park rounds …` (SPEC §9)."""
    group = commands.add_parser("rounds", help="report rounds (SPEC §9)").add_subparsers(
        dest="rounds_command", required=True
    )
    opening = group.add_parser("open", help="open a report round for a period: every tenant on record is asked")
    opening.add_argument("--period", required=True, help="2016, 2017H1, 2017Q3")
    opening.add_argument("--deadline", required=True, help="YYYY-MM-DD")
    opening.add_argument("--title", help="default: the period's name")
    opening.add_argument("--opens-on", help="YYYY-MM-DD (default today)")
    opening.set_defaults(run=_rounds_open)
    remind = group.add_parser(
        "remind",
        help="remind the tenants of a round whose returns are not submitted (at most once a day each)",
        description="Records a reminder for each tenant due (not started, draft, returned) and not reminded "
        "today, then delivers it: a portal notice, and an e-mail when PARK_SMTP_URL names a mail server.",
    )
    remind.add_argument("id", type=int, help="the round's id")
    remind.add_argument("--uscc", action="append", help="only this tenant (repeatable); default: every one due")
    remind.set_defaults(run=_rounds_remind)
    close = group.add_parser("close", help="close a round: its accepted returns become the submitted dataset")
    close.add_argument("id", type=int, help="the round's id")
    close.set_defaults(run=_rounds_close)


def _import(args: argparse.Namespace, settings: Settings) -> int:
    from importers.command import main_import

    return main_import(settings, args.file, args.dry_run)


def _export(args: argparse.Namespace, settings: Settings) -> int:
    from exports.command import main_export

    return main_export(
        settings, args.kind, args.year, args.lang, args.output, period=args.period, as_of=args.as_of, within=args.within
    )


def _backup(args: argparse.Namespace, settings: Settings) -> int:
    from pathlib import Path

    from registry.backup import BackupRefused, back_up

    try:
        done = back_up(Path(args.output), settings)
    except BackupRefused as error:
        print(f"error: {error.detail}", file=sys.stderr)
        return error.exit_status
    except OSError as error:
        print(f"error: 无法写入 {args.output} / cannot write {args.output}: {error.strerror or error}", file=sys.stderr)
        return 2
    print(f"backed up the {done.engine} database to {done.path} ({done.size_and_time()})", file=sys.stderr)
    return 0


def _restore(args: argparse.Namespace, settings: Settings) -> int:
    from pathlib import Path

    from registry.backup import BackupRefused, restore
    from registry.migrate import run_on_database

    try:
        done = restore(Path(args.file), settings)
    except BackupRefused as error:
        print(f"error: {error.detail}", file=sys.stderr)
        return error.exit_status

    async def nothing() -> None:
        return None

    # A backup of an earlier release comes up to date, as `park serve` would bring it.
    run_on_database(settings, nothing)
    print(f"restored {done.path} into the {done.engine} database ({done.size_and_time()})", file=sys.stderr)
    return 0


def _rounds_close(args: argparse.Namespace, settings: Settings) -> int:
    """`park rounds close ID`: as `POST /rounds/{id}/close`, by the command line's admin. Exit status 0
    closed, 1 refused (no such round, closed already)."""
    from registry.actor import Actor
    from registry.errors import RegistryError
    from registry.migrate import run_on_database
    from registry.park_time import park_day
    from registry.services.round_close import close_round

    async def run() -> dict:
        return await close_round(Actor("cli", "admin", source="cli"), args.id)

    try:
        closed = run_on_database(settings, run)
    except RegistryError as error:
        print(f"error: {error.detail}", file=sys.stderr)
        return 1
    print(
        f"closed round {closed['id']} ({closed['period']}, {closed['title']}) on {park_day(closed['closed_at'], settings.zone)}"
    )
    return 0


def _positive(text: str) -> int:
    number = int(text)
    if number < 1:
        raise argparse.ArgumentTypeError("must be 1 or more")
    return number


def parser() -> argparse.ArgumentParser:
    root = argparse.ArgumentParser(prog="park", description="Park Registry")
    commands = root.add_subparsers(dest="command", required=True)

    serve = commands.add_parser("serve", help="migrate the database if needed, then serve the API")
    serve.add_argument("--host", default="127.0.0.1")
    serve.add_argument("--port", type=int, default=8000)
    serve.add_argument("--workers", type=_positive, default=1, help="worker processes (default 1)")
    serve.add_argument("--demo", action="store_true", help="load the demo park and print a demo admin login first")
    serve.set_defaults(run=_serve)

    commands.add_parser("demo", help="load the demo park (idempotent)").set_defaults(run=_demo)

    users = commands.add_parser("users", help="accounts").add_subparsers(dest="users_command", required=True)
    add = users.add_parser("add", help="add an account")
    add.add_argument("name")
    add.add_argument("--role", required=True, choices=ROLES)
    add.add_argument("--tenant", help="the tenant's USCC (tenant accounts)")
    add.add_argument("--password-stdin", action="store_true", help="read the password from standard input")
    add.set_defaults(run=_users_add)

    _rounds_commands(commands)

    imp = commands.add_parser("import", help="import a spreadsheet (.xlsx, .xls, .csv)")
    imp.add_argument("file")
    imp.add_argument("--dry-run", action="store_true")
    imp.set_defaults(run=_import)

    exp = commands.add_parser("export", help="write a workbook")
    exp.add_argument("kind", choices=["statistics", "template", "registry", "deadlines"])
    exp.add_argument("--year", type=int)
    exp.add_argument("--period", help="statistics for a year, half or quarter: 2016, 2017H1, 2017Q3")
    exp.add_argument("--as-of", help="statistics: date the head counts (YYYY-MM-DD), e.g. 2017-10-31")
    exp.add_argument("--lang", choices=LANGS, default=LANGS[0])
    exp.add_argument("--within", type=int, help="deadlines: days ahead to list (default 90)")
    exp.add_argument("-o", "--output", required=True)
    exp.set_defaults(run=_export)

    backup = commands.add_parser(
        "backup",
        help="write a consistent copy of the database while the server serves",
        description="SQLite: the online backup API (a SQLite file); PostgreSQL: pg_dump --format=custom, of the "
        "server's major version (PARK_PG_BIN, else /usr/lib/postgresql/<major>/bin, else PATH). Exit status 0 "
        "written, 1 refused (tools missing or of another version, no database), 2 unusable output path.",
    )
    backup.add_argument("-o", "--output", required=True, help="the backup file to write (replaced once complete)")
    backup.set_defaults(run=_backup)

    restore = commands.add_parser(
        "restore",
        help="load a backup into an empty database (DATABASE_URL), then migrate it",
        description="Loads a file of `park backup` into the database DATABASE_URL names, which must hold no "
        "records (a new database, or one only migrated). Exit status 0 restored, 1 refused (the database is "
        "not empty, tools missing or of another version), 2 the file is not a backup of this engine.",
    )
    restore.add_argument("file", help="a file written by park backup for the same engine")
    restore.set_defaults(run=_restore)

    purge = commands.add_parser(
        "purge-uploads",
        help="delete the stored files of import batches never applied, older than PARK_UPLOAD_RETENTION_DAYS",
    )
    purge.add_argument("--days", type=int, help="keep files this many days (default PARK_UPLOAD_RETENTION_DAYS, 30)")
    purge.set_defaults(run=_purge_uploads)

    return root


def main(argv: list[str] | None = None) -> int:
    args = parser().parse_args(argv)
    # The one place a command reads its settings; every step below is handed them.
    return args.run(args, load_settings())


if __name__ == "__main__":  # python -m api.cli
    sys.exit(main())
