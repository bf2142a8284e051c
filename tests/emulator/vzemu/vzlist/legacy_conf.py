"""vzctl 4.x's CT config reader, as vzlist 4.11 runs it (src/lib/config.c).

Not vzemu.conffile: vzlist needs what vzctl's parse() does per key (which
duplicates are kept, which accumulate, typed values, and the exact warnings
in line order), so the reader is redone here from kolyshkin/vzctl
src/lib/config.c vps_parse_config(), parse_line() (src/lib/util.c) and the
per-key parsers.  Messages at logger level -1 go to stderr, level 0 to
stdout (vzlist runs with verbosity 0); level 1 ones are not shown.
"""
import socket

from . import common
from .common import LONG_MAX, b

# ---------------------------------------------------------------- tables --

UBC_NAMES = ["kmemsize", "lockedpages", "privvmpages", "shmpages", "numproc",
             "physpages", "vmguarpages", "oomguarpages", "numtcpsock", "numflock",
             "numpty", "numsiginfo", "tcpsndbuf", "tcprcvbuf", "othersockbuf",
             "dgramrcvbuf", "numothersock", "dcachesize", "numfile", "numiptent",
             "swappages"]

PAGE_SIZE = 4096
# Divisor for the K/M/G/T/P/B suffixes; 0 = suffixes refused (config.c parse()).
UBC_DIVISOR = {
    "KMEMSIZE": 1, "TCPSNDBUF": 1, "TCPRCVBUF": 1, "OTHERSOCKBUF": 1,
    "DGRAMRCVBUF": 1, "DCACHESIZE": 1,
    "LOCKEDPAGES": PAGE_SIZE, "PRIVVMPAGES": PAGE_SIZE, "SHMPAGES": PAGE_SIZE,
    "PHYSPAGES": PAGE_SIZE, "VMGUARPAGES": PAGE_SIZE, "OOMGUARPAGES": PAGE_SIZE,
    "SWAPPAGES": PAGE_SIZE,
    "NUMPROC": 0, "NUMTCPSOCK": 0, "NUMFLOCK": 0, "NUMPTY": 0, "NUMSIGINFO": 0,
    "NUMOTHERSOCK": 0, "NUMFILE": 0, "NUMIPTENT": 0, "AVNUMPROC": 0,
}
ALIASES = {b"DCACHE": b"DCACHESIZE", b"IPTENTRIES": b"NUMIPTENT"}

# The config[] table's names (vzctl 4.11, HAVE_UPSTREAM).  "" is a real
# entry (PARAM_IP_DEL): a line "=..." is parsed as IP addresses to delete.
KNOWN = set(b(name) for name in (
    "LOCKDIR DUMPDIR LOGGING LOG_LEVEL LOGFILE VERBOSE IPTABLES NETFILTER "
    "CAPABILITY IP_ADDRESS NETDEV HOSTNAME DESCRIPTION NAMESERVER IPV6 "
    "SEARCHDOMAIN DEVICES DEVNODES PCI VE_ROOT VE_PRIVATE TEMPLATE MOUNT_OPTS "
    "VE_LAYOUT OSTEMPLATE DEF_OSTEMPLATE CPUUNITS CPUUWEIGHT CPULIMIT CPUS "
    "CPUMASK NODEMASK ONBOOT CONFIGFILE ORIGIN_SAMPLE DISABLED LOCAL_UID "
    "LOCAL_GID DISK_QUOTA DISKSPACE DISKINODES QUOTATIME QUOTAUGIDLIMIT MEMINFO "
    "VETH NETIF VEID NAME FEATURES IOPRIO IOLIMIT IOPSLIMIT BOOTORDER "
    "STOP_TIMEOUT VM_OVERCOMMIT").split()) | set(b(k) for k in UBC_DIVISOR) | {b""}
