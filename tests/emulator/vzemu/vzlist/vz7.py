"""vzlist of OpenVZ 7 (OpenVZ/vzctl branch vz7-u22 src/vzlist.c over
OpenVZ/libvzctl vz7-u22).

The CT config is read the libvzctl way: vz.conf first (minus NETFILTER,
VEID, UUID), then CTID.conf, the last value of a key winning, no warnings
(vzlist turns the library's messages off).
"""
import os
import re

from .. import cstr, paths
from ..conffile import parse_line_vz7 as parse_line
from ..vzctl import config as cfg
from . import common, state
from .common import LONG_MAX, UBC_NAMES, Field, b, cfmt, json_list, json_str, none_cmp, str_cmp

ENV_STATUS_EXISTS = 0x01
ENV_STATUS_MOUNTED = 0x02
ENV_STATUS_RUNNING = 0x04
ENV_STATUS_SUSPENDED = 0x08
ENV_STATUS_CPT_SUSPENDED = 0x10
ENV_STATUS_ALL = 0xFF

(RES_NONE, RES_HOSTNAME, RES_UBC, RES_QUOTA, RES_IP, RES_LA, RES_CPU, RES_TM,
 RES_OSTEMPLATE, RES_DESCRIPTION, RES_NAME) = range(11)
RES_NETIF, RES_IFNAME, RES_ONBOOT = 13, 14, 15
RES_BOOTORDER, RES_UPTIME, RES_IO, RES_CONFIGURED_IP = 18, 19, 20, 21
RES_HA_ENABLE, RES_HA_PRIO, RES_STATUS, RES_DISTRIBUTION = 22, 23, 24, 25

DEFAULT_FIELDS = "veid,numproc,status,configured_ip,hostname"
DEFAULT_JSON_FIELDS = (
    "ctid,private,root,hostname,name,smart_name,description,ostemplate,distribution,"
    "ip,configured_ip,nameserver,searchdomain,status,numproc,kmemsize,lockedpages,"
    "privvmpages,shmpages,numproc,physpages,vmguarpages,oomguarpages,numtcpsock,"
    "numflock,numpty,numsiginfo,tcpsndbuf,tcprcvbuf,othersockbuf,dgramrcvbuf,"
    "numothersock,dcachesize,numfile,numiptent,swappages,diskspace,diskinodes,"
    "laverage,uptime,cpulimit,cpuunits,cpus,ioprio,iolimit,iopslimit,onboot,"
    "bootorder,layout,features,disabled,netfilter")
DEFAULT_COMPAT_FIELDS = "status,configured_ip,smart_name"
DEFAULT_NAME_FIELDS = "ctid,numproc,status,configured_ip,name"
DEFAULT_NETIF_FIELDS = "ctid,status,host_ifname,configured_ip,hostname"

USAGE = (
    "Usage: vzlist\t[-a|-S] [-n] [-H] [-o field[,field...]] [-s [-]field]\n"
    "\t\t[-h <pattern>] [-N <pattern>] [-d <pattern>] [-i <ifname>]\n"
    "\t\t[CTID [CTID ...]|-1]\n"
    "       vzlist -L\n"
    "\n"
    "   -a, -all\t\tlist all Containers\n"
    "   -S, --stopped\tlist stopped Containers\n"
    "   -n, --name\t\tdisplay Container names instead of hostnames\n"
    "   -H, --no-header\tsuppress displaying the header\n"
    "   -o, --output\t\tdisplay only specified fields\n"
    "   -j, --json\t\toutput in JSON format\n"
    "   -s, --sort\t\tsort by the field ('-field' to reverse sort order)\n"
    "   -h, -hostname\tfilter by hostname pattern\n"
    "   -N, --name_filter\tfilter by name pattern\n"
    "   -d, --description\tfilter by description pattern\n"
    "   -i, --netif\t\tfilter by network interface name\n"
    "   -L, --list\t\tget the list of known fields\n")

LONG_OPTIONS = [
    ("no-header", False, "H"), ("stopped", False, "S"), ("all", False, "a"),
    ("name", False, "n"), ("json", False, "j"), ("name_filter", True, "N"),
    ("hostname", True, "h"), ("description", True, "d"), ("output", True, "o"),
    ("sort", True, "s"), ("list", False, "L"), ("netif", True, "i"),
    ("help", False, "e"), ("compat", False, "c"), ("skipowner", False, "w"),
]
SHORT_OPTIONS = "HSanjN:h:d:o:s:i:Le1cw"

# OpenVZ/vzctl src/technologies.c env_features[]: what vzlist shows (no sysfs).
SHOWN_FEATURES = [(b"nfs", 1), (b"sit", 3), (b"ipip", 4), (b"ppp", 5), (b"ipgre", 6),
                  (b"bridge", 7), (b"nfsd", 8), (b"time", 9)]
# libvzctl lib/vzfeatures.c features[]: what the config may name.
KNOWN_FEATURES = {b"sysfs": 0, b"nfs": 1, b"sit": 3, b"ipip": 4, b"ppp": 5,
                  b"ipgre": 6, b"bridge": 7, b"nfsd": 8, b"time": 9}

# libvzctl parses these beancounters from the config; the others (numtcpsock,
# numothersock, tcpsndbuf, tcprcvbuf, othersockbuf, dgramrcvbuf,
# oomguarpages, dcachesize) are "deprecated" and ignored.
PARSED_UBC = {"LOCKEDPAGES": 4096, "PRIVVMPAGES": 4096, "SHMPAGES": 4096,
              "PHYSPAGES": 4096, "VMGUARPAGES": 4096, "SWAPPAGES": 4096,
              "NUMPROC": 0, "NUMFLOCK": 0, "NUMPTY": 0, "NUMSIGINFO": 0,
              "NUMFILE": 0, "NUMIPTENT": 0, "KMEMSIZE": 1}

# Host CPU facts libvzctl's vzctl2_get_cpuinfo() would report (frequency in
# kHz); only used to convert CPULIMIT between % and MHz.
CPU_FREQ_KHZ = 2000000


