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


# ---------------------------------------------------------------- vz7
# OpenVZ 7 vzctl src/vzctl.c set_options[] / create_options[]: (name,
# has_arg, key).  Keys in envconf.HANDLED (or VE_ROOT/VE_PRIVATE/...) go to
# libvzctl's add_env_param() (vzctl_add_env_param_by_id()); "@..." keys are
# vzctl's own.
VZ7_SET_OPTIONS = [
    ("save", N, "@SAVE"), ("vetype", R, "@VETYPE"), ("ext_ipadd", R, "@EXT_IP"),
    ("ext_ipdel", R, "@EXT_IP"), ("skip_arpdetect", N, "@SKIP_ARPDETECT"),
    ("userpasswd", R, "@USERPW"), ("noatime", R, "@NOATIME"), ("crypted", N, "@CRYPTED"),
    ("reset_ub", N, "@RESET_UB"), ("mount_opts", R, "@MOUNT_OPTS"),
    ("apply_iponly", R, "APPLY_IPONLY"), ("apply-iponly", R, "APPLY_IPONLY"),
    ("setmode", R, "@SETMODE"), ("ostemplate", R, "@OSTEMPLATE"),
    ("distribution", R, "@DISTRIBUTION"),
    ("device-add", R, "@DISK"), ("size", R, "@SIZE"), ("image", R, "@DISK"),
    ("device", R, "@DISK"), ("device-uuid", R, "@DISK"), ("mnt", R, "@DISK"),
    ("offline", N, "@DISK"), ("storage-url", R, "@DISK"), ("encryption-keyid", R, "@DISK"),
    ("reencrypt", N, "@DISK"), ("wipe", N, "@DISK"), ("recreate", N, "@DISK"),
    ("enable", N, "@DISK"), ("disable", N, "@DISK"), ("device-del", R, "@DISK"),
    ("detach-only", N, "@DISK"), ("detach", N, "@DISK"), ("device-set", R, "@DISK"),
    ("applyconfig", R, "@APPLYCONFIG"), ("applyconfig_map", R, "@APPLYCONFIG_MAP"),
    ("netif_add", R, "NETIF_ADD"), ("netif_del", R, "NETIF_DEL"),
    ("netif_mac_renew", N, "@MAC_RENEW"), ("default_gateway", R, "@DEF_GW"),
    ("default_gw", R, "@DEF_GW"), ("ifname", R, "NETIF_IFNAME"), ("mac", R, "NETIF_MAC"),
    ("host_mac", R, "NETIF_HOST_MAC"), ("host_ifname", R, "NETIF_HOST_IFNAME"),
    ("gateway", R, "NETIF_GW"), ("gw", R, "NETIF_GW"), ("gateway6", R, "NETIF_GW6"),
    ("gw6", R, "NETIF_GW6"), ("network", R, "NETIF_NETWORK"), ("dhcp", R, "NETIF_DHCP"),
    ("dhcp6", R, "NETIF_DHCP6"), ("mac_filter", R, "NETIF_MAC_FILTER"),
    ("configure", R, "NETIF_CONFIGURE_MODE"), ("nettype", R, "NETIF_NETTYPE"),
    ("vporttype", R, "NETIF_VPORT_TYPE"),
    ("bindmount_add", R, "BINDMOUNT"), ("bindmount-add", R, "BINDMOUNT"),
    ("bindmount_del", R, "BINDMOUNT_DEL"), ("bindmount-del", R, "BINDMOUNT_DEL"),
    ("onboot", R, "ONBOOT"), ("autostopt", R, "AUTOSTOP"), ("root", R, "VE_ROOT"),
    ("private", R, "VE_PRIVATE"), ("ip", R, "@IP_ADD"), ("ipadd", R, "@IP_ADD"),
    ("ipdel", R, "@IP_DEL"), ("diskspace", R, "@SIZE"), ("diskinodes", R, "DISKINODES"),
    ("quotatime", R, "QUOTATIME"), ("quotaugidlimit", R, "QUOTAUGIDLIMIT"),
    ("journalled_quota", R, "JOURNALED_QUOTA"), ("jquota", R, "JOURNALED_QUOTA"),
    ("slmmemorylimit", R, "SLMMEMORYLIMIT"), ("slmmode", R, "SLMMODE"),
    ("description", R, "DESCRIPTION"), ("name", R, "@NAME"), ("hostname", R, "HOSTNAME"),
    ("nameserver", R, "NAMESERVER"), ("searchdomain", R, "SEARCHDOMAIN"),
    ("rate", R, "RATE"), ("ratebound", R, "RATEBOUND"),
    ("kmemsize", R, "KMEMSIZE"), ("lockedpages", R, "LOCKEDPAGES"),
    ("privvmpages", R, "PRIVVMPAGES"), ("shmpages", R, "SHMPAGES"),
    ("ipcshmpages", R, "IPCSHMPAGES"), ("anonshpages", R, "ANONSHPAGES"),
    ("numproc", R, "NUMPROC"), ("physpages", R, "PHYSPAGES"), ("rsspages", R, "RSSPAGES"),
    ("vmguarpages", R, "VMGUARPAGES"), ("oomguarpages", R, "OOMGUARPAGES"),
    ("oomguar", R, "OOMGUAR"), ("numtcpsock", R, "NUMTCPSOCK"), ("numsock", R, "NUMSOCK"),
    ("numflock", R, "NUMFLOCK"), ("numpty", R, "NUMPTY"), ("numsiginfo", R, "NUMSIGINFO"),
    ("tcpsndbuf", R, "TCPSNDBUF"), ("tcpsendbuf", R, "TCPSNDBUF"),
    ("tcprcvbuf", R, "TCPRCVBUF"), ("othersockbuf", R, "OTHERSOCKBUF"),
    ("unixsockbuf", R, "UNIXSOCKBUF"), ("dgramrcvbuf", R, "DGRAMRCVBUF"),
    ("sockrcvbuf", R, "SOCKRCVBUF"), ("numothersock", R, "NUMOTHERSOCK"),
    ("numunixsock", R, "NUMUNIXSOCK"), ("numfile", R, "NUMFILE"),
    ("dcachesize", R, "DCACHESIZE"), ("dcache", R, "DCACHESIZE"),
    ("numiptent", R, "NUMIPTENT"), ("iptentries", R, "NUMIPTENT"),
    ("avnumproc", R, "AVNUMPROC"), ("swappages", R, "SWAPPAGES"), ("swap", R, "SWAP"),
    ("totvmpages", R, "TOTVMPAGES"), ("memory", R, "MEMORY"), ("ram", R, "MEMORY"),
    ("memguarantee", R, "MEMGUARANTEE"), ("vm_overcommit", R, "VM_OVERCOMMIT"),
    ("pagecache-isolation", R, "PAGECACHE_ISOLATION"),
    ("num-memory-subgroups", R, "NUMMEMORYSUBGROUPS"), ("numnetif", R, "NUMNETIF"),
    ("cpuweight", R, "CPUWEIGHT"), ("cpulimit", R, "CPULIMIT"), ("cpuunits", R, "CPUUNITS"),
    ("burst_cpu_avg_usage", R, "BURST_CPU_AVG_USAGE"), ("burst_cpulimit", R, "BURST_CPULIMIT"),
    ("capability", R, "@CAP"), ("devices", R, "DEVICES"), ("devnodes", R, "DEVNODES"),
    ("config_customized", R, "CONFIG_CUSTOMIZED"), ("origin_sample", R, "ORIGIN_SAMPLE"),
    ("iptables", R, "IPTABLES"), ("netfilter", R, "NETFILTER"),
    ("netdev_add", R, "NETDEV"), ("netdev-add", R, "NETDEV"),
    ("netdev_del", R, "NETDEV_DEL"), ("netdev-del", R, "NETDEV_DEL"),
    ("disabled", R, "DISABLED"), ("meminfo", R, "MEMINFO"), ("cpus", R, "CPUS"),
    ("cpumask", R, "CPUMASK"), ("nodemask", R, "NODEMASK"), ("ioprio", R, "IOPRIO"),
    ("iolimit", R, "IOLIMIT"), ("iopslimit", R, "IOPSLIMIT"), ("features", R, "FEATURES"),
    ("bootorder", R, "BOOTORDER"), ("pci_add", R, "PCI"), ("pci-add", R, "PCI"),
    ("pci_del", R, "PCI_DEL"), ("pci-del", R, "PCI_DEL"),
    ("ha_enable", R, "HA_ENABLE"), ("ha-enable", R, "HA_ENABLE"), ("ha", R, "HA_ENABLE"),
    ("ha_prio", R, "HA_PRIO"), ("ha-prio", R, "HA_PRIO"),
    ("offline_management", R, "@DUMMY"), ("offline_service", R, "@DUMMY"),
]
VZ7_SHORT_LINE = "e:p:s:f:t:i:r:v:g:c:l:m:z:k:a:b:u:w:d:n:x:hS"
VZ7_SHORT = {"p": "NUMPROC", "k": "KMEMSIZE", "b": "TCPRCVBUF", "l": "LOCKEDPAGES",
             "n": "NUMFILE", "f": "NUMFLOCK", "t": "NUMPTY", "i": "NUMSIGINFO",
             "x": "DCACHESIZE", "e": "NUMIPTENT"}