IGNORED = set(b(name) for name in (
    "VIRTUOZZO VE0CPUUNITS VZFASTBOOT NEIGHBOUR_DEVS ERROR_ON_ARPFAIL VZWDOG "
    "IPTABLES_MODULES IP6TABLES CONFIG_CUSTOMIZED VE_STOP_MODE "
    "SKIP_SYSCTL_SETUP SKIP_ARPDETECT VE_PARALLEL").split())

# src/lib/cap.c cap_names[]; index 32 ("FS_MASK") maps onto bit 0 again
# because CAP_TO_MASK(x) is 1 << (x & 31).
CAP_NAMES = [b(n) for n in (
    "CHOWN DAC_OVERRIDE DAC_READ_SEARCH FOWNER FSETID KILL SETGID SETUID SETPCAP "
    "LINUX_IMMUTABLE NET_BIND_SERVICE NET_BROADCAST NET_ADMIN NET_RAW IPC_LOCK "
    "IPC_OWNER SYS_MODULE SYS_RAWIO SYS_CHROOT SYS_PTRACE SYS_PACCT SYS_ADMIN "
    "SYS_BOOT SYS_NICE SYS_RESOURCE SYS_TIME SYS_TTY_CONFIG MKNOD LEASE "
    "AUDIT_WRITE VE_ADMIN SETFCAP FS_MASK").split()]

# src/lib/vzfeatures.c features[] (table order is output order).
FEATURES = [b"sysfs", b"nfs", b"sit", b"ipip", b"ppp", b"ipgre", b"bridge", b"nfsd"]

NETFILTER = {b"disabled": 1, b"stateless": 2, b"stateful": 3, b"full": 4}
NETFILTER_NAMES = {value: key for key, value in NETFILTER.items()}

# src/lib/iptables.c _g_iptables[] (built with VZCTL_ENV_CREATE_DATA).
IPTABLES_MODULES = set(b(n) for n in (
    "ip_tables iptable_filter iptable_mangle ipt_limit ipt_multiport ipt_tos "
    "ipt_TOS ipt_REJECT ipt_TCPMSS ipt_tcpmss ipt_ttl ipt_LOG ipt_length "
    "ip_conntrack ip_conntrack_ftp ip_conntrack_irc ipt_conntrack ipt_state "
    "ipt_helper iptable_nat ip_nat_ftp ip_nat_irc ipt_REDIRECT xt_mac "
    "ipt_recent ipt_owner").split())

NONE, YES, NO = 0, 1, 2
LAYOUT_SIMFS, LAYOUT_PLOOP = 1, 2
STR_SIZE = 512

OK, ERR_DUP, ERR_INVAL, ERR_INVAL_SKIP, ERR_LONG_TRUNC = range(5)


class Param(object):
    """The parts of vps_param vzlist reads (init_vps_param() defaults)."""

    def __init__(self):
        self.root_orig = None
        self.private_orig = None
        self.root = None
        self.private = None
        self.dumpdir = None
        self.ubc = {}
        self.vm_overcommit = None
        self.ip = []
        self.ip_del = []
        self.diskspace = None
        self.diskinodes = None
        self.cpu_units = None
        self.cpu_limit = None
        self.vcpus = None
        self.hostname = None
        self.description = None
        self.ostemplate = None
        self.name = None
        self.nameserver = []
        self.searchdomain = []
        self.mount_opts = None
        self.onboot = NONE
        self.bootorder = None
        self.ioprio = -1
        self.iolimit = -1
        self.iopslimit = -1
        self.features_mask = 0
        self.features_known = 0
        self.start_disabled = NONE
        self.origin_sample = None
        self.layout = 0
        self.nf_mask = 0
        self.cap_on = 0
        self.cap_off = 0
        # Keys seen only for duplicate detection.
        self.seen = set()
        self.netif = False
        self.stop_timeout = -1