class CT(object):
    def __init__(self, ctid, status):
        self.ctid = ctid
        self.status = status
        self.hide = False
        self.ip = None
        self.configured_ip = None
        self.hostname = None
        self.name = None
        self.description = None
        self.private = None
        self.root = None
        self.ostmpl = None
        self.tm = False
        self.distribution = None
        self.ubc = None
        self.quota = None
        self.cpu = None
        self.veth = None
        self.onboot = 0
        self.bootorder = None
        self.cpustat = None
        self.ioprio = None
        self.iolimit = None
        self.iopslimit = None
        self.cpumask = None
        self.nodemask = None
        self.features = None
        self.ha_enable = 1
        self.ha_prio = None
        self.netfilter = None
        self.uuid = None
        self.devnodes = None
        self.autostop = None
        self.disabled = 0
        self.cpus = 0
        self.nameserver = None
        self.searchdomain = None
        self.config = None
        self.type = b"regular"
        self.layout = 0


# ------------------------------------------------------------ printers --
# (bytes written, p_outbuffer advance); OpenVZ 7 never trims a string.

def _out(text):
    return text, len(text)


def _str(attr, fmt):
    def text(ct, index, last, ctx):
        value = getattr(ct, attr)
        return _out(cfmt(fmt, value if value is not None else b"-"))

    def json(ct, index):
        return json_str(getattr(ct, attr))
    return text, json


def _name():
    """print_name(): "-" for a CT without a name, in JSON too (print_str())."""
    def text(ct, index, last, ctx):
        return _out(cfmt(b"%-32s", ct.name if ct.name is not None else b"-"))

    def json(ct, index):
        return json_str(ct.name if ct.name is not None else b"-")
    return text, json


def _smart_name():
    def text(ct, index, last, ctx):
        return _out(b"%-32s" % (ct.name if ct.name is not None else ct.ctid))

    def json(ct, index):
        return json_str(ct.name if ct.name is not None else ct.ctid)
    return text, json


def _strlist(attr):
    def text(ct, index, last, ctx):
        value = getattr(ct, attr)
        shown = b"-" if value is None or value == b"" else value
        if not last:
            cut = shown.find(b" ")
            if cut >= 0:
                shown = shown[:cut]
                if value:
                    setattr(ct, attr, shown)
        out = b"%-15s" % shown
        return out, (len(out) if last else 15)

    def json(ct, index):
        return json_list(getattr(ct, attr))
    return text, json


def _status_word(status):
    if status & ENV_STATUS_RUNNING:
        return b"paused" if status & ENV_STATUS_CPT_SUSPENDED else b"running"
    if status & ENV_STATUS_MOUNTED:
        return b"mounted"
    if status & ENV_STATUS_SUSPENDED:
        return b"suspended"
    if status & ENV_STATUS_EXISTS:
        return b"stopped"
    return b"unknown"


def _status():
    def text(ct, index, last, ctx):
        return _out(b"%-9s" % _status_word(ct.status))

    def json(ct, index):
        return json_str(_status_word(ct.status))
    return text, json


def _ubc(name):
    def text(ct, index, last, ctx):
        res = ct.ubc[name]
        if ct.status != ENV_STATUS_RUNNING and index in (0, 1, 4):
            return _out(b"%10s" % b"-")
        return _out(b"%10d" % res[index])

    def json(ct, index):
        return common.ubc_json(ct.ubc[name], ct.status == ENV_STATUS_RUNNING)
    return text, json


def _dq(name):
    def text(ct, index, last, ctx):
        res = ct.quota[name]
        if index == 0 and res[0] == 0:
            return _out(b"%10s" % b"-")
        return _out(b"%10d" % res[index])

    def json(ct, index):
        return (b'{\n      "usage": %d,\n      "softlimit": %d,\n      "hardlimit": %d\n    }'
                % tuple(ct.quota[name]))
    return text, json


def _cpulimit():
    def text(ct, index, last, ctx):
        return _out(b"%7d" % ct.cpu[index])

    def json(ct, index):
        return b"%d" % ct.cpu[index]
    return text, json


def _cpus():
    def text(ct, index, last, ctx):
        return _out(b"%5s" % b"-" if ct.cpus <= 0 else b"%5d" % ct.cpus)

    def json(ct, index):
        return b"%d" % ct.cpus
    return text, json


def _na():
    def text(ct, index, last, ctx):
        return _out(b"%10s" % b"-")

    def json(ct, index):
        # print_na() writes into the text buffer even in JSON mode: the
        # value is missing from the JSON output.
        return b""
    return text, json


def _tm():
    def text(ct, index, last, ctx):
        return _out(b"%-2s" % (b"EZ" if ct.tm else b"-"))

    def json(ct, index):
        return b'"EZ"' if ct.tm else b"null"
    return text, json


def _yesno(attr, fmt, json_true=None):
    def text(ct, index, last, ctx):
        return _out(cfmt(fmt, b"yes" if getattr(ct, attr) else b"no"))

    def json(ct, index):
        value = getattr(ct, attr)
        return b"true" if (value == json_true if json_true is not None else value) else b"false"
    return text, json


def _autostop():
    def text(ct, index, last, ctx):
        return _out(b"%-8s" % (ct.autostop or b"-"))

    def json(ct, index):
        return json_str(ct.autostop)
    return text, json


def _ul_or_null(attr, fmt):
    def text(ct, index, last, ctx):
        value = getattr(ct, attr)
        return _out(cfmt(fmt + b"s", b"-") if value is None else cfmt(fmt + b"d", value))

    def json(ct, index):
        value = getattr(ct, attr)
        return b"null" if value is None else b"%d" % value
    return text, json


def _io_limit(attr):
    def text(ct, index, last, ctx):
        value = getattr(ct, attr)
        return _out(b"%10s" % b"-" if not value else b"%10d" % value)

    def json(ct, index):
        return b"%d" % (getattr(ct, attr) or 0)
    return text, json


def _features():
    def text(ct, index, last, ctx):
        if ct.features is None:
            return _out(b"%-15s" % b"-")
        mask, known = ct.features
        items = [name + (b":on" if mask & (1 << bit) else b":off")
                 for name, bit in SHOWN_FEATURES if known & (1 << bit)]
        return _out(b"%-15s" % b",".join(items)[:63])

    def json(ct, index):
        if ct.features is None:
            return b"null"
        mask, known = ct.features
        items = [b'      "' + name + b'": ' + (b"true" if mask & (1 << bit) else b"false")
                 for name, bit in SHOWN_FEATURES if known & (1 << bit)]
        if not items:
            return b"null"
        return b"{\n" + b",\n".join(items) + b"\n    }"
    return text, json


