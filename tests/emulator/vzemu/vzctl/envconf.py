"""libvzctl's CT parameters, for the vz7 flavour (OpenVZ/libvzctl lib/
env_config.c add_env_param(), env_param2str(), merge_env_param(); lib/
config.c vzctl2_conf_save(); the parsers in ub.c, util.c, cpu.c, io.c,
dev.c, veth.c, bindmount.c, vzfeatures.c, iptables.c).

OpenVZ 7's vzctl hands every CT parameter to libvzctl, which is another
code base than vzctl 4.x's config.c (vzctl/config.py): its own parsers and
messages, and its own way of saving: the entries a command changed are
computed in the order of libvzctl's ``config_param_map`` and written over
the lines that hold their key (every such line; an entry without a value
drops them), the rest appended in that order.  ``config.parse()`` sends the
keys listed in ``HANDLED`` here on a vz7 host; ``parse()`` returns
libvzctl's error code (0, 21 VZCTL_E_INVAL, or another), having logged what
libvzctl logs.
"""
import os
import random
import socket
import stat as stat_mod

from .. import conffile, cstr

E_INVAL = 21
LONG_MAX = cstr.LONG_MAX
ULONG_MAX = cstr.ULONG_MAX
UINT_MAX = 0xFFFFFFFF
PAGE_SIZE = 4096
IFNAMSIZE = 16
MAC_SIZE = 17
VZ_OUI = 0xC43772
CPUMASK_NBITS = 4096
LIST_DELIMITERS = "\t ,"

# config_param_map[] (env_config.c), aliases left out: the save order.
MAP_ORDER = [
    "IP_ADDRESS", "VE_ROOT", "VE_PRIVATE", "TEMPLATE", "TEMPLATES", "OSTEMPLATE", "NETIF",
    "DISK", "LOCKEDPAGES", "PRIVVMPAGES", "SHMPAGES", "NUMPROC", "PHYSPAGES", "VMGUARPAGES",
    "NUMTCPSOCK", "NUMFLOCK", "NUMPTY", "NUMSIGINFO", "TCPSNDBUF", "TCPRCVBUF",
    "OTHERSOCKBUF", "DGRAMRCVBUF", "NUMOTHERSOCK", "NUMFILE", "NUMIPTENT", "AVNUMPROC",
    "SWAPPAGES", "KMEMSIZE", "VM_OVERCOMMIT", "TOTVMPAGES", "IPCSHMPAGES", "ANONSHPAGES",
    "RSSPAGES", "OOMGUAR", "NUMSOCK", "UNIXSOCKBUF", "SOCKRCVBUF", "NUMUNIXSOCK",
    "DISK_QUOTA", "DISKSPACE", "DISKINODES", "QUOTAUGIDLIMIT", "JOURNALED_QUOTA",
    "QUOTATIME", "CPULIMIT", "CPULIMIT_MHZ", "CPUWEIGHT", "CPUUNITS", "CPUS", "CPUMASK",
    "NODEMASK", "DISTRIBUTION", "FEATURES", "TECHNOLOGIES", "NAME", "DEVICES", "DEVNODES",
    "NETDEV", "PCI", "IPTABLES", "NETFILTER", "IOPRIO", "IOLIMIT", "IOPSLIMIT", "LOCKDIR",
    "MEMINFO", "ONBOOT", "AUTOSTOP", "DESCRIPTION", "HOSTNAME", "SEARCHDOMAIN",
    "NAMESERVER", "VE_TYPE", "UUID", "APPLY_IPONLY", "OSRELEASE", "USE_NET_RPS",
    "HA_ENABLE", "HA_PRIO", "BINDMOUNT", "VE_ENVIRONMENT", "NOATIME", "ORIGIN_SAMPLE",
    "DISABLED", "AUTOCOMPACT", "BOOTORDER", "ROOT_DISK", "SLMMEMORYLIMIT", "SLMMODE",
    "BURST_CPU_AVG_USAGE", "BURST_CPULIMIT", "TRAFFIC_SHAPING", "TOTALRATE", "RATE",
    "RATEBOUND", "MEMGUARANTEE", "MEMGUARANTEE_BYTES", "PAGECACHE_ISOLATION",
    "NUMMEMORYSUBGROUPS", "NUMNETIF",
]
ALIASES = {"TCPSENDBUF": "TCPSNDBUF", "IPTENTRIES": "NUMIPTENT", "AUTOSTOPSTOP": "AUTOSTOP"}

# parse_ub(): (divisor, default divisor) per UB key (env_config.c)
UB_PAGES = ("LOCKEDPAGES", "PRIVVMPAGES", "SHMPAGES", "PHYSPAGES", "VMGUARPAGES", "SWAPPAGES")
UB_ITEMS = ("NUMPROC", "NUMFLOCK", "NUMPTY", "NUMSIGINFO", "NUMFILE", "NUMIPTENT", "AVNUMPROC",
            "NUMMEMORYSUBGROUPS", "NUMNETIF")
UB_DEPRECATED = ("NUMTCPSOCK", "NUMOTHERSOCK", "TCPSNDBUF", "TCPRCVBUF", "OTHERSOCKBUF",
                 "DGRAMRCVBUF", "OOMGUARPAGES", "DCACHESIZE")
UB_SAVED = [k for k in MAP_ORDER if k in UB_PAGES + UB_ITEMS + ("KMEMSIZE",) + UB_DEPRECATED
            and k != "NUMMEMORYSUBGROUPS"]

FEATURES = ["sysfs", "nfs", "sit", "ipip", "ppp", "ipgre", "bridge", "nfsd", "time"]
NETFILTER = ["disabled", "stateless", "stateful", "full"]
MOUNT_OPTS = ["nosuid", "noexec", "nodev", "ro"]

