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
# OpenVZ 7 vzctl's own commands the stand-in has
VZ7_COMMANDS = {
    "register": ("lifecycle", "register", False),
    "unregister": ("lifecycle", "unregister", False),
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
        self.ident = None       # the CT id as given (vz7 getopt's argv[0])

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


def _prelude_legacy(run, argv):
    """vzctl 4.x main() up to the configs: global options, the command, the
    CT id.  Returns (exit code or None, the command table)."""
    host, log, out = run.host, run.log, run.out
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
            return 0, None
        elif opt == "--skiplock":
            run.skiplock = True
        else:
            break
        args.pop(0)
    if not args:
        out.stderr(run.msg("version"))
        out.stderr(USAGE)
        return 20, None
    action = args[0]
    log.quiet = quiet
    log.verbose = verbose
    if action == "--help":
        out.stdout(run.msg("version"))
        out.stdout(USAGE)
        return 0, None
    table = dict(COMMANDS)
    if host.ploop:
        table.update(PLOOP_COMMANDS)
    if action not in table:
        out.stderr("Bad command: %s" % action)
        return 20, None
    run.action = action
    if action in ("status", "snapshot-list"):
        log.verbose = -1
        verbose_custom = True
    if len(args) < 2:
        out.stderr(run.msg("ctid_missing"))
        return 21, None
    ident = args[1]
    veid = _parse_veid(ident)
    if veid is None:
        run.name = ident
        veid = veid_by_name(ident)
    if veid < 0 or veid > VEID_MAX:
        out.stderr("Bad CT ID %s" % ident)
        return 21, None
    run.veid = veid
    run.argv = args[2:]
    run.verbose_custom = verbose_custom
    return None, table


def _strncomp(arg, literal):
    """vzctl 7 config.h STRNCOMP(): strncmp(arg, literal, strlen(literal))."""
    return arg.startswith(literal)


def _prelude_vz7(run, argv):
    """OpenVZ 7 vzctl src/vzctl.c main() up to the configs: global options,
    the command, the CT id (vzctl2_get_envid_by_name(), then
    vzctl2_parse_ctid(); create and register take only an id).  Returns
    (exit code or None, the command table)."""
    from . import config as cfg
    log, out = run.log, run.out
    args = list(argv)
    verbose = 0
    quiet = False
    while args:
        opt = args[0]
        if _strncomp(opt, "--verbose"):
            verbose = 5
        elif _strncomp(opt, "--quiet"):
            quiet = True
        elif _strncomp(opt, "--help"):
            out.stdout(run.msg("usage"))
            return 0, None
        elif _strncomp(opt, "--version"):
            out.stdout(run.msg("version"))
            return 0, None
        elif opt == "--skiplock":
            run.skiplock = True
        elif opt in ("--skipowner", "--ignore-ha-cluster"):
            pass
        else:
            break
        args.pop(0)
    if not args:
        out.stdout(run.msg("usage"))
        return 20, None
    action = args[0]
    table = dict(COMMANDS)
    table.update(PLOOP_COMMANDS)
    table.update(VZ7_COMMANDS)
    if action == "--help":
        out.stdout(run.msg("usage"))
        return 0, None
    if action in ("quotaon", "quotaoff", "quotainit"):
        out.stderr("Warning: The '%s' action is deprecated" % action)
        return 0, None
    if action not in table:
        out.stderr("Bad command: %s" % action)
        return 20, None
    run.action = action
    log.quiet = quiet
    log.verbose = verbose
    run.verbose_custom = bool(verbose)
    if action in ("status", "snapshot-list", "exec", "exec2", "exec3", "runscript"):
        log.verbose = -1
        run.verbose_custom = True
    if action == "snapshot-list":
        log.quiet = True
    rest = args[1:]
    if action == "register":
        if not rest:
            out.stderr("Usage: vzctl register <path>")
            return 20, None
        run.register_path = rest.pop(0)
        if not rest:
            run.veid = None
            run.argv = []
            return None, table
    if not rest:
        out.stderr(run.msg("ctid_missing"))
        return 21, None
    ident = rest[0]
    run.ident = ident
    if action in ("create", "register"):
        ctid = cfg.parse_ctid_vz7(ident)
    else:
        ctid = envid_by_name_vz7(ident, log)
        if ctid is None:
            ctid = cfg.parse_ctid_vz7(ident)
    if ctid is None:
        out.stderr("Invalid ctid is specified: %s" % ident)
        return 21, None
    run.veid = int(ctid) if ctid.isdigit() else ctid
    run.argv = rest[1:]
    return None, table


def envid_by_name_vz7(name, log=None):
    """libvzctl vz.c vzctl2_get_envid_by_name(): the CTID whose config the
    name link /etc/vz/names/NAME points to (its VEID=, when its NAME= is
    this name), else ``name`` itself if it is a CTID with a config; None."""
    from . import config as cfg
    by_ctid = None
    ctid = cfg.parse_ctid_vz7(name)
    if ctid is not None and os.path.isfile(paths.ct_conf_path(ctid)):
        by_ctid = ctid
    link = os.path.join(paths.NAMES_DIR, name)
    if "/" in name or not os.path.isfile(link):
        return by_ctid
    values = cfg.raw_values_vz7(link)
    if values.get("NAME") != name:
        return None
    veid = values.get("VEID")
    found = cfg.parse_ctid_vz7(veid) if veid is not None else None
    if found is None:
        if log is not None:
            log.error("Unable to get ctid by name %s: invalid VEID=%s"
                      % (name, veid if veid is not None else "(null)"))
        return None
    return found


def main(host, argv, out):
    log = log_mod.Logger()
    run = Run(host, log, out)
    prelude = _prelude_legacy if host.legacy else _prelude_vz7
    rc, table = prelude(run, argv)
    if rc is not None:
        return rc
    veid, action = run.veid, run.action
    verbose_custom = run.verbose_custom

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

    if host.legacy and veid == 0 and action != "set":
        out.stderr("Only set actions are allowed for CT0")
        return 21

    if veid is None:    # vz7 register <path> without an id
        run.conf_path = None
    else:
        run.conf_path = paths.ct_conf_path(veid)
    run.vps_p = cfg.Params()
    if run.conf_path is not None and os.path.exists(run.conf_path):
        run.conf_exists = True
        rc = cfg.load_conf(run.conf_path, veid, run.vps_p, host, log)
        if rc:
            return 10
        if run.name is not None and run.vps_p.name is not None and run.name != run.vps_p.name:
            log.error("Unable to find container by name %s" % run.name)
            return 21
        # do not use the layout from the global config, autodetect it
        gparam.layout = None
    elif action not in (("create", "status", "set") if host.legacy else
                        ("create", "status", "set", "stop", "register")):
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


def fault_lock(host, argv):
    """The CT lock a fault with ``hold_lock`` holds while it sleeps (cli.py)."""
    args = list(argv)
    while args and args[0] in ("--verbose", "--quiet", "--skiplock", "--skipowner"):
        args.pop(0)
    if len(args) < 2:
        return None
    ident = args[1]
    if not host.legacy:
        from .config import parse_ctid_vz7
        ctid = envid_by_name_vz7(ident) or parse_ctid_vz7(ident)
        if ctid is None:
            return None
        from . import locking
        return locking.lock_for(host, int(ctid) if ctid.isdigit() else ctid)
    from ..cstr import parse_int
    veid = parse_int(ident)
    if veid is None:
        veid = veid_by_name(ident)
        if veid < 0:
            veid = ident
    from . import locking
    return locking.lock_for(host, veid)


main.fault_lock = fault_lock