class Reader(object):
    """Parses config files for one vzlist run; knows the host's CPU count."""

    def __init__(self, console, ncpus):
        self.console = console
        self.ncpus = ncpus

    def parse_file(self, veid, path, param):
        """vps_parse_config(): fills ``param``, prints warnings; False if unreadable."""
        try:
            lines = common.read_lines_like_fgets(path)
        except OSError as exc:
            self.console.err("Unable to open %s: %s\n" % (path, exc.strerror))
            return False
        for lineno, raw in enumerate(lines, start=1):
            key, value, err = parse_line(raw)
            if key is None:
                if err is not None:
                    self.console.err("Warning: can't parse %s:%d (%s), skipping\n"
                                     % (path, lineno, err))
                continue
            key = ALIASES.get(key, key)
            if key not in KNOWN and key not in IGNORED:
                continue  # "unknown parameter" is logged at level 1: not shown
            ret, shown = self.parse(veid, param, key, value)
            if ret == OK or ret == ERR_INVAL_SKIP:
                continue
            what = {ERR_LONG_TRUNC: "too large value", ERR_DUP: "duplicate",
                    ERR_INVAL: "invalid value"}[ret]
            tail = {ERR_LONG_TRUNC: "truncated", ERR_DUP: "ignored",
                    ERR_INVAL: "skipped"}[ret]
            self.console.err(b"Warning at " + b(path) + b":%d: " % lineno + b(what)
                             + b" for " + key + b' ("' + shown + b'"), ' + b(tail) + b"\n")
        return True

    # Each handler returns (ret, value as the warning shows it).
    def parse(self, veid, p, key, value):
        k = key.decode("latin-1")
        if k in UBC_DIVISOR:
            ret, pair = parse_twoul_sfx(value, UBC_DIVISOR[k], True)
            if pair is not None:
                p.ubc[k.lower()] = pair
            return ret, value
        # The "" entry (PARAM_IP_DEL) has the handler _ip_del; KNOWN keys are upper case.
        handler = getattr(self, "_" + (k or "ip_del"), None)
        if handler is not None:
            return handler(veid, p, value)
        return OK, value   # known but not needed by vzlist, or ignored

    # --- strings (conf_parse_str: first one wins) ---
    def _str(self, p, attr, value):
        if getattr(p, attr) is not None:
            return ERR_DUP
        setattr(p, attr, value)
        return OK

    def _seen_str(self, p, key, value):
        if key in p.seen:
            return ERR_DUP
        p.seen.add(key)
        return OK

    def _HOSTNAME(self, veid, p, v):
        return self._str(p, "hostname", v), v

    def _DESCRIPTION(self, veid, p, v):
        return self._str(p, "description", v), v

    def _OSTEMPLATE(self, veid, p, v):
        return self._str(p, "ostemplate", v), v

    def _ORIGIN_SAMPLE(self, veid, p, v):
        return self._str(p, "origin_sample", v), v

    def _MOUNT_OPTS(self, veid, p, v):
        return self._str(p, "mount_opts", v), v

    def _DUMPDIR(self, veid, p, v):
        return self._str(p, "dumpdir", v), v

    def _VE_ROOT(self, veid, p, v):
        ret = self._str(p, "root_orig", v)
        if ret == OK:
            p.root = subst_veid(veid, v)
        return ret, v

    def _VE_PRIVATE(self, veid, p, v):
        ret = self._str(p, "private_orig", v)
        if ret == OK:
            p.private = subst_veid(veid, v)
        return ret, v

    def _CONFIGFILE(self, veid, p, v):
        return self._seen_str(p, "CONFIGFILE", v), v

    def _LOGFILE(self, veid, p, v):
        return self._seen_str(p, "LOGFILE", v), v

    def _LOCKDIR(self, veid, p, v):
        return self._seen_str(p, "LOCKDIR", v), v

    def _TEMPLATE(self, veid, p, v):
        return self._seen_str(p, "TEMPLATE", v), v

    def _DEF_OSTEMPLATE(self, veid, p, v):
        return self._seen_str(p, "DEF_OSTEMPLATE", v), v

    def _NAME(self, veid, p, v):
        if p.name is not None:
            return ERR_DUP, v
        if not check_name(v):
            return ERR_INVAL, v
        p.name = v
        return OK, v

    # --- yes/no (conf_parse_yesno: duplicate checked first) ---
    def _yesno(self, p, attr, v):
        if getattr(p, attr):
            return ERR_DUP
        if v == b"yes":
            setattr(p, attr, YES)
        elif v == b"no":
            setattr(p, attr, NO)
        else:
            return ERR_INVAL
        return OK

    def _ONBOOT(self, veid, p, v):
        return self._yesno(p, "onboot", v), v

    def _DISABLED(self, veid, p, v):
        return self._yesno(p, "start_disabled", v), v

    def _other_yesno(self, p, key, v):
        if key in p.seen:
            return ERR_DUP
        if v not in (b"yes", b"no"):
            return ERR_INVAL
        p.seen.add(key)
        return OK

    def _DISK_QUOTA(self, veid, p, v):
        return self._other_yesno(p, "DISK_QUOTA", v), v

    def _IPV6(self, veid, p, v):
        return self._other_yesno(p, "IPV6", v), v

    def _LOGGING(self, veid, p, v):
        return self._other_yesno(p, "LOGGING", v), v

    # --- numbers ---
    def _ulong_seen(self, p, key, v):
        if key in p.seen:
            return ERR_DUP, None
        value = common.parse_ul(v)
        if value is None:
            return ERR_INVAL, None
        p.seen.add(key)
        return OK, value

    def _BOOTORDER(self, veid, p, v):
        ret, value = self._ulong_seen(p, "BOOTORDER", v)
        if ret == OK:
            p.bootorder = value
        return ret, v

    def _CPUS(self, veid, p, v):
        ret, value = self._ulong_seen(p, "CPUS", v)
        if ret == OK:
            p.vcpus = value
        return ret, v

    def _CPUUNITS(self, veid, p, v):
        ret, value = self._ulong_seen(p, "CPUUNITS", v)
        if ret != OK:
            return ret, v
        if value < 8 or value > 500000:
            p.seen.discard("CPUUNITS")
            return ERR_INVAL, v
        p.cpu_units = value
        return OK, v

    def _CPUUWEIGHT(self, veid, p, v):
        return self._ulong_seen(p, "CPUUWEIGHT", v)[0], v

    def _QUOTATIME(self, veid, p, v):
        return self._ulong_seen(p, "QUOTATIME", v)[0], v

    def _QUOTAUGIDLIMIT(self, veid, p, v):
        return self._ulong_seen(p, "QUOTAUGIDLIMIT", v)[0], v

    def _LOCAL_UID(self, veid, p, v):
        return OK, v   # parsed, result ignored (config.c)

    _LOCAL_GID = _LOCAL_UID

    def _CPULIMIT(self, veid, p, v):
        if p.cpu_limit is not None:
            return ERR_DUP, v
        value, rest, erange = common.strtoull(v)
        if not common._STRTOL.match(v):
            value, rest = 0, v
        # val = (int)strtoul(...) stored in an unsigned long.
        value = common.to_int32(value) & 0xFFFFFFFFFFFFFFFF
        if rest == b"%":
            if value > 100:
                return ERR_INVAL, v
            value = (value * self.ncpus) & 0xFFFFFFFFFFFFFFFF
        elif rest != b"" or erange:
            return ERR_INVAL, v
        p.cpu_limit = value
        return OK, v

    def _LOG_LEVEL(self, veid, p, v):
        return (OK if common.parse_int(v) is not None else ERR_INVAL), v

    def _VERBOSE(self, veid, p, v):
        if "VERBOSE" in p.seen:
            return ERR_DUP, v
        if common.parse_int(v) is None:
            return ERR_INVAL, v
        p.seen.add("VERBOSE")
        return OK, v

    def _VEID(self, veid, p, v):
        return (OK if common.parse_int(v) is not None else ERR_INVAL), v

    def _STOP_TIMEOUT(self, veid, p, v):
        if p.stop_timeout != -1:
            return ERR_DUP, v
        value = common.parse_int(v)
        if value is None or value < 0:
            return ERR_INVAL, v
        p.stop_timeout = value
        return OK, v

    def _VM_OVERCOMMIT(self, veid, p, v):
        if p.vm_overcommit is not None:
            return ERR_DUP, v
        value = common.sscanf_float(v)
        if value is None:
            return ERR_INVAL, v
        p.vm_overcommit = value
        return OK, v

    def _IOPRIO(self, veid, p, v):
        value = common.parse_int(v)
        if value is None:
            return ERR_INVAL, v
        if value < 0 or value > 7:
            p.ioprio = -1
            return ERR_INVAL, v
        p.ioprio = value
        return OK, v

    def _IOLIMIT(self, veid, p, v):
        if v == b"unlimited":
            p.iolimit = 0
            return OK, v
        ret = OK
        value, rest, erange = common.strtoull(v)
        if not common._STRTOL.match(v):
            value, rest = 0, v
        if erange:
            p.iolimit = -1
            return ERR_INVAL, v
        if value > common.INT_MAX:
            value = common.INT_MAX
            ret = ERR_LONG_TRUNC
        if rest:
            mul = get_mul(rest[:1])
            if mul < 0 or rest[1:]:
                p.iolimit = -1
                return ERR_INVAL, v
            value = (value * mul) & 0xFFFFFFFFFFFFFFFF
        if value > common.INT_MAX:
            value = common.INT_MAX
            ret = ERR_LONG_TRUNC
        p.iolimit = value
        return ret, v

    def _IOPSLIMIT(self, veid, p, v):
        value = common.parse_int(v)
        if value is None or value < 0:
            p.iopslimit = -1
            return ERR_INVAL, v
        p.iopslimit = value
        return OK, v

    # --- disk quota (parse_dq: first one wins, no "unlimited") ---
    def _dq(self, p, attr, v, divisor):
        if getattr(p, attr) is not None:
            return ERR_DUP
        ret, pair = parse_twoul_sfx(v, divisor, False)
        if pair is not None:
            setattr(p, attr, pair)
        return ret

    def _DISKSPACE(self, veid, p, v):
        return self._dq(p, "diskspace", v, 1024), v

    def _DISKINODES(self, veid, p, v):
        return self._dq(p, "diskinodes", v, 1), v

    # --- lists ---
    def _NAMESERVER(self, veid, p, v):
        add_str2list(p.nameserver, v)
        return OK, v

    def _SEARCHDOMAIN(self, veid, p, v):
        add_str2list(p.searchdomain, v)
        return OK, v

    def _IP_ADDRESS(self, veid, p, v):
        return parse_ip(p.ip, v), strtok_view(v, b"\t ")

    def _ip_del(self, veid, p, v):  # the "" entry: PARAM_IP_DEL
        return parse_ip(p.ip_del, v), strtok_view(v, b"\t ")

    def _NETDEV(self, veid, p, v):
        for token in strtok(v, b"\t "):
            if any(token.startswith(prefix) for prefix in (b"venet", b"tun", b"tap", b"lo")):
                return ERR_INVAL, strtok_view(v, b"\t ")
        return OK, v

    def _NETIF(self, veid, p, v):
        if p.netif:
            return ERR_DUP, v
        p.netif = bool(v.strip(b"; \t"))
        return OK, v

    def _VETH(self, veid, p, v):
        self.console.out("Warning: VETH parameter is deprecated, remove it and "
                         "use --netif_add instead\n")
        return OK, v

    # --- environment ---
    def _FEATURES(self, veid, p, v):
        ret = OK
        for token in strtok(v, b"\t ,"):
            found = find_feature(token)
            if found is None:
                self.console.out(b"Warning: Unknown feature: " + token + b"\n")
                ret = ERR_INVAL_SKIP
                continue
            index, on = found
            if on:
                p.features_mask |= 1 << index
            p.features_known |= 1 << index
        return ret, v

    def _NETFILTER(self, veid, p, v):
        if v not in NETFILTER:
            self.console.err(b"Incorrect netfilter value: " + v + b"\n")
            return ERR_INVAL, v
        p.nf_mask = NETFILTER[v]
        return OK, v

    def _IPTABLES(self, veid, p, v):
        ret = OK
        for token in strtok(v, b"\t ,"):
            if token not in IPTABLES_MODULES:
                self.console.err(b"Warning: Unknown iptable module: " + token + b", skipped\n")
                ret = ERR_INVAL_SKIP
        return ret, v

    def _CAPABILITY(self, veid, p, v):
        shown = strtok_view(v, b"\t ,")
        for token in strtok(v, b"\t ,"):
            colon = token.rfind(b":")
            if colon < 0 or token[colon + 1:] not in (b"on", b"off"):
                self.console.err(b"Can't parse capability " + token
                                 + b" (expecting capname:on|off)\n")
                return ERR_INVAL, shown
            name = token[:colon]
            if len(name) + 1 > 128:
                return ERR_INVAL, shown
            index = cap_index(name)
            if index is None:
                self.console.err(b"Capability " + name + b" is unknown\n")
                return ERR_INVAL, shown
            bit = 1 << (index & 31)
            if token[colon + 1:] == b"on":
                p.cap_on |= bit
            else:
                p.cap_off |= bit
        return OK, v

    def _VE_LAYOUT(self, veid, p, v):
        if v == b"simfs":
            p.layout = LAYOUT_SIMFS
        elif v == b"ploop" or (v.startswith(b"ploop:") and v[6:] in (b"expanded", b"plain", b"raw")):
            p.layout = LAYOUT_PLOOP
        else:
            return ERR_INVAL, v
        return OK, v


