"""suspend/chkpnt and resume/restore (vzctl 4.x src/vzctl-actions.c
chkpnt()/restore(), src/lib/cpt.c, src/lib/hooks_vz.c).  The "dump" is a
small file at DUMPDIR/Dump.CTID (or --dumpfile) recording the CT's state;
nothing is really checkpointed."""
import json
import os
import time

from . import fsops
from ..getopt import GetoptError, Getopt, LongOpt, NO_ARG, REQ_ARG

CHKPNT = [("dump", NO_ARG), ("suspend", NO_ARG), ("resume", NO_ARG), ("kill", NO_ARG),
          ("skip_arpdetect", NO_ARG), ("flags", REQ_ARG), ("context", REQ_ARG),
          ("dumpfile", REQ_ARG)]
RESTORE = [("undump", NO_ARG), ("kill", NO_ARG), ("resume", NO_ARG), ("dumpfile", REQ_ARG),
           ("flags", REQ_ARG), ("context", REQ_ARG), ("skip_arpdetect", NO_ARG),
           ("skip-remount", NO_ARG), ("skip-fsck", NO_ARG)]
SUBCMDS = {"dump", "suspend", "resume", "kill", "undump"}


def _parse(run, table, default):
    getter = Getopt(run.argv, [LongOpt(n, a, n) for n, a in table], run.log.raw_err)
    run.cpt_cmd = None
    run.dumpfile = None
    try:
        for opt, value, _given in getter:
            if opt.name in SUBCMDS:
                if run.cpt_cmd:
                    run.log.error("Invalid syntax: only one sub command may be used")
                    return 20
                run.cpt_cmd = opt.name
            elif opt.name == "dumpfile":
                run.dumpfile = value
    except GetoptError:
        return 20
    if getter.rest:
        run.log.raw_err("Invalid extra arguments: " + "".join("%s " % a for a in getter.rest))
        return 20
    run.cpt_cmd = run.cpt_cmd or default
    return 0


def parse_suspend(run):
    return _parse(run, CHKPNT, "chkpnt")


def parse_resume(run):
    return _parse(run, RESTORE, "restore")


def _default_dump(run):
    dumpdir = run.gparam.dumpdir or run.host.dumpdir
    return os.path.join(dumpdir, "Dump.%s" % run.veid)


def suspend(run):
    log = run.log
    if not run.gparam.root:
        log.error("Container root (VE_ROOT) is not set")
        return 22
    if not fsops.is_running(run.veid):
        log.error(run.msg("suspend_not_running"))
        return 31
    dump = run.dumpfile or _default_dump(run)
    cmd = run.cpt_cmd
    if cmd in ("kill", "resume"):
        log.info("Killing..." if cmd == "kill" else "Resuming...")
        if cmd == "kill":
            fsops.set_running(run.veid, False)
        return 0
    log.info("Setting up checkpoint...")
    if cmd in ("chkpnt", "suspend"):
        log.info("\tsuspend...")
    if cmd in ("chkpnt", "dump"):
        log.info("\tdump...")
        os.makedirs(os.path.dirname(dump), exist_ok=True)
        with open(dump, "w") as handle:
            json.dump({"veid": str(run.veid), "time": time.time(), "ip": run.gparam.ip,
                       "start": fsops.running_start(run.veid)}, handle)
    if cmd == "chkpnt":
        log.info("\tkill...")
    if cmd == "suspend":
        log.info("\tget context...")
    log.info("Checkpointing completed successfully")
    if cmd == "chkpnt":
        fsops.set_running(run.veid, False)
        from .lifecycle import do_umount
        return do_umount(run)
    return 0


def resume(run):
    dump = run.dumpfile or _default_dump(run)
    if run.cpt_cmd in ("kill", "resume"):
        run.log.info("Killing..." if run.cpt_cmd == "kill" else "Resuming...")
        return 0
    return do_restore(run, dump, unlink=run.dumpfile is None)


def _dumped_start(dump):
    try:
        with open(dump) as handle:
            start = json.load(handle).get("start")
    except (OSError, ValueError, AttributeError):
        start = None
    return start if isinstance(start, (int, float)) else time.time()


def do_restore(run, dump, unlink=True):
    log = run.log
    if fsops.is_running(run.veid):
        log.error("Unable to perform restore: container already running")
        return 32
    log.info("Restoring container ...")
    if not os.path.exists(dump):
        log.error("Unable to open %s" % dump, 2)
        return 17
    g = run.gparam
    if not os.path.isdir(g.root or "") or not fsops.is_mountpoint(g.root):
        from .lifecycle import do_mount
        rc = do_mount(run)
        if rc:
            return rc
    log.info("\tundump...")
    log.info("\tresume...")
    # The processes in the image go on: the CT keeps the start time it was dumped with.
    fsops.set_running(run.veid, True, json.dumps({"start": _dumped_start(dump), "ip": g.ip}))
    log.info("Restoring completed successfully")
    if unlink:
        try:
            os.unlink(dump)
        except OSError:
            pass
    return 0