VZ7_CREATE_OPTIONS = [
    ("ve_layout", R, "@LAYOUT"), ("layout", R, "@LAYOUT"), ("ostemplate", R, "@OSTEMPLATE"),
    ("vetype", R, "@VETYPE"), ("config", R, "@CONFIG"), ("private", R, "VE_PRIVATE"),
    ("root", R, "VE_ROOT"), ("ipadd", R, "IP_ADDRESS"), ("hostname", R, "HOSTNAME"),
    ("skip_app_templates", N, "@SKIP_APP"), ("name", R, "@NAME"),
    ("description", R, "DESCRIPTION"), ("expanded", N, "@PLOOP"), ("preallocated", N, "@PLOOP"),
    ("plain", N, "@PLOOP"), ("raw", N, "@PLOOP"), ("mount_opts", R, "@MOUNT_OPTS"),
    ("id", R, "@GUID"), ("uuid", R, "@GUID"), ("force", N, "@FORCE"),
    ("diskspace", R, "DISKSPACE"), ("diskinodes", R, "DISKINODES"), ("no-hdd", N, "@NO_HDD"),
    ("encryption-keyid", R, "@ENC"),
]


def _vz7_env_param(run, key, value):
    """vzctl_add_env_param_by_id(): libvzctl's code (envconf), or the shared
    parser's for the keys it keeps (VE_ROOT, VE_PRIVATE, ...)."""
    from . import envconf
    ctx = cfg.Ctx(run.veid, run.host, run.log, True)
    if key in envconf.HANDLED:
        return envconf.parse(run.cmd_p, key, value, ctx)
    ret = cfg.parse(run.cmd_p, key, value, ctx)
    return 0 if ret in (0, cfg.ERR_DUP) else envconf.E_INVAL


