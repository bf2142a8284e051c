# -*- coding: utf-8 -*-
# Copyright: (c) 2026, openvz.vz contributors
# GNU General Public License v3.0+ (see https://www.gnu.org/licenses/gpl-3.0.txt)
"""The model as a libvirt domain document (<domain type='openvz'>), and back.

Elements follow libvirt's OpenVZ driver and libvirt's element order, so that
``virsh dumpxml`` of the same container reads the same where libvirt maps a
setting.  What libvirt has no element for lives in <metadata> under NS.

Where each setting goes is declared in vz_settings (``Setting.xml``); this
module interprets those declarations in both directions, and holds the code
of the compound ones (memory, CPU tuning, the filesystem, interfaces, UBC).
"""

from __future__ import absolute_import, division, print_function
__metaclass__ = type

import re

from ansible_collections.openvz.vz.plugins.module_utils._vz import vz_units, vz_validate
from ansible_collections.openvz.vz.plugins.module_utils._vz.vz_conf import expand_veid
from ansible_collections.openvz.vz.plugins.module_utils._vz.vz_errors import VzInputError
from ansible_collections.openvz.vz.plugins.module_utils._vz.vz_facts import (
    LONG_MAX as _UNLIMITED, RUNNING, UNLIMITED, limit_text)
from ansible_collections.openvz.vz.plugins.module_utils._vz.vz_lxml import etree
from ansible_collections.openvz.vz.plugins.module_utils._vz.vz_model import Container
from ansible_collections.openvz.vz.plugins.module_utils._vz.vz_settings import (
    BY_NAME, SETTINGS, Compound, Element, Meta, MetaList, MetaPair, MetaRecords, MetaSwitches, from_yes_no)

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

# libvirt's element order below <domain>; the optional ones are dropped when
# no setting wrote into them.
_DOMAIN_ORDER = ("name", "uuid", "description", "metadata", "memory", "currentMemory", "memtune",
                 "vcpu", "cputune", "os", "clock", "on_poweroff", "on_reboot", "on_crash", "devices")
_ALWAYS = ("name", "metadata", "os", "clock", "on_poweroff", "on_reboot", "on_crash", "devices")


class _Doc(object):
    """The document being written: its top-level slots and the metadata root."""

    def __init__(self, ct, host_cpus):
        self.ct = ct
        self.host_cpus = host_cpus
        self.domain = etree.Element("domain", {"type": "openvz"})
        self.slots = [(tag, etree.SubElement(self.domain, tag)) for tag in _DOMAIN_ORDER]
        self.used = set(_ALWAYS)
        self.meta = etree.SubElement(self.slot("metadata"), _q("container"), nsmap=NSMAP)

    def slot(self, tag):
        self.used.add(tag)
        return dict(self.slots)[tag]

    def element(self, path):
        """The element at ``path`` (``cputune/shares``), its parents made as needed."""
        top, _sep, rest = path.partition("/")
        element = self.slot(top)
        return _sub(element, rest) if rest else element

    def text(self):
        for tag, element in self.slots:
            if tag not in self.used:
                self.domain.remove(element)
        return etree.tostring(self.domain, pretty_print=True, encoding="unicode")


def to_xml(ct, host_cpus=None):
    """The canonical document of ``ct``, as text.

    As libvirt's driver writes it: ``<name>`` is the CTID (the OpenVZ name is
    ``<vz:name>`` in the metadata), and with CPUS unset ``<vcpu>`` is the
    host's CPU count (``host_cpus``; left out when unknown).
    """
    doc = _Doc(ct, host_cpus)
    if ct.status == RUNNING and ct.ctid and ct.ctid.isdigit():
        # libvirt's id is a number: an OpenVZ 7 UUID CTID is only <name>.
        doc.domain.set("id", _xml_text(ct.ctid))
    doc.slot("name").text = _xml_text(ct.ctid or ct.display_name())
    if ct.uuid:
        doc.slot("uuid").text = _xml_text(ct.uuid)
    doc.meta.set("ctid", _xml_text(ct.ctid or ""))
    _sub(doc.slot("os"), "type", "exe")
    _sub(doc.slot("os"), "init", "/sbin/init")
    doc.slot("clock").set("offset", "utc")
    for event in ("on_poweroff", "on_reboot", "on_crash"):
        doc.slot(event).text = "destroy"
    done = set()
    for setting in SETTINGS:
        where = setting.xml
        if isinstance(where, Compound):
            if where.name not in done:
                done.add(where.name)
                _COMPOUND[where.name][0](doc, ct)
            continue
        value = getattr(ct, setting.name)
        if value is not None:
            _WRITERS[type(where)](doc, where, value)
    return doc.text()


