"""``planner backup list|create|restore|set-aside``, and the one line that names what
is wrong with a bad database and the commands out of it (also for :func:`planner.cli.main`)."""

from __future__ import annotations

from typing import Any

from planner import paths
from planner.cli.common import (
    EXIT_OK,
    JSON_FLAG,
    CliError,
    Commands,
    Context,
    count,
    home_relative,
)
from planner.services.backups import BackupInfo, BackupService
from planner.services.health import DatabaseProblem, ProblemKind

_BACKUP_WAY_OUT = (
    "Restore a backup with `planner backup restore NAME`, or move it aside with "
    "`planner backup set-aside` and start fresh."
)
_WAY_OUT = {
    ProblemKind.CORRUPT: _BACKUP_WAY_OUT,
    ProblemKind.SCHEMA_TOO_NEW: "Use the newer planner. " + _BACKUP_WAY_OUT,
    ProblemKind.LOCKED: "Close the other planner (or the program using it) and try again.",
    ProblemKind.READ_ONLY: (
        "Make the file and its folder writable, or point PLANNER_DB_URL at a writable place."
    ),
    ProblemKind.UNAVAILABLE: "Check the file's permissions (or the server) and try again.",
}


def database_problem_line(problem: DatabaseProblem) -> str:
    """One line for stderr: what is wrong with the database and the commands out of it."""
    way_out = _WAY_OUT[problem.kind]
    if problem.path is None and problem.kind is ProblemKind.SCHEMA_TOO_NEW:
        way_out = "Use the newer planner."
    return f"the database {home_relative(problem.database)} {problem.summary}. {way_out}"


def database_error_line(exc: BaseException) -> str:
    """The line for a database error: the problem diagnosed, else the error's first line."""
    from planner.services.health import diagnose

    problem = diagnose(paths.db_url(), exc)
    if problem is not None:
        return database_problem_line(problem)
    orig = getattr(exc, "orig", None)
    detail = str(orig) if orig is not None else str(exc)
    return f"database error: {detail.splitlines()[0] if detail else type(exc).__name__}"


def _size(size: int) -> str:
    return f"{size / 1_000_000:.1f} MB" if size >= 100_000 else f"{size / 1000:.0f} kB"


def backup_json(info: BackupInfo) -> dict[str, Any]:
    return {
        "name": info.name,
        "path": str(info.path),
        "created": info.created.isoformat(),
        "reason": info.reason,
        "size": info.size,
        "plans": info.plan_count,
    }


def _plans_in(info: BackupInfo) -> str:
    return "plans unknown" if info.plan_count is None else count(info.plan_count, "plan")


def cmd_backup_list(ctx: Context) -> int:
    service = BackupService()
    backups = service.list()
    if ctx.args.json:
        ctx.emit_json([backup_json(info) for info in backups])
        return EXIT_OK
    if not backups:
        folder = home_relative(str(service.folder))
        print(f"No backups yet in {folder}. Make one with: planner backup create", file=ctx.out)
    for info in backups:
        print(f"{info.name}  {_size(info.size):>8}  {_plans_in(info)}", file=ctx.out)
    return EXIT_OK


def cmd_backup_create(ctx: Context) -> int:
    info = BackupService().create()
    if ctx.args.json:
        ctx.emit_json(backup_json(info))
    else:
        where = home_relative(str(info.path))
        print(f"Backed up the database to {where} ({_size(info.size)}, {_plans_in(info)}).",
              file=ctx.out)
    return EXIT_OK


def cmd_backup_restore(ctx: Context) -> int:
    service = BackupService()
    backup = service.find(ctx.args.name)
    saved_as = service.restore(backup)
    if ctx.args.json:
        ctx.emit_json(
            {"restored": str(backup), "saved_as": None if saved_as is None else str(saved_as)}
        )
        return EXIT_OK
    print(f"Restored {backup.name}.", file=ctx.out)
    if saved_as is not None:
        print(f"The database as it was is kept as {home_relative(str(saved_as))}.",
              file=ctx.out)
    return EXIT_OK


def cmd_backup_set_aside(ctx: Context) -> int:
    from planner.db.engine import sqlite_path
    from planner.services.health import Choice, check_database, set_aside

    url = paths.db_url()
    live = sqlite_path(url)
    if live is None:
        raise CliError("the database is not a file (PLANNER_DB_URL); nothing to set aside")
    where = home_relative(str(live))
    if not live.exists():
        raise CliError(f"there is no database at {where}; nothing to set aside")
    problem = check_database(url)
    if problem is None and not ctx.args.force:
        raise CliError(
            f"the database {where} is in order; nothing to set aside "
            "(add --force to move it aside anyway)"
        )
    if problem is not None and Choice.START_FRESH not in problem.choices:
        raise CliError(database_problem_line(problem))
    moved = set_aside(live)
    if ctx.args.json:
        ctx.emit_json({"moved_to": str(moved)})
    else:
        print(f"Moved the database aside to {home_relative(str(moved))}. The next command "
              "starts with a new database.", file=ctx.out)
    return EXIT_OK


def register(commands: Commands) -> None:
    """``backup list``, ``backup create``, ``backup restore`` and ``backup set-aside``."""
    backup = commands.add_parser("backup", help="list, make and restore database backups")
    backup_commands = backup.add_subparsers(dest="backup_command", metavar="ACTION",
                                            required=True)
    backup_list = backup_commands.add_parser("list", parents=[JSON_FLAG],
                                             help="the backups, newest first")
    backup_list.set_defaults(handler=cmd_backup_list)
    backup_create = backup_commands.add_parser("create", parents=[JSON_FLAG],
                                               help="back up the database now")
    backup_create.set_defaults(handler=cmd_backup_create)
    backup_restore = backup_commands.add_parser(
        "restore", parents=[JSON_FLAG],
        help="replace the database with a backup (what it holds now is backed up first)",
    )
    backup_restore.add_argument("name", metavar="NAME",
                                help="a name from `planner backup list`, or a file")
    backup_restore.set_defaults(handler=cmd_backup_restore)
    set_aside = backup_commands.add_parser(
        "set-aside", parents=[JSON_FLAG],
        help="rename a damaged database out of the way; the next start begins fresh",
    )
    set_aside.add_argument("--force", action="store_true",
                           help="also when the database is in order")
    set_aside.set_defaults(handler=cmd_backup_set_aside)