def _layout():
    def text(ct, index, last, ctx):
        return _out(b"%6d" % ct.layout)

    def json(ct, index):
        return b"%d" % ct.layout
    return text, json


def _device():
    def text(ct, index, last, ctx):
        return _out(b"%-16s" % b"")

    def json(ct, index):
        return b'""'
    return text, json


def _devnodes():
    def text(ct, index, last, ctx):
        tokens = cstr.strtok(ct.devnodes or b"", b" \t")
        if not tokens:
            return _out(b"%-16s" % b"-")
        return _out(b"".join(token + b" " for token in tokens))

    def json(ct, index):
        tokens = cstr.strtok(ct.devnodes or b"", b" \t")
        if not tokens:
            return b"null"
        items = []
        for token in tokens:
            key, colon, perm = token.partition(b":")
            items.append(b'      "' + key + b'": "' + (perm if colon else b"(null)") + b'"')
        return b"{\n" + b",\n".join(items) + b"\n    }"
    return text, json


def _type():
    def text(ct, index, last, ctx):
        return _out(b"%-8s" % (ct.type or b"-"))

    def json(ct, index):
        return json_str(ct.type)
    return text, json


# veth: print_netif_param() indexes.
NETIF_KEYS = {1: (b"host_ifname", b"%-16s"), 6: (b"ifname", b"%-8s"), 2: (b"mac", b"%-17s"),
              3: (b"host_mac", b"%-17s"), 4: (b"gw", b"%-15s"), 5: (b"network", b"%-32s")}


def _netif_value(dev, index, json):
    key = NETIF_KEYS[index][0]
    value = dev.get(key)
    if value is None:
        return None
    if index in (2, 3):
        return b'"' + value.lower() + b'"' if json else value.upper()
    if json:
        return b'"' + value + b'"'
    if index == 5:
        return value
    return cfmt(NETIF_KEYS[index][1], value)


def _active_devs(ct, ctx):
    devs = ct.veth or []
    if ctx.netif_pattern is not None:
        devs = [dev for dev in devs if dev.get(b"active")]
    return devs


def _netif_params():
    def text(ct, index, last, ctx):
        out = b""
        count = 0
        for dev in _active_devs(ct, ctx):
            value = _netif_value(dev, index, False)
            if value is not None:
                out += value
                count += 1
            if not last:
                break
            if count == 0:
                continue
            out = out.rstrip(b" ") + b" "
        if count == 0:
            out = cfmt(NETIF_KEYS[index][1], b"-")
        return _out(out)

    def json(ct, index):
        devs = _active_devs(ct, ctx_json)
        if devs:
            value = _netif_value(devs[0], index, True)
            if value is not None:
                return value
        return b"null"
    return text, json


class _CtxJson(object):
    netif_pattern = None


ctx_json = _CtxJson()


def _netif():
    def text(ct, index, last, ctx):
        devs = _active_devs(ct, ctx) if ct.veth else []
        if not ct.veth:
            return _out(b"%-32s" % b"-")
        return _out(b"".join(dev.get(b"host_ifname", b"") + b" " for dev in devs))

    def json(ct, index):
        if not ct.veth:
            return b"null"
        devs = _active_devs(ct, ctx_json)
        return json_str(devs[0].get(b"host_ifname", b"")) if devs else b""
    return text, json


# -------------------------------------------------------------- sorting --

def _eid_cmp(a, c):
    return common.strcmp(a.ctid, c.ctid)


def _status_cmp(a, c):
    res = a.status - c.status
    return res if res else _eid_cmp(a, c)


def _plain_str_cmp(attr):
    # strcmp() without a NULL check (the real tool would crash on NULL).
    def cmp(a, c):
        return common.strcmp(getattr(a, attr) or b"", getattr(c, attr) or b"")
    return cmp


def _dq_cmp(name, index):
    def cmp(a, c):
        return int(a.quota[name][index] > c.quota[name][index])
    return cmp


def _cpu_cmp(index):
    def cmp(a, c):
        return int(a.cpu[index] > c.cpu[index])
    return cmp


def _bootorder_cmp(a, c):
    ret = common.check_empty(a.bootorder, c.bootorder)
    if ret != 2:
        return ret
    if a.bootorder == c.bootorder:
        return 0
    return int(a.bootorder > c.bootorder)


def _reverse_cmp(attr):
    """ha_prio/iolimit/ioprio: (r1 < r2), NULLs last."""
    def cmp(a, c):
        x, y = getattr(a, attr), getattr(c, attr)
        ret = common.check_empty(x, y)
        if ret == 2:
            return int(x < y)
        return -ret
    return cmp


def _tm_cmp(a, c):
    return int(a.tm > c.tm)


# ------------------------------------------------------------ the table --

