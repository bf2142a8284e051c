"""Typed CT parameters, parsed and stored the way vzctl 4.x does it.

This is the emulator's one port of ``src/lib/config.c`` (kolyshkin/vzctl),
for the vzctl stand-in and for vzlist (which links the same library and
reads configs with it, vzlist/legacy_conf.py): ``parse(params, key,
value)`` turns one option or config line into typed fields and returns one
of the ERR_* codes below; ``load_conf`` applies it to every line of a config
file with vzctl's warnings (vps_parse_config()); ``store(old, new)``
produces the ``KEY="value"`` lines ``--save`` writes, in the order of the
``config[]`` table; ``save_config`` merges them into the file.
"""
import os
import re
import socket
import stat as stat_mod

from . import envconf
from .. import conffile, cstr, params as ptable

ERR_DUP = -1
ERR_INVAL = -2
ERR_UNK = -3
ERR_NOMEM = -4
ERR_OTHER = -5
ERR_INVAL_SKIP = -6
ERR_LONG_TRUNC = -7
ERR_VZ7 = -8        # libvzctl's VZCTL_E_INVAL (add_env_param()'s err_inval)

LONG_MAX = cstr.LONG_MAX
INT_MAX = cstr.INT_MAX
ULONG_MAX = cstr.ULONG_MAX
PAGE_SIZE = 4096

CPUMASK_NBITS = 4096
MINCPUUNITS = 8
MAXCPUUNITS = 500000
IFNAMSIZE = 16

# UBC keys in the order store_ub() writes them, with their suffix divisor
# (0: suffixes refused).  AVNUMPROC is parsed and stored but, as in vzctl,
# not merged by --applyconfig (FOR_ALL_UBC omits it).
UBC_KEYS = [key for key, _divisor in ptable.UBC_PARAMS]
UBC_DIVISOR = dict(ptable.UBC_PARAMS)
UBC_MERGED = [k for k in UBC_KEYS if k != "AVNUMPROC"]

FEATURES = [("sysfs", 1 << 0), ("nfs", 1 << 1), ("sit", 1 << 2), ("ipip", 1 << 3),
            ("ppp", 1 << 4), ("ipgre", 1 << 5), ("bridge", 1 << 6), ("nfsd", 1 << 7)]

CAP_NAMES = ["CHOWN", "DAC_OVERRIDE", "DAC_READ_SEARCH", "FOWNER", "FSETID", "KILL",
             "SETGID", "SETUID", "SETPCAP", "LINUX_IMMUTABLE", "NET_BIND_SERVICE",
             "NET_BROADCAST", "NET_ADMIN", "NET_RAW", "IPC_LOCK", "IPC_OWNER",
             "SYS_MODULE", "SYS_RAWIO", "SYS_CHROOT", "SYS_PTRACE", "SYS_PACCT",
             "SYS_ADMIN", "SYS_BOOT", "SYS_NICE", "SYS_RESOURCE", "SYS_TIME",
             "SYS_TTY_CONFIG", "MKNOD", "LEASE", "AUDIT_WRITE", "VE_ADMIN", "SETFCAP",
             "FS_MASK"]

NETFILTER = ["disabled", "stateless", "stateful", "full"]
IPTABLES_MODULES = ["ip_tables", "iptable_filter", "iptable_mangle", "ipt_limit",
                    "ipt_multiport", "ipt_tos", "ipt_TOS", "ipt_REJECT", "ipt_TCPMSS",
                    "ipt_tcpmss", "ipt_ttl", "ipt_LOG", "ipt_length", "ip_conntrack",
                    "ip_conntrack_ftp", "ip_conntrack_irc", "ipt_conntrack", "ipt_state",
                    "ipt_helper", "iptable_nat", "ip_nat_ftp", "ip_nat_irc",
                    "ipt_REDIRECT", "xt_mac", "ipt_recent", "ipt_owner"]
MEMINFO_MODES = {"none": 0, "pages": 1, "privvmpages": 2}
PLOOP_MODES = ("expanded", "plain", "raw")

# strtok() separators a key's parser runs over its value: a message that
# shows the value afterwards shows only its first token (strtok_view()).
STRTOK = {"IP_ADDRESS": "\t ", "IPDEL": "\t ", "FEATURES": "\t ,", "CAPABILITY": "\t ,",
          "IPTABLES": "\t ,", "DEVICES": " ", "DEVNODES": " ", "NETIF_ADD": " ",
          "PCI": " ", "PCI_DEL": " ", "NETDEV": "\t ", "NETDEV_DEL": "\t ", "NETIF": ";"}

# Keys vzctl knows but ignores (global settings, obsolete names).
IGNORED = {"VIRTUOZZO", "VE0CPUUNITS", "VZFASTBOOT", "NEIGHBOUR_DEVS",
           "ERROR_ON_ARPFAIL", "VZWDOG", "IPTABLES_MODULES", "IP6TABLES",
           "CONFIG_CUSTOMIZED", "VE_STOP_MODE", "SKIP_SYSCTL_SETUP", "SKIP_ARPDETECT",
           "VE_PARALLEL"}
ALIASES = {"DCACHE": "DCACHESIZE", "IPTENTRIES": "NUMIPTENT"}
# Every key vzctl saves (params.SAVE_ORDER, the config[] table) plus the
# global-only ones it reads from vz.conf.
CONF_KEYS = set(ptable.SAVE_ORDER) | {"LOCKDIR", "DUMPDIR", "LOGGING", "LOG_LEVEL", "LOGFILE",
                                      "VERBOSE"}


class Params(object):
    """The subset of vzctl's ``vps_param`` the emulator needs; None = unset."""

    def __init__(self):
        # options
        self.save = False
        self.save_force = False
        self.reset_ub = False
        self.setmode = None
        self.config = None
        self.origin_sample = None
        self.apply_cfg = None
        self.apply_cfg_map = False
        self.start_disabled = None      # "yes" | "no"
        self.lockdir = None
        self.dumpdir = None
        self.logfile = None
        self.logging = None
        self.log_level = None
        self.verbose = None
        # resources
        self.ub = {}
        self.vm_overcommit = None
        self.cap_on = 0
        self.cap_off = 0
        self.ip = []
        self.ip_del = []
        self.ip_delall = False
        self.ipv6_net = None
        self.netdev = []
        self.netdev_del = []
        self.hostname = None
        self.description = None
        self.nameserver = []
        self.searchdomain = []
        self.userpw = []
        self.devs = []                  # dicts: name, type, major, minor, all, mask
        self.pci = []
        self.pci_del = []
        self.root = None
        self.root_orig = None
        self.private = None
        self.private_orig = None
        self.template = None
        self.mount_opts = None
        self.layout = None              # "simfs" | "ploop"
        self.layout_mode = None
        self.ostmpl = None
        self.def_ostmpl = None
        self.cpuunits = None
        self.cpuweight = None
        self.cpulimit = None
        self.cpus = None
        self.cpumask = None             # set of CPUs, or "auto"
        self.nodemask = None
        self.onboot = None              # "yes" | "no"
        self.bootorder = None
        self.local_uid = None
        self.local_gid = None
        self.stop_timeout = None
        self.disk_quota = None
        self.diskspace = None
        self.diskinodes = None
        self.quotatime = None
        self.quotaugidlimit = None
        self.offline_resize = False
        self.meminfo = None             # (mode name, value)
        self.veth = []                  # dicts, see netif_dev()
        self.veth_del = []
        self.veth_delall = False
        self.name = None
        self.veid = None
        self.features_mask = 0
        self.features_known = 0
        self.ioprio = None
        self.iolimit = None
        self.iopslimit = None
        self.netfilter = None
        self.iptables = []
        self.skip_arpdetect = False
        # vz7 (libvzctl, vzctl/envconf.py)
        self.no_hdd = False
        self.vz7_disk = None            # set --diskspace: the root image size (K)
        self.cpulimit_type = None       # "pct" | "mhz"
        self.memguar = None             # ("pct"|"bytes"|"auto", value)
        self.autostop = None
        self.ha_prio = None
        self.bindmount = []             # dicts: src, dst, opts, add
        self.bindmount_delall = False
        self.netif_ifname = None        # the --ifname device
        self.uuid = None
        self.yesno = {}                 # KEY -> "yes"/"no" (HA_ENABLE, DISABLED, ...)
        self.raw = {}                   # other keys kept as text
        # snapshots
        self.snap_guid = None
        self.snap_name = None
        self.snap_desc = None
        self.snap_flags = set()
        self.snap_target = None

    def ub_empty(self):
        return not self.ub


