"""The ``carepath`` command: one entry point for everything a person runs.

``carepath run`` serves the app; every other word is a management command
(``carepath demo``, ``carepath token create``, ``carepath audit verify`` …).
"""

import os
import sys


def main(argv: list[str] | None = None) -> None:
    os.environ.setdefault("DJANGO_SETTINGS_MODULE", "carepath.settings")
    args = list(sys.argv[1:] if argv is None else argv)
    if args[:1] == ["run"]:
        port = os.environ.get("PORT", "8000")
        host = os.environ.get("HOST", "127.0.0.1")
        args = ["runserver", f"{host}:{port}", *args[1:]]
    from django.core.management import execute_from_command_line

    execute_from_command_line(["carepath", *args])


if __name__ == "__main__":
    main()