NETIF_OPTS = ("NETIF_IFNAME", "NETIF_MAC", "NETIF_HOST_IFNAME", "NETIF_HOST_MAC", "NETIF_GW",
              "NETIF_GW6", "NETIF_DHCP", "NETIF_DHCP6", "NETIF_MAC_FILTER", "NETIF_NETWORK",
              "NETIF_IPADD", "NETIF_IPDEL", "NETIF_CONFIGURE_MODE")

HANDLED = set(MAP_ORDER) | set(ALIASES) | set(NETIF_OPTS) | {
    "IPDEL", "NETIF_ADD", "NETIF_DEL", "MEMORY", "SWAP", "BINDMOUNT_DEL", "VEID",
    "OOMGUARPAGES", "DCACHESIZE"}
# keys config.py keeps handling on vz7 too (same behaviour, or vzctl's own)
HANDLED -= {"VE_ROOT", "VE_PRIVATE", "TEMPLATE", "OSTEMPLATE", "LOCKDIR", "VEID"}


# ---------------------------------------------------------------- numbers

def _mul(char):
    """util.c get_mul(): K/M/G/T (either case) or B; None for others."""
    table = {"t": 1024 ** 4, "g": 1024 ** 3, "m": 1024 ** 2, "k": 1024, "b": 1}
    return table.get(char.lower()) if char else None


def parse_ul_sfx(text, divisor, def_divisor):
    """util.c parse_ul_sfx(): (value, tail) or None."""
    if text.startswith("unlimited"):
        return LONG_MAX, text[9:]
    value, tail, erange = cstr.strtoull(text)
    if erange:
        return None
    number = value
    if tail[:1] == ".":
        number, tail, erange = cstr.strtold(text)
        if erange:
            return None
        value = 0 if number < 0 else ULONG_MAX if number > ULONG_MAX else int(number)
    if tail[:1] not in (":", ""):
        if not divisor:
            return None
        mul = _mul(tail[:1])
        if mul is None:
            return None
        scaled = number * mul / divisor
        value = LONG_MAX + 1 if scaled > LONG_MAX else int(scaled)
        tail = tail[1:]
    else:
        value //= def_divisor or 1
    return value, tail


def parse_twoul_sfx(text, divisor, def_divisor, log):
    """util.c parse_twoul_sfx(): (barrier, limit), each cut to LONG_MAX, or
    None having said ``An incorrect value: TAIL`` (``(null)`` where the
    parser gave up)."""
    first = parse_ul_sfx(text, divisor, def_divisor)
    if first is None:
        log.error("An incorrect value: (null)")
        return None
    barrier, tail = first
    barrier = min(barrier, LONG_MAX)
    if tail[:1] == ":":
        second = parse_ul_sfx(tail[1:], divisor, def_divisor)
        if second is None or second[1] != "":
            log.error("An incorrect value: %s" % ("(null)" if second is None else second[1]))
            return None
        return barrier, min(second[0], LONG_MAX)
    if tail == "":
        return barrier, barrier
    log.error("An incorrect value: %s" % tail)
    return None


def parse_ul(text):
    """common.c parse_ul(): strtoul() using up the whole, non-empty string
    (so "-1" is ULONG_MAX; no "unlimited"); None if not."""
    if text == "":
        return None
    value, tail, erange = cstr.strtoull(text)
    if tail or erange:
        return None
    return value


def parse_int(text):
    """common.c parse_int(): strtol() using up the whole, non-empty string, <= INT_MAX."""
    if text == "":
        return None
    return cstr.parse_int(text)


def yesno(text):
    return {"yes": True, "no": False}.get(text)


def onoff(text):
    return {"on": True, "off": False}.get(text)


# ---------------------------------------------------------------- addresses

def _pton(text):
    family = socket.AF_INET6 if ":" in text else socket.AF_INET
    try:
        return family, socket.inet_pton(family, text)
    except (OSError, ValueError):
        return None, None


def parse_ip(text, log):
    """util.c parse_ip(): the address in get_ip_str()'s form (``a.b.c.d``,
    ``a.b.c.d/m.a.s.k``, ``v6``, ``v6/N``) or None.  A bad address is
    reported by get_netaddr() (``An incorrect ip address X``)."""
    ipstr, slash, maskstr = text.partition("/")
    family, packed = _pton(ipstr)
    if family is None:
        log.error("An incorrect ip address %s" % ipstr)
        return None
    out = socket.inet_ntop(family, packed)
    if not slash:
        return out
    if maskstr.count(".") == 3 and ":" not in maskstr:
        mfamily, mpacked = _pton(maskstr)
        if mfamily is None:
            log.error("An incorrect ip address %s" % maskstr)
            return None
        mask = int.from_bytes(mpacked, "big")
    else:
        mask = cstr.parse_int(maskstr)
        if mask is None or mask > 128 or mask < 0:
            log.error("An incorrect ip address mask: %s/%s" % (out, maskstr))
            return None
        if family == socket.AF_INET:
            # htonl(~0 << (32 - mask)): x86 shifts by the count mod 32
            mask = (0xFFFFFFFF << ((32 - mask) & 31)) & 0xFFFFFFFF
    if mask == 0:
        return out
    if family == socket.AF_INET:
        return "%s/%s" % (out, socket.inet_ntoa(mask.to_bytes(4, "big")))
    return "%s/%d" % (out, mask)


def ip_addr(entry):
    return entry.split("/", 1)[0]


