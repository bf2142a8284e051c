# -*- coding: utf-8 -*-
# Copyright: (c) 2026, openvz.vz contributors
# GNU General Public License v3.0+ (see https://www.gnu.org/licenses/gpl-3.0.txt)
"""Every container setting, declared once.

One ``Setting`` holds all there is to know about a setting: its task
parameter, the parser that validates it (the same for parameters and for
domain XML), its CTID.conf key and decoding, its ``vzctl create``/``set``
options, how a host value and a wanted value compare, where it lives in the
domain document, and its flags.  The module's argument spec, the model's
fields, the config reader, the planner and both directions of the XML codec
are generated from SETTINGS; nothing else names a setting's key or option.

Compound settings (addresses, interfaces, memory/swap, CPU tuning, disk
limits) keep their hand-written comparison, options or XML code, referenced
from their declaration.
"""

from __future__ import absolute_import, division, print_function
__metaclass__ = type

from ansible_collections.openvz.vz.plugins.module_utils._vz import vz_conf_values as conf
from ansible_collections.openvz.vz.plugins.module_utils._vz import vz_facts, vz_fields, vz_units, vz_validate
from ansible_collections.openvz.vz.plugins.module_utils._vz.vz_errors import VzInputError

LEGACY = "legacy"
VZ7 = "vz7"
FLAVOURS = (LEGACY, VZ7)
# vzctl keeps IOLIMIT and IOPSLIMIT in an int and cuts larger values to this.
INT_MAX = 2147483647


# ------------------------------------------------------------ where in the XML
# Pure declarations: vz_xml interprets them, so this module needs no lxml.

class Meta(object):
    """``<vz:TAG>text</vz:TAG>`` in the collection's metadata."""

    def __init__(self, tag, to_text=str, from_text=lambda text, label: text):
        self.tag = tag
        self.to_text = to_text
        self.from_text = from_text


class MetaList(object):
    """``<vz:GROUP><vz:ITEM>text</vz:ITEM>...</vz:GROUP>``."""

    def __init__(self, group, item):
        self.group = group
        self.item = item


class MetaSwitches(MetaList):
    """``<vz:GROUP><vz:ITEM name='N' state='on|off'/>...</vz:GROUP>``."""


class MetaRecords(object):
    """``<vz:GROUP><vz:ITEM A='..' B='..'/>...</vz:GROUP>``: a list of dicts; a list value is ','-joined."""

    def __init__(self, group, item, attrs):
        self.group = group
        self.item = item
        self.attrs = attrs


class MetaPair(object):
    """``<vz:TAG soft='S' hard='H'/>``."""

    def __init__(self, tag):
        self.tag = tag


class Element(object):
    """A libvirt element's text, ``PATH`` below <domain> (``cputune/shares``)."""

    def __init__(self, path):
        self.path = path


class Compound(object):
    """Hand-written XML code in vz_xml, named ``name``; run once for all settings naming it."""

    def __init__(self, name):
        self.name = name


def _yes_no(value):
    return "yes" if value else "no"


def from_yes_no(text, label):
    if text not in ("yes", "no"):
        raise VzInputError(label, "must be yes or no, got %r" % (text,))
    return text == "yes"


# ------------------------------------------------------------ parsers
# Each takes (value, label) and returns the model value; ``label`` names the
# parameter or the XML element in errors.  XML readers hand them the values
# they read (text, or a number of bytes), so both inputs pass the same checks.
# Integer bounds are vzctl 4.x's own checks (cpuunits 8..500000, src/vzctl.c)
# or, where vzctl has none, what a host can mean (cpulimit is a percentage of
# one CPU, so 4096 CPUs at most; a stop timeout of a day).

def integer(low, high):
    def parse(value, label):
        return vz_validate.ascii_int(value, label, low, high)
    parse.bounds = (low, high)
    return parse


def _boolean(value, label):
    if not isinstance(value, bool):
        raise VzInputError(label, "must be a boolean, got %r" % (value,))
    return value


def _choice(*choices):
    def parse(value, label):
        if value not in choices:
            raise VzInputError(label, "must be one of %s, got %r" % (", ".join(choices), value))
        return value
    return parse


def _each(check):
    def parse(values, label):
        if not isinstance(values, (list, tuple)):
            raise VzInputError(label, "must be a list, got %r" % (values,))
        return [check(value, label) for value in values]
    return parse


def _pages(value, label):
    return vz_units.whole_pages(vz_units.parse_size(value, label), label)


