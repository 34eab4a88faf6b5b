#!/usr/bin/env python
import os
import sys

if __name__ == "__main__":
    os.environ.setdefault("DJANGO_SETTINGS_MODULE", "carepath.settings")
    # manage.py is the developer's tool in a checkout, so it defaults to DEBUG; deployments
    # run the `carepath` command and carepath.wsgi, which take DEBUG from the environment only.
    os.environ.setdefault("DEBUG", "1")
    from django.core.management import execute_from_command_line

    execute_from_command_line(sys.argv)