def parse_ip_str(lst, val, log):
    """util.c parse_ip_str(): each address of ``val`` appended; 0.0.0.0,
    :: and ::0 skipped."""
    for token in cstr.strtok(val, LIST_DELIMITERS):
        if token in ("0.0.0.0", "::", "::0"):
            continue
        entry = parse_ip(token, log)
        if entry is None:
            return E_INVAL
        lst.append(entry)
    return 0


def _find_ip(lst, entry):
    return any(ip_addr(e) == ip_addr(entry) for e in lst)


def ips2str(old, new):
    merged = []
    if not new.ip_delall:
        for entry in old.ip:
            if ip_addr(entry) == "0.0.0.0" or _find_ip(new.ip, entry) or _find_ip(new.ip_del, entry):
                continue
            merged.append(entry)
    for entry in new.ip:
        if ip_addr(entry) == "0.0.0.0" or _find_ip(new.ip_del, entry) or _find_ip(merged, entry):
            continue
        merged.append(entry)
    return "".join("%s " % e for e in merged)


def parse_hwaddr(text):
    """util.c parse_hwaddr(): ``XX:XX:XX:XX:XX:XX`` or 12 hex digits, as
    hwaddr2str() writes it back (upper case), or None."""
    step = 2 if len(text) == 12 else 3
    out = []
    for i in range(6):
        chunk = text[step * i:step * i + 2]
        if not chunk or any(c not in "0123456789abcdefABCDEF" for c in chunk[:1]):
            return None
        if len(chunk) == 2 and chunk[1] not in "0123456789abcdefABCDEF":
            return None
        out.append(int(chunk, 16))
    return ":".join("%02X" % b for b in out)


def generate_mac(host_side):
    """veth.c generate_mac(): the Virtuozzo OUI C4:37:72 and three bytes of
    a hash of a random UUID (the host side's first byte FE)."""
    value = random.getrandbits(32)
    octets = [(VZ_OUI >> 16) & 0xFF, (VZ_OUI >> 8) & 0xFF, VZ_OUI & 0xFF,
              value & 0xFF, (value >> 8) & 0xFF, (value >> 15) & 0xFF]
    if host_side:
        octets[0] = 0xFE
    return ":".join("%02X" % b for b in octets)


def veth_name(mac_ve):
    """veth.c generate_veth_name(): ``veth`` + the CT MAC's bytes 3 to 6, lower case."""
    return "veth" + (mac_ve[6:8] + mac_ve[9:11] + mac_ve[12:14] + mac_ve[15:17]).lower()


# ---------------------------------------------------------------- veth

def veth_dev(ifname=""):
    return {"ifname": ifname, "mac": None, "host_ifname": "", "host_mac": None,
            "network": None, "gw": None, "gw6": None, "dhcp": None, "dhcp6": None,
            "mac_filter": None, "configure": None, "ip": [], "ip_del": [], "ip_delall": False}


def fill_veth_dev(dst, src):
    """veth.c fill_veth_dev(): ``src``'s set fields over ``dst``."""
    for key in ("host_ifname", "ifname"):
        if src[key]:
            dst[key] = src[key]
    for key in ("mac", "host_mac", "network", "gw", "gw6", "dhcp", "dhcp6", "mac_filter",
                "configure"):
        if src[key] is not None:
            dst[key] = src[key]
    # copy_ip_param() (common.c) empties the destination list first: a list
    # given replaces the old one.
    if src["ip"]:
        dst["ip"] = list(src["ip"])
    if src["ip_del"]:
        dst["ip_del"] = list(src["ip_del"])
    dst["ip_delall"] = src["ip_delall"]
    return dst


def fill_empty(old_list, dev):
    """veth.c fill_empty_veth_dev_param(): MACs (the CT's old ones, else
    generated) and the host name of a device that has none."""
    known = _find_veth(old_list, dev["ifname"])
    if dev["host_mac"] is None:
        dev["host_mac"] = known["host_mac"] if known else generate_mac(True)
    if dev["mac"] is None:
        dev["mac"] = known["mac"] if known else generate_mac(False)
    if not dev["host_ifname"]:
        dev["host_ifname"] = veth_name(dev["mac"])
    if dev["mac_filter"] is None:
        dev["mac_filter"] = True


def _find_veth(lst, ifname):
    for dev in lst:
        if dev["ifname"] == ifname:
            return dev
    return None


def parse_netif_str(old_list, text, log):
    """veth.c parse_netif_str(): one NETIF entry of a config, or None."""
    dev = veth_dev()
    for item in text.split(","):
        key, eq, value = item.partition("=")
        if not eq or value == "" and key != "ip6":
            continue
        if key == "ifname":
            if len(value) > IFNAMSIZE:
                return None
            dev["ifname"] = dev["ifname"] or value
        elif key == "host_ifname":
            if len(value) > IFNAMSIZE:
                return None
            dev["host_ifname"] = dev["host_ifname"] or value
        elif key in ("mac", "host_mac"):
            mac = parse_hwaddr(value)
            if mac is None:
                log.error("Incorrect %s=%s" % (key, value))
                return None
            dev[key] = mac
        elif key in ("gw", "gw6"):
            if dev[key] is None:
                dev[key] = value
        elif key in ("dhcp", "dhcp6"):
            flag = yesno(value)
            if flag is None:
                return None
            dev[key] = flag
        elif key == "mac_filter":
            flag = onoff(value)
            if flag is None:
                return None
            dev["mac_filter"] = flag
        elif key == "configure":
            if value in ("none", "all"):
                dev["configure"] = value
        elif key == "network":
            if dev["network"] is None:
                dev["network"] = value
        elif key == "ip":
            for part in value.split(":"):
                if part:
                    entry = parse_ip(part, _Quiet())
                    if entry is None:
                        log.error("Incorrect veth ip %s, skipped" % part)
                    else:
                        dev["ip"].append(entry)
        elif key == "ip6":
            pass
    # ip6= is the last field: its addresses are separated by ','
    if "ip6=" in text:
        for part in text.split("ip6=", 1)[1].split(","):
            if part:
                entry = parse_ip(part, _Quiet())
                if entry is None:
                    log.error("Incorrect veth ip6 %s, skipped" % part)
                else:
                    dev["ip"].append(entry)
    if not dev["ifname"]:
        return None
    fill_empty(old_list, dev)
    return dev