def netif_dev(ifname="", mac=None, host_ifname="", host_mac=None, bridge="",
              mac_filter=None, configure=False):
    return {"ifname": ifname, "mac": mac, "host_ifname": host_ifname, "host_mac": host_mac,
            "bridge": bridge, "mac_filter": mac_filter, "configure": configure}


# ---------------------------------------------------------------- numbers
# parse_ul_sfx(), parse_twoul_sfx(), canon_ip() and the IP list parser take
# str (vzctl) or bytes (vzlist) alike, as the cstr functions they build on.

def _strtoul(text):
    """C strtoul(text, &tail, 10): (value or None on ERANGE, tail)."""
    value, tail, erange = cstr.strtoull(text)
    return (None if erange else value), tail


_MUL = {"T": 1024 ** 4, "G": 1024 ** 3, "M": 1024 ** 2, "K": 1024, "P": PAGE_SIZE, "B": 1}
_MUL.update({key.lower(): value for key, value in _MUL.items()})
_MUL.update({key.encode(): value for key, value in _MUL.items()})


def get_mul(char):
    """config.c get_mul(): the K/M/G/T/P/B multiplier, -1 for any other."""
    return _MUL.get(char, -1)


def parse_ul_sfx(text, divisor, allow_unlimited):
    """config.c parse_ul_sfx(): (value, tail) or None.  A value with a
    suffix is scaled by multiplier / divisor (no suffix allowed if the
    divisor is 0); LONG_MAX + 1 stands for one that overflows."""
    if allow_unlimited and text.startswith(cstr.lit(text, "unlimited")):
        return LONG_MAX, text[9:]
    value, tail, erange = cstr.strtoull(text)
    if erange:
        return None
    number = value
    if tail[:1] == cstr.lit(text, "."):
        number, tail, erange = cstr.strtold(text)
        if erange:
            return None
        # (unsigned long long) of a long double: undefined in C when it
        # does not fit; LONG_MAX + 1 makes the caller truncate it
        value = 0 if number < 0 else LONG_MAX + 1 if number > ULONG_MAX else int(number)
    if tail[:1] not in (cstr.lit(text, ":"), cstr.lit(text, "")):
        if not divisor:
            return None
        mul = get_mul(tail[:1])
        if mul < 0:
            return None
        scaled = number * mul / divisor
        value = LONG_MAX + 1 if scaled > LONG_MAX else int(scaled)
        tail = tail[1:]
    return value, tail


def parse_twoul_sfx(text, divisor, allow_unlimited):
    """config.c parse_twoul_sfx(): (ret, (barrier, limit) or None); ret is 0,
    ERR_LONG_TRUNC (a value above LONG_MAX, cut to it) or ERR_INVAL."""
    ret = 0
    first = parse_ul_sfx(text, divisor, allow_unlimited)
    if first is None:
        return ERR_INVAL, None
    barrier, tail = first
    if barrier > LONG_MAX:
        barrier, ret = LONG_MAX, ERR_LONG_TRUNC
    if tail[:1] == cstr.lit(text, ":"):
        second = parse_ul_sfx(tail[1:], divisor, allow_unlimited)
        if second is None or second[1]:
            return ERR_INVAL, None
        limit = second[0]
        if limit > LONG_MAX:
            limit, ret = LONG_MAX, ERR_LONG_TRUNC
    elif not tail:
        limit = barrier
    else:
        return ERR_INVAL, None
    return ret, (barrier, limit)


def ubcstr(barrier, limit):
    def one(value):
        return "unlimited" if value >= LONG_MAX else str(value)
    if barrier == limit:
        return one(barrier)
    return "%s:%s" % (one(barrier), one(limit))


def c_float_g(value):
    """printf("%g") of a C float."""
    return "%g" % cstr.float32(value)


# ---------------------------------------------------------------- pieces

def canon_ip(text):
    """util.c canon_ip(): glibc's inet_pton()/inet_ntop() form of an address,
    a "/mask" kept if it is a number within the family's bits; None if
    invalid."""
    ipstr, slash, maskstr = text.partition(cstr.lit(text, "/"))
    if isinstance(ipstr, bytes):
        ipstr = ipstr.decode("latin-1")
    family = socket.AF_INET6 if ":" in ipstr else socket.AF_INET
    try:
        out = socket.inet_ntop(family, socket.inet_pton(family, ipstr))
    except (OSError, ValueError):
        return None
    if slash:
        mask = cstr.parse_int(maskstr)
        if mask is None or mask < 0 or mask > (32 if family == socket.AF_INET else 128):
            return None
        out += "/%d" % mask
    return cstr.lit(text, out)


def find_ip(lst, ipaddr):
    """net.c find_ip(): the entry of ``lst`` holding the same address,
    whatever its mask, or None."""
    slash = ipaddr.find(cstr.lit(ipaddr, "/"))
    if slash >= 0:
        ip_only, ip_slash = ipaddr[:slash], ipaddr[:slash + 1]
    else:
        ip_only, ip_slash = None, ipaddr + cstr.lit(ipaddr, "/")
    for val in lst:
        if val == ipaddr or (ip_only is not None and val == ip_only) or val.startswith(ip_slash):
            return val
    return None


def parse_ip(lst, value, delall=None):
    """The loop of config.c parse_ip(): each address of ``value`` added to
    ``lst`` unless the list has it (0.0.0.0, :: and ::0 skipped); ERR_INVAL
    at the first invalid one (those before it stay added).  With ``delall``
    (the Params of an IP_DEL), "all" sets its ip_delall."""
    for tok in cstr.strtok(value, cstr.lit(value, "\t ")):
        if delall is not None and tok == "all":
            delall.ip_delall = True
            continue
        if tok in (cstr.lit(value, "0.0.0.0"), cstr.lit(value, "::"), cstr.lit(value, "::0")):
            continue
        dst = canon_ip(tok)
        if dst is None:
            return ERR_INVAL
        if not find_ip(lst, dst):
            lst.append(dst)
    return 0


def merge_str_list(delall, old, add, dele, finder):
    if not delall and not add and not dele:
        return None
    merged = []
    if not delall:
        for val in old:
            if finder(add, val) or finder(dele, val):
                continue
            merged.append(val)
    merged.extend(add)
    return merged


def _find_str(lst, val):
    return val if val in lst else None


def parse_hwaddr(text):
    out = []
    for i in range(6):
        chunk = text[3 * i:3 * i + 2]
        if chunk == "" or any(c not in "0123456789abcdefABCDEF" for c in chunk):
            if chunk == "":
                return None
            # strtol stops at the first non-hex digit; the tail must be empty
            return None
        out.append(int(chunk, 16))
    return out


def mac_str(mac):
    return ":".join("%02X" % b for b in mac)


