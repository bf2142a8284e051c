"""Writing injected failures for the emulator (/var/lib/vzemu/faults.json)."""

import json
import os
from pathlib import Path


def add_fault(path, tool, match, rc, stderr="", stdout="", times=None, delay=0, **options):
    """Append a fault; the emulator fires the first one whose `match` fits.

    `options` are further fault keys (`hold_lock=True`, `spawn_child=True`,
    see tests/emulator/DESIGN.md).
    """
    if isinstance(match, str):
        raise TypeError("match is a list of argv items, not a string")
    path = Path(path)
    faults = json.loads(path.read_text(encoding="utf-8")) if path.exists() else []
    fault = {"tool": tool, "match": list(match), "rc": rc,
             "stderr": stderr, "stdout": stdout, "delay": delay}
    fault.update(options)
    # Absent means forever; the emulator counts a present value down.
    if times is not None:
        fault["times"] = times
    faults.append(fault)
    path.parent.mkdir(parents=True, exist_ok=True)
    tmp = path.with_name(path.name + ".tmp")
    tmp.write_text(json.dumps(faults, indent=1), encoding="utf-8")
    # Atomic, so a tool running concurrently never reads half a file.
    os.replace(tmp, path)
    return fault


def read_fired(path):
    """The faults the emulator fired, as dicts (tool, argv, pid, child, start), oldest first."""
    path = Path(path)
    if not path.exists():
        return []
    return [json.loads(line) for line in path.read_text(encoding="utf-8").splitlines() if line.strip()]