# -------------------------------------------------------------- helpers --

def parse_line(raw):
    """src/lib/util.c parse_line(): (key, value, None) / (None, None, err)."""
    line = common.unescape(raw)
    stripped = line.lstrip(common.C_SPACE)
    if not stripped or stripped[:1] == b"#":
        return None, None, None
    stripped = stripped.rstrip(common.C_SPACE)
    eq = stripped.find(b"=")
    if eq < 0:
        return None, None, "'=' not found"
    if eq >= STR_SIZE:
        return None, None, "too long value"
    key = stripped[:eq]
    value = stripped[eq + 1:]
    if value[:1] != b'"':
        return key, value, None
    last = value.rfind(b'"', 1)
    if last < 0:
        return None, None, "unmatched quotes"
    return key, value[1:last], None


def subst_veid(veid, path):
    """src/lib/util.c subst_VEID(): trailing '/' dropped, first $VEID replaced."""
    if path is None:
        return None
    path = path.rstrip(b"/") if path.strip(b"/") else path[:1]
    for token in (b"$VEID", b"${VEID}"):
        pos = path.find(token)
        if pos >= 0:
            return path[:pos] + str(veid).encode() + path[pos + len(token):]
    return path


def check_name(name):
    for byte in name:
        char = chr(byte)
        if not (char.isascii() and (char.isdigit() or char.isalpha()) or char in " -+_."):
            return False
    return True


