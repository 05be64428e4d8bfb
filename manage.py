#!/usr/bin/env python
"""Django's command-line utility for Samenhuis."""

import os
import sys


def main() -> None:
    os.environ.setdefault("DJANGO_SETTINGS_MODULE", "samenhuis.settings.dev")
    from django.core.management import execute_from_command_line

    from samenhuis.settings.environment import ConfigurationError

    try:
        execute_from_command_line(sys.argv)
    except ConfigurationError as error:
        sys.exit(f"Samenhuis cannot start: {error}")


if __name__ == "__main__":
    main()