def _build_fields():
    F = Field
    eid = (_str("ctid", b"%36s"), _eid_cmp)
    fields = [
        F("ctid", "CTID", "%36s", 0, RES_NONE, eid[0], eid[1]),
        F("private", "PRIVATE", "%-32s", 0, RES_NONE, _str("private", b"%-32s"), none_cmp),
        F("root", "ROOT", "%-36s", 0, RES_NONE, _str("root", b"%-32s"), none_cmp),
        F("veid", "CTID", "%36s", 0, RES_NONE, eid[0], eid[1]),
        F("uuid", "UUID", "%36s", 0, RES_NONE, _str("uuid", b"%36s"), _eid_cmp),
        F("hostname", "HOSTNAME", "%-32s", 0, RES_HOSTNAME, _str("hostname", b"%-32s"),
          str_cmp("hostname")),
        F("name", "NAME", "%-32s", 0, RES_NAME, _name(), str_cmp("name")),
        F("smart_name", "NAME", "%-32s", 0, RES_NAME, _smart_name(), str_cmp("name")),
        F("description", "DESCRIPTION", "%-32s", 0, RES_DESCRIPTION,
          _str("description", b"%-32s"), str_cmp("description")),
        F("tm", "TM", "%-2s", 0, RES_TM, _tm(), _tm_cmp),
        F("ostemplate", "OSTEMPLATE", "%-24s", 0, RES_OSTEMPLATE, _str("ostmpl", b"%-24s"),
          _plain_str_cmp("ostmpl")),
        F("distribution", "DISTRIBUTION", "%-15s", 0, RES_DISTRIBUTION,
          _str("distribution", b"%-15s"), _plain_str_cmp("distribution")),
        F("ip", "IP_ADDR", "%-15s", 0, RES_IP, _strlist("ip"), str_cmp("ip")),
        F("nameserver", "NAMESERVER", "%-15s", 0, RES_NONE, _strlist("nameserver"),
          str_cmp("nameserver")),
        F("searchdomain", "SEARCHDOMAIN", "%-15s", 0, RES_NONE, _strlist("searchdomain"),
          str_cmp("searchdomain")),
        F("configured_ip", "CFG_IP_ADDR", "%-15s", 0, RES_CONFIGURED_IP,
          _strlist("configured_ip"), str_cmp("configured_ip")),
        F("status", "STATUS", "%-9s", 0, RES_STATUS, _status(), _status_cmp),
    ]
    fields += common.ubc_fields(_ubc, RES_UBC)
    for name, hdr in (("diskspace", "DQBLOCKS"), ("diskinodes", "DQINODES")):
        printers = _dq(name)
        for suffix, index in (("", 0), (".s", 1), (".h", 2)):
            fields.append(F(name + suffix, hdr + suffix.upper(), "%10s", index, RES_QUOTA,
                            printers, _dq_cmp(name, index)))
    fields += [
        F("laverage", "LAVERAGE", "%14s", 0, RES_LA, (common.laverage_text, common.laverage_json), common.laverage_cmp),
        F("cpulimit", "CPULIM", "%7s", 0, RES_CPU, _cpulimit(), _cpu_cmp(0)),
        F("cpulimit%", "CPUL_%", "%7s", 0, RES_CPU, _cpulimit(), _cpu_cmp(0)),
        F("cpulimitM", "CPUL_M", "%7s", 1, RES_CPU, _cpulimit(), _cpu_cmp(1)),
        F("cpuunits", "CPUUNI", "%7s", 2, RES_CPU, _cpulimit(), _cpu_cmp(2)),
        F("cpus", "CPUS", "%5s", 0, RES_NONE, _cpus(), none_cmp),
        F("cpumask", "CPUMASK", "%16s", 1, RES_CPU, _str("cpumask", b"%16s"), none_cmp),
        F("nodemask", "NODEMASK", "%16s", 1, RES_CPU, _str("nodemask", b"%16s"), none_cmp),
    ]
    for number, (name, hdr, fmt) in enumerate((
            ("slmmode", "SLMMOD", "%7s"), ("slminst", "SLMINST", "%10s"),
            ("slminst.l", "SLMINST.L", "%10s"), ("slmlowinst", "SLMLOWINST", "%10s"),
            ("slmlowinst.l", "SLMLOWINST.L", "%10s"), ("slmoomlimit", "SLMOOMLIMIT", "%10s"),
            ("slmavg", "SLMAVG", "%10s"), ("slmquality", "SLMQUALITY", "%10s"))):
        fields.append(F(name, hdr, fmt, number, RES_NONE, _na(), none_cmp))
    netif = _netif_params()
    fields += [
        F("host_ifname", "HOST_IFNAME", "%-16s", 1, RES_NETIF, netif, none_cmp),
        F("mac", "MAC", "%-17s", 2, RES_NETIF, netif, none_cmp),
        F("host_mac", "HOST_MAC", "%-17s", 3, RES_NETIF, netif, none_cmp),
        F("gw", "GATEWAY", "%-15s", 4, RES_NETIF, netif, none_cmp),
        F("network", "NETWORK", "%-32s", 5, RES_NETIF, netif, none_cmp),
        F("ifname", "IFNAME", "%-8s", 6, RES_IFNAME, netif, none_cmp),
        F("netif", "NET_INTERFACES", "%-32s", 0, RES_NETIF, _netif(), none_cmp),
        F("onboot", "ONBOOT", "%-6s", 0, RES_ONBOOT, _yesno("onboot", b"%-6s", 1), none_cmp),
        F("disabled", "DISABL", "%-6s", 0, RES_NONE, _yesno("disabled", b"%-6s"), none_cmp),
        F("autostop", "AUTOSTOP", "%-8s", 0, RES_ONBOOT, _autostop(), none_cmp),
        F("bootorder", "BOOTORDER", "%10s", 0, RES_BOOTORDER,
          _ul_or_null("bootorder", b"%10"), _bootorder_cmp),
        F("uptime", "UPTIME", "%15s", 1, RES_UPTIME, (common.uptime_text, common.uptime_json), common.uptime_cmp),
        F("ioprio", "IOPRIO", "%6s", 0, RES_IO, _ul_or_null("ioprio", b"%6"),
          _reverse_cmp("ioprio")),
        F("iolimit", "IOLIMIT", "%10s", 1, RES_IO, _io_limit("iolimit"), _reverse_cmp("iolimit")),
        F("iopslimit", "IOPSLIMIT", "%10s", 0, RES_IO, _io_limit("iopslimit"), none_cmp),
        F("features", "FEATURES", "%-15s", 0, RES_NONE, _features(), none_cmp),
        F("layout", "LAYOUT", "%-6s", 0, RES_NONE, _layout(), none_cmp),
        F("device", "DEVICE", "%-16s", 0, RES_NONE, _device(), none_cmp),
        F("ha_enable", "HA_ENABLE", "%-9s", 0, RES_HA_ENABLE, _yesno("ha_enable", b"%-9s"),
          none_cmp),
        F("ha_prio", "HA_PRIO", "%10s", 0, RES_HA_PRIO, _ul_or_null("ha_prio", b"%10"),
          _reverse_cmp("ha_prio")),
        F("netfilter", "NETFILTER", "%9s", 0, RES_NONE, _str("netfilter", b"%-9s"), none_cmp),
        F("devnodes", "DEVNODES", "%-16s", 0, RES_NONE, _devnodes(), none_cmp),
        F("origin_sample", "ORIGIN_SAMPLE", "%-32s", 0, RES_NONE, _str("config", b"%-32s"),
          none_cmp),
        F("type", "TYPE", "%-8s", 0, RES_NONE, _type(), none_cmp),
    ]
    return fields


