"""vzctl exit codes (include/vzerror.h of vzctl 4.x; libvzctl keeps most numbers)."""

E_SETUBC = 1
E_SYSTEM = 3
E_EXEC = 8
E_LOCKED = 9
E_NOVECONFIG = 14
E_INVALSYNTAX = 20
E_INVAL = 21
E_NOTRUN = 31
E_RUN = 32
E_STOP = 33
E_CANTADDIP = 34
E_NOTMOUNTED = 40
E_MOUNTED = 41
E_NOVEPRIVATE = 43
E_VEPRIVATE_EXISTS = 44
E_NOTEMPLATE = 91
E_PLOOP_UNSUP = 99
E_DISABLED = 105
E_CONFIGCOPY = 82
E_SETNAME_LEGACY = 131
E_SETNAME_VZ7 = 137


class VzError(Exception):
    """A failure the tool reports with a message and an exit code.

    ``lines`` go to stderr unless ``stream`` is "stdout" (vzctl prints some
    refusals, e.g. destroying a running CT, on stdout).
    """

    def __init__(self, rc, lines, stream="stderr"):
        super().__init__(lines)
        self.rc = rc
        self.lines = [lines] if isinstance(lines, str) else list(lines)
        self.stream = stream
