# -*- coding: utf-8 -*-
# Copyright: (c) 2026, openvz.vz contributors
# GNU General Public License v3.0+ (see https://www.gnu.org/licenses/gpl-3.0.txt)
"""The model as a libvirt domain document (<domain type='openvz'>), and back.

Elements follow libvirt's OpenVZ driver and libvirt's element order, so that
``virsh dumpxml`` of the same container reads the same where libvirt maps a
setting.  What libvirt has no element for lives in <metadata> under NS.
"""

from __future__ import absolute_import, division, print_function
__metaclass__ = type

import re

from ansible_collections.openvz.vz.plugins.module_utils import vz_units, vz_validate
from ansible_collections.openvz.vz.plugins.module_utils.vz_conf import expand_veid
from ansible_collections.openvz.vz.plugins.module_utils.vz_errors import VzInputError
from ansible_collections.openvz.vz.plugins.module_utils.vz_facts import (
    LONG_MAX as _UNLIMITED, RUNNING, UBC_DIVISORS, UNLIMITED, limit_text)
from ansible_collections.openvz.vz.plugins.module_utils.vz_lxml import etree
from ansible_collections.openvz.vz.plugins.module_utils.vz_model import Container

NS = "https://github.com/openvz-collections/openvz.vz/xmlns/container/1.0"
NSMAP = {"vz": NS}
CPU_PERIOD = 100000
_PARAM = "xml"


def _q(tag):
    return "{%s}%s" % (NS, tag)


# Characters XML 1.0 cannot hold.  Values read from a host's config may have
# them (vzctl stores what it is given); they are shown as U+FFFD, never a crash.
_NOT_XML = re.compile("[\x00-\x08\x0b\x0c\x0e-\x1f\ud800-\udfff\ufffe\uffff]")


def _xml_text(value):
    return _NOT_XML.sub("\ufffd", str(value))


def _sub(parent, tag, text=None, **attrs):
    element = etree.SubElement(parent, tag, {key: _xml_text(value) for key, value in attrs.items()})
    if text is not None:
        element.text = _xml_text(text)
    return element


# ---------------------------------------------------------------- model -> XML