def parse_opt_vz7(run, table, create=False):
    """ParseSetOptions() / ParseCreateOptions() of OpenVZ 7 vzctl: 0 or the exit code."""
    log = run.log
    cmd = run.cmd_p
    argv = run.argv
    veth = "--ifname" in argv or "--netif_add" in argv
    # getopt's messages name argv[0], which is the CT id there
    getter = Getopt(argv, longopts(table), log.raw_err,
                    optstring="" if create else VZ7_SHORT_LINE, prog=run.ident)
    bindmount = False
    cmd.vz7_disk = None
    try:
        for opt, value, spelled in getter:
            value = value if value is not None else ""
            if isinstance(opt, str):
                key = VZ7_SHORT.get(opt)
                if key is None:
                    # FindOption() finds no such vzctl parameter: parsing stops
                    break
                name = "-%s" % opt
            else:
                key = opt.key
                name = "--%s" % opt.name
            if key == "@CAP":
                log.raw_err("Warning: The --capability option is deprecated")
                continue
            if key == "@IP_ADD":
                key = "NETIF_IPADD" if veth else "IP_ADDRESS"
            elif key == "@IP_DEL":
                key = "NETIF_IPDEL" if veth else "IPDEL"
            elif key == "NETIF_ADD" and "--ifname" not in argv:
                # the whole argument is first taken as the --ifname name
                ret = _vz7_env_param(run, "NETIF_IFNAME", value)
                if ret:
                    log.error("Bad parameter for %s: %s" % (name, value))
                    return ret
            elif key in ("BINDMOUNT", "BINDMOUNT_DEL"):
                bindmount = True
            if not key.startswith("@"):
                ret = _vz7_env_param(run, key, value)
                if ret:
                    log.error("Bad parameter for %s: %s" % (name, value))
                    return ret
                continue
            rc = _vz7_own(run, key, value, name, create)
            if rc:
                return rc
    except GetoptError:
        return 21
    if not create:
        if cmd.vz7_disk is not None and cmd.vz7_disk == 0:
            log.raw_err("Incorrect size is specified: 0")
            return 20
        if not cmd.save and bindmount:
            log.raw_err("The --bindmount-* options must be used together with the --save option.")
            return 20
    if getter.rest:
        log.raw_out("non-option ARGV-elements: " + "".join("%s " % a for a in getter.rest) + "\n")
        return 20
    return 0


