"""The fast path of start-up migrations stays true to the migration scripts."""

from __future__ import annotations

from alembic.script import ScriptDirectory

from planner.db.migrate import HEAD, KNOWN_REVISIONS, alembic_config


def test_head_constant_matches_the_scripts() -> None:
    script = ScriptDirectory.from_config(alembic_config())
    assert script.get_current_head() == HEAD
    history = [rev.revision for rev in script.walk_revisions()]
    assert tuple(reversed(history)) == KNOWN_REVISIONS


def test_warm_start_does_not_import_alembic(db_path) -> None:
    import subprocess
    import sys

    code = (
        "import sys; from planner.services.database import Database; "
        f"db = Database.open('sqlite:///{db_path}'); db.close(); "
        "print('alembic' in sys.modules)"
    )
    command = [sys.executable, "-c", code]
    result = subprocess.run(command, capture_output=True, text=True, check=True)
    assert result.stdout.strip() == "False"