def _bytes_at_most(high):
    def parse(value, label):
        nbytes = vz_units.parse_size(value, label)
        if nbytes > high:
            raise VzInputError(label, "must be at most %d bytes, got %r" % (high, value))
        return nbytes
    return parse


def _kib(value, label):
    return vz_units.whole_kib(vz_units.parse_size(value, label), label)


def _count(value, label):
    try:
        return vz_units.parse_size(value, label)
    except VzInputError:
        raise VzInputError(label, "expected a count such as 200000 or 2M (ASCII digits, below %d), "
                                  "got %r" % (vz_units.MAX_SIZE + 1, value))


def _pair(parse_one):
    """``SOFT[:HARD]`` text, or a (soft, hard) pair; HARD not below SOFT."""
    def parse(value, label):
        if isinstance(value, (tuple, list)):
            soft, hard = value
            first, second = parse_one(soft, label), parse_one(hard, label)
        else:
            soft, sep, hard = str(value).partition(":")
            first = parse_one(soft, label)
            second = parse_one(hard, label) if sep else first
        if second < first:
            raise VzInputError(label, "the hard limit %r is below the soft limit %r" % (hard, soft))
        return first, second
    return parse


def _switches(check):
    def parse(values, label):
        if not isinstance(values, dict):
            raise VzInputError(label, "must be a dictionary of name: on/off, got %r" % (values,))
        result = {}
        for key, value in values.items():
            if not isinstance(value, bool):
                if str(value).lower() in ("on", "yes", "true"):
                    value = True
                elif str(value).lower() in ("off", "no", "false"):
                    value = False
                else:
                    raise VzInputError(label, "%s must be on/off (true/false), got %r" % (key, value))
            result[check(key, label)] = value
        return result
    return parse


def _netifs(values, label):
    """``label``: the parameter, or (from XML) a dict of the element naming each field (None: the list)."""
    fields = label if isinstance(label, dict) else None
    if fields:
        label = fields[None]
    if not isinstance(values, (list, tuple)):
        raise VzInputError(label, "must be a list, got %r" % (values,))
    netifs = []
    for index, item in enumerate(values):
        where = "%s[%d]" % (label, index)

        def field_label(key):
            return fields[key] if fields else "%s.%s" % (where, key)
        if not isinstance(item, dict) or not item.get("ifname"):
            raise VzInputError(field_label("ifname"), "each interface needs an ifname")
        netif = {}
        for key, check in vz_validate.NETIF_FIELDS.items():
            value = item.get(key)
            netif[key] = None if value is None or value == "" else check(value, field_label(key))
        for flag, version in (("dhcp", 4), ("dhcp6", 6)):
            if netif[flag] and any(vz_validate.ip_version(a) == version for a in netif["ip_addresses"] or []):
                # libvzctl stores no IPv4 (IPv6) address of a veth with DHCP (veth.c veth2str()).
                raise VzInputError(field_label(flag), "a veth with %s has no static IPv%d addresses; give one "
                                                      "or the other" % (flag, version))
        netifs.append(netif)
    names = [netif["ifname"] for netif in netifs]
    if len(set(names)) != len(names):
        raise VzInputError(label, "each ifname may appear once")
    return netifs


def _netif_fields_only_on(flavour_name, fields, why):
    def check(netifs):
        for field in fields:
            _netif_field_only_on(flavour_name, field, why)(netifs)
    return check


def _netif_field_only_on(flavour_name, field, why):
    def check(netifs):
        for index, netif in enumerate(netifs):
            if netif.get(field):
                raise VzInputError("netifs[%d].%s" % (index, field), "%s: %s" % (flavour_name, why))
    return check


def _ubc(values, label):
    result = {}
    for key, pair in values.items():
        if key.upper() not in UBC_KEYS:
            raise VzInputError(label, "%r is not a UBC parameter (use memory and swap for RAM and swap)"
                               % (key,))
        result[key] = [vz_validate.ascii_int(number, label, 0, vz_facts.LONG_MAX) for number in pair]
    return result


# ------------------------------------------------------------ merging, results

def _merge_dict(current, desired):
    combined = dict(current or {})
    combined.update(desired)
    return combined


def _merge_netifs(current, desired):
    return vz_fields.merge_netifs(current or [], desired)


def _soft_hard(value):
    return {"soft": value[0], "hard": value[1]}


def _hard_only(value):
    return value[1], value[1]


# ------------------------------------------------------------ the declaration

