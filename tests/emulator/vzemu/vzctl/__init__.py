"""The emulated ``vzctl``: global options, command dispatch, CT id, configs.

Mirrors ``main()`` of vzctl 4.x (src/vzctl.c) and, for the ``vz7`` flavour,
OpenVZ 7's vzctl (OpenVZ/vzctl src/vzctl.c): option parsing comes before the
CT0 and config-file checks, the config is parsed (with its warnings) before
the command runs, and every command except status/exec/enter takes the CT
lock.  Command modules are imported lazily to keep start-up fast.
"""
import os

from .. import paths
from ..errors import VzError
from . import log as log_mod
from . import messages

VEID_MAX = 2147483644

# command -> (module, function, takes lock)
COMMANDS = {
    "set": ("setcmd", "run", True),
    "create": ("create", "run", True),
    "start": ("lifecycle", "start", True),
    "stop": ("lifecycle", "stop", True),
    "restart": ("lifecycle", "restart", True),
    "destroy": ("lifecycle", "destroy", True),
    "delete": ("lifecycle", "destroy", True),
    "mount": ("lifecycle", "mount", True),
    "umount": ("lifecycle", "umount", True),
    "status": ("lifecycle", "status", False),
    "exec": ("execcmd", "exec_", False),
    "exec2": ("execcmd", "exec_", False),
    "exec3": ("execcmd", "exec_", False),
    "enter": ("execcmd", "enter", False),
    "console": ("execcmd", "console", False),
    "runscript": ("execcmd", "runscript", True),
    "suspend": ("cpt", "suspend", True),
    "chkpnt": ("cpt", "suspend", True),
    "resume": ("cpt", "resume", True),
    "restore": ("cpt", "resume", True),
    "quotaon": ("lifecycle", "quota", True),
    "quotaoff": ("lifecycle", "quota", True),
    "quotainit": ("lifecycle", "quota", True),
}
PLOOP_COMMANDS = {
    "snapshot": ("snapshot", "create", True),
    "snapshot-switch": ("snapshot", "switch", True),
    "snapshot-delete": ("snapshot", "delete", True),
    "snapshot-list": ("snapshot", "list_", True),
    "snapshot-mount": ("snapshot", "mount", True),
    "snapshot-umount": ("snapshot", "umount", True),
    "convert": ("lifecycle", "convert", True),
    "compact": ("lifecycle", "compact", True),
}
VZ7_ONLY = {"pause", "register", "unregister", "reinstall", "unset", "tsnapshot",
            "tsnapshot-delete", "setrate", "monitor", "execaction"}

USAGE = """Copyright (C) 2000-2013, Parallels, Inc.
This program may be distributed under the terms of the GNU GPL License.

Usage: vzctl [options] <command> <ctid> [parameters]

vzctl create <ctid> [--ostemplate <name>] [--config <name>]
   [--layout ploop|simfs] [--hostname <name>] [--name <name>] [--ipadd <addr>]
   [--diskspace <kbytes>] [--diskinodes <NUM> [--private <path>] [--root <path>]
   [--local_uid <UID>] [--local_gid <GID>]
vzctl start <ctid> [--force] [--wait] [--skip-fsck] [--skip-remount]
vzctl destroy | mount | umount | stop | restart | status <ctid>
vzctl quotaon | quotaoff | quotainit <ctid>
vzctl console <ctid> [ttyno]
vzctl enter <ctid> [--exec <command> [arg ...]]
vzctl exec | exec2 <ctid> <command> [arg ...]
vzctl runscript <ctid> <script>
vzctl suspend | resume <ctid> [--dumpfile <name>]
vzctl set <ctid> [--save] [--force] [--setmode restart|ignore]
   [UBC parameters and others, see vzctl(8)]"""


class Run(object):
    """Everything one invocation knows: host, logger, CT id, parsed configs."""

    def __init__(self, host, log, out):
        self.host = host
        self.log = log
        self.out = out
        self.action = None
        self.veid = None
        self.name = None
        self.argv = []
        self.skiplock = False
        self.gparam = None      # vz.conf, then merged with the CT config
        self.vps_p = None       # the CT config alone
        self.cmd_p = None       # the command line
        self.conf_path = None
        self.conf_exists = False

    @property
    def legacy(self):
        return self.host.legacy

    def msg(self, key, *args):
        """This flavour's wording of message ``key`` (vzctl/messages.py)."""
        text = messages.TABLES[self.host.flavour][key]
        return text % args if args else text

    def rc(self, key):
        """This flavour's exit code for ``key`` (vzctl/messages.py)."""
        return messages.TABLES[self.host.flavour]["rc_" + key]

    def lock(self):
        from . import locking
        return locking.ct_lock(self)


def _import(module):
    import importlib
    return importlib.import_module("%s.%s" % (__name__, module))


def _parse_veid(text):
    from ..cstr import parse_int
    value = parse_int(text)
    return value


def veid_by_name(name):
    link = os.path.join(paths.NAMES_DIR, name)
    if not os.path.exists(link):
        return -1
    try:
        content = os.readlink(link)
    except OSError:
        return -1
    base = content.rsplit("/", 1)[-1]
    digits = ""
    for ch in base:
        if ch.isdigit() or (not digits and ch in "+-"):
            digits += ch
        else:
            break
    if digits and base[len(digits):].startswith(".conf"):
        try:
            return int(digits)
        except ValueError:
            return -1
    return -1