def strtok(value, delims):
    out = []
    token = bytearray()
    for byte in value:
        if byte in delims:
            if token:
                out.append(bytes(token))
                token = bytearray()
        else:
            token.append(byte)
    if token:
        out.append(bytes(token))
    return out


def strtok_view(value, delims):
    """What a warning shows of a value strtok() has run over: strtok wrote a
    NUL after the first token, so only up to there."""
    pos = 0
    while pos < len(value) and value[pos] in delims:
        pos += 1
    while pos < len(value) and value[pos] not in delims:
        pos += 1
    return value[:pos]


def add_str2list(lst, value):
    for token in strtok(value, b"\t "):
        if token not in lst:
            lst.append(token)


def canon_ip(token):
    """src/lib/util.c canon_ip(): glibc inet_pton/inet_ntop, '/mask' checked."""
    ipstr, slash, maskstr = token.partition(b"/")
    family = socket.AF_INET6 if b":" in ipstr else socket.AF_INET
    try:
        packed = socket.inet_pton(family, ipstr.decode("latin-1"))
        text = socket.inet_ntop(family, packed).encode()
    except (OSError, ValueError, UnicodeDecodeError):
        return None
    if not slash:
        return text
    mask = common.parse_int(maskstr)
    if mask is None or mask < 0 or mask > (128 if family == socket.AF_INET6 else 32):
        return None
    return text + b"/%d" % mask


