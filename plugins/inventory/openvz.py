# -*- coding: utf-8 -*-
# Copyright: (c) 2026, openvz.vz contributors
# GNU General Public License v3.0+ (see https://www.gnu.org/licenses/gpl-3.0.txt)

from __future__ import annotations

DOCUMENTATION = r"""
name: openvz
short_description: OpenVZ containers of one or more hypervisors as inventory hosts
version_added: 0.1.0
description:
  - Lists the containers of each hypervisor named in a C(*.openvz.yml) or C(*.openvz.yaml)
    source and adds every container as a host that the P(openvz.vz.vzctl#connection)
    connection reaches through C(vzctl exec) on its hypervisor, so containers need no SSH server.
  - A hypervisor is this machine, or is reached over SSH with the user's own ssh settings
    (C(~/.ssh/config), keys, the options below). Each hypervisor costs one C(sh) process
    (one ssh call on a remote one) that runs one C(vzlist -a -j -o ctid,status) and reads
    the container configs. C(vzlist -j) is never asked for free-text fields, which it prints
    unescaped.
  - Hypervisors are listed in parallel. One that cannot be reached is skipped with a warning,
    or stops the run when O(strict=true).
  - 'Host variables: C(ansible_connection=openvz.vz.vzctl) and the connection variables
    (C(ansible_openvz_ctid), C(ansible_openvz_hypervisor), ...), C(openvz_hypervisor),
    C(openvz_ctid), C(openvz_status), C(openvz_ip_addresses), C(openvz_hostname),
    C(openvz_name), C(openvz_ostemplate), and C(openvz_container), the container as the
    M(openvz.vz.container) module returns it; C(openvz_xml) with O(domain_xml=true).'
  - On OpenVZ 7 the ID of a container may be a UUID (containers made by C(prlctl create --vmtype ct)
    have one); C(openvz_ctid) and C(ansible_openvz_ctid) are then the UUID in lower case without
    braces, as vzctl 7 names the config file, and C(openvz_container.uuid) is the same UUID.
    O(host_name_format) set to C({name}) names such hosts after their container names; an unnamed
    container (C(-) in C(vzlist) and C(prlctl list)) has C(openvz_name) null and gets the
    fallback name.
  - 'Groups: C(<prefix>containers) with every container, C(<prefix>hypervisor_<name>) per
    hypervisor and C(<prefix>status_<status>) per run state (V(running), V(stopped), ...),
    where C(<prefix>) is O(group_prefix); then the usual O(groups), O(keyed_groups) and
    O(compose).'
  - 'Nothing a hypervisor lists is ever templated. Every string from the listing or a container''s
    config that could hold a Jinja template (one with a C({) or C(}) in it) is marked unsafe
    before it reaches a host variable, O(compose), O(groups) or O(keyed_groups), nested ones in
    C(openvz_container) and C(openvz_ip_addresses) and the C(openvz_xml) text included; values
    read back from the inventory cache too. A container admin who writes
    C({{ lookup(''pipe'', ''id'') }}) into a description gets that text back, on every ansible-core
    this collection supports (2.16-2.18 template any string not marked unsafe). Expressions in
    O(compose), O(groups) and O(keyed_groups) are still templates; the container data they read
    is not.'
  - Every group name, those O(keyed_groups) makes from container data included, is made a valid
    one (any character but letters, digits and C(_), and a leading digit, becomes C(_)) without a
    warning, whatever C(TRANSFORM_INVALID_GROUP_CHARS) says.
author:
  - openvz.vz maintainers (@openvz-collections)
requirements:
  - vzlist and C(/bin/sh) on each hypervisor; ssh on the controller for remote ones
  - lxml on the controller when O(domain_xml=true)
extends_documentation_fragment:
  - constructed
  - inventory_cache
  - openvz.vz.hypervisor_ssh
  - openvz.vz.hypervisor_ssh.inventory
options:
  plugin:
    description: The name of this plugin; it makes the source file one of its configs.
    required: true
    type: str
    choices: [openvz.vz.openvz]
  hypervisors:
    description:
      - The hypervisors to list. A plain string is short for a dictionary with only O(hypervisors[].address).
    type: list
    elements: dict
    required: true
    suboptions:
      name:
        description:
          - Name of the hypervisor in host names and groups. Defaults to O(hypervisors[].address),
            or V(localhost) for this machine.
        type: str
      address:
        description:
          - Host name, address or ssh config alias to reach the hypervisor at over SSH.
          - Unset means this machine.
        type: str
      transport:
        description: V(local) or V(ssh); defaults to V(ssh) when O(hypervisors[].address) is set.
        type: str
        choices: [local, ssh]
      user:
        description: User to log in as (it must be allowed to run vzlist and vzctl).
        type: str
      port:
        description: SSH port.
        type: int
      private_key_file:
        description: Key to log in with.
        type: path
      ssh_common_args:
        description: Extra ssh arguments for this hypervisor (after O(ssh_common_args)).
        type: str
  host_name_format:
    description:
      - How a container's host is named. Fields C({hypervisor}), C({ctid}), C({name}),
        C({hostname}), each as plain C({field}); any other field, attribute, index, conversion
        or format spec (C({name.upper}), C({name[0]}), C({ctid!r}), C({ctid:>5})) is an error
        before any hypervisor is listed. C({{) and C(}}) are literal braces.
      - A container lacking a field the format uses (no name, say) is named
        C({hypervisor}-{ctid}).
      - 'The values are inserted as text, never read as a format or a template. Host names are
        made of ASCII letters, digits, C(_), C(.) and C(-), and do not start with C(-): every
        other character of the result (white space, C([ ] : , { } # '' " $ !), non-ASCII
        letters, ...) becomes C(_), and so does a leading C(-), with a warning naming the
        container. Two containers whose names come out the same are handled as any clash
        (the second one is skipped with a warning, or an error with O(strict=true)).'
    type: str
    default: '{hypervisor}-{ctid}'
  group_prefix:
    description: Prefix of the default groups.
    type: str
    default: openvz_
  domain_xml:
    description: Also set C(openvz_xml), the container's libvirt domain document (needs lxml).
    type: bool
    default: false
  max_workers:
    description: How many hypervisors are listed at the same time.
    type: int
    default: 8
notes:
  - O(ssh_common_args) and O(hypervisors[].ssh_common_args) are also passed on to the hosts (in
    C(ansible_openvz_hypervisor_ssh_common_args)), so the P(openvz.vz.vzctl#connection)
    connection reaches the hypervisor with them too.
  - Inventory caching (O(cache=true)) keeps what each hypervisor listed; a cached hypervisor is
    not contacted again until the cache expires, one that failed is asked again on the next run.
seealso:
  - plugin: openvz.vz.vzctl
    plugin_type: connection
  - module: openvz.vz.container_info
"""

