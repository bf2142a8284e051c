"""Writing injected failures for the emulator (/var/lib/vzemu/faults.json)."""

import json
import os
from pathlib import Path


def add_fault(path, tool, match, rc, stderr="", stdout="", times=None, delay=0):
    """Append a fault; the emulator fires the first one whose `match` fits."""
    if isinstance(match, str):
        raise TypeError("match is a list of argv items, not a string")
    path = Path(path)
    faults = json.loads(path.read_text(encoding="utf-8")) if path.exists() else []
    fault = {"tool": tool, "match": list(match), "rc": rc,
             "stderr": stderr, "stdout": stdout, "delay": delay}
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
