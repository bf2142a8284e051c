"""The CT parameter table: config keys, their kinds, units and stored forms.

Order matters: it is the order in which ``vzctl set --save`` appends keys that
a config file does not have yet (the ``config[]`` table of vzctl 4.x
``src/lib/config.c``).
"""
import math

UBC = "ubc"
DISK = "disk"
LIST = "list"
STR = "str"

LONG_MAX = 9223372036854775807
PAGE_SIZE = 4096

# (config key, kind, divisor for K/M/G/T/P/B suffixes; 0 = suffixes refused)
UBC_PARAMS = [
    ("KMEMSIZE", 1),
    ("LOCKEDPAGES", PAGE_SIZE),
    ("PRIVVMPAGES", PAGE_SIZE),
    ("SHMPAGES", PAGE_SIZE),
    ("NUMPROC", 0),
    ("PHYSPAGES", PAGE_SIZE),
    ("VMGUARPAGES", PAGE_SIZE),
    ("OOMGUARPAGES", PAGE_SIZE),
    ("NUMTCPSOCK", 0),
    ("NUMFLOCK", 0),
    ("NUMPTY", 0),
    ("NUMSIGINFO", 0),
    ("TCPSNDBUF", 1),
    ("TCPRCVBUF", 1),
    ("OTHERSOCKBUF", 1),
    ("DGRAMRCVBUF", 1),
    ("NUMOTHERSOCK", 0),
    ("NUMFILE", 0),
    ("DCACHESIZE", 1),
    ("NUMIPTENT", 0),
    ("AVNUMPROC", 0),
    ("SWAPPAGES", PAGE_SIZE),
]
UBC_DIVISOR = dict(UBC_PARAMS)

DISK_DIVISOR = {"DISKSPACE": 1024, "DISKINODES": 1}

LIST_KEYS = ("IP_ADDRESS", "NAMESERVER", "SEARCHDOMAIN")

SAVE_ORDER = [key for key, _divisor in UBC_PARAMS] + [
    "VM_OVERCOMMIT",
    "IPTABLES", "NETFILTER", "CAPABILITY", "IP_ADDRESS", "NETDEV", "HOSTNAME",
    "DESCRIPTION", "NAMESERVER", "IPV6", "SEARCHDOMAIN", "DEVICES", "DEVNODES",
    "PCI", "VE_ROOT", "VE_PRIVATE", "TEMPLATE", "MOUNT_OPTS", "VE_LAYOUT",
    "OSTEMPLATE", "DEF_OSTEMPLATE", "CPUUNITS", "CPUUWEIGHT", "CPULIMIT", "CPUS",
    "CPUMASK", "NODEMASK", "ONBOOT", "CONFIGFILE", "ORIGIN_SAMPLE", "DISABLED",
    "LOCAL_UID", "LOCAL_GID", "DISK_QUOTA", "DISKSPACE", "DISKINODES",
    "QUOTATIME", "QUOTAUGIDLIMIT", "MEMINFO", "VETH", "NETIF", "VEID", "NAME",
    "FEATURES", "IOPRIO", "IOLIMIT", "IOPSLIMIT", "BOOTORDER", "STOP_TIMEOUT",
]
_SAVE_RANK = {key: rank for rank, key in enumerate(SAVE_ORDER)}


# How a key repeated in one config file is read (src/lib/config.c parse()).
DUP_FIRST_WARN = "first-warn"    # string-like values: first kept, warning printed
DUP_FIRST = "first"              # LOCAL_UID/LOCAL_GID: first kept silently
DUP_LAST = "last"                # limits and a few scalars: last one wins
DUP_ACCUMULATE = "accumulate"    # lists and flag sets: values add up
_DUP_LAST = set(UBC_DIVISOR) | {"VE_LAYOUT", "IOPRIO", "IOLIMIT", "IOPSLIMIT", "MEMINFO",
                                "NETFILTER", "LOG_LEVEL", "VEID"}
_DUP_ACCUMULATE = set(LIST_KEYS) | {"DEVICES", "DEVNODES", "CAPABILITY", "FEATURES",
                                    "IPTABLES", "NETDEV", "PCI"}


def dup_policy(key):
    if key in _DUP_LAST:
        return DUP_LAST
    if key in _DUP_ACCUMULATE:
        return DUP_ACCUMULATE
    if key in ("LOCAL_UID", "LOCAL_GID"):
        return DUP_FIRST
    return DUP_FIRST_WARN


def kind_of(key):
    if key in UBC_DIVISOR:
        return UBC
    if key in DISK_DIVISOR:
        return DISK
    if key in LIST_KEYS:
        return LIST
    return STR


def save_order(keys):
    """Keys sorted as vzctl appends them; unknown keys keep their given order last."""
    keys = list(keys)
    return sorted(keys, key=lambda k: (_SAVE_RANK.get(k, len(SAVE_ORDER)), keys.index(k)))


_MULTIPLIERS = {"T": 1024 ** 4, "G": 1024 ** 3, "M": 1024 ** 2, "K": 1024,
                "P": PAGE_SIZE, "B": 1}


def parse_number(text, divisor):
    """Parse one ``N[.F][KMGTPB]`` or ``unlimited``; return (value, rest)."""
    if text.startswith("unlimited"):
        return LONG_MAX, text[len("unlimited"):]
    index = 0
    while index < len(text) and text[index].isdigit():
        index += 1
    if index == 0:
        raise ValueError(text)
    number = int(text[:index])
    if index < len(text) and text[index] == ".":
        end = index + 1
        while end < len(text) and text[end].isdigit():
            end += 1
        number = float(text[:end])
        index = end
    rest = text[index:]
    if rest and rest[0] != ":":
        if not divisor or rest[0].upper() not in _MULTIPLIERS:
            raise ValueError(text)
        scaled = number * _MULTIPLIERS[rest[0].upper()] / divisor
        number = LONG_MAX + 1 if scaled > LONG_MAX else scaled
        rest = rest[1:]
    return int(math.floor(number)), rest


def parse_pair(text, divisor):
    """Parse ``A[:B]`` (B defaults to A); values above LONG_MAX are clamped."""
    first, rest = parse_number(text, divisor)
    if rest.startswith(":"):
        second, tail = parse_number(rest[1:], divisor)
        if tail:
            raise ValueError(text)
    elif rest == "":
        second = first
    else:
        raise ValueError(text)
    return min(first, LONG_MAX), min(second, LONG_MAX)


def format_limit(value):
    return "unlimited" if value >= LONG_MAX else str(value)


def format_ubc(barrier, limit):
    """UBC values as vzctl stores them: one value when barrier equals limit."""
    if barrier == limit:
        return format_limit(barrier)
    return "%s:%s" % (format_limit(barrier), format_limit(limit))


def format_disk(soft, hard):
    """Disk quota values are always stored as ``soft:hard``."""
    return "%d:%d" % (soft, hard)


def config_pair(key, raw):
    """Typed (barrier, limit) / (soft, hard) of a UBC or disk key's raw config value."""
    divisor = UBC_DIVISOR[key] if key in UBC_DIVISOR else DISK_DIVISOR[key]
    return parse_pair(raw, divisor)