class _Quiet(object):
    def error(self, *_args):
        pass


def parse_netif_cmd(text, log):
    """veth.c parse_netif_str_cmd(): --netif_add ifname[,mac,host_ifname,host_mac]."""
    devs = []
    for token in cstr.strtok(text, " "):
        parts = token.split(",", 1)
        ifname = parts[0]
        if len(ifname) > IFNAMSIZE:
            return None
        dev = veth_dev(ifname)
        dev["mac_filter"] = True
        if len(parts) > 1:
            rest = parts[1]
            mac, comma, rest = rest.partition(",")
            if len(mac) != MAC_SIZE:
                log.error("Invalid Container MAC address length: %s" % parts[1])
                return None
            dev["mac"] = parse_hwaddr(mac)
            if dev["mac"] is None:
                log.error("Invalid Container MAC address format")
                return None
            if not comma:
                dev["host_mac"] = dev["mac"]
                dev["host_ifname"] = veth_name(dev["mac"])
            else:
                host_ifname, comma, host_mac = rest.partition(",")
                if len(host_ifname) > IFNAMSIZE:
                    return None
                dev["host_ifname"] = host_ifname
                if not comma:
                    dev["host_mac"] = dev["mac"]
                else:
                    if len(host_mac) != MAC_SIZE or parse_hwaddr(host_mac) is None:
                        log.error("Invalid host MAC address")
                        return None
                    dev["host_mac"] = parse_hwaddr(host_mac)
        if _find_veth(devs, ifname) is None:
            devs.append(dev)
    return devs


def veth2str(old_list, new_list, del_list, delall):
    """veth.c veth2str(): NETIF's value after the change."""
    if delall:
        merged = [dict(d) for d in new_list]
    else:
        merged = []
        for dev in old_list:
            if _find_veth(del_list, dev["ifname"]):
                continue
            added = _find_veth(new_list, dev["ifname"])
            if added is not None:
                both = fill_veth_dev(fill_veth_dev(veth_dev(), dev), added)
                if not added["ip_delall"]:
                    ips = [e for e in dev["ip"] if not _find_ip(added["ip"], e)]
                    ips += [e for e in added["ip"] if not _find_ip(added["ip_del"], e)]
                    both["ip"] = ips
                elif not added["ip"]:
                    both["ip"] = []
                merged.append(both)
            else:
                merged.append(dev)
        for dev in new_list:
            if _find_veth(old_list, dev["ifname"]) is None:
                merged.append(dev)
    out = []
    for dev in merged:
        if not dev["ifname"]:
            continue
        parts = ["ifname=%s" % dev["ifname"]]
        if dev["mac"] is None:
            dev["mac"] = generate_mac(False)
        parts.append("mac=%s" % dev["mac"])
        if dev["host_mac"] is None:
            dev["host_mac"] = generate_mac(True)
        parts.append("host_mac=%s" % dev["host_mac"])
        if dev["host_ifname"]:
            parts.append("host_ifname=%s" % dev["host_ifname"])
        if dev["network"]:
            parts.append("network=%s" % dev["network"])
        if dev["gw"]:
            parts.append("gw=%s" % dev["gw"])
        if dev["gw6"]:
            parts.append("gw6=%s" % dev["gw6"])
        if dev["mac_filter"] is False:
            parts.append("mac_filter=off")
        if dev["configure"]:
            parts.append("configure=%s" % dev["configure"])
        text = ",".join(parts) + ","
        v4 = [e for e in dev["ip"] if ":" not in ip_addr(e)]
        v6 = [e for e in dev["ip"] if ":" in ip_addr(e)]
        if dev["dhcp"] is True:
            text += "dhcp=yes,"
        elif dev["ip"]:
            text += "ip=" + ":".join(v4) + ","
        if dev["dhcp6"] is True:
            text += "dhcp6=yes,"
        elif dev["ip"]:
            text += "ip6=" + "".join("%s," % e for e in v6)
        if text.endswith(","):
            text = text[:-1]
        out.append(text)
    return ";".join(out)


