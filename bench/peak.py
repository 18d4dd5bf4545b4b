"""Run a management command, then print this process's peak resident memory as the last line of stderr.

The peak is read from /proc/self/status (VmHWM): unlike getrusage's ru_maxrss, it does not
start from the memory of the benchmark process that forked this one.
"""

import os
import sys

PREFIX = "peak_kb="


def peak_kb() -> int:
    with open("/proc/self/status") as status:
        line = next(line for line in status if line.startswith("VmHWM:"))
    return int(line.split()[1])


def main() -> None:
    os.environ.setdefault("DJANGO_SETTINGS_MODULE", "config.settings")
    from django.core.management import execute_from_command_line

    try:
        execute_from_command_line(["manage.py", *sys.argv[1:]])
    finally:
        print(f"{PREFIX}{peak_kb()}", file=sys.stderr, flush=True)


if __name__ == "__main__":
    main()