def _hwid(host):
    return getattr(host, "hwaddr", None) or "00:00:00:00:00:00"


def generate_mac(veid, dev_name, hwid):
    """vzctl's generate_mac() (src/lib/veth.c): a hash of
    "<dev>:<veid>:<first host MAC> " under the SWsoft OUI 00:18:51."""
    data = ("%s:%d:%s " % (dev_name, int(veid), hwid)).encode("latin-1")
    mask = 0xffffffff

    def sc(b):
        return b - 256 if b > 127 else b
    h = int(veid) & mask
    for i in range(len(data) - 1):
        h = (h + sc(data[i])) & mask
        tmp = ((sc(data[i + 1]) << 11) ^ h) & mask
        h = ((h << 16) ^ tmp) & mask
        h = (h + (h >> 11)) & mask
    h ^= (h << 3) & mask
    h = (h + (h >> 5)) & mask
    h ^= (h << 4) & mask
    h = (h + (h >> 17)) & mask
    h ^= (h << 25) & mask
    h = (h + (h >> 6)) & mask
    return [0x00, 0x18, 0x51, h & 0xff, (h >> 8) & 0xff, (h >> 15) & 0xff]


def veth_name(veid, ifname):
    digits = ""
    seen_nondigit = False
    # sscanf("%*[^0-9]%d"): needs at least one non-digit first
    index = 0
    while index < len(ifname) and not ifname[index].isdigit():
        index += 1
        seen_nondigit = True
    number = 0
    if seen_nondigit:
        while index < len(ifname) and ifname[index].isdigit():
            digits += ifname[index]
            index += 1
        if digits:
            number = int(digits)
            if number > INT_MAX:
                number = number & 0xffffffff
    return "veth%s.%d" % (veid, number)


def parse_bitmap(text, nbits):
    if text == "all":
        return set(range(nbits))
    bits = set()
    rest = text
    while True:
        j = 0
        while j < len(rest) and rest[j].isdigit():
            j += 1
        if j == 0:
            return None
        a = int(rest[:j])
        rest = rest[j:]
        b = a
        if rest.startswith("-"):
            k = 1
            while k < len(rest) and rest[k].isdigit():
                k += 1
            if k == 1:
                return None
            b = int(rest[1:k])
            rest = rest[k:]
            if b < a:
                return None
        if b >= nbits:
            return None
        bits.update(range(a, b + 1))
        if rest.startswith(","):
            rest = rest[1:]
        if rest == "":
            return bits
        if not rest[0].isdigit():
            return None


def format_bitmap(bits, nbits):
    if len(bits) >= nbits:
        return "all"
    out = []
    ordered = sorted(bits)
    index = 0
    while index < len(ordered):
        a = ordered[index]
        b = a
        while index + 1 < len(ordered) and ordered[index + 1] == b + 1:
            index += 1
            b = ordered[index]
        out.append(str(a) if a == b else "%d-%d" % (a, b))
        index += 1
    return ",".join(out)


def _dev_perm(text):
    mask = ""
    if text != "none":
        for ch in text:
            if ch not in "rwq":
                return None
        for ch in "rwq":
            if ch in text:
                mask += ch
    return mask


class Ctx(object):
    """What parse() needs besides the value: CT id, host, output, source."""

    def __init__(self, veid, host, log, from_cmdline):
        self.veid = veid
        self.host = host
        self.log = log
        self.cmdline = from_cmdline
        self.old_veth = []      # vz7: the CT's devices (MACs reused for NETIF)


def _str(p, attr, val):
    if getattr(p, attr) is not None:
        return ERR_DUP
    setattr(p, attr, val)
    return 0


def _yesno(p, attr, val):
    if getattr(p, attr) is not None:
        return ERR_DUP
    if val not in ("yes", "no"):
        return ERR_INVAL
    setattr(p, attr, val)
    return 0


def _ulong(p, attr, val):
    if getattr(p, attr) is not None:
        return ERR_DUP
    value = cstr.parse_ul(val)
    if value is None:
        return ERR_INVAL
    setattr(p, attr, value)
    return 0


def _strlist(p, attr, val):
    lst = getattr(p, attr)
    for tok in cstr.strtok(val, "\t "):
        if tok not in lst:
            lst.append(tok)
    return 0


def subst_veid(veid, path):
    """util.c subst_VEID(): trailing '/' dropped, the first $VEID (else
    ${VEID}) replaced by the CT id; None stays None."""
    if path is None:
        return None
    trimmed = path
    while len(trimmed) > 1 and trimmed.endswith("/"):
        trimmed = trimmed[:-1]
    return trimmed.replace("$VEID", str(veid), 1) if "$VEID" in trimmed else \
        trimmed.replace("${VEID}", str(veid), 1)


def parse_netif_str_cmd(veid, text, hwid, log):
    """--netif_add ifname[,mac,host_ifname,host_mac,bridge]."""
    parts = text.split(",", 4)
    ifname = parts[0]
    if cstr.clen(ifname) + 1 > IFNAMSIZE:
        return None
    dev = netif_dev(ifname=ifname)
    if len(parts) == 1:
        dev["host_ifname"] = veth_name(veid, ifname)
        dev["host_mac"] = generate_mac(veid, dev["host_ifname"], hwid)
        dev["mac"] = generate_mac(veid, ifname, hwid)
        return dev
    mac = parts[1]
    if mac:
        if len(mac) != 17:
            log.error("Invalid container MAC address length")
            return None
        parsed = parse_hwaddr(mac)
        if parsed is None:
            log.error("Invalid container MAC address format")
            return None
        dev["mac"] = parsed
    else:
        dev["mac"] = generate_mac(veid, ifname, hwid)
    if len(parts) == 2:
        dev["host_ifname"] = veth_name(veid, ifname)
        dev["host_mac"] = list(dev["mac"])
        return dev
    host_ifname = parts[2]
    if host_ifname:
        if cstr.clen(host_ifname) + 1 > IFNAMSIZE:
            return None
        dev["host_ifname"] = host_ifname
        if len(parts) == 3:
            dev["host_mac"] = list(dev["mac"])
            return dev
    else:
        dev["host_ifname"] = veth_name(veid, ifname)
    if len(parts) == 3:
        # "eth0,mac," : empty host_ifname, nothing after it
        dev["host_mac"] = generate_mac(veid, dev["host_ifname"], hwid)
        dev["bridge"] = ""
        return dev
    host_mac = parts[3]
    if host_mac:
        if len(host_mac) != 17:
            log.error("Invalid host MAC address")
            return None
        parsed = parse_hwaddr(host_mac)
        if parsed is None:
            log.error("Invalid host MAC address")
            return None
        dev["host_mac"] = parsed
        if len(parts) == 4:
            return dev
    else:
        dev["host_mac"] = generate_mac(veid, dev["host_ifname"], hwid)
    bridge = parts[4] if len(parts) > 4 else ""
    if cstr.clen(bridge) + 1 > IFNAMSIZE:
        return None
    dev["bridge"] = bridge
    return dev