FIELDS = _build_fields()
FIELD_INDEX = common.field_index(FIELDS)


# ------------------------------------------------------------- the tool --

# readdir() names taken by sscanf("%37[^.].%5s") with the word "conf".
_CONF_NAME = re.compile(rb"([^.]{1,37})\.[ \t\n\v\f\r]*([^ \t\n\v\f\r]{1,5})")


class Options(object):
    def __init__(self):
        self.only_stopped = False
        self.show_hdr = True
        self.all = False
        self.host_pattern = None
        self.name_pattern = None
        self.desc_pattern = None
        self.netif_pattern = None
        self.f_order = None
        self.sort_field = 0
        self.sort_rev = False
        self.json = False
        self.compat = False
        self.ve_list = None


def run(host, argv, console):
    opts = Options()
    options = common.Options(argv, SHORT_OPTIONS, LONG_OPTIONS, console)
    try:
        for opt, arg in options:
            rc = take_option(opts, opt, arg, console)
            if rc is not None:
                return rc
    except common.GetoptError:
        console.err(USAGE)
        return 1
    args = options.rest
    if args:
        ids = set()
        for arg in args:
            ctid = envid_by_name(b(arg), console)
            if ctid is None:
                console.err(b"Container ID " + b(arg) + b" is invalid.\n")
                return 1
            ids.add(ctid)
        opts.ve_list = ids
    order = build_field_order(opts, console)
    if order is None:
        return 1
    if os.getuid() != 0:   # main(): getuid(), the real uid
        console.err("This program can be run by root only.\n")
        return 1
    cts = collect(host, opts, order, console)
    if cts is None:
        return 1
    print_ve(cts, opts, order, console)
    return 0


def take_option(opts, opt, arg, console):
    """One pass of main()'s getopt_long loop: None, or the exit code."""
    if opt == "S":
        opts.only_stopped = True
    elif opt == "H":
        opts.show_hdr = False
    elif opt == "L":
        for field in FIELDS:
            if not field.name.startswith("slm"):
                console.out(b"%-15s %-15s\n" % (b(field.name), b(field.hdr)))
        return 0
    elif opt == "a":
        opts.all = True
    elif opt == "h":
        opts.host_pattern = b(arg)
    elif opt == "d":
        opts.desc_pattern = b(arg)
    elif opt == "o":
        opts.f_order = arg
    elif opt == "s":
        name = arg[1:] if arg.startswith("-") else arg
        opts.sort_rev = opts.sort_rev or arg.startswith("-")
        if name not in FIELD_INDEX:
            console.err(b(arg) + b" is an invalid field name for this query.\n")
            return 1
        opts.sort_field = FIELD_INDEX[name]
    elif opt == "1":
        opts.f_order = "veid"
        opts.show_hdr = False
    elif opt == "n":
        opts.f_order = DEFAULT_NAME_FIELDS
    elif opt == "i":
        opts.netif_pattern = b(arg)
    elif opt == "N":
        opts.name_pattern = b(arg)
    elif opt == "c":
        opts.compat = True
    elif opt == "w":
        pass
    elif opt == "j":
        opts.json = True
    else:
        console.err(USAGE)
        return 1
    return None


def build_field_order(opts, console):
    fields = opts.f_order
    if fields is None:
        if opts.json:
            fields = DEFAULT_JSON_FIELDS
        elif opts.compat:
            fields = DEFAULT_COMPAT_FIELDS
        elif opts.netif_pattern is not None:
            fields = DEFAULT_NETIF_FIELDS
        else:
            fields = DEFAULT_FIELDS
    raw = b(fields)
    order = []
    pos = 0
    while True:
        comma = raw.find(b",", pos)
        end = len(raw) if comma < 0 else comma
        name = raw[pos:end]
        if len(name) + 1 > 31:
            console.err(b"Field name " + raw[pos:] + b" is unknown.\n")
            return None
        if opts.compat and name in (b"veid", b"ctid"):
            name = b"uuid"
        number = FIELD_INDEX.get(name.decode("latin-1"), -1)
        if number < 0:
            console.err(b"Unknown field: " + name + b"\n")
            return None
        order.append(number)
        pos = end + 1
        if pos >= len(raw):
            break
    return order


def check_param(order, res):
    return any(FIELDS[number].res == res for number in order)


# ------------------------------------------------------------ config I/O --

def read_conf(path):
    values = {}
    try:
        with open(path, "rb") as handle:
            data = handle.read()
    except OSError:
        return None
    for raw in data.split(b"\n"):
        parsed = parse_line(raw)
        if parsed is not None:
            values[parsed[0]] = parsed[1]
    return values


_GLOBAL = None


def global_conf():
    global _GLOBAL  # pylint: disable=global-statement
    if _GLOBAL is None:
        values = read_conf(paths.VZ_CONF) or {}
        for key in (b"NETFILTER", b"VEID", b"UUID"):
            values.pop(key, None)
        _GLOBAL = values
    return _GLOBAL


_CONFS = {}


def ct_conf(ctid):
    """The CT's merged settings, or None if its config cannot be opened
    (read once per run: vzlist never writes)."""
    if ctid not in _CONFS:
        own = read_conf(os.path.join(paths.CONF_DIR, "%s.conf" % ctid.decode("latin-1")))
        if own is None:
            _CONFS[ctid] = None
        else:
            merged = dict(global_conf())
            merged.update(own)
            _CONFS[ctid] = merged
    conf = _CONFS[ctid]
    return dict(conf) if conf is not None else None


def subst(ctid, path):
    if path is None:
        return None
    path = path.rstrip(b"/") if path.strip(b"/") else path[:1]
    for token in (b"$VEID", b"${VEID}"):
        pos = path.find(token)
        if pos >= 0:
            return path[:pos] + ctid + path[pos + len(token):]
    return path