class Setting(object):
    """One setting.  ``spec`` None: model-only (read from the host, not a parameter)."""

    def __init__(self, name, spec, parse, key, same=vz_fields.equal, set_args=None, create_flag=None,
                 xml=None, param=None, create_only=False, restart=False, flavours=FLAVOURS,
                 unsupported=None, merge=None, result=None, per_ct_path=False, stored_as=None,
                 host_check=None, own_calls=None, companion=None):
        self.name = name
        self.param = (param or name) if spec is not None else None
        self.spec = spec
        self.parse = parse
        self.key = key
        self.same = same
        self.set_args = set_args
        self.create_flag = create_flag
        self.xml = xml
        self.create_only = create_only
        # vzctl saves it on a running CT but applies it only at the next start.
        self.restart = restart
        self.flavours = flavours
        # Why a flavour without this setting cannot take it (the error users get).
        self.unsupported = unsupported or {}
        self.merge = merge
        self.result = result
        # A path that may hold $VEID: compared after expanding it.
        self.per_ct_path = per_ct_path
        # {flavour: (value -> the value that flavour's vzctl stores for it, why)}: the
        # wanted value is planned and compared in that form, so a re-run converges.
        self.stored_as = stored_as or {}
        # {flavour: value -> None, raising VzInputError}: parts of a value that flavour lacks.
        self.host_check = host_check or {}
        # {flavour: (current, desired) -> [argv tail, ...]}: where that flavour's vzctl
        # cannot take the change inside the one ``vzctl set`` call, the calls of its own.
        self.own_calls = own_calls or {}
        # {flavour: (wanted -> bool, other setting, fallback)}: that flavour's vzctl takes this
        # option only beside the other's, which then goes too (its wanted value, else the host's,
        # else ``fallback``).
        self.companion = companion or {}

    @property
    def live(self):
        """vzctl applies a change to a running container at once."""
        return not (self.restart or self.create_only)

    def from_param(self, value):
        return self.parse(value, self.param)

    def create_args(self, value):
        if self.create_flag is None:
            return []
        if self.set_args is not None:
            return self.set_args(None, value)
        return [self.create_flag, value]


def _str(**extra):
    return dict(type="str", **extra)


UBC_KEYS = conf.Ubc().keys
_NETIF_OPTIONS = dict(ifname=_str(required=True), mac=_str(), host_ifname=_str(), host_mac=_str(), bridge=_str(),
                      network=_str(), gateway=_str(), gateway6=_str(), dhcp=dict(type="bool"), dhcp6=dict(type="bool"),
                      ip_addresses=dict(type="list", elements="str"))
_BINDMOUNT_OPTIONS = dict(src=_str(), dst=_str(required=True),
                          options=dict(type="list", elements="str", choices=list(vz_validate.BINDMOUNT_OPTIONS)))
# What vzctl 7 alone has (vzctl 4.x src/vzctl-actions.c has none of these options).
_VZ7_NETIF_FIELDS = ("network", "gateway", "gateway6", "dhcp", "dhcp6", "ip_addresses")


def _only_vz7(option):
    return {LEGACY: "vzctl 4.x has no %s (OpenVZ 7's vzctl has), so this setting cannot be managed on "
                    "this host" % option}


def _mask(auto):
    def parse(value, label):
        return vz_validate.mask(value, label, auto)
    return parse


def _memguarantee(value, label):
    if value == "auto":
        return value
    return vz_validate.ascii_int(value, label, 0, 100)