def parse_netif_str(veid, text, hwid):
    """One NETIF="..." entry from a config file."""
    dev = netif_dev()
    for item in text.split(","):
        key, eq, value = item.partition("=")
        if not eq:
            continue
        if key == "ifname":
            if cstr.clen(value) + 1 > IFNAMSIZE:
                return None
            if not dev["ifname"]:
                dev["ifname"] = value
        elif key == "host_ifname":
            if cstr.clen(value) + 1 > IFNAMSIZE:
                return None
            if not dev["host_ifname"]:
                dev["host_ifname"] = value
        elif key == "mac":
            parsed = parse_hwaddr(value)
            if parsed is None:
                return None
            dev["mac"] = parsed
        elif key == "host_mac":
            parsed = parse_hwaddr(value)
            if parsed is None:
                return None
            dev["host_mac"] = parsed
        elif key == "mac_filter":
            if value == "":
                continue
            if value not in ("on", "off"):
                return None
            dev["mac_filter"] = value
        elif key == "bridge":
            if cstr.clen(value) + 1 > IFNAMSIZE:
                return None
            if not dev["bridge"]:
                dev["bridge"] = value
    if not dev["ifname"]:
        return None
    if not dev["host_ifname"]:
        dev["host_ifname"] = veth_name(veid, dev["ifname"])
    if dev["mac"] is None:
        dev["mac"] = generate_mac(veid, dev["host_ifname"], hwid)
    if dev["host_mac"] is None:
        dev["host_mac"] = list(dev["mac"])
    return dev


def _find_veth(lst, ifname):
    for dev in lst:
        if dev["ifname"] == ifname:
            return dev
    return None


def _configure_dev(p):
    for dev in p.veth:
        if dev["configure"]:
            return dev
    dev = netif_dev(configure=True)
    p.veth.append(dev)
    return dev


def parse_devices_str(text):
    # sscanf("%c:%d:%15[^:]:%5s")
    if len(text) < 2 or text[1] != ":":
        return None
    kind = text[0]
    rest = text[2:]
    j = 0
    if rest[:1] in "+-":
        j = 1
    while j < len(rest) and rest[j].isdigit():
        j += 1
    if j == 0 or rest[:j] in "+-":
        return None
    major = int(rest[:j])
    rest = rest[j:]
    if not rest.startswith(":"):
        return None
    rest = rest[1:]
    minor, colon, mode = rest.partition(":")
    if not minor or len(minor) > 15 or not colon:
        return None
    mode = mode.split()[0][:5] if mode.split() else ""
    if not mode:
        return None
    if major == 7:
        return None
    if kind not in "bc":
        return None
    dev = {"name": None, "type": kind, "major": major, "all": minor == "all", "minor": 0}
    if minor != "all":
        value = cstr.parse_int(minor)
        if value is None:
            return None
        dev["minor"] = value
    mask = _dev_perm(mode)
    if mask is None:
        return None
    dev["mask"] = mask
    return dev


def parse_devnodes_str(text, log):
    if ":" not in text:
        return ERR_INVAL
    name, _sep, perm = text.rpartition(":")
    path = "/dev/%s" % name
    try:
        st = os.stat(path)
    except OSError as exc:
        log.error("Incorrect device name %s" % path, exc.errno)
        return ERR_INVAL
    if stat_mod.S_ISCHR(st.st_mode):
        kind = "c"
    elif stat_mod.S_ISBLK(st.st_mode):
        kind = "b"
    else:
        log.error("The %s is not block or character device" % path)
        return ERR_INVAL
    if os.major(st.st_rdev) == 7:
        log.error("Device %s is not allowed to be assigned to a CT" % name)
        return ERR_INVAL
    mask = _dev_perm(perm)
    if mask is None:
        return ERR_INVAL
    return {"name": name, "type": kind, "major": os.major(st.st_rdev),
            "minor": os.minor(st.st_rdev), "all": False, "mask": mask}


def find_feature(token):
    """vzfeatures.c find_feature(): (index in FEATURES, on) or None.  A name
    that matches no feature falls through with the *last* entry ("nfsd",
    length 4), so "abcd:on" switches nfsd on."""
    index = len(FEATURES) - 1
    for number, (name, _mask) in enumerate(FEATURES):
        name = cstr.lit(token, name)
        if token.startswith(name) and token[len(name):len(name) + 1] == cstr.lit(token, ":"):
            index = number
            break
    state = token[len(FEATURES[index][0]) + 1:]
    if state == cstr.lit(token, "on"):
        return index, True
    if state == cstr.lit(token, "off"):
        return index, False
    return None


def _features(p, val, log):
    ret = 0
    for tok in cstr.strtok(val, "\t ,"):
        found = find_feature(tok)
        if found is None:
            log.info("Warning: Unknown feature: %s" % tok)
            ret = ERR_INVAL_SKIP
            continue
        mask = FEATURES[found[0]][1]
        if found[1]:
            p.features_mask |= mask
        p.features_known |= mask
    return ret


def _cap(p, val, log):
    """config.c parse_cap(); names compared as strcasecmp() does (ASCII)."""
    for tok in cstr.strtok(val, "\t ,"):
        name, colon, state = tok.rpartition(":")
        if not colon or state not in ("on", "off"):
            log.error("Can't parse capability %s (expecting capname:on|off)" % tok)
            return ERR_INVAL
        if cstr.clen(name) + 1 > 128:
            return ERR_INVAL
        upper = cstr.c_upper(name)
        for index, cap in enumerate(CAP_NAMES):
            if cap == upper:
                bit = 1 << (index & 31)
                if state == "on":
                    p.cap_on |= bit
                else:
                    p.cap_off |= bit
                break
        else:
            log.error("Capability %s is unknown" % name)
            return ERR_INVAL
    return 0


# parse()'s cases that only store the value in one Params field, as
# conf_parse_str() (the first one wins), conf_parse_yesno(),
# conf_parse_ulong() or conf_parse_strlist() (they add up) does.
_STORE = {
    "CONFIG": (_str, "config"), "CONFIGFILE": (_str, "config"),
    "ORIGIN_SAMPLE": (_str, "origin_sample"), "APPLYCONFIG": (_str, "apply_cfg"),
    "ONBOOT": (_yesno, "onboot"), "DISABLED": (_yesno, "start_disabled"),
    "HOSTNAME": (_str, "hostname"), "DESCRIPTION": (_str, "description"),
    "LOGFILE": (_str, "logfile"), "LOCKDIR": (_str, "lockdir"), "DUMPDIR": (_str, "dumpdir"),
    "LOGGING": (_yesno, "logging"), "IPV6": (_yesno, "ipv6_net"),
    "TEMPLATE": (_str, "template"), "DEF_OSTEMPLATE": (_str, "def_ostmpl"),
    "OSTEMPLATE": (_str, "ostmpl"), "DISK_QUOTA": (_yesno, "disk_quota"),
    "QUOTATIME": (_ulong, "quotatime"), "QUOTAUGIDLIMIT": (_ulong, "quotaugidlimit"),
    "CPUS": (_ulong, "cpus"), "BOOTORDER": (_ulong, "bootorder"),
    "MOUNT_OPTS": (_str, "mount_opts"), "SNAPSHOT_NAME": (_str, "snap_name"),
    "SNAPSHOT_DESC": (_str, "snap_desc"), "SNAPSHOT_TARGET": (_str, "snap_target"),
    "CPUUWEIGHT": (_ulong, "cpuweight"), "CPUWEIGHT": (_ulong, "cpuweight"),
    "NAMESERVER": (_strlist, "nameserver"), "SEARCHDOMAIN": (_strlist, "searchdomain"),
    "USERPW": (_strlist, "userpw"),
}
# Options that only set a flag.
_FLAGS = {"SAVE": "save", "FORCE": "save_force", "RESET_UB": "reset_ub",
          "SKIP_ARPDETECT": "skip_arpdetect", "OFFLINE_RESIZE": "offline_resize"}


