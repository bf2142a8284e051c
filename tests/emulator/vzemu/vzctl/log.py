"""vzctl's logger (src/lib/logger.c of vzctl 4.x).

``logger(level, msg)``: level < 0 goes to stderr, >= 0 to stdout, shown when
the console verbosity is >= level and --quiet is not given.  Every message
whose level is <= LOG_LEVEL is also appended to LOGFILE as
``<date> vzctl : CT <id> : <msg>``.  ``raw_err`` is for the messages vzctl
prints with fprintf(stderr) (usage errors), which --quiet does not silence.
"""
import errno as errno_mod
import os
import sys
import time


class Logger(object):
    def __init__(self):
        self.verbose = 0
        self.quiet = False
        self.level = 0
        self.logfile = None
        self.veid = None
        self.prog = "vzctl"
        # None: sys.stdout/sys.stderr; else an object with out(text) and
        # err(text) (vzlist's byte console: it runs the same logger)
        self.console = None
        self._fp = None

    def setup_file(self, path, veid, level):
        self.logfile = path
        self.veid = veid
        self.level = level

    def _write_file(self, msg):
        if not self.logfile:
            return
        try:
            if self._fp is None:
                self._fp = open(self.logfile, "a", encoding="utf-8", errors="surrogateescape")
            stamp = time.strftime("%Y-%m-%dT%H:%M:%S%z", time.localtime())
            prefix = "%s %s : " % (stamp, self.prog)
            if self.veid:
                prefix += "CT %s : " % self.veid
            self._fp.write(prefix + msg + "\n")
            self._fp.flush()
        except OSError:
            self.logfile = None

    def log(self, level, msg, err=None):
        if err is not None:
            msg = "%s: %s" % (msg, os.strerror(err))
        if not self.quiet and self.verbose >= level:
            if self.console is not None:
                (self.console.err if level < 0 else self.console.out)(msg + "\n")
            else:
                stream = sys.stderr if level < 0 else sys.stdout
                stream.write(msg + "\n")
                stream.flush()
        if self.level >= level:
            self._write_file(msg)

    def info(self, msg, err=None):
        self.log(0, msg, err)

    def error(self, msg, err=None):
        self.log(-1, msg, err)

    def raw_err(self, msg):
        sys.stderr.write(msg + "\n")
        sys.stderr.flush()

    def raw_out(self, text):
        sys.stdout.write(text)
        sys.stdout.flush()


ENOENT = errno_mod.ENOENT