EXAMPLES = r"""
# hypervisors.openvz.yml
plugin: openvz.vz.openvz
hypervisors:
  - name: hv1
    address: hv1.example.com
    user: root
  - hv2.example.com
  - name: local             # the controller itself is a hypervisor
ssh_common_args: -o ProxyJump=bastion.example.com
keyed_groups:
  - key: openvz_ostemplate
    prefix: template
groups:
  web: openvz_hostname is match('web')
compose:
  ansible_python_interpreter: "'/usr/bin/python3'"
cache: true
cache_plugin: ansible.builtin.jsonfile
cache_connection: ~/.cache/ansible-openvz
"""

import re
import secrets
import string
from concurrent.futures import ThreadPoolExecutor

from ansible.errors import AnsibleParserError
from ansible.inventory.group import to_safe_group_name
from ansible.module_utils.common.text.converters import to_text
from ansible.plugins.inventory import BaseInventoryPlugin, Cacheable, Constructable
from ansible.utils.display import Display

from ansible_collections.openvz.vz.plugins.module_utils._vz import vz_conf, vz_listing
from ansible_collections.openvz.vz.plugins.module_utils._vz.vz_errors import VzError
from ansible_collections.openvz.vz.plugins.plugin_utils.hypervisor import SSH, Hypervisor, HypervisorError
from ansible_collections.openvz.vz.plugins.plugin_utils.unsafe import make_unsafe

display = Display()

_HYPERVISOR_KEYS = ("name", "address", "transport", "user", "port", "private_key_file",
                    "ssh_common_args")
_NAME_FIELDS = ("hypervisor", "ctid", "name", "hostname")
DEFAULT_HOST_NAME_FORMAT = "{hypervisor}-{ctid}"
# A host name is made of these and does not start with "-": nothing a shell,
# an INI inventory, a host pattern (",", ":", "[", "]", "!", "&", "~") or
# Jinja ("{", "}", "#", "%") reads specially.
_NOT_IN_HOST_NAME = re.compile(r"[^A-Za-z0-9_.-]")