def parse(p, key, val, ctx):
    """Apply one parameter (config key name, or option alias) to ``p``."""
    veid = ctx.veid
    log = ctx.log
    if not ctx.host.legacy and key in envconf.HANDLED:
        # libvzctl's parameter, not config.c's (vzctl/envconf.py)
        ret = envconf.parse(p, key, val, ctx, replace=not ctx.cmdline)
        return 0 if ret == 0 else ERR_VZ7 if ret == envconf.E_INVAL else ERR_OTHER
    if key in _FLAGS:
        setattr(p, _FLAGS[key], True)
        return 0
    if key in _STORE:
        how, attr = _STORE[key]
        return how(p, attr, val)
    if key in UBC_DIVISOR or key in ("RAM", "SWAP"):
        if key in ("RAM", "SWAP"):
            if not p.save_force and not ctx.host.vswap:
                log.error("Error: kernel does not support vswap, "
                          "unable to use --ram/--swap parameters")
                return ERR_OTHER
            got = parse_ul_sfx(val, 1, True)
            if got is None or got[1] != "":
                return ERR_INVAL
            pages = (got[0] + PAGE_SIZE - 1) // PAGE_SIZE
            ret = 0
            if pages > LONG_MAX:
                pages, ret = LONG_MAX, ERR_LONG_TRUNC
            p.ub["PHYSPAGES" if key == "RAM" else "SWAPPAGES"] = (0, pages)
            return ret
        ret, pair = parse_twoul_sfx(val, UBC_DIVISOR[key], True)
        if ret and ret != ERR_LONG_TRUNC:
            return ret
        p.ub[key] = pair
        return ret
    if key == "VM_OVERCOMMIT":
        if p.vm_overcommit is not None:
            return ERR_DUP
        value = cstr.sscanf_float(val)
        if value is None:
            return ERR_INVAL
        p.vm_overcommit = value
        return 0
    if key == "SETMODE":
        if val not in ("ignore", "restart"):
            return ERR_INVAL
        p.setmode = val
        return 0
    if key == "APPLYCONFIG_MAP":
        if val != "name":
            return ERR_INVAL
        p.apply_cfg_map = True
        return 0
    if key == "LOG_LEVEL":
        value = cstr.parse_int(val)
        if value is None:
            return ERR_INVAL
        p.log_level = value
        return 0
    if key == "VERBOSE":
        if p.verbose is not None:
            return ERR_DUP
        value = cstr.parse_int(val)
        if value is None:
            return ERR_INVAL
        p.verbose = value
        return 0
    if key == "IPTABLES":
        ret = 0
        for tok in cstr.strtok(val, "\t ,"):
            if tok not in IPTABLES_MODULES:
                log.error("Warning: Unknown iptable module: %s, skipped" % tok)
                ret = ERR_INVAL_SKIP
                continue
            if tok not in p.iptables:
                p.iptables.append(tok)
        return ret
    if key == "NETFILTER":
        if val not in NETFILTER:
            log.error("Incorrect netfilter value: %s" % val)
            return ERR_INVAL
        p.netfilter = val
        return 0
    if key in ("LOCAL_UID", "LOCAL_GID"):
        _ulong(p, key.lower(), val)
        return 0
    if key == "CAPABILITY":
        return _cap(p, val, log)
    if key == "IP_ADDRESS":
        return parse_ip(p.ip, val)
    if key == "IPDEL":
        return parse_ip(p.ip_del, val, p)
    if key in ("NETDEV", "NETDEV_DEL"):
        target = p.netdev if key == "NETDEV" else p.netdev_del
        for tok in cstr.strtok(val, "\t "):
            if tok.startswith(("venet", "tun", "tap", "lo")):
                return ERR_INVAL
            target.append(tok)
        return 0
    if key == "VE_ROOT":
        ret = _str(p, "root_orig", val)
        if not ret:
            p.root = subst_veid(veid, val)
        return ret
    if key == "VE_PRIVATE":
        ret = _str(p, "private_orig", val)
        if not ret:
            p.private = subst_veid(veid, val)
        return ret
    if key == "VE_LAYOUT":
        if val == "simfs":
            p.layout = "simfs"
            return 0
        if val == "ploop":
            p.layout, p.layout_mode = "ploop", None
            return 0
        if val.startswith("ploop:") and val[6:] in PLOOP_MODES:
            p.layout, p.layout_mode = "ploop", val[6:]
            return 0
        return ERR_INVAL
    if key in ("DISKSPACE", "DISKINODES"):
        attr = key.lower()
        if getattr(p, attr) is not None:
            return ERR_DUP
        ret, pair = parse_twoul_sfx(val, 1024 if key == "DISKSPACE" else 1, False)
        if pair is not None:
            setattr(p, attr, pair)
        # parse(): any non-zero parse_dq() is ERR_INVAL, a value truncated
        # to LONG_MAX (kept) too
        return ERR_INVAL if ret else 0
    if key == "DEVICES":
        for tok in cstr.strtok(val, " "):
            dev = parse_devices_str(tok)
            if dev is None:
                return ERR_INVAL
            p.devs.append(dev)
        return 0
    if key == "DEVNODES":
        for tok in cstr.strtok(val, " "):
            dev = parse_devnodes_str(tok, log)
            if not isinstance(dev, dict):
                return ERR_INVAL
            p.devs.append(dev)
        return 0
    if key in ("PCI", "PCI_DEL"):
        target = p.pci if key == "PCI" else p.pci_del
        for tok in cstr.strtok(val, " "):
            norm = _pci(tok)
            if norm is None:
                return ERR_INVAL
            if norm not in target:
                target.append(norm)
        return 0
    if key == "CPUUNITS":
        ret = _ulong(p, "cpuunits", val)
        if ret:
            return ret
        if p.cpuunits < MINCPUUNITS or p.cpuunits > MAXCPUUNITS:
            p.cpuunits = None
            return ERR_INVAL
        return 0
    if key == "CPULIMIT":
        if p.cpulimit is not None:
            return ERR_DUP
        # parse_cpulimit(): val = (int)strtoul(...) in an unsigned long
        value, tail, erange = cstr.strtoull(val)
        value = cstr.to_int32(value) & ULONG_MAX
        if tail == "%":
            if value > 100:
                return ERR_INVAL
            value = (value * ctx.host.cpus) & ULONG_MAX
        elif tail != "" or erange:
            return ERR_INVAL
        p.cpulimit = value
        return 0
    if key == "CPUMASK":
        if val == "auto":
            p.cpumask = "auto"
            return 0
        if p.cpumask is not None:
            return ERR_DUP
        bits = parse_bitmap(val, CPUMASK_NBITS)
        if bits is None:
            return ERR_INVAL
        p.cpumask = bits
        return 0
    if key == "NODEMASK":
        if p.nodemask is not None:
            return ERR_DUP
        bits = parse_bitmap(val, CPUMASK_NBITS)
        if bits is None:
            return ERR_INVAL
        p.nodemask = bits
        return 0
    if key == "MEMINFO":
        if val == "":
            return 0
        mode_nm, colon, number = val.partition(":")
        if mode_nm not in MEMINFO_MODES:
            return ERR_INVAL
        if colon:
            got = _strtoul(number)
            if got[0] is None or got[1] == number:
                if mode_nm != "none":
                    return ERR_INVAL
                amount = None
            else:
                amount = got[0]
        else:
            amount = None
        if (mode_nm != "none") != (amount is not None):
            return ERR_INVAL
        if mode_nm != "none" and amount == 0:
            return ERR_INVAL
        p.meminfo = (mode_nm, amount)
        return 0
    if key == "VETH":
        log.info("Warning: VETH parameter is deprecated, remove it and use --netif_add instead")
        return 0
    if key == "NETIF":
        if p.veth:
            return ERR_DUP
        for tok in cstr.strtok(val, ";"):
            dev = parse_netif_str(veid, tok, _hwid(ctx.host))
            if dev is None:
                return ERR_INVAL
            if not _find_veth(p.veth, dev["ifname"]):
                p.veth.append(dev)
        return 0
    if key == "NETIF_ADD":
        for tok in cstr.strtok(val, " "):
            dev = parse_netif_str_cmd(veid, tok, _hwid(ctx.host), log)
            if dev is None:
                return ERR_INVAL
            p.veth.append(dev)
        return 0
    if key == "NETIF_DEL":
        if cstr.clen(val) > IFNAMSIZE:
            return ERR_INVAL
        if val == "all":
            p.veth_delall = True
            return 0
        if not _find_veth(p.veth_del, val):
            p.veth_del.append(netif_dev(ifname=val))
        return 0
    if key in ("IFNAME", "MAC", "HOST_IFNAME", "HOST_MAC", "MAC_FILTER", "BRIDGE"):
        dev = _configure_dev(p)
        if key == "IFNAME":
            if dev["ifname"]:
                log.error("Multiple use of --ifname option not allowed")
                return ERR_INVAL
            if cstr.clen(val) > IFNAMSIZE:
                return ERR_INVAL
            dev["ifname"] = val
        elif key == "MAC":
            parsed = parse_hwaddr(val)
            if parsed is None:
                return ERR_INVAL
            dev["mac"] = parsed
        elif key == "HOST_IFNAME":
            if cstr.clen(val) > IFNAMSIZE:
                return ERR_INVAL
            dev["host_ifname"] = val
        elif key == "HOST_MAC":
            parsed = parse_hwaddr(val)
            if parsed is None:
                return ERR_INVAL
            dev["host_mac"] = parsed
        elif key == "MAC_FILTER":
            if val not in ("on", "off"):
                return ERR_INVAL
            dev["mac_filter"] = val
        elif key == "BRIDGE":
            if dev["bridge"]:
                log.error("Multiple use of --bridge option not allowed")
                return ERR_INVAL
            if cstr.clen(val) > IFNAMSIZE:
                return ERR_INVAL
            dev["bridge"] = val
        return 0
    if key == "NAME":
        if p.name is not None:
            return ERR_DUP
        # 4.x judges NAME in a config too; libvzctl only when it is set
        if ctx.host.legacy and not check_name(val):
            return ERR_INVAL
        p.name = val
        return 0
    if key == "VEID":
        if not ctx.host.legacy:
            # libvzctl keeps VEID as text (a number or a UUID)
            ctid = parse_ctid_vz7(val)
            if ctid is None:
                return ERR_INVAL
            p.veid = int(ctid) if ctid.isdigit() else ctid
            return 0
        value = cstr.parse_int(val)
        if value is None:
            return ERR_INVAL
        p.veid = value
        return 0
    if key == "FEATURES":
        return _features(p, val, log)
    if key == "IOPRIO":
        value = cstr.parse_int(val)
        if value is None:
            return ERR_INVAL
        if value < 0 or value > 7:
            p.ioprio = None
            return ERR_INVAL
        p.ioprio = value
        return 0
    if key in ("IOLIMIT", "IOLIMIT_MB"):
        ret, p.iolimit = parse_iolimit(val, 1024 * 1024 if key == "IOLIMIT_MB" else 1)
        return ret
    if key == "IOPSLIMIT":
        value = cstr.parse_int(val)
        if value is None or value < 0:
            p.iopslimit = None
            return ERR_INVAL
        p.iopslimit = value
        return 0
    if key == "STOP_TIMEOUT":
        if p.stop_timeout is not None:
            return ERR_DUP
        value = cstr.parse_int(val)
        if value is None or value < 0:
            return ERR_INVAL
        p.stop_timeout = value
        return 0
    if key == "SNAPSHOT_GUID":
        guid = normalize_guid(val)
        if guid is None:
            return ERR_INVAL
        return _str(p, "snap_guid", guid)
    if key in ("SKIP_SUSPEND", "SKIP_CONFIG", "SKIP_RESUME", "MUST_RESUME"):
        p.snap_flags.add(key)
        return 0
    if key in IGNORED:
        return 0
    return ERR_UNK