def _vz7_own(run, key, value, name, create):
    """vzctl's own options (ParseCreateOptions()/SetParam()); 0 or the exit code."""
    log = run.log
    cmd = run.cmd_p
    if key == "@SAVE":
        cmd.save = True
    elif key == "@NAME":
        cmd.name = value
    elif key == "@OSTEMPLATE":
        cmd.ostmpl = value
    elif key == "@CONFIG":
        cmd.config = value
    elif key == "@NO_HDD":
        cmd.no_hdd = True
    elif key == "@FORCE":
        cmd.save_force = True
    elif key == "@GUID":
        uuid = cfg.parse_ctid_vz7(value)
        if uuid is None:
            log.raw_err("Invalid guid is specified: %s" % value)
            return 20
        cmd.uuid = uuid
    elif key == "@LAYOUT":
        if value != "ploop":
            layout = cstr.parse_int(value) if value else None
            if layout != 5:
                return 20
        cmd.layout = "ploop"
    elif key == "@SIZE":
        pair = _two_longs_k(value)
        if pair is None:
            log.raw_err("Incorrect size is specified: %s" % value)
            return 21
        cmd.vz7_disk = pair[1]
    elif key == "@SETMODE":
        if value not in ("ignore", "restart"):
            log.error("Bad parameter for %s: %s" % (name, value))
            return 21
        cmd.setmode = value
    elif key == "@USERPW":
        cmd.userpw.append(value)
    elif key == "@APPLYCONFIG":
        cmd.apply_cfg = value
    elif key == "@RESET_UB":
        cmd.reset_ub = True
    elif key in ("@SKIP_APP", "@PLOOP", "@SKIP_ARPDETECT", "@CRYPTED", "@DUMMY", "@ENC",
                 "@MAC_RENEW"):
        pass
    elif create:
        log.error("Bad parameter for %s: %s" % (name, value))
        return 20
    return 0


def _two_longs_k(text):
    """vzctl 7 config.c ParseTwoLongs(TWOULONG_K): K-unit barrier[:limit]
    with K/M/G/T suffixes; None if not."""
    from . import envconf
    first = envconf.parse_ul_sfx(text, 1024, 1)
    if first is None:
        return None
    barrier, tail = first
    if text.startswith("-"):
        return None
    if tail.startswith(":"):
        second = envconf.parse_ul_sfx(tail[1:], 1024, 1)
        if second is None or second[1] != "" or tail[1:].startswith("-"):
            return None
        return barrier, second[0]
    if tail != "":
        return None
    return barrier, barrier
