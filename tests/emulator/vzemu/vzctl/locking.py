"""The CT lock as each flavour reports it (see vzemu/lock.py)."""
from .. import lock as lock_mod


class _LogOut(object):
    def __init__(self, log):
        self.log = log

    def stdout(self, line):
        self.log.info(line)


class _PlainOut(object):
    def stdout(self, line):
        import sys
        sys.stdout.write(line + "\n")
        sys.stdout.flush()


def _lockdir(host, gparam=None):
    if gparam is not None and gparam.lockdir:
        return gparam.lockdir
    return host.lockdir


def ct_lock(run):
    return lock_mod.CtLock(_lockdir(run.host, run.gparam), run.veid, _LogOut(run.log),
                           messages=lock_mod.MESSAGES[run.host.flavour])


def lock_for(host, veid):
    return lock_mod.CtLock(_lockdir(host), veid, _PlainOut(), messages=lock_mod.MESSAGES[host.flavour])