def parse_iolimit(val, def_mul):
    """config.c parse_iolimit() (str or bytes): (ret, limit), limit None
    when invalid; "unlimited" is 0, the product wraps as an unsigned long
    long and is cut to INT_MAX."""
    if val == cstr.lit(val, "unlimited"):
        return 0, 0
    value, tail = _strtoul(val)
    if value is None:
        return ERR_INVAL, None
    ret = 0
    if value > INT_MAX:
        value, ret = INT_MAX, ERR_LONG_TRUNC
    if tail:
        mul = get_mul(tail[:1])
        if mul < 0 or tail[1:]:
            return ERR_INVAL, None
    else:
        mul = def_mul
    value = (value * mul) & ULONG_MAX
    if value > INT_MAX:
        value, ret = INT_MAX, ERR_LONG_TRUNC
    return ret, value


def _pci(tok):
    m = re.match(r"^([0-9a-fA-F]+):([0-9a-fA-F]+):([0-9a-fA-F]+)\.(\d+)", tok)
    if m:
        dom, bus, slot, func = (int(m.group(1), 16), int(m.group(2), 16),
                                int(m.group(3), 16), int(m.group(4)))
    else:
        m = re.match(r"^([0-9a-fA-F]+):([0-9a-fA-F]+)\.(\d+)", tok)
        if not m:
            return None
        dom, bus, slot, func = 0, int(m.group(1), 16), int(m.group(2), 16), int(m.group(3))
    return "%04x:%02x:%02x.%d" % (dom, bus, slot, func)


def check_name(name):
    """4.x config.c check_name(): isdigit/isalpha (C locale) or " -+_."; a byte
    >= 0x80 is a negative char there, so never valid."""
    for ch in name:
        if not (ch.isascii() and (ch.isdigit() or ch.isalpha())) and ch not in " -+_.":
            return False
    return True


NAME_MAX = 255


def check_name_vz7(name):
    """libvzctl util.c vzctl2_is_env_name_valid(): not empty, at most NAME_MAX
    bytes, and every byte below 127 a digit, a letter or one of " +-_.{}"
    (bytes from 127 up, UTF-8 names, pass)."""
    raw = name.encode("utf-8", "surrogateescape")
    if not raw or len(raw) > NAME_MAX:
        return False
    return all(b >= 127 or chr(b).isalnum() or chr(b) in " +-_.{}" for b in raw)


def normalize_guid(text):
    body = text
    if body.startswith("{") and body.endswith("}"):
        body = body[1:-1]
    parts = body.split("-")
    if [len(x) for x in parts] != [8, 4, 4, 4, 12]:
        return None
    if any(c not in "0123456789abcdefABCDEF" for c in "".join(parts)):
        return None
    return "{%s}" % body.lower()


UUID_LEN = 36


def normalized_uuid(text, otype="uuid"):
    """libvzctl util.c get_normalized_uuid(): ``text`` (``{uuid}``, ``uuid``
    or 32 hex digits) as ``otype`` ("guid" ``{...}``, "uuid", "ctid" 32
    hex digits), or None.  Case is kept, as in C."""
    itype = "ctid"
    src = text
    if src.startswith("{"):
        itype = "guid"
        src = src[1:]
    elif len(src) > 8 and src[8] == "-":
        itype = "uuid"
    out = []
    i = 0
    while i < UUID_LEN and i < len(src):
        ch = src[i]
        if itype != "ctid":
            if i in (8, 13, 18, 23):
                if ch != "-":
                    return None
                if otype != "ctid":
                    out.append("-")
                i += 1
                continue
        elif otype != "ctid" and i in (8, 12, 16, 20):
            out.append("-")
        if ch not in "0123456789abcdefABCDEF":
            return None
        out.append(ch)
        i += 1
    rest = src[i:]
    if rest and rest != "}":
        return None
    body = "".join(out)
    want = {"guid": UUID_LEN, "uuid": UUID_LEN, "ctid": UUID_LEN - 4}[otype]
    if len(body) != want:
        return None
    return "{%s}" % body if otype == "guid" else body


