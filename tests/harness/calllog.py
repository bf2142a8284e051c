"""Reading the emulator's call log (/var/lib/vzemu/calls.jsonl)."""

import json
from pathlib import Path

# vzctl commands that never change a container; everything else counts as a
# change when asserting that a run was idempotent.
READ_ONLY_VZCTL_COMMANDS = frozenset(
    ("status", "exec", "exec2", "snapshot-list", "--version", "--help"))
# Flags vzctl takes before its command.
VZCTL_GLOBAL_FLAGS = frozenset(("--quiet", "--verbose"))


def read_calls(path):
    """Every logged call, oldest first; [] when nothing ran yet."""
    path = Path(path)
    if not path.exists():
        return []
    with path.open(encoding="utf-8") as handle:
        return [json.loads(line) for line in handle if line.strip()]


def vzctl_command(argv):
    """The command word of a vzctl argv (`set` in `--quiet set 101 ...`)."""
    for arg in argv:
        if arg not in VZCTL_GLOBAL_FLAGS:
            return arg
    return None


# vzpkg commands that change the host (OpenVZ 7's EZ templates and caches).
MUTATING_VZPKG_COMMANDS = frozenset(("install", "update", "remove", "create"))


# Backup tools: every vzdump and vzrestore run writes (an archive, a container); every
# prlctl action but the listings does (create, backup, restore, backup-delete).
BACKUP_TOOLS = frozenset(("vzdump", "vzrestore"))
READ_ONLY_PRLCTL_ACTIONS = frozenset(("list", "backup-list"))


def is_mutating(call):
    argv = call.get("argv", [])
    if call.get("tool") in BACKUP_TOOLS:
        return True
    if call.get("tool") == "prlctl":
        return bool(argv) and argv[0] not in READ_ONLY_PRLCTL_ACTIONS
    if call.get("tool") == "vzmigrate":
        return "--dry-run" not in argv and "--check-only" not in argv
    if call.get("tool") == "vzpkg":
        return bool(argv) and argv[0] in MUTATING_VZPKG_COMMANDS
    return (call.get("tool") == "vzctl"
            and vzctl_command(argv) not in READ_ONLY_VZCTL_COMMANDS)
