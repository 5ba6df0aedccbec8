"""Guard against PySide6 builds that break this interpreter (see pyproject.toml).

PySide6-Essentials 6.12.0 dropped a reference to None on every void Qt call; on
CPython 3.11 the process aborted after a few thousand calls. This test fails (by
crashing the subprocess) on such a build, whatever version number it carries.
"""

from __future__ import annotations

import subprocess
import sys


def test_void_qt_calls_keep_none_alive() -> None:
    code = (
        "import sys\n"
        "from PySide6.QtCore import QObject\n"
        "o = QObject()\n"
        "before = sys.getrefcount(None)\n"
        "for _ in range(50_000):\n"
        "    o.setObjectName('x')\n"
        "print(sys.getrefcount(None) - before)\n"
    )
    result = subprocess.run([sys.executable, "-c", code], capture_output=True, text=True)
    assert result.returncode == 0, result.stderr[-500:]
    assert abs(int(result.stdout.strip())) < 100