def parse_ctid_vz7(text):
    """libvzctl vzctl2_parse_ctid() (get_cid_uuid_pair()): a UUID (any of its
    spellings, normalized), else a non-negative int (printed %d), else None."""
    if not text:
        return None
    uuid = normalized_uuid(text, "uuid")
    if uuid is not None:
        return uuid
    value = cstr.parse_int(text)
    if value is None or value < 0:
        return None
    return str(value)


# ---------------------------------------------------------------- files

def canonical_key(key):
    return ALIASES.get(key, key)


# What vps_parse_config() reports after parse() returned an error:
# (what, what became of the line).
CONF_WARNINGS = {
    ERR_LONG_TRUNC: ("too large value", "truncated"),
    ERR_DUP: ("duplicate", "ignored"),
    ERR_INVAL: ("invalid value", "skipped"),
}


def conf_lines(path, host):
    """The lines vps_parse_config() reads from ``path``, as str.  vzctl 4.x
    reads with fgets() into a buffer the size of the file
    (conffile.fgets_lines()); libvzctl's buffer is larger than any line."""
    if host.legacy:
        return [line.decode("utf-8", "surrogateescape") for line in conffile.fgets_lines(path)]
    with open(path, "r", encoding="utf-8", errors="surrogateescape") as handle:
        text = handle.read()
    lines = text.split("\n")
    return lines[:-1] if text.endswith("\n") else lines


def raw_values_vz7(path):
    """libvzctl config.c parse_conf_data(): KEY -> value of every line of
    ``path`` (a later line replaces the value, the key keeps its first
    place); {} if it cannot be read."""
    values = {}
    try:
        with open(path, "r", encoding="utf-8", errors="surrogateescape") as handle:
            text = handle.read()
    except OSError:
        return values
    for raw in text.split("\n"):
        parsed = conffile.parse_line_vz7(raw.encode("utf-8", "surrogateescape"))
        if parsed is not None:
            values[parsed[0].decode("utf-8", "surrogateescape")] = \
                parsed[1].decode("utf-8", "surrogateescape")
    return values


def load_conf(path, veid, p, host, log, warn=True):
    """vps_parse_config(): parse every line of ``path`` into ``p``; 0, or 3
    if it cannot be read.  ``log`` is vzctl's logger (vzlist gives one that
    writes to its own console); ``warn=False`` drops the per-line warnings."""
    try:
        lines = conf_lines(path, host)
    except OSError as exc:
        log.error("Unable to open %s" % path, exc.errno)
        return 3
    ctx = Ctx(veid, host, log, False)
    lsz = conffile.STR_SIZE if host.legacy else 4096
    for lineno, raw in enumerate(lines, start=1):
        if host.legacy:
            name, value, err = conffile.parse_line(raw, lsz)
        else:
            # libvzctl common.c parse_line(): no complaints
            parsed = conffile.parse_line_vz7(raw.encode("utf-8", "surrogateescape"))
            name, value, err = (None, None, None) if parsed is None else \
                [x.decode("utf-8", "surrogateescape") for x in parsed] + [None]
        if name is None:
            if err is not None and warn:
                log.error("Warning: can't parse %s:%d (%s), skipping" % (path, lineno, err))
            continue
        key = canonical_key(name)
        if not name and host.legacy:
            # config[]'s first nameless entry is PARAM_IP_DEL: "=..." deletes IPs
            key = "IPDEL"
        elif key not in CONF_KEYS and key not in IGNORED and \
                (host.legacy or key not in envconf.HANDLED):
            log.log(1, 'Warning at %s:%d: unknown parameter %s ("%s"), ignored'
                    % (path, lineno, name, value))
            continue
        if key in IGNORED:
            continue
        ret = parse(p, key, value, ctx)
        if ret == ERR_VZ7 and warn:
            log.error("Invalid parameter %s: '%s'" % (name, value))
            continue
        if not warn or ret not in CONF_WARNINGS:
            continue
        if key in STRTOK and ret != ERR_DUP:
            value = cstr.strtok_view(value, STRTOK[key])
        what, outcome = CONF_WARNINGS[ret]
        log.error('Warning at %s:%d: %s for %s ("%s"), %s' % (path, lineno, what, name, value, outcome))
    return 0


def _dev_line(dev):
    if dev["all"]:
        return "%s:%d:all:%s " % (dev["type"], dev["major"], dev["mask"])
    return "%s:%d:%d:%s " % (dev["type"], dev["major"], dev["minor"], dev["mask"])


def _store_devs(old, new, named):
    odevs = list(old.devs)
    ndevs = list(new.devs)
    if not odevs and not ndevs:
        return None
    out = ""
    for dev in odevs:
        if (dev["name"] is not None) != named:
            continue
        if not dev["mask"]:
            continue
        if named:
            if any(n["name"] is not None and n["name"] == dev["name"] for n in ndevs):
                continue
            out += "%s:%s " % (dev["name"], dev["mask"])
        else:
            if any(n["type"] == dev["type"] and n["major"] == dev["major"]
                   and n["minor"] == dev["minor"] and n["all"] == dev["all"] for n in ndevs):
                continue
            out += _dev_line(dev)
    for dev in ndevs:
        if (dev["name"] is not None) != named:
            continue
        if not dev["mask"]:
            continue
        out += ("%s:%s " % (dev["name"], dev["mask"])) if named else _dev_line(dev)
    if out:
        return out
    if odevs and ndevs:
        return ""
    # vzctl adds an empty entry here; merging it replaces nothing
    return False


def _netif_value(devs):
    items = []
    for dev in devs:
        fields = []
        if dev["ifname"]:
            fields.append("ifname=%s" % dev["ifname"])
        if dev["bridge"]:
            fields.append("bridge=%s" % dev["bridge"])
        if dev["mac"] is not None:
            fields.append("mac=%s" % mac_str(dev["mac"]))
        if dev["host_ifname"]:
            fields.append("host_ifname=%s" % dev["host_ifname"])
        if dev["host_mac"] is not None:
            fields.append("host_mac=%s" % mac_str(dev["host_mac"]))
        if dev["mac_filter"]:
            fields.append("mac_filter=%s" % dev["mac_filter"])
        items.append(",".join(fields))
    return ";".join(items)


def merge_veth(old, add, dele, delall):
    merged = []
    old_list = [] if delall else old
    for dev in old_list:
        if _find_veth(dele, dev["ifname"]):
            continue
        new = _find_veth(add, dev["ifname"])
        if new is not None:
            merged.append(_fill(_fill(netif_dev(), dev), new))
            continue
        merged.append(dev)
    for dev in add:
        if not _find_veth(old_list, dev["ifname"]):
            merged.append(dev)
    return merged


def _fill(dst, src):
    for key in ("host_ifname", "bridge", "ifname"):
        if src[key]:
            dst[key] = src[key]
    for key in ("host_mac", "mac", "mac_filter"):
        if src[key] is not None:
            dst[key] = src[key]
    return dst