def parse_netif_ifname(p, key, val, log):
    """veth.c parse_netif_ifname(): --ifname and the options that set its device."""
    if p.netif_ifname is None:
        p.netif_ifname = veth_dev()
    dev = p.netif_ifname
    configure = False
    if key == "NETIF_IFNAME":
        if dev["ifname"]:
            log.error("Multiple use of --ifname option not allowed")
            return E_INVAL
        if len(val) > IFNAMSIZE:
            return E_INVAL
        dev["ifname"] = val
    elif key in ("NETIF_MAC", "NETIF_HOST_MAC"):
        mac = parse_hwaddr(val)
        if mac is None:
            return E_INVAL
        dev["mac" if key == "NETIF_MAC" else "host_mac"] = mac
    elif key == "NETIF_HOST_IFNAME":
        if len(val) > IFNAMSIZE:
            return E_INVAL
        dev["host_ifname"] = val
    elif key == "NETIF_GW":
        dev["gw"] = val
        configure = True
    elif key == "NETIF_GW6":
        dev["gw6"] = val
    elif key in ("NETIF_DHCP", "NETIF_DHCP6"):
        flag = yesno(val)
        if flag is None:
            return E_INVAL
        dev["dhcp" if key == "NETIF_DHCP" else "dhcp6"] = flag
        configure = True
    elif key == "NETIF_NETWORK":
        if val and not _name_ok(val, "#() -_.", 64):
            return E_INVAL
        if dev["network"] is None:
            dev["network"] = val
    elif key == "NETIF_MAC_FILTER":
        flag = onoff(val)
        if flag is None:
            return E_INVAL
        dev["mac_filter"] = flag
    elif key == "NETIF_CONFIGURE_MODE":
        if val in ("none", "no"):
            dev["configure"] = "none"
        elif val in ("all", "yes"):
            dev["configure"] = "all"
        else:
            return E_INVAL
    elif key == "NETIF_IPADD":
        ret = parse_ip_str(dev["ip"], val, log)
        if ret:
            return ret
        configure = True
    elif key == "NETIF_IPDEL":
        if val == "all":
            dev["ip_delall"] = True
        else:
            ret = parse_ip_str(dev["ip_del"], val, log)
            if ret:
                return ret
    if dev["configure"] is None and configure:
        dev["configure"] = "all"
    return 0


def merge_ifname(old_list, p, log):
    """veth.c merge_veth_ifname_param(): the --ifname device joins the
    --netif_add one of that name, or must be one the CT has."""
    dev = p.netif_ifname
    if dev is None or not dev["ifname"]:
        return 0
    added = _find_veth(p.veth, dev["ifname"])
    if added is not None:
        fill_veth_dev(added, dev)
        fill_empty(old_list, added)
        return 0
    known = _find_veth(old_list, dev["ifname"])
    if known is None:
        log.error("Virtual adapter %s is not configured" % dev["ifname"])
        return E_INVAL
    if not dev["host_ifname"]:
        dev["host_ifname"] = known["host_ifname"]
    for entry in dev["ip"]:
        if ":" in ip_addr(entry):
            dev["dhcp6"] = False
        else:
            dev["dhcp"] = False
    p.veth.append(dev)
    return 0


def _name_ok(name, extra, maxlen):
    """util.c check_name(): letters, digits and ``extra``, at most ``maxlen``."""
    if len(name) > maxlen:
        return False
    return all(c.isalnum() and ord(c) < 128 or c in extra for c in name)


# ---------------------------------------------------------------- devices

def _dev_perm(text, log):
    if text == "none":
        return ""
    mask = ""
    for ch in text:
        if ch not in "rwq":
            log.error("An incorrect permision is specified: %s" % text)
            return None
        if ch not in mask:
            mask += ch
    return "".join(c for c in "rwq" if c in mask)


def parse_devices(lst, val, log):
    for token in cstr.strtok(val, LIST_DELIMITERS):
        parts = token.split(":")
        if len(parts) not in (3, 4) or len(parts[0]) != 1:
            log.error("An incorrect device format: %s" % token)
            return E_INVAL
        kind = parts[0]
        if kind not in "bc":
            log.error("An incorrect device type: %s" % token)
            return E_INVAL
        major = cstr.parse_ul(parts[1])
        if major is None:
            log.error("An incorrect device format: %s" % token)
            return E_INVAL
        dev = {"name": "", "type": kind, "major": major, "minor": 0, "all": parts[2] == "all"}
        if not dev["all"]:
            minor = cstr.parse_ul(parts[2])
            if minor is None:
                log.error("An incorrect minor: %s" % token)
                return E_INVAL
            dev["minor"] = minor
        mask = _dev_perm(parts[3] if len(parts) == 4 else "", log)
        if mask is None:
            return E_INVAL
        dev["mask"] = mask
        _add_dev(lst, dev)
    return 0


def parse_devnodes(lst, val, check, log):
    for token in cstr.strtok(val, LIST_DELIMITERS):
        name, colon, perm = token.partition(":")
        if not colon:
            log.error("An incorrect device format: %s" % token)
            return E_INVAL
        if check:
            path = "/dev/%s" % name
            try:
                st = os.stat(path)
            except OSError as exc:
                log.error("An incorrect device name %s" % path, exc.errno)
                return 86
            if not (stat_mod.S_ISCHR(st.st_mode) or stat_mod.S_ISBLK(st.st_mode)):
                log.error("The %s is not block or character device" % path)
                return 86
        mask = _dev_perm(perm, log)
        if mask is None:
            return E_INVAL
        _add_dev(lst, {"name": name, "type": None, "major": 0, "minor": 0, "all": False,
                       "mask": mask})
    return 0


def _add_dev(lst, dev):
    """dev.c add_dev_param(): a device already listed gets the new mask."""
    for old in lst:
        if (dev["name"] and old["name"] == dev["name"]) or \
                (not dev["name"] and not old["name"] and old["type"] == dev["type"]
                 and old["major"] == dev["major"] and old["minor"] == dev["minor"]):
            old["mask"] = dev["mask"]
            return
    lst.append(dict(dev))


def devices2str(lst):
    out = ""
    for dev in lst:
        if dev["name"]:
            continue
        minor = "all" if dev["all"] else str(dev["minor"])
        out += "%s:%d:%s:%s " % (dev["type"], dev["major"], minor, dev["mask"] or "none")
    return out


def devnodes2str(lst, ignore_none):
    out = ""
    for dev in lst:
        if not dev["name"] or (ignore_none and not dev["mask"]):
            continue
        out += "%s:%s " % (dev["name"], dev["mask"] or "none")
    return out


