"""The ``carepath`` command: one entry point for everything a person runs.

``carepath run`` serves the app and, beside it, a task worker (alert messages,
escalations, links); every other word is a management command (``carepath demo``,
``carepath score``, ``carepath audit verify`` …).
"""

import atexit
import os
import subprocess
import sys


def _start_worker() -> None:
    """One database task worker for the life of ``carepath run`` (CAREPATH_WORKER=0: none)."""
    if os.environ.get("CAREPATH_WORKER", "1") == "0" or os.environ.get("RUN_MAIN"):
        return  # RUN_MAIN: the autoreloader's child; the parent already started it
    worker = subprocess.Popen([sys.executable, "-m", "carepath.cli", "db_worker",
                               "--no-reload", "--interval", "2"])
    atexit.register(worker.terminate)


def main(argv: list[str] | None = None) -> None:
    os.environ.setdefault("DJANGO_SETTINGS_MODULE", "carepath.settings")
    args = list(sys.argv[1:] if argv is None else argv)
    if args[:1] == ["run"]:
        port = os.environ.get("PORT", "8000")
        host = os.environ.get("HOST", "127.0.0.1")
        args = ["runserver", f"{host}:{port}", *args[1:]]
        _start_worker()
    from django.core.management import execute_from_command_line

    execute_from_command_line(["carepath", *args])


if __name__ == "__main__":
    main()