def store(old, new):
    """store(): the ``(KEY, value)`` lines for ``new``, in vzctl's order."""
    out = []
    for key in UBC_KEYS:
        if key in new.ub:
            out.append((key, ubcstr(*new.ub[key])))
    if new.vm_overcommit:
        out.append(("VM_OVERCOMMIT", c_float_g(new.vm_overcommit)))
    if new.iptables:
        out.append(("IPTABLES", "".join("%s " % m for m in IPTABLES_MODULES if m in new.iptables)))
    if new.netfilter:
        out.append(("NETFILTER", new.netfilter))
    if new.cap_on or new.cap_off:
        caps = []
        for index, name in enumerate(CAP_NAMES):
            bit = 1 << (index & 31)
            if new.cap_on & bit:
                caps.append(name + ":on")
            elif new.cap_off & bit:
                caps.append(name + ":off")
            elif old.cap_on & bit:
                caps.append(name + ":on")
            elif old.cap_off & bit:
                caps.append(name + ":off")
        out.append(("CAPABILITY", " ".join(caps)))
    if new.ip_delall or new.ip or new.ip_del:
        merged = merge_str_list(new.ip_delall, old.ip, new.ip, new.ip_del, find_ip)
        out.append(("IP_ADDRESS", " ".join(merged)))
    if new.netdev or new.netdev_del:
        merged = merge_str_list(False, old.netdev, new.netdev, new.netdev_del, _find_str)
        out.append(("NETDEV", " ".join(merged)))
    if new.hostname is not None:
        out.append(("HOSTNAME", new.hostname))
    if new.description is not None:
        out.append(("DESCRIPTION", new.description))
    if new.nameserver:
        out.append(("NAMESERVER", " ".join(new.nameserver)))
    if new.searchdomain:
        out.append(("SEARCHDOMAIN", " ".join(new.searchdomain)))
    for key, named in (("DEVICES", False), ("DEVNODES", True)):
        value = _store_devs(old, new, named)
        if value is not None and value is not False:
            out.append((key, value))
    if new.pci or new.pci_del:
        merged = merge_str_list(False, old.pci, new.pci, new.pci_del, _find_str)
        out.append(("PCI", " ".join(merged)))
    if new.root_orig is not None:
        out.append(("VE_ROOT", new.root_orig))
    if new.private_orig is not None:
        out.append(("VE_PRIVATE", new.private_orig))
    if new.mount_opts is not None:
        out.append(("MOUNT_OPTS", new.mount_opts))
    layout = new.layout or old.layout
    if layout:
        out.append(("VE_LAYOUT", layout))
    if new.ostmpl is not None:
        out.append(("OSTEMPLATE", new.ostmpl))
    if new.cpuunits is not None:
        out.append(("CPUUNITS", str(new.cpuunits)))
    if new.cpuweight is not None:
        out.append(("CPUUWEIGHT", str(new.cpuweight)))
    if new.cpulimit is not None:
        out.append(("CPULIMIT", str(new.cpulimit)))
    if new.cpus is not None:
        out.append(("CPUS", str(new.cpus)))
    if new.cpumask is not None:
        out.append(("CPUMASK", "auto" if new.cpumask == "auto"
                    else format_bitmap(new.cpumask, CPUMASK_NBITS)))
    if new.nodemask is not None:
        out.append(("NODEMASK", format_bitmap(new.nodemask, CPUMASK_NBITS)))
    if new.onboot is not None:
        out.append(("ONBOOT", new.onboot))
    if new.origin_sample is not None:
        out.append(("ORIGIN_SAMPLE", new.origin_sample))
    if new.start_disabled is not None:
        out.append(("DISABLED", new.start_disabled))
    if new.local_uid is not None:
        out.append(("LOCAL_UID", str(new.local_uid)))
    if new.local_gid is not None:
        out.append(("LOCAL_GID", str(new.local_gid)))
    if new.disk_quota is not None:
        out.append(("DISK_QUOTA", new.disk_quota))
    if new.diskspace is not None:
        out.append(("DISKSPACE", "%d:%d" % new.diskspace))
    if new.diskinodes is not None:
        out.append(("DISKINODES", "%d:%d" % new.diskinodes))
    if new.quotatime is not None:
        out.append(("QUOTATIME", str(new.quotatime)))
    if new.quotaugidlimit is not None:
        out.append(("QUOTAUGIDLIMIT", str(new.quotaugidlimit)))
    if new.meminfo is not None:
        mode, amount = new.meminfo
        out.append(("MEMINFO", mode if mode == "none" else "%s:%d" % (mode, amount)))
    if new.veth or new.veth_del or new.veth_delall:
        merged = merge_veth(old.veth, new.veth, new.veth_del, new.veth_delall)
        out.append(("NETIF", _netif_value(merged)))
    if new.veid is not None and new.veid > 0:
        out.append(("VEID", str(new.veid)))
    if new.name is not None:
        out.append(("NAME", new.name))
    if new.features_known:
        mask = (new.features_mask & new.features_known) | (old.features_mask & ~new.features_known)
        known = old.features_known | new.features_known
        out.append(("FEATURES", " ".join("%s:%s" % (name, "on" if mask & bit else "off")
                                         for name, bit in FEATURES if known & bit)))
    if new.ioprio is not None:
        out.append(("IOPRIO", str(new.ioprio)))
    if new.iolimit is not None:
        out.append(("IOLIMIT", str(new.iolimit)))
    if new.iopslimit is not None:
        out.append(("IOPSLIMIT", str(new.iopslimit)))
    if new.bootorder is not None:
        out.append(("BOOTORDER", str(new.bootorder)))
    if new.stop_timeout is not None:
        out.append(("STOP_TIMEOUT", str(new.stop_timeout)))
    return out


def save_config(path, new, old, log, quiet_success=False):
    """vps_save_config(): merge store(old, new) into ``path``; 0 or 139."""
    entries = store(old, new)
    if not entries:
        log.info("No changes in CT configuration, not saving")
        return 0
    try:
        conffile.save_entries(path, entries)
    except OSError as exc:
        log.error("Unable to create configuration file %s.tmp" % os.path.realpath(path), exc.errno)
        return 139
    if not quiet_success:
        log.info("CT configuration saved to %s" % path)
    return 0


def merge(dst, src):
    """merge_vps_param(dst, src): src's set values override dst's."""
    for attr in ("save", "save_force", "reset_ub"):
        if getattr(src, attr):
            setattr(dst, attr, True)
    for attr in ("setmode", "config", "origin_sample", "apply_cfg", "start_disabled",
                 "root", "root_orig", "private", "private_orig", "template", "mount_opts",
                 "layout", "ostmpl", "def_ostmpl", "hostname", "description", "onboot",
                 "local_uid", "local_gid", "bootorder", "stop_timeout", "disk_quota",
                 "diskspace", "diskinodes", "quotatime", "quotaugidlimit", "cpuunits",
                 "cpuweight", "cpulimit", "cpus", "cpumask", "nodemask", "meminfo", "name",
                 "ioprio", "iolimit", "iopslimit", "netfilter", "dumpdir", "vm_overcommit",
                 "ipv6_net"):
        value = getattr(src, attr)
        if value is not None:
            setattr(dst, attr, value)
    if src.layout_mode is not None:
        dst.layout_mode = src.layout_mode
    for key in UBC_MERGED:
        if key in src.ub:
            dst.ub[key] = src.ub[key]
    for attr in ("ip", "netdev", "nameserver", "searchdomain", "userpw", "pci"):
        if getattr(src, attr):
            setattr(dst, attr, list(getattr(src, attr)))
    if src.ip_delall:
        dst.ip_delall = True
    if src.devs:
        dst.devs = list(src.devs)
    if src.veth:
        dst.veth = [dict(d) for d in src.veth]
    if src.cap_on:
        dst.cap_on = src.cap_on
    if src.cap_off:
        dst.cap_off = src.cap_off
    if src.features_mask:
        dst.features_mask = src.features_mask
    if src.features_known:
        dst.features_known = src.features_known
    if src.iptables:
        dst.iptables = list(src.iptables)
    return dst