# ---------------------------------------------------------------- bind mounts

def parse_bindmount(p, val, add):
    """bindmount.c parse_bindmount_str(): [SRC:]DST[,opt...] (del: DST or all)."""
    for token in cstr.strtok(val, "\t "):
        if not add and token == "all":
            p.bindmount_delall = True
            continue
        src = None
        rest = token
        if ":" in rest:
            src, rest = rest.split(":", 1)
            if not src.startswith("/"):
                return E_INVAL
        dst, _comma, opts = rest.partition(",")
        if not dst.startswith("/") or dst == "/":
            return E_INVAL
        flags = []
        if add and opts:
            for opt in opts.split(","):
                if opt not in MOUNT_OPTS:
                    return E_INVAL
                flags.append(opt)
        if not any(m["dst"] == dst for m in p.bindmount):
            p.bindmount.append({"src": src, "dst": dst, "opts": flags, "add": add})
    return 0


def bindmount2str(old, new):
    if not new.bindmount_delall and not new.bindmount:
        return None
    merged = []
    if new.bindmount:
        if not new.bindmount_delall:
            merged = [m for m in old.bindmount if not any(n["dst"] == m["dst"] for n in new.bindmount)]
        merged += [m for m in new.bindmount if m["add"]]
    out = ""
    for mnt in merged:
        out += ("%s:%s" % (mnt["src"], mnt["dst"])) if mnt["src"] else mnt["dst"]
        out += "".join(",%s" % o for o in MOUNT_OPTS if o in mnt["opts"]) + " "
    return out


# ---------------------------------------------------------------- parse