# Order: the order of options in the generated ``vzctl set`` and ``create``
# calls, and of the metadata elements in the domain document.
SETTINGS = (
    Setting("name", _str(), vz_validate.name, conf.Name("NAME"),
            set_args=vz_fields.option("--name"), xml=Meta("name")),
    Setting("description", _str(), vz_validate.safe_text, conf.Key("DESCRIPTION"),
            set_args=vz_fields.option("--description"), xml=Element("description")),
    Setting("ostemplate", _str(), vz_validate.ostemplate, conf.Template("OSTEMPLATE"),
            create_flag="--ostemplate", create_only=True, xml=Compound("filesystem")),
    Setting("profile", _str(), vz_validate.ostemplate, conf.Key("ORIGIN_SAMPLE"), param="config",
            create_flag="--config", create_only=True, xml=Meta("profile")),
    Setting("layout", _str(choices=["simfs", "ploop"]), _choice("simfs", "ploop"), conf.Layout(),
            create_flag="--layout", create_only=True, xml=Meta("layout")),
    Setting("private", _str(), vz_validate.path, conf.Key("VE_PRIVATE", inherited=True),
            create_flag="--private", create_only=True, per_ct_path=True, xml=Meta("private")),
    Setting("root", _str(), vz_validate.path, conf.Key("VE_ROOT", inherited=True),
            create_flag="--root", create_only=True, per_ct_path=True, xml=Meta("root")),
    Setting("hostname", _str(), vz_validate.hostname, conf.Key("HOSTNAME"),
            set_args=vz_fields.option("--hostname"), xml=Meta("hostname")),
    Setting("ip_addresses", dict(type="list", elements="str"), _each(vz_validate.ip_address),
            conf.Addresses("IP_ADDRESS"), same=vz_fields.same_ips, set_args=vz_fields.ip_args,
            xml=Compound("interfaces")),
    Setting("nameservers", dict(type="list", elements="str"), _each(vz_validate.nameserver),
            conf.Words("NAMESERVER"), set_args=vz_fields.list_args("--nameserver", "nameservers"),
            xml=MetaList("nameservers", "nameserver")),
    Setting("searchdomains", dict(type="list", elements="str"), _each(vz_validate.searchdomain),
            conf.Words("SEARCHDOMAIN"), set_args=vz_fields.list_args("--searchdomain", "searchdomains"),
            xml=MetaList("searchdomains", "searchdomain")),
    Setting("onboot", dict(type="bool"), _boolean, conf.YesNo("ONBOOT"),
            set_args=vz_fields.yes_no("--onboot"), xml=Meta("onboot", _yes_no, from_yes_no)),
    Setting("memory", _str(), _pages, conf.Limit("PHYSPAGES", vz_facts.PAGE), same=vz_fields.same_pages,
            set_args=vz_fields.size("--ram"), xml=Compound("memory")),
    Setting("swap", _str(), _pages, conf.Limit("SWAPPAGES", vz_facts.PAGE), same=vz_fields.same_pages,
            set_args=vz_fields.size("--swap"), xml=Compound("memory")),
    Setting("cpus", dict(type="raw"), integer(1, 4096), conf.Int("CPUS"),
            set_args=vz_fields.option("--cpus"), xml=Compound("vcpu")),
    Setting("cpulimit", dict(type="raw"), integer(0, 409600), conf.Int("CPULIMIT"),
            set_args=vz_fields.option("--cpulimit"), xml=Compound("cpulimit")),
    Setting("cpuunits", dict(type="raw"), integer(8, 500000), conf.Int("CPUUNITS"),
            set_args=vz_fields.option("--cpuunits"), xml=Element("cputune/shares")),
    # vzctl 4.x refuses --nodemask without --cpumask, and --cpumask auto without --nodemask
    # (src/vzctl-actions.c, exit 20); vzctl 7 takes each alone (05-set-cpu.txt).
    Setting("cpumask", _str(), _mask(auto=True), conf.Mask("CPUMASK"), same=vz_fields.same_mask,
            set_args=vz_fields.option("--cpumask"), xml=Meta("cpumask"),
            companion={LEGACY: (lambda value: value == "auto", "nodemask", "all")}),
    Setting("nodemask", _str(), _mask(auto=False), conf.Mask("NODEMASK"), same=vz_fields.same_mask,
            set_args=vz_fields.option("--nodemask"), xml=Meta("nodemask"),
            companion={LEGACY: (lambda value: True, "cpumask", "all")}),
    Setting("memguarantee", dict(type="raw"), _memguarantee, conf.MemGuarantee("MEMGUARANTEE"),
            set_args=vz_fields.option("--memguarantee"), xml=Meta("memguarantee"),
            flavours=(VZ7,), unsupported=_only_vz7("--memguarantee")),
    Setting("iolimit", _str(), _bytes_at_most(INT_MAX), conf.Int("IOLIMIT"),
            set_args=vz_fields.size("--iolimit"), xml=Meta("iolimit")),
    Setting("iopslimit", dict(type="raw"), integer(0, INT_MAX), conf.Int("IOPSLIMIT"),
            set_args=vz_fields.option("--iopslimit"), xml=Meta("iopslimit")),
    Setting("diskspace", _str(), _pair(_kib), conf.BytePair("DISKSPACE", vz_facts.DISK_DIVISORS["DISKSPACE"]),
            same=vz_fields.same_kib_pair, set_args=vz_fields.size_pair("--diskspace"), create_flag="--diskspace",
            result=_soft_hard, xml=Compound("filesystem"),
            stored_as={VZ7: (_hard_only, "OpenVZ 7 sizes the ploop image to the hard limit and stores "
                                         "DISKSPACE as hard:hard")}),
    Setting("diskinodes", _str(), _pair(_count), conf.Pair("DISKINODES", vz_facts.DISK_DIVISORS["DISKINODES"]),
            set_args=vz_fields.count_pair("--diskinodes"), result=_soft_hard, xml=MetaPair("diskinodes")),
    Setting("features", dict(type="dict"), _switches(vz_validate.feature),
            conf.Switches("FEATURES", lambda item: item.lower()), same=vz_fields.subset,
            set_args=vz_fields.switch_args("--features"), merge=_merge_dict, restart=True,
            xml=MetaSwitches("features", "feature")),
    Setting("capabilities", dict(type="dict"), _switches(vz_validate.capability),
            conf.Switches("CAPABILITY", lambda item: item.upper()), same=vz_fields.subset,
            set_args=vz_fields.switch_args("--capability"), merge=_merge_dict, restart=True,
            flavours=(LEGACY,), unsupported={VZ7: "OpenVZ 7's vzctl ignores --capability (deprecated "
                                                  "there), so this setting cannot be managed on this host"},
            xml=MetaSwitches("capabilities", "capability")),
    Setting("devnodes", dict(type="list", elements="str"), _each(vz_validate.devnode), conf.Words("DEVNODES"),
            same=vz_fields.same_set, set_args=vz_fields.devnode_args, xml=MetaList("devnodes", "devnode")),
    Setting("stop_timeout", dict(type="raw"), integer(0, 86400), conf.Int("STOP_TIMEOUT"),
            set_args=vz_fields.option("--stop-timeout"), xml=Meta("stop_timeout"),
            flavours=(LEGACY,), unsupported={VZ7: "OpenVZ 7's vzctl has no --stop-timeout (it exits 21 "
                                                  "'unrecognized option' and saves none of the call's other "
                                                  "settings), so this setting cannot be managed on this host"}),
    Setting("autostop", _str(choices=["stop", "suspend"]), _choice("stop", "suspend"), conf.Key("AUTOSTOP"),
            set_args=vz_fields.option("--autostop"), xml=Meta("autostop"),
            flavours=(VZ7,), unsupported=_only_vz7("--autostop")),
    Setting("bindmounts", dict(type="list", elements="dict", options=_BINDMOUNT_OPTIONS),
            _each(vz_validate.bindmount), conf.Bindmounts("BINDMOUNT"), same=vz_fields.same_bindmounts,
            set_args=vz_fields.bindmount_args, xml=MetaRecords("bindmounts", "bindmount", ("src", "dst", "options")),
            flavours=(VZ7,), unsupported=_only_vz7("--bindmount_add")),
    Setting("ubc", None, _ubc, conf.Ubc(), same=vz_fields.same_ubc, set_args=vz_fields.ubc_args,
            xml=Compound("ubc")),
    Setting("netifs", dict(type="list", elements="dict", options=_NETIF_OPTIONS),
            _netifs, conf.Netifs("NETIF"), same=vz_fields.same_netifs, set_args=vz_fields.netif_args,
            merge=_merge_netifs, xml=Compound("interfaces"), own_calls={VZ7: vz_fields.netif_calls_vz7},
            host_check={
                VZ7: _netif_field_only_on("OpenVZ 7", "bridge", "vzctl 7 has no --bridge; a veth joins a bridge "
                                                                "through its virtual network (netifs[].network, "
                                                                "for example Bridged)"),
                LEGACY: _netif_fields_only_on("OpenVZ 6", _VZ7_NETIF_FIELDS,
                                              "vzctl 4.x keeps no virtual network, gateway, DHCP or address of "
                                              "a veth (OpenVZ 7's vzctl does); use netifs[].bridge and set "
                                              "addresses inside the container")}),
)

BY_NAME = dict((setting.name, setting) for setting in SETTINGS)
BY_PARAM = dict((setting.param, setting) for setting in SETTINGS if setting.param)
# Model fields that are not settings: who the container is.
IDENTITY = ("ctid", "uuid")
FIELDS = IDENTITY + tuple(setting.name for setting in SETTINGS)
PARAMS = tuple(setting.param for setting in SETTINGS if setting.param)


def argument_spec():
    """The settings' part of a module's argument spec (a fresh copy each call)."""
    def copy(spec):
        spec = dict(spec)
        if "options" in spec:
            spec["options"] = dict((key, copy(value)) for key, value in spec["options"].items())
        return spec
    return dict((setting.param, copy(setting.spec)) for setting in SETTINGS if setting.param)


def conf_keys():
    """Every CTID.conf key a setting reads."""
    return tuple(key for setting in SETTINGS for key in setting.key.keys)