def normalized_uuid(text):
    body = text
    if body[:1] == b"{":
        body = body[1:]
        if body[-1:] != b"}":
            return None
        body = body[:-1]
    if len(body) == 36 and all(body[i:i + 1] == b"-" for i in (8, 13, 18, 23)):
        hexpart = body.replace(b"-", b"")
    elif len(body) == 32:
        hexpart = body
    else:
        return None
    if len(hexpart) != 32 or any(chr(c) not in "0123456789abcdefABCDEF" for c in hexpart):
        return None
    return b"-".join((hexpart[:8], hexpart[8:12], hexpart[12:16], hexpart[16:20], hexpart[20:]))


def _parse_int(text):
    """libvzctl lib/common.c parse_int(): an empty string is no number."""
    return cstr.parse_int(text) if text else None


def parse_ctid(text):
    """libvzctl vzctl2_parse_ctid(): a UUID, or a non-negative int as "%d"."""
    if not text:
        return None
    uuid = normalized_uuid(text)
    if uuid is not None:
        return uuid
    value = _parse_int(text)
    if value is None or value < 0:
        return None
    return b"%d" % value


def envid_by_name(name, console):
    """vzctl2_get_envid_by_name(): CTID for a CTID or a name, or None."""
    ctid = parse_ctid(name)
    by_ctid = ctid is not None and os.path.exists(
        os.path.join(paths.CONF_DIR, "%s.conf" % ctid.decode("latin-1")))
    link = os.path.join(b(paths.NAMES_DIR), name)
    if not os.path.exists(link):
        return ctid if by_ctid else None
    conf = read_conf(link) or {}
    if conf.get(b"NAME") != name:
        return None
    veid = conf.get(b"VEID")
    found = parse_ctid(veid) if veid is not None else None
    if found is None and veid is None:
        # Configs written without VEID: fall back to the symlink's target
        # (the real vzctl 7 always writes VEID; see the vzlist docs).
        try:
            target = os.readlink(link)
        except OSError:
            target = b""
        base = target.rsplit(b"/", 1)[-1]
        if base.endswith(b".conf"):
            found = parse_ctid(base[:-5])
    if found is None:
        console.err(b"Unable to get ctid by name " + name + b": invalid VEID="
                    + (veid if veid is not None else b"(null)") + b"\n")
    return found


def layout_version(private):
    if private is None:
        return 0
    try:
        target = os.readlink(private + b"/.ve.layout")
    except OSError:
        return 0
    value, _rest = cstr.strtol(target)
    return value if value is not None else 0


# -------------------------------------------------------------- collect --

def env_status(ctid, mask, mounts_cache):
    """vzctl2_get_env_status() for a CT with a config: the status bits."""
    conf = ct_conf(ctid)
    if conf is None:
        return None
    private = subst(ctid, conf.get(b"VE_PRIVATE"))
    root = subst(ctid, conf.get(b"VE_ROOT"))
    status = 0
    if mask & ENV_STATUS_RUNNING and os.path.exists(paths.state_path("running", ctid.decode())):
        status |= ENV_STATUS_RUNNING
    exists = private is not None and os.path.exists(private)
    if mask & ENV_STATUS_EXISTS and exists:
        status |= ENV_STATUS_EXISTS
    if mask & ENV_STATUS_MOUNTED and exists and root is not None:
        if not mounts_cache:
            mounts_cache.append(state.mount_points())
        if state.is_mounted(root, mounts_cache[0]):
            status |= ENV_STATUS_MOUNTED
    if mask & ENV_STATUS_SUSPENDED and exists and not status & ENV_STATUS_RUNNING:
        dumpdir = conf.get(b"DUMPDIR", b"/vz/dump")
        if os.path.exists(dumpdir + b"/Dump." + ctid):
            status |= ENV_STATUS_SUSPENDED
    return status


def collect(host, opts, order, console):
    restrict = opts.ve_list
    cts = {}
    mounts_cache = []
    listed = opts.all or restrict is not None or opts.only_stopped
    if listed:
        mask = ENV_STATUS_ALL if check_param(order, RES_STATUS) else ENV_STATUS_EXISTS
        try:
            names = os.listdir(paths.CONF_DIR)
        except OSError:
            names = []
        for name in names:
            match = _CONF_NAME.match(b(name))
            if not match or match.group(2) != b"conf":
                continue
            ctid = parse_ctid(match.group(1))
            if ctid is None or (restrict is not None and ctid not in restrict):
                continue
            status = env_status(ctid, mask, mounts_cache)
            if status is None or not status & ENV_STATUS_EXISTS:
                continue
            cts[ctid] = CT(ctid, status)
    running = state.running_entries()
    for name, (path, mtime) in running.items():
        ctid = parse_ctid(b(name))
        if ctid is None or ctid == b"0":
            continue
        if restrict is not None and ctid not in restrict:
            continue
        info = state.running_info(path)
        status = ENV_STATUS_RUNNING
        if info.get("paused"):
            status |= ENV_STATUS_CPT_SUSPENDED
        if listed:
            if ctid in cts:
                cts[ctid].status = status
            else:
                cts[ctid] = CT(ctid, status)
        else:
            ct = CT(ctid, status)
            ct.configured_ip = running_ips(ctid, info)
            cts[ctid] = ct
    records = [cts[key] for key in sorted(cts)]
    if not opts.only_stopped:
        for ct in records:
            if ct.status == ENV_STATUS_RUNNING:
                ct.ubc = kernel_ubc(ct.ctid)
    if not records:
        if restrict is not None:
            console.err("Container is not found\n")
            return None
        return records
    if check_param(order, RES_LA) or check_param(order, RES_UPTIME):
        for ct in records:
            if ct.status & ENV_STATUS_RUNNING:
                entry = running.get(ct.ctid.decode("latin-1"))
                started = state.started(*entry) if entry else None
                ct.cpustat = ((0.0, 0.0, 0.0),
                              state.uptime_since(started) if started else cstr.float32(0.0))
    for ct in records:
        conf = ct_conf(ct.ctid)
        if conf is None:
            continue
        merge_conf(host, ct, conf)
        if check_param(order, RES_IP) and not ct.status & ENV_STATUS_RUNNING:
            # update_ip(): a running CT's own addresses (get_real_ips()) are
            # its configured ones here.
            ct.ip = filter_by_netif_pattern(ct, ct.ip, opts.netif_pattern)
        if check_param(order, RES_CONFIGURED_IP):
            ct.configured_ip = filter_by_netif_pattern(ct, ct.configured_ip, opts.netif_pattern)
    if check_param(order, RES_QUOTA):
        for ct in records:
            if ct.layout == 5 and ct.root is not None:
                if not mounts_cache:
                    mounts_cache.append(state.mount_points())
                if state.is_mounted(ct.root, mounts_cache[0]):
                    for name in ("diskspace", "diskinodes"):
                        size = ct.quota[name][2]
                        ct.quota[name] = [0, size, size]
    do_filter(records, opts, order)
    return records