def parse(p, key, val, ctx, replace=False):
    """add_env_param(): ``val`` of ``key`` into ``p``; libvzctl's error code."""
    log = ctx.log
    key = ALIASES.get(key, key)
    if key in UB_PAGES or key in UB_ITEMS or key in ("KMEMSIZE", "MEMORY", "SWAP"):
        if key in ("MEMORY", "SWAP"):
            target, div, defdiv = ("PHYSPAGES" if key == "MEMORY" else "SWAPPAGES"), PAGE_SIZE, PAGE_SIZE
        elif key in UB_PAGES:
            target, div, defdiv = key, PAGE_SIZE, 0
        elif key == "KMEMSIZE":
            target, div, defdiv = key, 1, 1
        else:
            target, div, defdiv = key, 0, 0
        pair = parse_twoul_sfx(val, div, defdiv, log)
        if pair is None:
            return E_INVAL
        p.ub[target] = pair
        return 0
    if key in UB_DEPRECATED:
        if not replace:
            log.info("Warning: %s parameter is deprecated" % key)
        return 0
    if key in ("DISKSPACE", "DISKINODES"):
        attr = key.lower()
        if getattr(p, attr) is not None and not replace:
            return 0
        pair = parse_twoul_sfx(val, 1024 if key == "DISKSPACE" else 1, 1, log)
        if pair is None:
            return E_INVAL
        setattr(p, attr, pair)
        return 0
    if key == "IP_ADDRESS":
        if replace:
            p.ip = []
        return parse_ip_str(p.ip, val, log)
    if key == "IPDEL":
        if val == "all":
            p.ip_delall = True
            return 0
        return parse_ip_str(p.ip_del, val, log)
    if key == "NETIF":
        devs = []
        ret = 0
        for token in cstr.strtok(val, ";"):
            dev = parse_netif_str(ctx.old_veth, token, log)
            if dev is None:
                log.error("Incorrect netif parameter %s" % token)
                ret = E_INVAL
            elif _find_veth(devs, dev["ifname"]) is None:
                devs.append(dev)
        p.veth = devs
        return ret
    if key in ("NETIF_ADD", "NETIF_DEL"):
        devs = parse_netif_cmd(val, log)
        if devs is None:
            return E_INVAL
        target = p.veth if key == "NETIF_ADD" else p.veth_del
        for dev in devs:
            # "all" is no special name to libvzctl
            if _find_veth(target, dev["ifname"]) is None:
                target.append(dev)
        return 0
    if key in NETIF_OPTS:
        return parse_netif_ifname(p, key, val, log)
    if key == "CPUUNITS":
        num = parse_ul(val)
        if num is None or num < 8 or num > 500000:
            return _inval(log, key, val)
        p.cpuunits = num
        return 0
    if key in ("CPULIMIT", "CPULIMIT_MHZ"):
        value, tail, erange = cstr.strtoull(val)
        if erange:
            return _inval(log, key, val)
        value &= ULONG_MAX
        if key == "CPULIMIT_MHZ" or tail.lower() in ("m", "mhz"):
            p.cpulimit_type = "mhz"
        elif tail in ("%", ""):
            p.cpulimit_type = "pct"
        else:
            return _inval(log, key, val)
        p.cpulimit = value
        return 0
    if key == "CPUS":
        num = parse_ul(val)
        if num is None:
            return _inval(log, key, val)
        p.cpus = num
        return 0
    if key in ("CPUMASK", "NODEMASK"):
        if key == "CPUMASK" and val == "auto":
            p.cpumask = "auto"
            return 0
        from . import config as cfg
        # bitmap.c vzctl2_bitmap_parse(): "" is "all" too
        bits = cfg.parse_bitmap(val or "all", CPUMASK_NBITS)
        if bits is None:
            return _inval(log, key, val)
        setattr(p, key.lower(), bits)
        return 0
    if key == "FEATURES":
        for token in cstr.strtok(val, LIST_DELIMITERS):
            name, colon, state = token.rpartition(":")
            flag = onoff(state) if colon else None
            if name not in FEATURES or flag is None:
                log.error("An incorrect feature syntax: %s" % token)
                return E_INVAL
            bit = 1 << FEATURES.index(name)
            if flag:
                p.features_mask |= bit
            p.features_known |= bit
        return 0
    if key == "NAME":
        if p.name is None or replace:
            p.name = val
        return 0
    if key == "DEVICES":
        return parse_devices(p.devs, val, log)
    if key == "DEVNODES":
        return parse_devnodes(p.devs, val, not replace, log)
    if key == "NETFILTER":
        if val not in NETFILTER:
            log.error("An incorrect netfilter: %s" % val)
            return E_INVAL
        p.netfilter = val
        return 0
    if key == "IOPRIO":
        num = parse_int(val)
        if num is None or num < 0 or num > 7:
            return E_INVAL
        p.ioprio = num
        return 0
    if key == "IOLIMIT":
        if val == "unlimited":
            p.iolimit = 0
            return 0
        value, tail, erange = cstr.strtoull(val)
        if erange:
            return E_INVAL
        if tail:
            mul = _mul(tail[:1])
            if mul is None:
                return 1
            value *= mul
        if value > UINT_MAX:
            return E_INVAL
        p.iolimit = value
        return 0
    if key == "IOPSLIMIT":
        if val == "unlimited":
            p.iopslimit = 0
            return 0
        num = parse_ul(val)
        if num is None:
            return E_INVAL
        if num > UINT_MAX:
            return E_INVAL
        p.iopslimit = num
        return 0
    if key == "ONBOOT":
        if val not in ("auto", "yes", "no"):
            return _inval(log, key, val)
        p.onboot = val
        return 0
    if key == "AUTOSTOP":
        if val not in ("suspend", "stop"):
            return _inval(log, key, val)
        p.autostop = val
        return 0
    if key == "BOOTORDER":
        num = parse_ul(val)
        if num is None:
            return _inval(log, key, val)
        p.bootorder = num
        return 0
    if key in ("DESCRIPTION", "HOSTNAME"):
        if getattr(p, key.lower()) is None or replace:
            setattr(p, key.lower(), val)
        return 0
    if key in ("SEARCHDOMAIN", "NAMESERVER"):
        lst = getattr(p, key.lower())
        for token in cstr.strtok(val, LIST_DELIMITERS):
            if token not in lst:
                lst.append(token)
        return 0
    if key == "UUID":
        from . import config as cfg
        uuid = cfg.normalized_uuid(val, "uuid")
        if uuid is None:
            return _inval(log, key, val)
        if p.uuid is None or replace:
            p.uuid = uuid
        return 0
    if key in ("HA_ENABLE", "DISABLED", "ROOT_DISK", "JOURNALED_QUOTA", "NOATIME",
               "APPLY_IPONLY", "USE_NET_RPS", "AUTOCOMPACT", "PAGECACHE_ISOLATION",
               "DISK_QUOTA"):
        if val not in ("yes", "no"):
            return _inval(log, key, val)
        p.yesno[key] = val
        return 0
    if key == "HA_PRIO":
        num = parse_ul(val)
        if num is None or num > UINT_MAX:
            return _inval(log, key, val)
        p.ha_prio = num
        return 0
    if key in ("BINDMOUNT", "BINDMOUNT_DEL"):
        return parse_bindmount(p, val, key == "BINDMOUNT")
    if key == "ORIGIN_SAMPLE":
        if p.origin_sample is None or replace:
            p.origin_sample = val
        return 0
    if key in ("MEMGUARANTEE", "MEMGUARANTEE_BYTES"):
        if val == "auto":
            p.memguar = ("auto", None)
            return 0
        num = parse_ul(val)
        if num is None:
            return E_INVAL
        p.memguar = ("bytes" if key == "MEMGUARANTEE_BYTES" else "pct", num)
        return 0
    if key == "QUOTAUGIDLIMIT":
        num = parse_ul(val)
        if num is None:
            return _inval(log, key, val)
        p.quotaugidlimit = num
        return 0
    if key == "QUOTATIME":
        return 0
    # the rest is kept as text (libvzctl knows them, the stand-in only saves them)
    p.raw[key] = val
    return 0


def _inval(log, key, val):
    """add_env_param()'s err_inval (its message, quiet for the command line,
    is config.load_conf()'s): VZCTL_E_INVAL."""
    return E_INVAL


# ---------------------------------------------------------------- store

def _ub_str(pair):
    return "%d:%d" % pair