def main(host, argv, out):
    log = log_mod.Logger()
    run = Run(host, log, out)
    args = list(argv)
    verbose = 0
    verbose_custom = False
    quiet = False
    while args:
        opt = args[0]
        if opt == "--verbose":
            verbose += 1
            verbose_custom = True
        elif opt == "--quiet":
            quiet = True
        elif opt == "--version":
            out.stdout(run.msg("version"))
            return 0
        elif opt == "--skiplock":
            run.skiplock = True
        elif not host.legacy and opt in ("--skipowner", "--ignore-ha-cluster"):
            pass
        else:
            break
        args.pop(0)
    if not args:
        out.stderr(run.msg("version"))
        out.stderr(USAGE)
        return 20
    action = args[0]
    log.quiet = quiet
    log.verbose = verbose
    if action == "--help":
        out.stdout(run.msg("version"))
        out.stdout(USAGE)
        return 0
    table = dict(COMMANDS)
    if host.ploop or not host.legacy:
        table.update(PLOOP_COMMANDS)
    if not host.legacy and action in ("quotaon", "quotaoff", "quotainit"):
        out.stderr("Warning: The '%s' action is deprecated" % action)
        return 0
    if action not in table:
        out.stderr("Bad command: %s" % action)
        return 20
    run.action = action
    if action in ("status", "snapshot-list"):
        log.verbose = -1
        verbose_custom = True
    if len(args) < 2:
        out.stderr(run.msg("ctid_missing"))
        return 21
    ident = args[1]
    veid = _parse_veid(ident)
    if veid is None:
        run.name = ident
        veid = veid_by_name(ident)
        if veid < 0 and not host.legacy and action == "create" and _valid_vz7_ctid(ident):
            veid = ident
    if host.legacy:
        if veid < 0 or veid > VEID_MAX:
            out.stderr("Bad CT ID %s" % ident)
            return 21
    else:
        if isinstance(veid, int) and (veid < 0 or veid > VEID_MAX):
            if not _valid_vz7_ctid(ident):
                out.stderr("Invalid ctid is specified: %s" % ident)
                return 21
            veid = ident
            run.name = None
    run.veid = veid
    run.argv = args[2:]

    from . import config as cfg
    # Global config (vz.conf)
    gparam = cfg.Params()
    if not os.path.exists(paths.VZ_CONF):
        log.error("Unable to open %s" % paths.VZ_CONF, log_mod.ENOENT)
        return 10
    cfg.load_conf(paths.VZ_CONF, veid, gparam, host, log)
    logfile = gparam.logfile
    log.setup_file(logfile, veid, gparam.log_level if gparam.log_level is not None else 0)
    if not verbose_custom and gparam.verbose is not None:
        log.verbose = max(gparam.verbose, -1)
    run.gparam = gparam

    module_name, func_name, locks = table[action]
    module = _import(module_name)
    parse_fn = getattr(module, "parse_" + func_name.rstrip("_"), None)
    run.cmd_p = cfg.Params()
    if parse_fn is not None:
        rc = parse_fn(run)
        if rc:
            return rc

    if veid == 0 and action != "set":
        out.stderr("Only set actions are allowed for CT0")
        return 21

    run.conf_path = paths.ct_conf_path(veid)
    run.vps_p = cfg.Params()
    if os.path.exists(run.conf_path):
        run.conf_exists = True
        rc = cfg.load_conf(run.conf_path, veid, run.vps_p, host, log)
        if rc:
            return 10
        if run.name is not None and run.vps_p.name is not None and run.name != run.vps_p.name:
            log.error("Unable to find container by name %s" % run.name)
            return 21
        # do not use the layout from the global config, autodetect it
        gparam.layout = None
    elif action not in ("create", "status", "set"):
        log.error(run.msg("conf_missing"))
        return 14
    cfg.merge(gparam, run.vps_p)
    if run.cmd_p.ipv6_net is not None:
        pass
    func = getattr(module, func_name)
    if not locks or run.skiplock:
        return func(run) or 0
    lock = run.lock()
    try:
        lock.acquire()
    except VzError as exc:
        for line in exc.lines:
            log.error(line)
        return exc.rc
    try:
        return func(run) or 0
    finally:
        lock.release()


def _valid_vz7_ctid(text):
    from .config import normalize_guid
    if normalize_guid(text) is not None:
        return True
    return bool(text) and len(text) <= 36 and all(c.isalnum() or c in "-_" for c in text) \
        and not text.isdigit()


def fault_lock(host, argv):
    """The CT lock a fault with ``hold_lock`` holds while it sleeps (cli.py)."""
    args = list(argv)
    while args and args[0] in ("--verbose", "--quiet", "--skiplock", "--skipowner"):
        args.pop(0)
    if len(args) < 2:
        return None
    ident = args[1]
    from ..cstr import parse_int
    veid = parse_int(ident)
    if veid is None:
        veid = veid_by_name(ident)
        if veid < 0:
            veid = ident
    from . import locking
    return locking.lock_for(host, veid)


main.fault_lock = fault_lock