# One process on the hypervisor: the listing, then every CT config, framed by
# a boundary no config can contain (it is random per call).
LISTING_SCRIPT = """\
B='%(boundary)s'
list=$(%(vzlist)s)
rc=$?
echo "$B vzlist $rc"
printf '%%s\\n' "$list"
for f in /etc/vz/conf/*.conf; do
  [ -f "$f" ] || continue
  id=${f##*/}
  echo "$B conf ${id%%.conf}"
  cat "$f"
  echo
done
echo "$B vz.conf"
cat /etc/vz/vz.conf 2>/dev/null
echo
echo "$B end"
"""


class ListingError(Exception):
    """A hypervisor could not be listed."""


def parse_listing(output, boundary):
    """(vzlist rc, vzlist output, {ctid: conf text}, vz.conf text) from LISTING_SCRIPT's output."""
    sections, current = {}, None
    for line in output.split("\n"):
        if line.startswith(boundary + " "):
            current = tuple(line[len(boundary) + 1:].split(" ", 1))
            sections[current] = []
        elif current is not None:
            sections[current].append(line)
    if ("end",) not in sections:
        raise ListingError("the listing was cut short")
    rc = [key[1] for key in sections if key[0] == "vzlist"]
    if not rc:
        raise ListingError("the listing has no vzlist section")
    confs = {key[1]: "\n".join(lines) for key, lines in sections.items() if key[0] == "conf"}
    return (int(rc[0]), "\n".join(sections[("vzlist", rc[0])]), confs,
            "\n".join(sections.get(("vz.conf",), [])))


def _safe(text):
    return re.sub(r"[^A-Za-z0-9_]", "_", str(text))


def safe_host_name(text):
    """``text`` with every character but ASCII letters, digits, ``_``, ``.`` and ``-`` made ``_``,
    and a leading ``-`` too."""
    safe = _NOT_IN_HOST_NAME.sub("_", text)
    return "_" + safe[1:] if safe.startswith("-") else safe


def _printable(text):
    """``text`` for a message: as it is if it is a safe host name, else quoted with escapes."""
    text = str(text)
    return text if text and safe_host_name(text) == text else ascii(text[:200])


def parse_host_name_format(wanted):
    """The fields ``wanted`` (a host_name_format) uses; AnsibleParserError unless it is
    literal text and plain ``{field}`` references to the fields a host name can use."""
    try:
        parsed = list(string.Formatter().parse(wanted))
    except ValueError as exc:
        raise AnsibleParserError("openvz inventory: bad host_name_format %r: %s" % (wanted, exc)) from exc
    fields = []
    for _literal, field, spec, conversion in parsed:
        if field is None:
            continue
        if field not in _NAME_FIELDS or spec or conversion:
            raise AnsibleParserError(
                "openvz inventory: bad host_name_format %r: it can use %s, not {%s%s%s}" % (
                    wanted, ", ".join("{%s}" % f for f in _NAME_FIELDS), field,
                    "!" + conversion if conversion else "", ":" + spec if spec else ""))
        fields.append(field)
    return fields