def store(old, new):
    """merge_env_param(): the (KEY, value or None to drop it) entries a save
    writes for ``new`` over the CT's ``old``, in config_param_map order."""
    out = []
    drops = []

    def put(key, value):
        if value is not None:
            out.append((key, value))

    for key in MAP_ORDER:
        if key == "IP_ADDRESS":
            if new.ip_delall or new.ip or new.ip_del:
                put(key, ips2str(old, new))
        elif key in ("VE_ROOT", "VE_PRIVATE"):
            put(key, new.root_orig if key == "VE_ROOT" else new.private_orig)
        elif key == "OSTEMPLATE":
            put(key, new.ostmpl)
        elif key == "NETIF":
            if new.veth or new.veth_del or new.veth_delall:
                put(key, veth2str(old.veth, new.veth, new.veth_del, new.veth_delall))
        elif key in UB_SAVED:
            if key in new.ub:
                put(key, _ub_str(new.ub[key]))
        elif key == "DISKSPACE":
            if new.diskspace is not None:
                put(key, _ub_str(new.diskspace))
        elif key == "DISKINODES":
            if new.diskinodes is not None:
                put(key, _ub_str(new.diskinodes))
        elif key == "QUOTAUGIDLIMIT":
            if new.quotaugidlimit is not None:
                put(key, str(new.quotaugidlimit))
        elif key == "CPULIMIT":
            if new.cpulimit is not None and new.cpulimit_type == "pct":
                put(key, str(new.cpulimit))
                drops.append("CPULIMIT_MHZ")
        elif key == "CPULIMIT_MHZ":
            if new.cpulimit is not None and new.cpulimit_type == "mhz":
                put(key, str(new.cpulimit))
                drops.append("CPULIMIT")
        elif key == "CPUUNITS":
            if new.cpuunits is not None:
                put(key, str(new.cpuunits))
        elif key == "CPUS":
            if new.cpus is not None:
                if new.cpus == 0:
                    drops.append("CPUS")
                else:
                    put(key, str(new.cpus))
        elif key == "CPUMASK":
            if new.cpumask is not None:
                put(key, "auto" if new.cpumask == "auto" else _mask_str(new.cpumask))
        elif key == "NODEMASK":
            if new.nodemask is not None:
                put(key, _mask_str(new.nodemask))
        elif key == "FEATURES":
            if new.features_known:
                put(key, "".join("%s:%s " % (n, "on" if new.features_mask & (1 << i) else "off")
                                 for i, n in enumerate(FEATURES) if new.features_known & (1 << i)))
        elif key == "NAME":
            put(key, new.name)
        elif key == "DEVICES":
            if new.devs:
                put(key, devices2str(new.devs))
        elif key == "DEVNODES":
            if new.devs:
                merged = [dict(d) for d in old.devs]
                for dev in new.devs:
                    _add_dev(merged, dev)
                put(key, devnodes2str(merged, True))
        elif key == "NETFILTER":
            put(key, new.netfilter)
        elif key == "IOPRIO":
            if new.ioprio is not None:
                put(key, str(new.ioprio))
        elif key == "IOLIMIT":
            if new.iolimit is not None:
                put(key, str(new.iolimit))
        elif key == "IOPSLIMIT":
            if new.iopslimit is not None:
                put(key, str(new.iopslimit))
        elif key == "ONBOOT":
            put(key, new.onboot)
        elif key == "AUTOSTOP":
            put(key, new.autostop)
        elif key == "BOOTORDER":
            if new.bootorder:
                put(key, str(new.bootorder))
        elif key in ("DESCRIPTION", "HOSTNAME"):
            put(key, getattr(new, key.lower()))
        elif key in ("SEARCHDOMAIN", "NAMESERVER"):
            if getattr(new, key.lower()):
                put(key, " ".join(getattr(new, key.lower())))
        elif key == "UUID":
            put(key, new.uuid)
        elif key in new.yesno:
            put(key, new.yesno[key])
        elif key == "HA_PRIO":
            if new.ha_prio is not None:
                put(key, str(new.ha_prio))
        elif key == "BINDMOUNT":
            put(key, bindmount2str(old, new))
        elif key == "ORIGIN_SAMPLE":
            put(key, new.origin_sample)
        elif key == "MEMGUARANTEE":
            if new.memguar is not None and new.memguar[0] != "bytes":
                drops.append("MEMGUARANTEE_BYTES")
                put(key, "auto" if new.memguar[0] == "auto" else str(new.memguar[1]))
        elif key == "MEMGUARANTEE_BYTES":
            if new.memguar is not None and new.memguar[0] == "bytes":
                drops.append("MEMGUARANTEE")
                put(key, str(new.memguar[1]))
        elif key in new.raw:
            put(key, new.raw[key])
    listed = set(k for k, _v in out)
    # vzctl_conf_del_param() entries come first in the map (they exist or not)
    return [(k, None) for k in drops if k not in listed] + out


def _mask_str(bits):
    """cpu.c cpumask2str(): "" for all CPUs, else bitmap_snprintf()'s list."""
    from . import config as cfg
    if len(bits) >= CPUMASK_NBITS:
        return ""
    return cfg.format_bitmap(bits, CPUMASK_NBITS)


# ---------------------------------------------------------------- save

def conf_save(path, entries):
    """config.c vzctl2_conf_save(): every line whose key is in ``entries``
    is rewritten (or dropped when its value is None), the others kept;
    entries the file lacks are appended in order.  Follows the symlink,
    through ``<file>.tmp`` and rename()."""
    real = os.path.realpath(path)
    try:
        with open(real, "r", encoding="utf-8", errors="surrogateescape") as handle:
            text = handle.read()
    except FileNotFoundError:
        text = ""
    values = dict(entries)
    stored = set()
    out = []
    lines = text.split("\n")
    if text.endswith("\n"):
        lines = lines[:-1]
    elif text == "":
        lines = []
    for index, line in enumerate(lines):
        newline = "\n" if index < len(lines) - 1 or text.endswith("\n") else ""
        parsed = conffile.parse_line_vz7(line.encode("utf-8", "surrogateescape"))
        name = parsed[0].decode("utf-8", "surrogateescape") if parsed else None
        if name is not None and name in values:
            stored.add(name)
            if values[name] is not None:
                out.append('%s="%s"\n' % (name, values[name]))
            continue
        out.append(line + newline)
    for key, value in entries:
        if key not in stored and value is not None:
            out.append('%s="%s"\n' % (key, value))
            stored.add(key)
    tmp = real + ".tmp"
    with open(tmp, "w", encoding="utf-8", errors="surrogateescape") as handle:
        handle.write("".join(out))
    os.rename(tmp, real)