def running_ips(ctid, info):
    """The venet IPs of /proc/vz/veinfo for a running CT (see state.py)."""
    conf = ct_conf(ctid) or {}
    ips = [item.split(b"/", 1)[0] for item in
           cstr.strtok(conf.get(b"IP_ADDRESS", b""), b" \t")]
    text = state.kernel_ips(ctid.decode("latin-1"), ips)
    return text if text is not None else b""


def kernel_ubc(ctid):
    conf = ct_conf(ctid) or {}
    live = state.applied(ctid.decode("latin-1")).get("ub")
    live = live if isinstance(live, dict) else {}
    out = {}
    for name in UBC_NAMES:
        pair = _ubc_pair(conf, name)
        barrier, limit = pair if pair is not None else (LONG_MAX, LONG_MAX)
        override = live.get(name.upper())
        if isinstance(override, list) and len(override) == 2:
            barrier, limit = int(override[0]), int(override[1])
        out[name] = [0, 0, barrier, limit, 0]
    return out


def _ubc_pair(conf, name):
    key = name.upper().encode()
    if key.decode() not in PARSED_UBC or key not in conf:
        return None
    ret, pair = cfg.parse_twoul_sfx(conf[key], PARSED_UBC[key.decode()], True)
    return pair


def _ul(value):
    if value is None:
        return None
    return cstr.parse_ul(value)


_HEX_PAIR = re.compile(rb"[ \t\n\v\f\r]*[+-]?[0-9a-fA-F]+")


def unescape_eq(text):
    """libvzctl vzctl2_unescapestr_eq(): "=XX" is the byte strtol(XX, 16)
    gives when it uses up both characters (or there are none left: a
    trailing "=" is a NUL, which ends the C string); otherwise "=" stays."""
    out = bytearray()
    i = 0
    while i < len(text):
        if text[i:i + 1] != b"=":
            out.append(text[i])
            i += 1
            continue
        pair = text[i + 1:i + 3]
        if pair == b"":
            value = 0
        elif _HEX_PAIR.fullmatch(pair):
            value = int(pair.strip(), 16) & 0xFF
        else:
            out.append(text[i])
            i += 1
            continue
        if value == 0:
            break
        out.append(value)
        i += 1 + len(pair)
    return bytes(out)


def parse_netif(value):
    """NETIF="ifname=eth0,mac=..,host_ifname=..,ip=a/m:b/m,...;ifname=eth1,..."."""
    devs = []
    for entry in value.split(b";"):
        if not entry.strip():
            continue
        dev = {}
        ips = []
        for pair in entry.split(b","):
            key, eq, val = pair.partition(b"=")
            if not eq:
                continue
            key = key.strip()
            if key in (b"ip", b"ip6"):
                for item in val.split(b":" if key == b"ip" else b" "):
                    if item:
                        ips.append(item.split(b"/", 1)[0])
            else:
                dev[key] = val
        dev[b"ips"] = ips
        if b"ifname" in dev or b"host_ifname" in dev:
            devs.append(dev)
    return devs