class InventoryModule(BaseInventoryPlugin, Constructable, Cacheable):
    NAME = "openvz.vz.openvz"

    # Every group name, keyed_groups' from container data included, is made a
    # valid one whatever TRANSFORM_INVALID_GROUP_CHARS says: none can hold a
    # "{" that ansible-core 2.16-2.18 would template (group_names, groups).
    @staticmethod
    def _sanitize_group_name(name):
        return to_safe_group_name(name, force=True, silent=True)

    def verify_file(self, path):
        return super().verify_file(path) and path.endswith((".openvz.yml", ".openvz.yaml"))

    # ---------------------------------------------------------------- config

    def _hypervisors(self):
        entries = self.get_option("hypervisors")
        if not entries:
            raise AnsibleParserError("openvz inventory: 'hypervisors' lists no hypervisor")
        result = []
        for index, entry in enumerate(entries):
            if isinstance(entry, str):
                entry = {"address": entry}
            if not isinstance(entry, dict) or set(entry) - set(_HYPERVISOR_KEYS):
                raise AnsibleParserError(
                    "openvz inventory: hypervisors[%d] must be an address or a dictionary with %s"
                    % (index, ", ".join(_HYPERVISOR_KEYS)))
            common = " ".join(a for a in (self.get_option("ssh_common_args"),
                                          entry.get("ssh_common_args")) if a)
            try:
                hypervisor = Hypervisor(
                    address=entry.get("address"), transport=entry.get("transport"),
                    user=entry.get("user"), port=entry.get("port"),
                    private_key_file=entry.get("private_key_file"),
                    ssh_executable=self.get_option("ssh_executable"), ssh_args="",
                    ssh_common_args=common, host_key_checking=self.get_option("host_key_checking"),
                    timeout=self.get_option("timeout"))
            except ValueError as exc:
                raise AnsibleParserError("openvz inventory: hypervisors[%d]: %s" % (index, exc)) from exc
            hypervisor.name = str(entry.get("name") or (
                entry.get("address") if hypervisor.transport == SSH else "localhost"))
            result.append(hypervisor)
        names = [h.name for h in result]
        if len(set(names)) != len(names):
            raise AnsibleParserError("openvz inventory: hypervisor names must be unique: %s" % names)
        return result

    @staticmethod
    def _cache_id(hypervisor):
        return "%s|%s|%s" % (hypervisor.name, hypervisor.transport, hypervisor.address or "")

    # ---------------------------------------------------------------- listing

    def _list(self, hypervisor):
        """[{"container": dict, "xml": str?}] of one hypervisor, or raise ListingError."""
        boundary = "@@openvz-%s@@" % secrets.token_hex(16)
        script = LISTING_SCRIPT % {"boundary": boundary, "vzlist": " ".join(vz_listing.VZLIST_ARGV)}
        try:
            rc, out, err = hypervisor.run(["/bin/sh", "-s"], stdin=script.encode())
        except HypervisorError as exc:
            raise ListingError(str(exc)) from exc
        # Configs may hold any bytes: undecodable ones read as U+FFFD, as the
        # modules read them (a surrogate escape would break JSON output later).
        err = to_text(err, errors="replace").strip()
        if rc != 0:
            raise ListingError("the listing failed (exit %d): %s" % (rc, err))
        vzlist_rc, vzlist_out, confs, globals_text = parse_listing(
            to_text(out, errors="replace"), boundary)
        if vzlist_rc != 0:
            raise ListingError("vzlist failed (exit %d): %s" % (vzlist_rc, err or vzlist_out.strip()))
        try:
            found, warnings = vz_listing.containers(
                vz_listing.parse_vzlist(vzlist_out), confs.get,
                vz_conf.parse_conf_text(globals_text, vz_conf.VZ_CONF))
        except VzError as exc:
            raise ListingError(str(exc)) from exc
        for warning in warnings:
            display.warning("openvz inventory: hypervisor %s: %s" % (hypervisor.name, warning))
        entries = []
        for container in found:
            entry = {"container": container.to_dict()}
            if self.get_option("domain_xml"):
                entry["xml"] = self._xml(container)
            entries.append(entry)
        return entries

    @staticmethod
    def _xml(container):
        from ansible_collections.openvz.vz.plugins.module_utils._vz import vz_lxml, vz_xml  # pylint: disable=import-outside-toplevel
        if not vz_lxml.HAS_LXML:
            raise AnsibleParserError("openvz inventory: domain_xml needs lxml on the controller")
        return vz_xml.to_xml(container)

    def _list_all(self, hypervisors):
        """{cache id: entries} of those listed, {name: error} of those that failed."""
        listed, failed = {}, {}
        workers = max(1, min(len(hypervisors), self.get_option("max_workers")))
        with ThreadPoolExecutor(max_workers=workers) as pool:
            futures = [(h, pool.submit(self._list, h)) for h in hypervisors]
            for hypervisor, future in futures:
                try:
                    listed[self._cache_id(hypervisor)] = future.result()
                except ListingError as exc:
                    failed[hypervisor.name] = "%s (%s): %s" % (hypervisor.name, hypervisor.label, exc)
        return listed, failed

    # ---------------------------------------------------------------- hosts

    @staticmethod
    def _host_name(hypervisor, container, wanted, used):
        """The host name of ``container``: ``wanted`` (host_name_format, whose fields are
        ``used``) filled in, then made safe (see safe_host_name), with a warning if it changed.

        str.format only copies the fields' values: a value is never read as a format,
        nor as a template."""
        fields = {"hypervisor": hypervisor.name, "ctid": container["ctid"],
                  "name": container.get("name"), "hostname": container.get("hostname")}
        fields = {key: "" if value is None else str(value) for key, value in fields.items()}
        if any(not fields[field] for field in used):
            wanted = DEFAULT_HOST_NAME_FORMAT
        name = wanted.format(**fields) or DEFAULT_HOST_NAME_FORMAT.format(**fields)
        safe = safe_host_name(name)
        if safe != name:
            display.warning(
                "openvz inventory: container %s on %s: host name %s has characters other than "
                "A-Z a-z 0-9 _ . - (or starts with -); named %s instead"
                % (_printable(fields["ctid"]), _printable(hypervisor.name), ascii(name[:200]), safe))
        return safe

    @staticmethod
    def _host_vars(hypervisor, entry):
        """The host's variables. What the hypervisor listed (container fields, the domain
        XML) is made unsafe: Ansible never templates it, on any ansible-core."""
        container = make_unsafe(entry["container"])
        hostvars = {
            "ansible_connection": "openvz.vz.vzctl",
            "ansible_openvz_ctid": container["ctid"],
            "ansible_openvz_hypervisor_transport": hypervisor.transport,
            "openvz_hypervisor": hypervisor.name,
            "openvz_ctid": container["ctid"],
            "openvz_name": container.get("name"),
            "openvz_status": container.get("status"),
            "openvz_hostname": container.get("hostname"),
            "openvz_ip_addresses": container.get("ip_addresses") or [],
            "openvz_ostemplate": container.get("ostemplate"),
            "openvz_container": container,
        }
        if hypervisor.transport == SSH:
            hostvars["ansible_openvz_hypervisor"] = hypervisor.address
            for key, value in (("user", hypervisor.user), ("port", hypervisor.port),
                               ("private_key_file", hypervisor.private_key_file),
                               ("ssh_common_args", hypervisor.ssh_common_args)):
                if value:
                    hostvars["ansible_openvz_hypervisor_%s" % key] = value
        if "xml" in entry:
            hostvars["openvz_xml"] = make_unsafe(entry["xml"])
        return hostvars

    def _add_group(self, name, parent=None):
        group = self.inventory.add_group(self._sanitize_group_name(_safe(name)))
        if parent:
            self.inventory.add_child(parent, group)
        return group

    def _populate(self, hypervisors, listed):
        strict = self.get_option("strict")
        prefix = self.get_option("group_prefix")
        name_format = self.get_option("host_name_format")
        name_fields = parse_host_name_format(name_format)  # checked in parse(), before any listing
        every = self._add_group(prefix + "containers")
        seen = {}
        for hypervisor in hypervisors:
            entries = listed.get(self._cache_id(hypervisor))
            if entries is None:
                continue
            hv_group = self._add_group("%shypervisor_%s" % (prefix, hypervisor.name))
            for entry in entries:
                hostvars = self._host_vars(hypervisor, entry)
                host = self._host_name(hypervisor, entry["container"], name_format, name_fields)
                where = "container %s on %s" % (_printable(entry["container"]["ctid"]),
                                                _printable(hypervisor.name))
                if host in seen:
                    message = ("openvz inventory: host name %s of %s is taken by %s; "
                               "set host_name_format" % (host, where, seen[host]))
                    if strict:
                        raise AnsibleParserError(message)
                    display.warning(message + "; skipped")
                    continue
                seen[host] = where
                self.inventory.add_host(host, group=every)
                self.inventory.add_child(hv_group, host)
                status_group = self._add_group("%sstatus_%s" % (prefix, hostvars["openvz_status"]))
                self.inventory.add_child(status_group, host)
                for key, value in hostvars.items():
                    self.inventory.set_variable(host, key, value)
                self._set_composite_vars(self.get_option("compose"), hostvars, host, strict=strict)
                self._add_host_to_composed_groups(self.get_option("groups"), hostvars, host, strict=strict)
                self._add_host_to_keyed_groups(self.get_option("keyed_groups"), hostvars, host, strict=strict)

    def parse(self, inventory, loader, path, cache=True):
        super().parse(inventory, loader, path, cache)
        self._read_config_data(path)
        hypervisors = self._hypervisors()
        parse_host_name_format(self.get_option("host_name_format"))
        cache_key = self.get_cache_key(path)
        use_cache = self.get_option("cache")
        cached = {}
        if use_cache and cache:
            try:
                cached = dict(self._cache[cache_key])
            except KeyError:
                cached = {}
        if self.get_option("domain_xml"):
            cached = {k: v for k, v in cached.items() if all("xml" in e for e in v)}
        wanted = [h for h in hypervisors if self._cache_id(h) not in cached]
        listed, failed = self._list_all(wanted) if wanted else ({}, {})
        for name in sorted(failed):
            message = "openvz inventory: cannot list hypervisor %s" % failed[name]
            if self.get_option("strict"):
                raise AnsibleParserError(message)
            display.warning(message + "; its containers are left out")
        if use_cache and listed:
            self._cache[cache_key] = dict(cached, **listed)
        self._populate(hypervisors, dict(cached, **listed))
