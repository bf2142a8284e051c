"""The common entry of every emulated tool: call log, injected faults, exit codes."""
import json
import os
import sys
import time

from . import host as host_mod
from . import paths
from .errors import VzError


class Output(object):
    """Writes a tool's messages; kept in one place so ordering matches the real tools."""

    def stdout(self, line):
        sys.stdout.write(line + "\n")
        sys.stdout.flush()

    def stderr(self, line):
        sys.stderr.write(line + "\n")
        sys.stderr.flush()

    def raw_stdout(self, text):
        sys.stdout.write(text)
        sys.stdout.flush()


def _subsequence(needle, haystack):
    position = 0
    for item in needle:
        try:
            position = haystack.index(item, position) + 1
        except ValueError:
            return False
    return True


def _take_fault(tool, argv):
    """The first injected fault matching this call, its ``times`` counted down."""
    path = paths.state_path("faults.json")
    if not os.path.exists(path):
        return None
    with open(path, "r") as handle:
        faults = json.load(handle)
    for fault in faults:
        if fault.get("tool", tool) != tool or not _subsequence(fault.get("match", []), argv):
            continue
        if fault.get("phase"):
            continue  # one step of a vzmigrate run fails, not the call (vzemu/vzmigrate.py)
        if fault.get("times") is not None:
            if fault["times"] <= 0:
                continue
            fault["times"] -= 1
            with open(path + ".tmp", "w") as handle:
                json.dump(faults, handle)
            os.rename(path + ".tmp", path)
        return fault
    return None


def _spawn_child(delay):
    """Fork a process that sleeps ``delay`` seconds in the tool's process group.

    It keeps the tool's stdout and stderr open, as a helper a real vzctl
    starts would (a mount, a script); ``"spawn_child": true`` in a fault uses
    it to show whether a caller kills the tool's whole process group.
    """
    pid = os.fork()
    if pid == 0:
        try:
            time.sleep(float(delay))
        finally:
            os._exit(0)  # never run the tool's own exit path (call log, lock)
    return pid


def _record_fired(tool, argv, child):
    """Append to faults-fired.jsonl before the fault sleeps: a killed tool logs no call."""
    record = {"tool": tool, "argv": argv, "pid": os.getpid(), "child": child, "start": time.time()}
    try:
        fd = os.open(paths.state_path("faults-fired.jsonl"), os.O_WRONLY | os.O_APPEND | os.O_CREAT, 0o644)
        with os.fdopen(fd, "a") as handle:
            handle.write(json.dumps(record) + "\n")
    except OSError:
        pass


def _fire(fault, out, tool="", argv=()):
    child = None
    if fault.get("spawn_child"):
        child = _spawn_child(fault.get("delay") or 0)
    _record_fired(tool, list(argv), child)
    if fault.get("delay"):
        time.sleep(float(fault["delay"]))
    if child is not None:
        os.waitpid(child, 0)
    if fault.get("stdout"):
        out.raw_stdout(fault["stdout"] if fault["stdout"].endswith("\n") else fault["stdout"] + "\n")
    if fault.get("stderr"):
        out.stderr(fault["stderr"].rstrip("\n"))
    return int(fault.get("rc", 1))


def _fire_holding_lock(fault, out, handler, argv, tool=""):
    """Fire ``fault``; with ``"hold_lock": true`` hold the CT lock meanwhile.

    The tool's handler may carry a ``fault_lock(host, argv)`` attribute that
    returns the lock the real command would take (vzctl's CT lock); a
    concurrent invocation then meets a live lock and fails as on a real host.
    """
    lock = None
    if fault.get("hold_lock") and getattr(handler, "fault_lock", None) is not None:
        lock = handler.fault_lock(host_mod.load(), argv)
    if lock is None:
        return _fire(fault, out, tool, argv)
    lock.acquire()
    try:
        return _fire(fault, out, tool, argv)
    finally:
        lock.release()


def _log_call(tool, argv, rc, started):
    record = {"tool": tool, "argv": argv, "rc": rc, "pid": os.getpid(),
              "start": started, "duration": round(time.time() - started, 6)}
    try:
        if not os.path.isdir(paths.STATE_DIR):
            return  # not an emulated host (e.g. a bare `vzctl --version`): leave the machine alone
        # O_APPEND keeps concurrent writers' lines whole.
        fd = os.open(paths.state_path("calls.jsonl"), os.O_WRONLY | os.O_APPEND | os.O_CREAT, 0o644)
        with os.fdopen(fd, "a") as handle:
            handle.write(json.dumps(record) + "\n")
    except OSError:
        pass


def byte_transparent_stdio():
    """The real tools are C: argv bytes that are not UTF-8 come back out as
    they went in.  Python decodes them to surrogate escapes (bin/* run it
    with -X utf8), so stdout and stderr encode those back to the bytes."""
    for stream in (sys.stdout, sys.stderr):
        try:
            stream.reconfigure(errors="surrogateescape")
        except (AttributeError, ValueError):
            pass


def run(tool, handler, argv=None):
    """Run ``handler(host, argv, out) -> rc`` as tool ``tool`` and exit with its code."""
    byte_transparent_stdio()
    argv = list(sys.argv[1:] if argv is None else argv)
    started = time.time()
    out = Output()
    rc = 0
    try:
        fault = _take_fault(tool, argv)
        if fault is not None:
            rc = _fire_holding_lock(fault, out, handler, argv, tool)
        else:
            rc = handler(host_mod.load(), argv, out) or 0
    except VzError as exc:
        for line in exc.lines:
            (out.stdout if exc.stream == "stdout" else out.stderr)(line)
        rc = exc.rc
    finally:
        _log_call(tool, argv, rc, started)
    sys.exit(rc)