def merge_conf(host, ct, conf):
    if ct.ubc is None:
        ct.ubc = {}
        for name in UBC_NAMES:
            pair = _ubc_pair(conf, name)
            barrier, limit = pair if pair is not None else (0, 0)
            ct.ubc[name] = [0, 0, barrier, limit, 0]
    if b"NETIF" in conf:
        devs = parse_netif(conf[b"NETIF"])
        if devs:
            ct.veth = devs
    ips = [item.split(b"/", 1)[0] for item in cstr.strtok(conf.get(b"IP_ADDRESS", b""), b" \t")
           if item not in (b"0.0.0.0", b"::", b"::0")]
    if ct.configured_ip is None:
        # list2str() of an empty list is "", not NULL.
        ct.ip = b" ".join(ips)
        ct.configured_ip = b" ".join(ips)
    else:
        ct.ip = ct.configured_ip
    ct.quota = {"diskspace": [0, 0, 0], "diskinodes": [0, 0, 0]}
    for name, divisor in (("diskspace", 1024), ("diskinodes", 1)):
        raw = conf.get(name.upper().encode())
        if raw is not None:
            ret, pair = cfg.parse_twoul_sfx(raw, divisor, True)
            if pair is not None:
                ct.quota[name] = [0, pair[0], pair[1]]
    limit = [0, 0, 0]
    raw = conf.get(b"CPULIMIT")
    if raw is not None:
        value, rest, erange = cstr.strtoull(raw)
        ncpu = max(1, host.cpus)
        if not erange and rest.lower() in (b"m", b"mhz"):
            limit[0] = int(round(100.0 * value * 1000 * ncpu / CPU_FREQ_KHZ))
            limit[1] = value
        elif not erange and rest in (b"%", b""):
            limit[0] = value
            limit[1] = CPU_FREQ_KHZ * value // (100 * 1000 * ncpu)
    units = _ul(conf.get(b"CPUUNITS"))
    if units is not None and 8 <= units <= 500000:
        limit[2] = units
    ct.cpu = limit
    cpus = _ul(conf.get(b"CPUS"))
    ct.cpus = cpus or 0
    ct.hostname = conf.get(b"HOSTNAME")
    ct.name = conf.get(b"NAME")
    if b"DESCRIPTION" in conf:
        ct.description = unescape_eq(conf[b"DESCRIPTION"])
    ct.root = subst(ct.ctid, conf.get(b"VE_ROOT"))
    ct.private = subst(ct.ctid, conf.get(b"VE_PRIVATE"))
    if conf.get(b"OSTEMPLATE") is not None:
        ct.tm = True
        ct.ostmpl = conf[b"OSTEMPLATE"]
    else:
        ct.ostmpl = b"-"
    ct.distribution = conf.get(b"DISTRIBUTION")
    ct.onboot = {b"yes": 1, b"no": 0, b"auto": 2}.get(conf.get(b"ONBOOT"), 0)
    ct.autostop = {b"suspend": b"suspend", b"stop": b"stop"}.get(conf.get(b"AUTOSTOP"))
    ct.bootorder = _ul(conf.get(b"BOOTORDER")) or 0
    iolimit = conf.get(b"IOLIMIT")
    ct.iolimit = 0
    if iolimit is not None:
        ct.iolimit = cfg.parse_iolimit(iolimit, 1)[1] or 0
    iops = _parse_int(conf.get(b"IOPSLIMIT", b"x"))
    ct.iopslimit = iops if iops is not None and iops >= 0 else 0
    prio = _parse_int(conf.get(b"IOPRIO", b"x"))
    ct.ioprio = prio if prio is not None and 0 <= prio <= 7 else None
    ct.cpumask = conf.get(b"CPUMASK")
    ct.nodemask = conf.get(b"NODEMASK")
    if b"FEATURES" in conf:
        mask = known = 0
        for token in cstr.strtok(conf[b"FEATURES"], b" \t,;"):
            name, colon, word = token.rpartition(b":")
            if not colon or name not in KNOWN_FEATURES or word not in (b"on", b"off"):
                break
            bit = 1 << KNOWN_FEATURES[name]
            if word == b"on":
                mask |= bit
            known |= bit
        if known:
            ct.features = (mask, known)
    ct.ha_enable = 0 if conf.get(b"HA_ENABLE") == b"no" else 1
    ct.ha_prio = _ul(conf.get(b"HA_PRIO"))
    ct.netfilter = {b"disabled": b"disabled", b"stateless": b"stateless",
                    b"stateful": b"stateful", b"full": b"full"}.get(conf.get(b"NETFILTER"), b"-")
    uuid = conf.get(b"UUID")
    ct.uuid = normalized_uuid(uuid) if uuid is not None else None
    ct.devnodes = conf.get(b"DEVNODES")
    ct.disabled = 1 if conf.get(b"DISABLED") == b"yes" else 0
    if ct.nameserver is None:
        ct.nameserver = b" ".join(cstr.strtok(conf.get(b"NAMESERVER", b""), b" \t"))
    if ct.searchdomain is None:
        ct.searchdomain = b" ".join(cstr.strtok(conf.get(b"SEARCHDOMAIN", b""), b" \t"))
    ct.config = conf.get(b"ORIGIN_SAMPLE")
    ct.type = {b"regular": b"regular", b"temporary": b"temporary",
               b"template": b"template"}.get(conf.get(b"VE_TYPE", b"regular"), b"regular")
    ct.layout = layout_version(ct.private)


def filter_by_netif_pattern(ct, iplist, pattern):
    """filter_by_netif_pattern(): venet IPs, then each matching veth device's
    IPs appended -- after a NUL, so only the first part is ever seen."""
    def matches(name):
        return pattern is None or pattern == name
    if pattern is not None and matches(b"venet0"):
        return iplist
    if not ct.veth:
        return iplist
    if pattern is not None:
        iplist = None
    for dev in ct.veth:
        if matches(dev.get(b"host_ifname")) or matches(dev.get(b"ifname")):
            ips = dev.get(b"ips") or []
            if ips:
                return (iplist or b"") + b"".join(ip + b" " for ip in ips)
    return iplist


def do_filter(records, opts, order):
    for pattern, attr in ((opts.host_pattern, "hostname"), (opts.name_pattern, "name"),
                          (opts.desc_pattern, "description")):
        if pattern is None:
            continue
        for ct in records:
            value = getattr(ct, attr)
            if value is None or not common.fnmatch(pattern, value):
                ct.hide = True
    if opts.netif_pattern is not None:
        pattern = opts.netif_pattern
        for ct in records:
            ct.hide = True
            if pattern == b"venet0" and (
                    (check_param(order, RES_CONFIGURED_IP) and ct.configured_ip is not None)
                    or (check_param(order, RES_IP) and ct.ip is not None)):
                ct.hide = False
                continue
            for dev in ct.veth or []:
                if pattern in (dev.get(b"host_ifname"), dev.get(b"ifname")):
                    dev[b"active"] = True
                    ct.hide = False


class _Ctx(object):
    def __init__(self, opts):
        self.netif_pattern = opts.netif_pattern


def print_ve(records, opts, order, console):
    global ctx_json  # pylint: disable=global-statement
    ctx = _Ctx(opts)
    ctx_json = ctx
    if opts.sort_field:
        records = common.qsort(records, FIELDS[opts.sort_field].sort)
    out = []
    if opts.show_hdr and not opts.json:
        out.append(header(order))
    if opts.json:
        out.append(b"[")
    first = True
    for ct in (reversed(records) if opts.sort_rev else records):
        if ct.hide:
            continue
        if opts.only_stopped and ct.status == ENV_STATUS_RUNNING:
            continue
        if opts.json:
            out.append(b"%s\n  {" % (b"" if first else b","))
            out.append(b",".join(b'\n    "' + b(FIELDS[n].name) + b'": '
                                 + FIELDS[n].json(ct, FIELDS[n].index) for n in order))
            out.append(b"\n  }")
        else:
            pieces = []
            for position, number in enumerate(order):
                field = FIELDS[number]
                last = position == len(order) - 1
                text, advance = field.text(ct, field.index, last, ctx)
                pieces.append(text if last else text[:advance])
            out.append(common.rstrip_c(b" ".join(pieces)[:16383]) + b"\n")
        first = False
    if opts.json:
        out.append(b"\n]\n")
    console.out(b"".join(out))


def header(order):
    """print_hdr(): every column formatted and followed by a blank, except a
    last left-aligned one, which is printed bare (so a right-aligned last
    column leaves a trailing blank)."""
    out = b""
    for position, number in enumerate(order):
        field = FIELDS[number]
        if position == len(order) - 1 and field.hdr_fmt[1:2] == "-":
            out += b(field.hdr)
            break
        out += cfmt(field.hdr_fmt, field.hdr) + b" "
    return out + b"\n"
