"""Option tables of vzctl 4.x (set_opt[], create_options[] ... in
src/vzctl-actions.c) and parse_opt(): each option goes through
config.parse(); errors are reported as vzctl does."""
from .. import cstr
from . import config as cfg
from ..getopt import NO_ARG, REQ_ARG, GetoptError, Getopt, LongOpt

R, N = REQ_ARG, NO_ARG

SET_OPTIONS = [
    ("save", N, "SAVE"), ("force", N, "FORCE"), ("applyconfig", R, "APPLYCONFIG"),
    ("applyconfig_map", R, "APPLYCONFIG_MAP"), ("reset_ub", N, "RESET_UB"),
    ("iptables", R, "IPTABLES"), ("netfilter", R, "NETFILTER"),
] + [(key.lower(), R, key) for key in cfg.UBC_KEYS] + [
    ("vm_overcommit", R, "VM_OVERCOMMIT"), ("capability", R, "CAPABILITY"),
    ("ipadd", R, "IP_ADDRESS"), ("ip", R, "IP_ADDRESS"), ("ipdel", R, "IPDEL"),
    ("skip_arpdetect", N, "SKIP_ARPDETECT"), ("netdev_add", R, "NETDEV"),
    ("netdev_del", R, "NETDEV_DEL"), ("hostname", R, "HOSTNAME"),
    ("nameserver", R, "NAMESERVER"), ("searchdomain", R, "SEARCHDOMAIN"),
    ("userpasswd", R, "USERPW"), ("devices", R, "DEVICES"), ("devnodes", R, "DEVNODES"),
    ("pci_add", R, "PCI"), ("pci_del", R, "PCI_DEL"), ("root", R, "VE_ROOT"),
    ("private", R, "VE_PRIVATE"), ("mount_opts", R, "MOUNT_OPTS"),
    ("ostemplate", R, "OSTEMPLATE"), ("cpuunits", R, "CPUUNITS"),
    ("cpuweight", R, "CPUWEIGHT"), ("cpulimit", R, "CPULIMIT"), ("cpus", R, "CPUS"),
    ("cpumask", R, "CPUMASK"), ("nodemask", R, "NODEMASK"), ("onboot", R, "ONBOOT"),
    ("setmode", R, "SETMODE"), ("disabled", R, "DISABLED"), ("diskquota", R, "DISK_QUOTA"),
    ("diskspace", R, "DISKSPACE"), ("diskinodes", R, "DISKINODES"),
    ("quotatime", R, "QUOTATIME"), ("quotaugidlimit", R, "QUOTAUGIDLIMIT"),
    ("meminfo", R, "MEMINFO"), ("netif_add", R, "NETIF_ADD"), ("netif_del", R, "NETIF_DEL"),
    ("mac_filter", R, "MAC_FILTER"), ("mac", R, "MAC"), ("ifname", R, "IFNAME"),
    ("host_mac", R, "HOST_MAC"), ("host_ifname", R, "HOST_IFNAME"), ("bridge", R, "BRIDGE"),
    ("name", R, "NAME"), ("features", R, "FEATURES"), ("ioprio", R, "IOPRIO"),
    ("iolimit", R, "IOLIMIT_MB"), ("iopslimit", R, "IOPSLIMIT"),
    ("description", R, "DESCRIPTION"), ("bootorder", R, "BOOTORDER"), ("ram", R, "RAM"),
    ("swap", R, "SWAP"), ("stop-timeout", R, "STOP_TIMEOUT"),
    ("offline-resize", N, "OFFLINE_RESIZE"), ("offline", N, "OFFLINE_RESIZE"),
]

CREATE_OPTIONS = [
    ("ostemplate", R, "OSTEMPLATE"), ("config", R, "CONFIG"), ("private", R, "VE_PRIVATE"),
    ("root", R, "VE_ROOT"), ("ipadd", R, "IP_ADDRESS"), ("hostname", R, "HOSTNAME"),
    ("name", R, "NAME"), ("description", R, "DESCRIPTION"), ("layout", R, "VE_LAYOUT"),
    ("ve_layout", R, "VE_LAYOUT"), ("velayout", R, "VE_LAYOUT"),
    ("diskspace", R, "DISKSPACE"), ("diskinodes", R, "DISKINODES"),
    ("local_uid", R, "LOCAL_UID"), ("local_gid", R, "LOCAL_GID"),
]

