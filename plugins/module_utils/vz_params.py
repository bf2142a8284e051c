# -*- coding: utf-8 -*-
# Copyright: (c) 2026, openvz.vz contributors
# GNU General Public License v3.0+ (see https://www.gnu.org/licenses/gpl-3.0.txt)
"""Task parameters -> desired model, every value validated on the way."""

from __future__ import absolute_import, division, print_function
__metaclass__ = type

from ansible_collections.openvz.vz.plugins.module_utils import vz_units, vz_validate
from ansible_collections.openvz.vz.plugins.module_utils.vz_errors import VzInputError
from ansible_collections.openvz.vz.plugins.module_utils.vz_model import Container

# Parameters that describe the container (as opposed to how to converge it);
# ``xml`` is mutually exclusive with all of them.
SETTING_PARAMS = (
    "ostemplate", "config", "layout", "private", "root", "hostname", "description",
    "ip_addresses", "netifs", "nameservers", "searchdomains", "onboot", "memory", "swap",
    "cpus", "cpulimit", "cpuunits", "diskspace", "diskinodes", "features", "capabilities",
    "devnodes", "stop_timeout",
)

ARGUMENT_SPEC = dict(
    ctid=dict(type="str"),
    name=dict(type="str"),
    state=dict(type="str", default="present",
               choices=["present", "started", "stopped", "restarted", "suspended", "absent"]),
    ostemplate=dict(type="str"),
    config=dict(type="str"),
    layout=dict(type="str", choices=["simfs", "ploop"]),
    private=dict(type="str"),
    root=dict(type="str"),
    hostname=dict(type="str"),
    description=dict(type="str"),
    ip_addresses=dict(type="list", elements="str"),
    netifs=dict(type="list", elements="dict", options=dict(
        ifname=dict(type="str", required=True),
        mac=dict(type="str"),
        host_ifname=dict(type="str"),
        host_mac=dict(type="str"),
        bridge=dict(type="str"),
    )),
    nameservers=dict(type="list", elements="str"),
    searchdomains=dict(type="list", elements="str"),
    onboot=dict(type="bool"),
    memory=dict(type="str"),
    swap=dict(type="str"),
    cpus=dict(type="raw"),
    cpulimit=dict(type="raw"),
    cpuunits=dict(type="raw"),
    diskspace=dict(type="str"),
    diskinodes=dict(type="str"),
    features=dict(type="dict"),
    capabilities=dict(type="dict"),
    devnodes=dict(type="list", elements="str"),
    root_password=dict(type="str", no_log=True),
    update_password=dict(type="str", default="on_create", choices=["always", "on_create"]),
    stop_timeout=dict(type="raw"),
    force=dict(type="bool", default=False),
    xml=dict(type="str"),
    timeout=dict(type="int", default=900),
)

MUTUALLY_EXCLUSIVE = [["xml", param] for param in SETTING_PARAMS]


def _pair(text, param, parse):
    soft, sep, hard = str(text).partition(":")
    first = parse(soft, param)
    second = parse(hard, param) if sep else first
    if second < first:
        raise VzInputError(param, "the hard limit %r is below the soft limit %r" % (hard, soft))
    return first, second


def _kib_size(text, param):
    return vz_units.whole_kib(vz_units.parse_size(text, param), param)


def _count(text, param):
    try:
        return vz_units.parse_size(text, param)
    except VzInputError:
        raise VzInputError(param, "expected a count such as 200000 or 2M (ASCII digits, below %d), "
                                  "got %r" % (vz_units.MAX_SIZE + 1, text))


def _page_size(text, param):
    return vz_units.whole_pages(vz_units.parse_size(text, param), param)


def _switches(values, param, check):
    result = {}
    for key, value in (values or {}).items():
        if not isinstance(value, bool):
            if str(value).lower() in ("on", "yes", "true"):
                value = True
            elif str(value).lower() in ("off", "no", "false"):
                value = False
            else:
                raise VzInputError(param, "%s must be on/off (true/false), got %r" % (key, value))
        result[check(key, param)] = value
    return result