def to_xml(ct, host_cpus=None):
    """The canonical document of ``ct``, as text.

    As libvirt's driver writes it: ``<name>`` is the CTID (the OpenVZ name is
    ``<vz:name>`` in the metadata), and with CPUS unset ``<vcpu>`` is the
    host's CPU count (``host_cpus``; left out when unknown).
    """
    domain = etree.Element("domain", {"type": "openvz"})
    if ct.status == RUNNING and ct.ctid:
        domain.set("id", _xml_text(ct.ctid))
    _sub(domain, "name", ct.ctid or ct.display_name())
    if ct.uuid:
        _sub(domain, "uuid", ct.uuid)
    if ct.description is not None:
        _sub(domain, "description", ct.description)
    _metadata(_sub(domain, "metadata"), ct)
    if ct.memory is not None:
        _sub(domain, "memory", ct.memory // 1024, unit="KiB")
        _sub(domain, "currentMemory", ct.memory // 1024, unit="KiB")
    _memtune(domain, ct)
    if ct.cpus is not None or host_cpus:
        _sub(domain, "vcpu", ct.cpus if ct.cpus is not None else host_cpus, placement="static")
    _cputune(domain, ct)
    os_element = _sub(domain, "os")
    _sub(os_element, "type", "exe")
    _sub(os_element, "init", "/sbin/init")
    _sub(domain, "clock", offset="utc")
    for event in ("on_poweroff", "on_reboot", "on_crash"):
        _sub(domain, event, "destroy")
    _devices(_sub(domain, "devices"), ct)
    return etree.tostring(domain, pretty_print=True, encoding="unicode")


def _memtune(domain, ct):
    ubc = ct.ubc or {}
    entries = []
    privvm = ubc.get("privvmpages")
    if privvm and privvm[1] < _UNLIMITED:
        entries.append(("hard_limit", privvm[1] * 4))
        entries.append(("soft_limit", privvm[0] * 4))
    if ct.memory is not None and ct.swap is not None:
        entries.append(("swap_hard_limit", (ct.memory + ct.swap) // 1024))
    vmguar = ubc.get("vmguarpages")
    if vmguar and vmguar[0] < _UNLIMITED:
        entries.append(("min_guarantee", vmguar[0] * 4))
    if entries:
        memtune = _sub(domain, "memtune")
        for tag, kib in entries:
            _sub(memtune, tag, kib, unit="KiB")


def _cputune(domain, ct):
    if ct.cpuunits is None and ct.cpulimit is None:
        return
    cputune = _sub(domain, "cputune")
    if ct.cpuunits is not None:
        _sub(cputune, "shares", ct.cpuunits)
    if ct.cpulimit is not None:
        _sub(cputune, "period", CPU_PERIOD)
        # CPULIMIT is a percentage of one CPU; libvirt's quota is per period.
        _sub(cputune, "quota", ct.cpulimit * CPU_PERIOD // 100 if ct.cpulimit else -1)


def _devices(devices, ct):
    private = expand_veid(ct.private, ct.ctid) if ct.ctid else ct.private
    if ct.ostemplate is not None or ct.diskspace is not None:
        if ct.ostemplate is None and private:
            # libvirt's form for a container made without a template.
            filesystem = _sub(devices, "filesystem", type="mount")
            _sub(filesystem, "source", dir=private)
        else:
            filesystem = _sub(devices, "filesystem", type="template")
            _sub(filesystem, "source", name=ct.ostemplate or "")
        _sub(filesystem, "target", dir="/")
        if ct.diskspace is not None:
            _sub(filesystem, "space_hard_limit", ct.diskspace[1], unit="bytes")
            _sub(filesystem, "space_soft_limit", ct.diskspace[0], unit="bytes")
    for address in ct.ip_addresses or []:
        interface = _sub(devices, "interface", type="ethernet")
        ip, _sep, prefix = address.partition("/")
        attrs = {"address": ip, "family": "ipv6" if ":" in ip else "ipv4"}
        if prefix:
            attrs["prefix"] = prefix
        _sub(interface, "ip", **attrs)
    for netif in ct.netifs or []:
        interface = _sub(devices, "interface", type="bridge")
        if netif.get("mac"):
            _sub(interface, "mac", address=netif["mac"].lower())
        if netif.get("bridge"):
            _sub(interface, "source", bridge=netif["bridge"])
        if netif.get("host_ifname"):
            _sub(interface, "target", dev=netif["host_ifname"])
        _sub(interface, "guest", dev=netif["ifname"])


def _metadata(metadata, ct):
    root = etree.SubElement(metadata, _q("container"), nsmap=NSMAP)
    root.set("ctid", _xml_text(ct.ctid or ""))
    if ct.name:
        _sub(root, _q("name"), ct.name)
    for field in ("hostname", "profile", "layout", "private", "root"):
        value = getattr(ct, field)
        if value is not None:
            _sub(root, _q(field), value)
    if ct.onboot is not None:
        _sub(root, _q("onboot"), "yes" if ct.onboot else "no")
    if ct.stop_timeout is not None:
        _sub(root, _q("stop_timeout"), ct.stop_timeout)
    if ct.nameservers is not None:
        nameservers = _sub(root, _q("nameservers"))
        for server in ct.nameservers:
            _sub(nameservers, _q("nameserver"), server)
    if ct.searchdomains is not None:
        domains = _sub(root, _q("searchdomains"))
        for domain in ct.searchdomains:
            _sub(domains, _q("searchdomain"), domain)
    if ct.diskinodes is not None:
        _sub(root, _q("diskinodes"), soft=ct.diskinodes[0], hard=ct.diskinodes[1])
    for field, tag in (("features", "feature"), ("capabilities", "capability")):
        values = getattr(ct, field)
        if values is not None:
            group = _sub(root, _q(field))
            for key in sorted(values):
                _sub(group, _q(tag), name=key, state="on" if values[key] else "off")
    if ct.devnodes is not None:
        group = _sub(root, _q("devnodes"))
        for node in ct.devnodes:
            _sub(group, _q("devnode"), node)
    for netif in ct.netifs or []:
        if netif.get("host_mac"):
            _sub(root, _q("netif"), ifname=netif["ifname"], host_mac=netif["host_mac"].lower())
    if ct.ubc:
        group = _sub(root, _q("ubc"))
        for key in sorted(ct.ubc):
            barrier, limit = ct.ubc[key]
            _sub(group, _q("limit"), name=key, barrier=limit_text(barrier), limit=limit_text(limit))


# ---------------------------------------------------------------- XML -> model

_DECLARATION_RE = re.compile(r"""\A\s*<\?xml\s[^>]*?\?>""")


def _document_bytes(text):
    """The document as the bytes its XML declaration describes.

    Ansible hands the module text.  Where that text is proper Unicode, the
    declared encoding (say ISO-8859-1) described the file it was read from,
    not this text, so the declaration is dropped and the characters are kept.
    Bytes that were not valid UTF-8 reach the module surrogate-escaped; they
    are restored so the parser decodes them with the declared encoding.
    """
    try:
        return _DECLARATION_RE.sub("", text, count=1).encode("utf-8"), "utf-8"
    except UnicodeEncodeError:
        return text.encode("utf-8", "surrogateescape"), None


def parse(text):
    """Parse a user-supplied document safely: no DTD, no entities, no network."""
    if not isinstance(text, str) or not text.strip():
        raise VzInputError(_PARAM, "must be a non-empty domain XML document")
    upper = text.upper()
    if "<!DOCTYPE" in upper or "<!ENTITY" in upper:
        raise VzInputError(_PARAM, "documents with a DOCTYPE or entity declarations are refused")
    data, encoding = _document_bytes(text)
    parser = etree.XMLParser(resolve_entities=False, no_network=True, load_dtd=False,
                             dtd_validation=False, huge_tree=False, remove_comments=True,
                             remove_pis=True, encoding=encoding)
    try:
        root = etree.fromstring(data, parser)
    except (etree.XMLSyntaxError, LookupError, ValueError) as exc:
        raise VzInputError(_PARAM, "is not well-formed XML: %s" % exc)
    if root.tag != "domain":
        raise VzInputError(_PARAM, "root element must be <domain>, got <%s>" % root.tag)
    if root.get("type") != "openvz":
        raise VzInputError(_PARAM, "<domain> must have type='openvz', got %r" % root.get("type"))
    return root


def from_xml(text, warnings=None):
    """The desired container a document describes (absent elements stay None).

    Takes this collection's documents and libvirt's own ``virsh dumpxml``
    output.  ``<name>`` is the CTID as libvirt has it; a name that is not
    a number is read as the OpenVZ name, as this collection wrote it before.
    Notes for the user (what was read as "not given") go to ``warnings``.
    """
    warnings = [] if warnings is None else warnings
    root = parse(text)
    meta = _find_metadata(root)
    ctid = root.get("id") or (meta.get("ctid") if meta is not None else None)
    if ctid:
        ctid = vz_validate.ctid(ctid, "xml: domain id")
    name = _text(root, "name")
    if name and re.fullmatch("[0-9]+", name):
        name_ctid = vz_validate.ctid(name, "xml: <name>")
        if ctid and name_ctid != ctid:
            raise VzInputError("xml: <name>", "%s is not the domain id %s (libvirt's <name> is the CTID)"
                               % (name, ctid))
        ctid, name = name_ctid, None
    ct = Container(ctid=ctid)
    if name:
        ct.name = vz_validate.name(name, "xml: <name>")
    meta_name = meta.find(_q("name")) if meta is not None else None
    if meta_name is not None:
        meta_value = vz_validate.name((meta_name.text or "").strip(), "xml: <vz:name>")
        if ct.name and ct.name != meta_value:
            raise VzInputError("xml: <vz:name>", "%r and <name> %r differ" % (meta_value, ct.name))
        ct.name = meta_value
    uuid = _text(root, "uuid")
    if uuid:
        ct.uuid = vz_validate.uuid(uuid, "xml: <uuid>")
    description = _text(root, "description")
    if root.find("description") is not None:
        ct.description = vz_validate.safe_text(description or "", "xml: <description>")
    memory = root.find("memory")
    if memory is not None and _bytes(memory, "xml: <memory>") == 0:
        # libvirt's driver never reads RAM back: its dumpxml always says 0.
        warnings.append("xml: <memory> 0 is read as not given (libvirt's OpenVZ driver always "
                        "writes 0); the container's RAM is left as it is")
        memory = None
    if memory is not None:
        ct.memory = vz_units.whole_pages(_bytes(memory, "xml: <memory>"), "xml: <memory>")
    swap_limit = root.find("memtune/swap_hard_limit")
    if swap_limit is not None:
        if ct.memory is None:
            raise VzInputError(_PARAM, "<memtune><swap_hard_limit> needs <memory>")
        ct.swap = _bytes(swap_limit, "xml: <swap_hard_limit>") - ct.memory
        if ct.swap < 0:
            raise VzInputError(_PARAM, "<swap_hard_limit> is smaller than <memory>")
        vz_units.whole_pages(ct.swap, "xml: <swap_hard_limit>")
    vcpu = _text(root, "vcpu")
    if vcpu is not None:
        ct.cpus = vz_validate.setting_int("cpus", vcpu, "xml: <vcpu>")
    shares = _text(root, "cputune/shares")
    if shares is not None:
        ct.cpuunits = vz_validate.setting_int("cpuunits", shares, "xml: <cputune><shares>")
    quota = _text(root, "cputune/quota")
    if quota is not None:
        period = vz_validate.bounded_int(_text(root, "cputune/period") or CPU_PERIOD,
                                         "xml: <cputune><period>", 1000, 1000000)
        quota_value = vz_validate.bounded_int(quota, "xml: <cputune><quota>", -1, _UNLIMITED)
        cpulimit = 0 if quota_value < 0 else quota_value * 100 // period
        if quota_value >= 0 and quota_value * 100 % period:
            raise VzInputError("xml: <cputune><quota>", "must be a whole percent of <period> "
                                                        "(CPULIMIT is a percentage), got %d of %d"
                               % (quota_value, period))
        ct.cpulimit = vz_validate.setting_int("cpulimit", cpulimit, "xml: <cputune><quota>")
    _read_devices(root, ct)
    if meta is not None:
        _read_metadata(meta, ct)
    return ct


def _find_metadata(root):
    metadata = root.find("metadata")
    if metadata is None:
        return None
    return metadata.find(_q("container"))


def _text(root, path):
    element = root.find(path)
    return element.text.strip() if element is not None and element.text else (
        "" if element is not None else None)


# libvirt's scaled integers (docs/formatdomain: "Memory Allocation").
_UNIT_FACTORS = {"b": 1, "bytes": 1, "KB": 1000, "k": 1024, "KiB": 1024, "MB": 1000 ** 2,
                 "M": 1024 ** 2, "MiB": 1024 ** 2, "GB": 1000 ** 3, "G": 1024 ** 3, "GiB": 1024 ** 3,
                 "TB": 1000 ** 4, "T": 1024 ** 4, "TiB": 1024 ** 4}


def _bytes(element, param, default_unit="KiB"):
    unit = element.get("unit", default_unit)
    if unit not in _UNIT_FACTORS:
        raise VzInputError(param, "unit %r is not one of %s" % (unit, ", ".join(sorted(_UNIT_FACTORS))))
    number = vz_validate.bounded_int((element.text or "").strip(), param, 0, vz_units.MAX_SIZE)
    return vz_validate.bounded_int(number * _UNIT_FACTORS[unit], param, 0, vz_units.MAX_SIZE)


def _read_devices(root, ct):
    filesystems = root.findall("devices/filesystem")
    if len(filesystems) > 1:
        raise VzInputError(_PARAM, "an OpenVZ container has exactly one <filesystem>")
    for filesystem in filesystems:
        kind = filesystem.get("type")
        if kind not in ("template", "mount"):
            raise VzInputError(_PARAM, "<filesystem> must have type='template' (an OS template) or "
                                       "type='mount' (a private area, as libvirt writes it)")
        source = filesystem.find("source")
        if kind == "template" and source is not None and source.get("name"):
            ct.ostemplate = vz_validate.ostemplate(source.get("name"), "xml: <filesystem><source name>")
        if kind == "mount":
            if source is None or not source.get("dir"):
                raise VzInputError("xml: <filesystem><source dir>",
                                   "<filesystem type='mount'> needs <source dir='PRIVATE'/>")
            ct.private = vz_validate.path(source.get("dir"), "xml: <filesystem><source dir>")
        hard = filesystem.find("space_hard_limit")
        soft = filesystem.find("space_soft_limit")
        if hard is not None or soft is not None:
            hard_b = vz_units.whole_kib(_bytes(hard if hard is not None else soft, "xml: <space_hard_limit>"),
                                        "xml: <space_hard_limit>")
            soft_b = vz_units.whole_kib(_bytes(soft if soft is not None else hard, "xml: <space_soft_limit>"),
                                        "xml: <space_soft_limit>")
            if hard_b < soft_b:
                raise VzInputError("xml: <space_hard_limit>", "is below <space_soft_limit>")
            ct.diskspace = (soft_b, hard_b)
    ct.ip_addresses = []
    ct.netifs = []
    interfaces = root.findall("devices/interface")
    named = set(guest.get("dev") for guest in root.findall("devices/interface/guest") if guest.get("dev"))
    unnamed = _free_ethernet_names(named)
    for interface in interfaces:
        kind = interface.get("type")
        if kind == "ethernet":
            for ip in interface.findall("ip"):
                address = ip.get("address", "")
                if ip.get("prefix"):
                    address += "/" + ip.get("prefix")
                ct.ip_addresses.append(vz_validate.ip_address(address, "xml: <interface><ip>"))
        elif kind == "bridge":
            guest = interface.find("guest")
            # libvirt never writes <guest dev>; its define takes the next free ethN.
            dev = guest.get("dev") if guest is not None and guest.get("dev") else next(unnamed)
            netif = {"ifname": vz_validate.ifname(dev, "xml: <guest dev>"),
                     "mac": None, "host_ifname": None, "host_mac": None, "bridge": None}
            mac = interface.find("mac")
            if mac is not None:
                netif["mac"] = vz_validate.mac(mac.get("address", ""), "xml: <mac address>")
            source = interface.find("source")
            if source is not None and source.get("bridge"):
                netif["bridge"] = vz_validate.ifname(source.get("bridge"), "xml: <source bridge>")
            target = interface.find("target")
            if target is not None and target.get("dev"):
                netif["host_ifname"] = vz_validate.ifname(target.get("dev"), "xml: <target dev>")
            ct.netifs.append(netif)
        else:
            raise VzInputError(_PARAM, "<interface type=%r> is not supported by OpenVZ "
                                       "(ethernet for venet, bridge for veth)" % kind)


def _free_ethernet_names(taken):
    number = 0
    while True:
        candidate = "eth%d" % number
        if candidate not in taken:
            yield candidate
        number += 1


_META_CHILDREN = ("name", "hostname", "profile", "layout", "private", "root", "onboot", "stop_timeout",
                  "nameservers", "searchdomains", "diskinodes", "features", "capabilities",
                  "devnodes", "netif", "ubc")


def _read_metadata(meta, ct):
    # libvirt's schema accepts anything in <metadata>, so our own part is checked here.
    for child in meta:
        tag = etree.QName(child).localname if isinstance(child.tag, str) else None
        if etree.QName(child).namespace != NS or tag not in _META_CHILDREN:
            raise VzInputError(_PARAM, "unknown element %s in the openvz.vz metadata" % child.tag)
    checks = {"hostname": vz_validate.hostname, "profile": vz_validate.ostemplate,
              "private": vz_validate.path, "root": vz_validate.path}
    for field, check in checks.items():
        element = meta.find(_q(field))
        if element is not None:
            setattr(ct, field, check((element.text or "").strip(), "xml: <vz:%s>" % field))
    layout = meta.find(_q("layout"))
    if layout is not None:
        if layout.text not in ("simfs", "ploop"):
            raise VzInputError(_PARAM, "<vz:layout> must be simfs or ploop")
        ct.layout = layout.text
    onboot = meta.find(_q("onboot"))
    if onboot is not None:
        if onboot.text not in ("yes", "no"):
            raise VzInputError(_PARAM, "<vz:onboot> must be yes or no")
        ct.onboot = onboot.text == "yes"
    timeout = meta.find(_q("stop_timeout"))
    if timeout is not None:
        ct.stop_timeout = vz_validate.setting_int("stop_timeout", (timeout.text or "").strip(), "xml: <vz:stop_timeout>")
    servers = meta.find(_q("nameservers"))
    if servers is not None:
        ct.nameservers = [vz_validate.nameserver((e.text or "").strip(), "xml: <vz:nameserver>")
                          for e in servers.findall(_q("nameserver"))]
    domains = meta.find(_q("searchdomains"))
    if domains is not None:
        ct.searchdomains = [vz_validate.searchdomain((e.text or "").strip(), "xml: <vz:searchdomain>")
                            for e in domains.findall(_q("searchdomain"))]
    inodes = meta.find(_q("diskinodes"))
    if inodes is not None:
        ct.diskinodes = (vz_validate.bounded_int(inodes.get("soft"), "xml: <vz:diskinodes soft>", 0, vz_units.MAX_SIZE),
                         vz_validate.bounded_int(inodes.get("hard"), "xml: <vz:diskinodes hard>", 0, vz_units.MAX_SIZE))
        if ct.diskinodes[1] < ct.diskinodes[0]:
            raise VzInputError("xml: <vz:diskinodes>", "hard is below soft")
    for field, tag, check in (("features", "feature", vz_validate.feature),
                              ("capabilities", "capability", vz_validate.capability)):
        group = meta.find(_q(field))
        if group is not None:
            values = {}
            for element in group.findall(_q(tag)):
                if element.get("state") not in ("on", "off"):
                    raise VzInputError(_PARAM, "<vz:%s> state must be on or off" % tag)
                values[check(element.get("name", ""), "xml: <vz:%s name>" % tag)] = element.get("state") == "on"
            setattr(ct, field, values)
    devnodes = meta.find(_q("devnodes"))
    if devnodes is not None:
        ct.devnodes = [vz_validate.devnode((e.text or "").strip(), "xml: <vz:devnode>")
                       for e in devnodes.findall(_q("devnode"))]
    for element in meta.findall(_q("netif")):
        for netif in ct.netifs or []:
            if netif["ifname"] == element.get("ifname"):
                netif["host_mac"] = vz_validate.mac(element.get("host_mac", ""), "xml: <vz:netif host_mac>")
    ubc = meta.find(_q("ubc"))
    if ubc is not None:
        ct.ubc = {}
        for element in ubc.findall(_q("limit")):
            key = (element.get("name") or "").lower()
            if key.upper() not in UBC_DIVISORS or key in ("physpages", "swappages"):
                raise VzInputError(_PARAM, "<vz:limit name=%r> is not a UBC parameter (use <memory> and "
                                           "<memtune> for RAM and swap)" % key)
            ct.ubc[key] = [_ubc_value(element.get("barrier"), key), _ubc_value(element.get("limit"), key)]


def _ubc_value(text, key):
    if text == UNLIMITED:
        return _UNLIMITED
    return vz_validate.bounded_int(text, "xml: <vz:limit name=%r>" % key, 0, vz_units.MAX_SIZE)
