#!/usr/bin/env python
"""Django's command-line utility for administrative tasks."""

import os
import sys


def main():
    os.environ.setdefault("DJANGO_SETTINGS_MODULE", "newsbase.settings.dev")
    if sys.argv[1:2] != ["runserver"]:
        # Management commands (migrate, load_crocus…) get the long database time bounds
        # (newsbase/settings/base.py, DATABASE_TIMEOUTS); served requests the short ones.
        os.environ["NEWSBASE_MANAGEMENT_COMMAND"] = "1"
    from django.core.management import execute_from_command_line

    execute_from_command_line(sys.argv)


if __name__ == "__main__":
    main()