SNAPSHOT_CREATE_OPTIONS = [
    ("id", R, "SNAPSHOT_GUID"), ("uuid", R, "SNAPSHOT_GUID"), ("name", R, "SNAPSHOT_NAME"),
    ("description", R, "SNAPSHOT_DESC"), ("skip-suspend", N, "SKIP_SUSPEND"),
    ("skip-config", N, "SKIP_CONFIG"),
]
SNAPSHOT_SWITCH_OPTIONS = [
    ("id", R, "SNAPSHOT_GUID"), ("uuid", R, "SNAPSHOT_GUID"),
    ("skip_arpdetect", N, "SKIP_ARPDETECT"), ("skip-resume", N, "SKIP_RESUME"),
    ("skip-config", N, "SKIP_CONFIG"), ("must-resume", N, "MUST_RESUME"),
]
SNAPSHOT_DELETE_OPTIONS = [("id", R, "SNAPSHOT_GUID"), ("uuid", R, "SNAPSHOT_GUID")]
SNAPSHOT_MOUNT_OPTIONS = SNAPSHOT_DELETE_OPTIONS + [("target", R, "SNAPSHOT_TARGET")]

# parse_opt()'s short options (PARAM_LINE "e:p:f:t:i:l:k:a:b:n:x:h")
SHORT_LINE = "e:p:f:t:i:l:k:a:b:n:x:h"
SHORT = {"e": "NUMIPTENT", "p": "NUMPROC", "f": "NUMFLOCK", "t": "NUMPTY",
         "i": "NUMSIGINFO", "l": "LOCKEDPAGES", "k": "KMEMSIZE", "b": "TCPRCVBUF",
         "n": "NUMFILE", "x": "DCACHESIZE"}


def longopts(table):
    return [LongOpt(name, has_arg, key) for name, has_arg, key in table]


def parse_opt(run, table, short=False):
    """parse_opt(): returns 0 or an exit code; fills run.cmd_p."""
    log = run.log
    ctx = cfg.Ctx(run.veid, run.host, log, True)
    getter = Getopt(run.argv, longopts(table), log.raw_err,
                    optstring=SHORT_LINE if short else "")
    try:
        for opt, value, spelled in getter:
            if isinstance(opt, str):
                key = SHORT.get(opt)
                if key is None:
                    log.error("Invalid option -%s" % opt)
                    return 20
            else:
                key = opt.key
            if key == "CAPABILITY" and not run.legacy and table is SET_OPTIONS:
                # OpenVZ 7 vzctl ParseSetOptions(): warned about and ignored
                log.raw_err("Warning: The --capability option is deprecated")
                continue
            if key == "NAME" and not run.legacy:
                # OpenVZ 7 vzctl: strdup(optarg), the last one wins; the
                # name is judged later by vzctl2_set_name() (apply.set_name)
                run.cmd_p.name = value if value is not None else ""
                continue
            ret = cfg.parse(run.cmd_p, key, value if value is not None else "", ctx)
            if ret in (0, cfg.ERR_DUP):
                continue
            if ret in (cfg.ERR_INVAL, cfg.ERR_INVAL_SKIP, cfg.ERR_LONG_TRUNC):
                shown = cstr.strtok_view(value, cfg.STRTOK[key]) if key in cfg.STRTOK else value
                if isinstance(opt, str):
                    log.error("Bad parameter for -%s : %s" % (opt, shown))
                else:
                    log.error("Bad parameter for %s: %s" % (spelled, shown))
                return 21
            if ret == cfg.ERR_UNK:
                log.error("Invalid option %s" % spelled)
                return 20
            if ret == cfg.ERR_OTHER:
                log.error("Error parsing options")
                return 3
    except GetoptError:
        return 21
    if getter.rest:
        log.raw_err("Invalid extra arguments: " + "".join("%s " % a for a in getter.rest))
        return 20
    return 0