def _write_meta(doc, where, value):
    _sub(doc.meta, _q(where.tag), where.to_text(value))


def _write_meta_list(doc, where, values):
    group = _sub(doc.meta, _q(where.group))
    for value in values:
        _sub(group, _q(where.item), value)


def _write_meta_switches(doc, where, values):
    group = _sub(doc.meta, _q(where.group))
    for key in sorted(values):
        _sub(group, _q(where.item), name=key, state="on" if values[key] else "off")


def _write_meta_pair(doc, where, value):
    _sub(doc.meta, _q(where.tag), soft=value[0], hard=value[1])


def _write_meta_records(doc, where, values):
    group = _sub(doc.meta, _q(where.group))
    for record in values:
        attrs = {}
        for attr in where.attrs:
            value = record.get(attr)
            if isinstance(value, (list, tuple)):
                value = ",".join(value)
            if value:
                attrs[attr] = value
        _sub(group, _q(where.item), **attrs)


def _write_element(doc, where, value):
    doc.element(where.path).text = _xml_text(value)


_WRITERS = {Meta: _write_meta, MetaList: _write_meta_list, MetaSwitches: _write_meta_switches,
            MetaPair: _write_meta_pair, MetaRecords: _write_meta_records, Element: _write_element}


def _write_memory(doc, ct):
    if ct.memory is not None:
        doc.slot("memory").text = str(ct.memory // 1024)
        doc.slot("memory").set("unit", "KiB")
        doc.slot("currentMemory").text = str(ct.memory // 1024)
        doc.slot("currentMemory").set("unit", "KiB")
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
    for tag, kib in entries:
        _sub(doc.slot("memtune"), tag, kib, unit="KiB")


def _write_vcpu(doc, ct):
    if ct.cpus is not None or doc.host_cpus:
        doc.slot("vcpu").text = str(ct.cpus if ct.cpus is not None else doc.host_cpus)
        doc.slot("vcpu").set("placement", "static")


def _write_cpulimit(doc, ct):
    if ct.cpulimit is not None:
        cputune = doc.slot("cputune")
        _sub(cputune, "period", CPU_PERIOD)
        # CPULIMIT is a percentage of one CPU; libvirt's quota is per period.
        _sub(cputune, "quota", ct.cpulimit * CPU_PERIOD // 100 if ct.cpulimit else -1)


def _write_filesystem(doc, ct):
    if ct.ostemplate is None and ct.diskspace is None:
        return
    devices = doc.slot("devices")
    private = expand_veid(ct.private, ct.ctid) if ct.ctid else ct.private
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


def _write_interfaces(doc, ct):
    devices = doc.slot("devices")
    for address in ct.ip_addresses or []:
        interface = _sub(devices, "interface", type="ethernet")
        _sub(interface, "ip", **_ip_attrs(address))
    for netif in ct.netifs or []:
        interface = _sub(devices, "interface", type="bridge")
        if netif.get("mac"):
            _sub(interface, "mac", address=netif["mac"].lower())
        if netif.get("bridge"):
            _sub(interface, "source", bridge=netif["bridge"])
        if netif.get("host_ifname"):
            _sub(interface, "target", dev=netif["host_ifname"])
        _sub(interface, "guest", dev=netif["ifname"])
        for address in netif.get("ip_addresses") or []:
            _sub(interface, "ip", **_ip_attrs(address))
        for key, family, anywhere in (("gateway", "ipv4", "0.0.0.0"), ("gateway6", "ipv6", "::")):
            if netif.get(key):
                # A default route: libvirt's form of a guest interface's gateway.
                _sub(interface, "route", family=family, address=anywhere, prefix="0", gateway=netif[key])
        extra = {}
        for key in _NETIF_META:
            value = netif.get(key)
            if isinstance(value, bool):
                extra[key] = "yes" if value else "no"
            elif value:
                extra[key] = value.lower() if key == "host_mac" else value
        if extra:
            _sub(doc.meta, _q("netif"), ifname=netif["ifname"], **extra)


# The veth fields libvirt has no element for, as attributes of <vz:netif ifname='...'>.
_NETIF_META = ("host_mac", "network", "dhcp", "dhcp6")


def _ip_attrs(address):
    ip, _sep, prefix = address.partition("/")
    attrs = {"address": ip, "family": "ipv6" if ":" in ip else "ipv4"}
    if prefix:
        attrs["prefix"] = prefix
    return attrs


def _write_ubc(doc, ct):
    if ct.ubc:
        group = _sub(doc.meta, _q("ubc"))
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
    Every value goes through its setting's parser (vz_settings), the same one
    the module's parameters go through.  Notes for the user (what was read as
    "not given") go to ``warnings``.
    """
    warnings = [] if warnings is None else warnings
    root = parse(text)
    meta = _find_metadata(root)
    if meta is not None:
        _check_metadata_children(meta)
    ctid = root.get("id") or (meta.get("ctid") if meta is not None else None)
    if ctid:
        ctid = vz_validate.ctid(ctid, "xml: domain id")
    name = _text(root, "name")
    if name and (re.fullmatch("[0-9]+", name) or vz_validate.is_uuid(name)):
        name_ctid = vz_validate.ctid(name, "xml: <name>")
        if ctid and name_ctid != ctid:
            raise VzInputError("xml: <name>", "%s is not the domain id %s (libvirt's <name> is the CTID)"
                               % (name, ctid))
        ctid, name = name_ctid, None
    ct = Container(ctid=ctid)
    uuid = _text(root, "uuid")
    if uuid:
        ct.uuid = vz_validate.uuid(uuid, "xml: <uuid>")
    done = set()
    for setting in SETTINGS:
        where = setting.xml
        if isinstance(where, Compound):
            if where.name not in done:
                done.add(where.name)
                _COMPOUND[where.name][1](root, meta, ct, warnings)
            continue
        found = _READERS[type(where)](root, meta, where)
        if found is not None:
            value, label = found
            setattr(ct, setting.name, setting.parse(value, label))
    if name:
        old_style = vz_validate.name(name, "xml: <name>")
        if ct.name and ct.name != old_style:
            raise VzInputError("xml: <vz:name>", "%r and <name> %r differ" % (ct.name, old_style))
        ct.name = old_style
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


def _meta_label(tag):
    return "xml: <vz:%s>" % tag


# Each reader returns (value, label) for the setting's parser, or None when
# the document does not have the element.

def _read_meta(root, meta, where):
    element = meta.find(_q(where.tag)) if meta is not None else None
    if element is None:
        return None
    label = _meta_label(where.tag)
    return where.from_text((element.text or "").strip(), label), label


def _read_meta_list(root, meta, where):
    group = meta.find(_q(where.group)) if meta is not None else None
    if group is None:
        return None
    return [(e.text or "").strip() for e in group.findall(_q(where.item))], _meta_label(where.item)


def _read_meta_switches(root, meta, where):
    group = meta.find(_q(where.group)) if meta is not None else None
    if group is None:
        return None
    label = _meta_label(where.item)
    values = {}
    for element in group.findall(_q(where.item)):
        if element.get("state") not in ("on", "off"):
            raise VzInputError(label, "state must be on or off, got %r" % (element.get("state"),))
        values[element.get("name", "")] = element.get("state") == "on"
    return values, label + " name"


def _read_meta_pair(root, meta, where):
    element = meta.find(_q(where.tag)) if meta is not None else None
    if element is None:
        return None
    return (element.get("soft"), element.get("hard")), _meta_label(where.tag)


def _read_element(root, meta, where):
    text = _text(root, where.path)
    if text is None:
        return None
    return text, "xml: <%s>" % where.path.replace("/", "><")


def _read_meta_records(root, meta, where):
    group = meta.find(_q(where.group)) if meta is not None else None
    if group is None:
        return None
    label = _meta_label(where.item)
    records = []
    for element in group.findall(_q(where.item)):
        unknown = sorted(set(element.keys()) - set(where.attrs))
        if unknown:
            raise VzInputError(label, "unknown attributes %s" % ", ".join(unknown))
        records.append(dict((attr, element.get(attr)) for attr in where.attrs if element.get(attr) is not None))
    return records, label


_READERS = {Meta: _read_meta, MetaList: _read_meta_list, MetaSwitches: _read_meta_switches,
            MetaPair: _read_meta_pair, MetaRecords: _read_meta_records, Element: _read_element}

# Metadata children the compound code reads, besides the declared ones.
_COMPOUND_META = ("netif", "ubc")


def _metadata_tags():
    tags = set(_COMPOUND_META)
    for setting in SETTINGS:
        where = setting.xml
        tags.add(getattr(where, "tag", None) or getattr(where, "group", None))
    tags.discard(None)
    return tags


def _check_metadata_children(meta):
    # libvirt's schema accepts anything in <metadata>, so our own part is checked here.
    known = _metadata_tags()
    for child in meta:
        tag = etree.QName(child).localname if isinstance(child.tag, str) else None
        if etree.QName(child).namespace != NS or tag not in known:
            raise VzInputError(_PARAM, "unknown element %s in the openvz.vz metadata" % child.tag)


# libvirt's scaled integers (docs/formatdomain: "Memory Allocation").
_UNIT_FACTORS = {"b": 1, "bytes": 1, "KB": 1000, "k": 1024, "KiB": 1024, "MB": 1000 ** 2,
                 "M": 1024 ** 2, "MiB": 1024 ** 2, "GB": 1000 ** 3, "G": 1024 ** 3, "GiB": 1024 ** 3,
                 "TB": 1000 ** 4, "T": 1024 ** 4, "TiB": 1024 ** 4}


def _bytes(element, param, default_unit="KiB"):
    unit = element.get("unit", default_unit)
    if unit not in _UNIT_FACTORS:
        raise VzInputError(param, "unit %r is not one of %s" % (unit, ", ".join(sorted(_UNIT_FACTORS))))
    number = vz_validate.ascii_int((element.text or "").strip(), param, 0, vz_units.MAX_SIZE)
    return vz_validate.ascii_int(number * _UNIT_FACTORS[unit], param, 0, vz_units.MAX_SIZE)


def _read_memory(root, meta, ct, warnings):
    memory = root.find("memory")
    if memory is not None and _bytes(memory, "xml: <memory>") == 0:
        # libvirt's driver never reads RAM back: its dumpxml always says 0.
        warnings.append("xml: <memory> 0 is read as not given (libvirt's OpenVZ driver always "
                        "writes 0); the container's RAM is left as it is")
        memory = None
    if memory is not None:
        ct.memory = BY_NAME["memory"].parse(_bytes(memory, "xml: <memory>"), "xml: <memory>")
    swap_limit = root.find("memtune/swap_hard_limit")
    if swap_limit is not None:
        if ct.memory is None:
            raise VzInputError(_PARAM, "<memtune><swap_hard_limit> needs <memory>")
        swap = _bytes(swap_limit, "xml: <swap_hard_limit>") - ct.memory
        if swap < 0:
            raise VzInputError(_PARAM, "<swap_hard_limit> is smaller than <memory>")
        ct.swap = BY_NAME["swap"].parse(swap, "xml: <swap_hard_limit>")


def _read_vcpu(root, meta, ct, warnings):
    vcpu = _text(root, "vcpu")
    if vcpu is not None:
        ct.cpus = BY_NAME["cpus"].parse(vcpu, "xml: <vcpu>")


def _read_cpulimit(root, meta, ct, warnings):
    quota = _text(root, "cputune/quota")
    if quota is None:
        return
    label = "xml: <cputune><quota>"
    period = vz_validate.ascii_int(_text(root, "cputune/period") or CPU_PERIOD,
                                   "xml: <cputune><period>", 1000, 1000000)
    quota_value = vz_validate.ascii_int(quota, label, -1, _UNLIMITED)
    if quota_value >= 0 and quota_value * 100 % period:
        raise VzInputError(label, "must be a whole percent of <period> (CPULIMIT is a percentage), "
                                  "got %d of %d" % (quota_value, period))
    ct.cpulimit = BY_NAME["cpulimit"].parse(0 if quota_value < 0 else quota_value * 100 // period, label)


def _read_filesystem(root, meta, ct, warnings):
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
            ct.ostemplate = BY_NAME["ostemplate"].parse(source.get("name"), "xml: <filesystem><source name>")
        if kind == "mount":
            label = "xml: <filesystem><source dir>"
            if source is None or not source.get("dir"):
                raise VzInputError(label, "<filesystem type='mount'> needs <source dir='PRIVATE'/>")
            ct.private = BY_NAME["private"].parse(source.get("dir"), label)
        hard = filesystem.find("space_hard_limit")
        soft = filesystem.find("space_soft_limit")
        if hard is not None or soft is not None:
            hard_bytes = _bytes(hard if hard is not None else soft, "xml: <space_hard_limit>")
            soft_bytes = _bytes(soft if soft is not None else hard, "xml: <space_soft_limit>")
            ct.diskspace = BY_NAME["diskspace"].parse((soft_bytes, hard_bytes), "xml: <space_hard_limit>")


def _read_interfaces(root, meta, ct, warnings):
    addresses, netifs = [], []
    named = set(guest.get("dev") for guest in root.findall("devices/interface/guest") if guest.get("dev"))
    unnamed = _free_ethernet_names(named)
    # What libvirt has no element for: <vz:netif ifname='...' host_mac='...' network='...'/>.
    extras = dict((e.get("ifname"), e) for e in meta.findall(_q("netif"))) if meta is not None else {}
    for interface in root.findall("devices/interface"):
        kind = interface.get("type")
        if kind == "ethernet":
            if interface.find("route") is not None:
                raise VzInputError("xml: <route>", "venet (<interface type='ethernet'>) has no gateway of its own; "
                                                   "a gateway belongs to a veth (<interface type='bridge'>)")
            addresses += _interface_ips(interface)
        elif kind == "bridge":
            guest = interface.find("guest")
            # libvirt never writes <guest dev>; its define takes the next free ethN.
            dev = guest.get("dev") if guest is not None and guest.get("dev") else next(unnamed)
            mac, source, target = interface.find("mac"), interface.find("source"), interface.find("target")
            netif = {"ifname": dev,
                     "mac": mac.get("address", "") if mac is not None else None,
                     "bridge": source.get("bridge") if source is not None else None,
                     "host_ifname": target.get("dev") if target is not None else None}
            ips = _interface_ips(interface)
            if ips:
                netif["ip_addresses"] = ips
            netif.update(_interface_gateways(interface))
            extra = extras.get(dev)
            for key in _NETIF_META:
                value = extra.get(key) if extra is not None else None
                if key in ("dhcp", "dhcp6") and value is not None:
                    value = from_yes_no(value, "xml: <vz:netif %s>" % key)
                netif[key] = value
            netifs.append(netif)
        else:
            raise VzInputError(_PARAM, "<interface type=%r> is not supported by OpenVZ "
                                       "(ethernet for venet, bridge for veth)" % kind)
    ct.ip_addresses = BY_NAME["ip_addresses"].parse(addresses, "xml: <interface><ip>")
    ct.netifs = BY_NAME["netifs"].parse(netifs, _NETIF_LABELS)


def _interface_ips(interface):
    addresses = []
    for ip in interface.findall("ip"):
        address = ip.get("address", "")
        if ip.get("prefix"):
            address += "/" + ip.get("prefix")
        addresses.append(address)
    return addresses


def _interface_gateways(interface):
    """Default routes (to 0.0.0.0/0, ::/0): a veth's gateways; vzctl has no other routes."""
    gateways = {}
    for route in interface.findall("route"):
        family = route.get("family") or ("ipv6" if ":" in route.get("address", "") else "ipv4")
        key = "gateway6" if family == "ipv6" else "gateway"
        if route.get("address") not in ("0.0.0.0", "::") or route.get("prefix", "0") != "0" or route.get("netmask"):
            raise VzInputError("xml: <route>", "only a default route (address 0.0.0.0 or ::, prefix 0) can be set "
                                               "on an OpenVZ veth: its gateway")
        if key in gateways:
            raise VzInputError("xml: <route>", "one default %s route per interface" % family)
        gateways[key] = route.get("gateway", "")
    return gateways


# The element each NETIF field is read from, for errors.
_NETIF_LABELS = {None: "xml: <interface type='bridge'>", "ifname": "xml: <guest dev>",
                 "mac": "xml: <mac address>", "bridge": "xml: <source bridge>",
                 "host_ifname": "xml: <target dev>", "host_mac": "xml: <vz:netif host_mac>",
                 "network": "xml: <vz:netif network>", "gateway": "xml: <route gateway>",
                 "gateway6": "xml: <route gateway>", "dhcp": "xml: <vz:netif dhcp>",
                 "dhcp6": "xml: <vz:netif dhcp6>", "ip_addresses": "xml: <interface type='bridge'><ip>"}


def _free_ethernet_names(taken):
    number = 0
    while True:
        candidate = "eth%d" % number
        if candidate not in taken:
            yield candidate
        number += 1


def _read_ubc(root, meta, ct, warnings):
    group = meta.find(_q("ubc")) if meta is not None else None
    if group is None:
        return
    values = {}
    for element in group.findall(_q("limit")):
        key = (element.get("name") or "").lower()
        values[key] = [_UNLIMITED if element.get(attr) == UNLIMITED else element.get(attr)
                       for attr in ("barrier", "limit")]
    ct.ubc = BY_NAME["ubc"].parse(values, "xml: <vz:limit>")


# The hand-written code of each Compound declaration: (writer, reader).
_COMPOUND = {
    "memory": (_write_memory, _read_memory),
    "vcpu": (_write_vcpu, _read_vcpu),
    "cpulimit": (_write_cpulimit, _read_cpulimit),
    "filesystem": (_write_filesystem, _read_filesystem),
    "interfaces": (_write_interfaces, _read_interfaces),
    "ubc": (_write_ubc, _read_ubc),
}
