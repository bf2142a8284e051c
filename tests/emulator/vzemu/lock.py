"""vzctl's per-container lock: LOCKDIR/CTID.lck holding "<pid>\\n<status>\\n".

As vps_lock() in vzctl 4.x src/lib/lock.c: the lock file is written under a
temporary name and hard-linked into place (so a reader never sees it half
written); a lock naming a live pid (/proc/PID exists) fails with 9, one
naming a dead pid is removed ("Removing stale lock file ...") and the lock
retried, one holding no pid is removed silently.  Three tries in all.
"""
import os
import tempfile
import time

from .errors import VzError, E_LOCKED

# What the lock says, per flavour (host.json "flavour").
MESSAGES = {
    "legacy": {
        "locked_by": "Locked by: pid %d, cmdline %s",
        "locked": "Container already locked",
        "stale": "Removing stale lock file %s",
    },
    "vz7": {
        "locked_by": "Locked info: pid=%d cmdline=%s",
        "locked": "Cannot lock the Container",
        "stale": "Removing the stale lock file %s",
    },
}


def _cmdline(pid):
    try:
        with open("/proc/%d/cmdline" % pid, "rb") as handle:
            raw = handle.read()
    except OSError:
        return None
    parts = raw.rstrip(b"\0").split(b"\0")
    return b" ".join(_as_tool(parts)).decode("utf-8", "surrogateescape")


def _as_tool(parts):
    """An emulated tool runs as "python3 -S -X utf8 .../tests/emulator/vzctl.py ARGS"
    (bin/vzctl execs that); its command line the way the real binary's reads
    ("vzctl ARGS").  Other command lines are left as they are."""
    if not parts or not os.path.basename(parts[0]).startswith(b"python"):
        return parts
    script = 1
    while script < len(parts) and parts[script].startswith(b"-"):
        # -X takes a value ("-X utf8", bin/*)
        script += 2 if parts[script] == b"-X" else 1
    if script < len(parts):
        name = os.path.basename(parts[script])
        if name.endswith(b".py"):
            name = name[:-3]
        if name in (b"vzctl", b"vzlist"):
            return [name] + parts[script + 1:]
    return parts


def _alive(pid):
    return os.path.exists("/proc/%d" % pid)


def _read_pid(path):
    """-1: cannot read, 0: no valid pid, else the pid."""
    try:
        with open(path, "r") as handle:
            text = handle.read()
    except OSError:
        return -1
    try:
        return int(text.split()[0])
    except (ValueError, IndexError):
        return 0


class CtLock(object):
    def __init__(self, lockdir, ctid, out, messages=None, status=""):
        self.path = os.path.join(lockdir, "%s.lck" % ctid)
        self.out = out
        self.held = False
        self.messages = messages or MESSAGES["legacy"]
        self.status = status

    def acquire(self):
        lockdir = os.path.dirname(self.path)
        os.makedirs(lockdir, exist_ok=True)
        fd, tmp = tempfile.mkstemp(prefix=os.path.basename(self.path), dir=lockdir)
        try:
            with os.fdopen(fd, "w") as handle:
                handle.write("%d\n%s\n" % (os.getpid(), self.status))
            for _attempt in range(3):
                try:
                    os.link(tmp, self.path)
                    self.held = True
                    return self
                except FileExistsError:
                    pass
                pid = _read_pid(self.path)
                if pid < 0:
                    time.sleep(0.5)
                elif pid == 0:
                    self._unlink()
                elif _alive(pid):
                    raise VzError(E_LOCKED, [self.messages["locked_by"] % (pid, _cmdline(pid) or ""),
                                             self.messages["locked"]])
                else:
                    self.out.stdout(self.messages["stale"] % self.path)
                    self._unlink()
            raise VzError(E_LOCKED, self.messages["locked"])
        finally:
            try:
                os.unlink(tmp)
            except FileNotFoundError:
                pass

    def _unlink(self):
        try:
            os.unlink(self.path)
        except FileNotFoundError:
            pass

    def release(self):
        if self.held:
            self._unlink()
            self.held = False

    def __enter__(self):
        return self.acquire()

    def __exit__(self, *exc):
        self.release()
        return False
