"""A fork server for the migration kill tests: imports planner once, forks one start per line.

Started with ``sys.executable``; each line on stdin is ``URL KILL_AT``. The forked child
opens the database as the window does (:func:`open_database`: migrations and the first
food load in one transaction). ``KILL_AT`` is ``never``, a step name (a migration's
revision or ``data``: the child SIGKILLs itself right after that step, before the
commit) or ``load:P`` (SIGKILL once P percent of the food load is written). The server
prints ``started PID`` (the test may kill that pid itself at a random moment) and then
``ended PID CODE`` (``-9`` for a kill, 0 for a clean start, 1 for an error, which is
printed to stderr).
"""

from __future__ import annotations

import os
import signal
import sys
import traceback

from planner.app import open_database


def _start(url: str, kill_at: str) -> None:
    def kill() -> None:
        os.kill(os.getpid(), signal.SIGKILL)

    def on_step(name: str) -> None:
        if name == kill_at:
            kill()

    def progress(done: int, total: int) -> None:
        if kill_at.startswith("load:") and done * 100 >= int(kill_at[5:]) * total:
            kill()

    open_database(url, progress, on_step).close()


def main() -> None:
    print("ready", flush=True)
    for line in sys.stdin:
        url, kill_at = line.split()
        pid = os.fork()
        if pid == 0:
            code = 0
            try:
                _start(url, kill_at)
            except BaseException:
                traceback.print_exc()
                code = 1
            finally:
                os._exit(code)
        print(f"started {pid}", flush=True)
        _, status = os.waitpid(pid, 0)
        code = -os.WTERMSIG(status) if os.WIFSIGNALED(status) else os.WEXITSTATUS(status)
        print(f"ended {pid} {code}", flush=True)


if __name__ == "__main__":
    main()
