"""vzctl's per-container lock: LOCKDIR/CTID.lck holding "<pid>\\n\\n"."""
import errno
import os

from .errors import VzError, E_LOCKED


def _cmdline(pid):
    try:
        with open("/proc/%d/cmdline" % pid, "rb") as handle:
            raw = handle.read()
    except OSError:
        return None
    return raw.rstrip(b"\0").replace(b"\0", b" ").decode("utf-8", "replace")


def _alive(pid):
    try:
        os.kill(pid, 0)
    except OSError as exc:
        return exc.errno == errno.EPERM
    return True


class CtLock(object):
    def __init__(self, lockdir, ctid, out):
        self.path = os.path.join(lockdir, "%s.lck" % ctid)
        self.out = out
        self.held = False

    def acquire(self):
        os.makedirs(os.path.dirname(self.path), exist_ok=True)
        for _ in range(3):
            try:
                fd = os.open(self.path, os.O_WRONLY | os.O_CREAT | os.O_EXCL, 0o600)
            except FileExistsError:
                if self._clear_stale():
                    continue
                raise
            with os.fdopen(fd, "w") as handle:
                handle.write("%d\n\n" % os.getpid())
            self.held = True
            return self
        raise VzError(E_LOCKED, "Container already locked")

    def _clear_stale(self):
        try:
            with open(self.path, "r") as handle:
                pid = int(handle.read().split()[0])
        except (OSError, ValueError, IndexError):
            pid = None
        if pid is not None and _alive(pid):
            raise VzError(E_LOCKED, ["Locked by: pid %d, cmdline %s" % (pid, _cmdline(pid) or ""),
                                     "Container already locked"])
        self.out.stdout("Removing stale lock file %s" % self.path)
        try:
            os.unlink(self.path)
        except FileNotFoundError:
            pass
        return True

    def release(self):
        if self.held:
            try:
                os.unlink(self.path)
            except FileNotFoundError:
                pass
            self.held = False

    def __enter__(self):
        return self.acquire()

    def __exit__(self, *exc):
        self.release()
        return False