def container_from_params(params):
    """The desired container; parameters left unset stay None."""
    p = params
    ct = Container()
    if p.get("ctid") is not None:
        ct.ctid = vz_validate.ctid(p["ctid"])
    if p.get("name") is not None:
        ct.name = vz_validate.name(p["name"])
    if p.get("description") is not None:
        ct.description = vz_validate.safe_text(p["description"], "description")
    if p.get("ostemplate") is not None:
        ct.ostemplate = vz_validate.ostemplate(p["ostemplate"])
    if p.get("config") is not None:
        ct.profile = vz_validate.ostemplate(p["config"], "config")
    ct.layout = p.get("layout")
    for field in ("private", "root"):
        if p.get(field) is not None:
            setattr(ct, field, vz_validate.path(p[field], field))
    if p.get("hostname") is not None:
        ct.hostname = vz_validate.hostname(p["hostname"])
    if p.get("ip_addresses") is not None:
        ct.ip_addresses = [vz_validate.ip_address(a) for a in p["ip_addresses"]]
    if p.get("netifs") is not None:
        ct.netifs = [_netif(item, index) for index, item in enumerate(p["netifs"])]
        names = [netif["ifname"] for netif in ct.netifs]
        if len(set(names)) != len(names):
            raise VzInputError("netifs", "each ifname may appear once")
    if p.get("nameservers") is not None:
        ct.nameservers = [vz_validate.nameserver(s) for s in p["nameservers"]]
    if p.get("searchdomains") is not None:
        ct.searchdomains = [vz_validate.searchdomain(s) for s in p["searchdomains"]]
    ct.onboot = p.get("onboot")
    if p.get("memory") is not None:
        ct.memory = _page_size(p["memory"], "memory")
    if p.get("swap") is not None:
        ct.swap = _page_size(p["swap"], "swap")
    if p.get("cpus") is not None:
        ct.cpus = vz_validate.setting_int("cpus", p["cpus"])
    if p.get("cpulimit") is not None:
        ct.cpulimit = vz_validate.setting_int("cpulimit", p["cpulimit"])
    if p.get("cpuunits") is not None:
        ct.cpuunits = vz_validate.setting_int("cpuunits", p["cpuunits"])
    if p.get("diskspace") is not None:
        ct.diskspace = _pair(p["diskspace"], "diskspace", _kib_size)
    if p.get("diskinodes") is not None:
        ct.diskinodes = _pair(p["diskinodes"], "diskinodes", _count)
    if p.get("features") is not None:
        ct.features = _switches(p["features"], "features", vz_validate.feature)
    if p.get("capabilities") is not None:
        ct.capabilities = _switches(p["capabilities"], "capabilities", vz_validate.capability)
    if p.get("devnodes") is not None:
        ct.devnodes = [vz_validate.devnode(d) for d in p["devnodes"]]
    if p.get("stop_timeout") is not None:
        ct.stop_timeout = vz_validate.setting_int("stop_timeout", p["stop_timeout"])
    return ct


def _netif(item, index):
    netif = {"ifname": vz_validate.ifname(item["ifname"], "netifs[%d].ifname" % index)}
    for key, check in vz_validate.NETIF_FIELDS.items():
        if key != "ifname":
            netif[key] = check(item[key], "netifs[%d].%s" % (index, key)) if item.get(key) else None
    return netif


def password_stdin(params):
    """chpasswd input for the root password, or None; it never goes on an argv."""
    password = params.get("root_password")
    if password is None:
        return None
    if any(char in password for char in "\n\r\x00"):
        raise VzInputError("root_password", "must be a single line without NUL characters")
    if not password:
        raise VzInputError("root_password", "must not be empty")
    return ("root:%s\n" % password).encode("utf-8")