def find_ip(lst, addr):
    """src/lib/net.c find_ip(): the same address, whatever its mask."""
    slash = addr.find(b"/")
    if slash >= 0:
        ip_slash, ip_only = addr[:slash + 1], addr[:slash]
    else:
        ip_slash, ip_only = addr + b"/", None
    for item in lst:
        if item == addr or (ip_only is not None and item == ip_only) \
                or item.startswith(ip_slash):
            return True
    return False


def parse_ip(lst, value):
    for token in strtok(value, b"\t "):
        if token in (b"0.0.0.0", b"::", b"::0"):
            continue
        canon = canon_ip(token)
        if canon is None:
            return ERR_INVAL
        if not find_ip(lst, canon):
            lst.append(canon)
    return OK


def find_feature(token):
    """src/lib/vzfeatures.c find_feature(), bug included: a name matching no
    feature falls through with the *last* entry ("nfsd", length 4), so e.g.
    "abcd:on" switches nfsd on."""
    index = len(FEATURES) - 1
    for i, name in enumerate(FEATURES):
        if token.startswith(name) and token[len(name):len(name) + 1] == b":":
            index = i
            break
    rest = token[len(FEATURES[index]) + 1:]
    if rest == b"on":
        return index, True
    if rest == b"off":
        return index, False
    return None


