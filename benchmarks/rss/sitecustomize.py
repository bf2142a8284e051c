"""Peak RSS of a module process (make bench only).

A play of the benchmark puts this directory on PYTHONPATH, through the task's
`environment`, so only the module processes import it (the controller's
environment is left alone; the emulated tools run `python3 -S` and never
import it). At exit each one appends its own ru_maxrss (getrusage
RUSAGE_SELF: the largest resident set of this process alone, not of the
tools it started) to the file named by OPENVZ_BENCH_RSS_LOG.
"""

import atexit
import json
import os
import resource
import sys

_LOG = os.environ.get("OPENVZ_BENCH_RSS_LOG")


def _report():
    usage = resource.getrusage(resource.RUSAGE_SELF)
    record = {"pid": os.getpid(), "maxrss_kib": usage.ru_maxrss, "argv0": (sys.argv or [""])[0],
              "cpu_s": usage.ru_utime + usage.ru_stime,
              "lxml": "lxml.etree" in sys.modules}
    with open(_LOG, "a", encoding="utf-8") as handle:
        handle.write(json.dumps(record) + "\n")


if _LOG:
    atexit.register(_report)