def cap_index(name):
    lowered = name.upper()
    for index, cap in enumerate(CAP_NAMES):
        if cap == lowered:
            return index
    return None


def get_mul(char):
    return {b"T": 1024 ** 4, b"t": 1024 ** 4, b"G": 1024 ** 3, b"g": 1024 ** 3,
            b"M": 1024 ** 2, b"m": 1024 ** 2, b"K": 1024, b"k": 1024,
            b"P": PAGE_SIZE, b"p": PAGE_SIZE, b"B": 1, b"b": 1}.get(char, -1)


def parse_ul_sfx(text, divisor, allow_unlimited):
    """config.c parse_ul_sfx(): (value, rest) or None."""
    if allow_unlimited and text.startswith(b"unlimited"):
        return LONG_MAX, text[9:]
    if common._STRTOL.match(text):
        value, rest, erange = common.strtoull(text)
        if erange:
            return None
    else:
        value, rest = 0, text
    number = value
    if rest[:1] == b".":
        number, rest = common.strtold(text)
        value = int(number) if number >= 0 else 0
    if rest[:1] not in (b":", b""):
        if not divisor:
            return None
        mul = get_mul(rest[:1])
        if mul < 0:
            return None
        scaled = number * mul / divisor
        value = LONG_MAX + 1 if scaled > LONG_MAX else int(scaled)
        rest = rest[1:]
    return value, rest


def parse_twoul_sfx(text, divisor, allow_unlimited):
    """(ret, (barrier, limit) or None); values above LONG_MAX are truncated."""
    ret = OK
    first = parse_ul_sfx(text, divisor, allow_unlimited)
    if first is None:
        return ERR_INVAL, None
    value, rest = first
    if value > LONG_MAX:
        value, ret = LONG_MAX, ERR_LONG_TRUNC
    if rest[:1] == b":":
        second = parse_ul_sfx(rest[1:], divisor, allow_unlimited)
        if second is None or second[1] != b"":
            return ERR_INVAL, None
        limit = second[0]
        if limit > LONG_MAX:
            limit, ret = LONG_MAX, ERR_LONG_TRUNC
    elif rest == b"":
        limit = value
    else:
        return ERR_INVAL, None
    return ret, (value, limit)
