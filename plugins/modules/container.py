#!/usr/bin/python
# -*- coding: utf-8 -*-
# Copyright: (c) 2026, openvz.vz contributors
# GNU General Public License v3.0+ (see https://www.gnu.org/licenses/gpl-3.0.txt)

from __future__ import absolute_import, division, print_function
__metaclass__ = type

DOCUMENTATION = r"""
---
module: container
short_description: Manage OpenVZ containers declaratively
version_added: 0.1.0
description:
  - Creates, configures, starts, stops, suspends and destroys OpenVZ containers on a
    hypervisor with the host's own C(vzctl), converging only what differs.
  - Works on legacy OpenVZ (vzctl 4.x, simfs, UBC) and OpenVZ 7 (ploop, vswap).
  - The container is described either by parameters or by a libvirt domain XML document
    (O(xml)); the module always returns the resulting document. Settings libvirt has no
    element for live in a C(<metadata>) child in this collection's namespace.
  - Reading the current state costs at most one process (C(vzctl status)); the config file
    is read directly. A create is one C(vzctl create) plus one C(vzctl set --save).
  - Nothing is destroyed to apply a change. Settings fixed at creation (O(ostemplate),
    O(config), O(layout), O(private), O(root)) are reported and refused when they differ.
  - Parameters that are not given leave the host's value alone.
author:
  - openvz.vz maintainers (@openvz-collections)
requirements:
  - lxml on the hypervisor
  - vzctl on the hypervisor
extends_documentation_fragment:
  - ansible.builtin.action_common_attributes
  - openvz.vz.vzctl_timeout
  - openvz.vz.vzctl_timeout.container
  - openvz.vz.container_identity
attributes:
  check_mode:
    support: full
    details: Reports the exact commands a real run would make, and runs none that change the host.
  diff_mode:
    support: full
    details: Before and after are domain XML documents.
  platform:
    support: full
    platforms: posix
options:
  ctid:
    description:
      - Container ID, a number from 1 to 2147483644 in ASCII digits; on OpenVZ 7 also a UUID (braces
        optional), as C(prlctl create --vmtype ct) makes them. A UUID is refused on OpenVZ 6.
      - Required to create a container; an existing one may be found by O(name) alone.
  name:
    description:
      - Container name (C(/etc/vz/names)). 1 to 64 letters, digits, C(_ . + -), starting with a
        letter or digit; not only digits.
      - With O(state=absent), a name no container has is already absent (not an error).
    type: str
  state:
    description:
      - V(present) defines the container and leaves its run state alone.
      - V(started), V(stopped), V(restarted) and V(suspended) also set the run state;
        V(restarted) always restarts.
      - V(absent) stops the container if needed and destroys it, private area included.
    type: str
    choices: [present, started, stopped, restarted, suspended, absent]
    default: present
  ostemplate:
    description:
      - OS template cache to create from (for example V(debian-12.0-x86_64-minimal)). Create only.
      - 1 to 128 letters, digits, C(_ . + -), starting with a letter, digit or C(_).
    type: str
  config:
    description:
      - Configuration profile (C(ve-NAME.conf-sample)) to create from. Create only.
      - The same alphabet as O(ostemplate).
    type: str
  layout:
    description: Private area layout. Create only.
    type: str
    choices: [simfs, ploop]
  private:
    description:
      - Private area path (may contain C($VEID)). Create only.
      - An absolute path of components made of letters, digits, C(_ . + -) and C($VEID), at most
        1024 characters, without C(.), C(..), empty components or a trailing C(/).
      - Refused when it is, contains or lies in a host system directory (C(/etc), C(/usr), ...),
        is or contains C(/), C(/var), C(/vz), the parent of the host's private or root areas, or
        lies in C(TEMPLATE), C(LOCKDIR) or C(DUMPDIR); and when it overlaps another container's
        private or root area (symlinks resolved) or this container's O(root).
    type: str
  root:
    description:
      - Mount point path (may contain C($VEID)). Create only.
      - The same rules as O(private).
    type: str
  hostname:
    description:
      - Host name inside the container.
      - Labels of letters, digits and C(-) (not at either end, at most 63 each) joined by dots, an
        optional final dot, at most 253 characters.
    type: str
  description:
    description:
      - Free text description, at most 1024 characters.
      - Double quotes, backslashes, C($), backticks, control characters and invisible Unicode
        (format marks such as bidi overrides, line separators, private use) are refused, because
        vzctl writes the text unescaped into the container config that host scripts source.
    type: str
  ip_addresses:
    description:
      - The exact list of venet addresses, each optionally with a C(/prefix).
      - IPv4 or IPv6 in ASCII, no scope ids (C(%eth0)); stored in canonical form.
      - Addresses not in the list are removed; V([]) removes all. The list is always set whole
        (C(--ipdel all) and one C(--ipadd) each, in one call), so two plays converging one container
        at once end with one play's list.
      - An address another container of the host has is refused before anything runs.
    type: list
    elements: str
  netifs:
    description:
      - The exact list of veth interfaces. Fields left out keep the host's value,
        or are generated by vzctl for a new interface.
      - When it differs, the list is set whole in one call (C(--netif_del all) and one
        C(--netif_add) per interface, with the host's values for fields left out).
      - On OpenVZ 7, whose vzctl takes interface fields only with C(--ifname) (once a call), the list
        is set in a call of its own and each interface's fields in one more call each.
    type: list
    elements: dict
    suboptions:
      ifname:
        description: Interface name inside the container; 1 to 15 letters, digits, C(_ . -), not starting with C(.) or C(-).
        type: str
        required: true
      mac:
        description: MAC address inside the container, six pairs of hex digits joined by C(:).
        type: str
      host_ifname:
        description: Interface name on the host; the same alphabet as O(netifs[].ifname).
        type: str
      host_mac:
        description: MAC address of the host side.
        type: str
      bridge:
        description:
          - Host bridge to add the host side to; the same alphabet as O(netifs[].ifname). Compared exactly (case matters).
          - OpenVZ 6 only; vzctl 7 has no C(--bridge) (use O(netifs[].network) there).
        type: str
      network:
        description:
          - OpenVZ 7 only. The virtual network the veth joins (C(--network)), for example V(Bridged),
            which a host bridges to its physical network.
          - 1 to 64 letters, digits, C(_ . -), starting with a letter or digit.
        type: str
      ip_addresses:
        description:
          - OpenVZ 7 only. The exact list of the veth's own addresses (set inside the container by vzctl),
            each optionally with a C(/prefix) of at least 1; the same form as O(ip_addresses).
          - Set whole (C(--ifname X --ipdel all) and one C(--ipadd) each); V([]) removes all.
          - vzctl 7 turns DHCP off for the family of an address set, and keeps no IPv4 (IPv6) address of
            a veth with O(netifs[].dhcp) (O(netifs[].dhcp6)); asking for both is refused.
        type: list
        elements: str
      gateway:
        description: OpenVZ 7 only. The veth's IPv4 default gateway (C(--gw)), an address without a prefix.
        type: str
      gateway6:
        description: OpenVZ 7 only. The veth's IPv6 default gateway (C(--gw6)), an address without a prefix.
        type: str
      dhcp:
        description: OpenVZ 7 only. Configure the veth's IPv4 address by DHCP (C(--dhcp yes|no)).
        type: bool
      dhcp6:
        description: OpenVZ 7 only. Configure the veth's IPv6 address by DHCP (C(--dhcp6 yes|no)).
        type: bool
  nameservers:
    description:
      - DNS servers, in order; V(inherit) uses the host's.
      - IPv4 or IPv6 addresses without a prefix or scope id.
    type: list
    elements: str
  searchdomains:
    description:
      - DNS search domains, in order; V(inherit) uses the host's.
      - Each a host name as for O(hostname).
    type: list
    elements: str
  onboot:
    description: Start the container when the host boots.
    type: bool
  memory:
    description:
      - RAM (vswap C(PHYSPAGES)), for example V(512M), V(2G) or bytes (ASCII digits, a K/M/G/T
        suffix, a whole number of 4 KiB pages, below 2^63 bytes).
      - On OpenVZ 6, a container config without C(SWAPPAGES) (a UBC profile such as C(basic))
        needs O(swap) as well; the module refuses O(memory) alone there before anything runs.
    type: str
  swap:
    description: Swap (vswap C(SWAPPAGES)), for example V(1G); the same form as O(memory).
    type: str
  cpus:
    description: Number of CPUs the container sees, 1 to 4096 (an integer in ASCII digits).
    type: raw
  cpulimit:
    description: CPU limit in percent of one CPU (V(200) = two CPUs), 0 to 409600; V(0) = no limit.
    type: raw
  cpuunits:
    description: CPU weight, 8 to 500000 (vzctl's own bounds).
    type: raw
  cpumask:
    description:
      - The CPUs the container may run on (C(CPUMASK)), as numbers and ranges from 0 to 4095 such as
        V(0-1,3); V(all) for every CPU (no mask), V(auto) for the CPUs of O(nodemask).
      - Compared in vzctl's form (sorted ranges; vzctl 7 stores V(all) as an empty value).
    type: str
  nodemask:
    description: The NUMA nodes the container may use (C(NODEMASK)), the same form as O(cpumask) without V(auto).
    type: str
  memguarantee:
    description:
      - OpenVZ 7 only. The share of O(memory) guaranteed to the container (C(MEMGUARANTEE)), a percentage
        from 0 to 100 (an integer in ASCII digits), or V(auto) for vzctl's default.
    type: raw
  autostop:
    description:
      - OpenVZ 7 only. What the host does with the running container when it shuts down (C(AUTOSTOP)).
    type: str
    choices: [stop, suspend]
  bindmounts:
    description:
      - OpenVZ 7 only. The exact list of host directories bind-mounted into the container (C(BINDMOUNT)).
      - Set whole (C(--bindmount_del all) and one C(--bindmount_add) each, in one call); V([]) removes all.
      - Paths are absolute, at most 1024 characters of letters, digits, C(_ . + -) components, without
        C(.), C(..), empty components, a trailing C(/), or C(/) itself.
    type: list
    elements: dict
    suboptions:
      src:
        description: The host directory; without it, vzctl mounts a directory of the container's private area.
        type: str
      dst:
        description: The mount point inside the container.
        type: str
        required: true
      options:
        description: Mount options; compared as a set.
        type: list
        elements: str
        choices: [nosuid, noexec, nodev, ro]
  iolimit:
    description:
      - Disk I/O bandwidth limit in bytes per second (C(IOLIMIT)), for example V(10M); V(0) = no limit.
      - A size as for O(memory) (any whole number of bytes), at most 2147483647 (vzctl keeps an C(int)
        and would silently cut anything larger).
    type: str
  iopslimit:
    description: Disk I/O operations per second limit (C(IOPSLIMIT)), 0 to 2147483647 (an integer in ASCII digits); V(0) = no limit.
    type: raw
  diskspace:
    description:
      - Disk quota as V(SOFT) or V(SOFT:HARD), for example V(10G:11G); sizes as for O(memory) but
        whole KiB; HARD not below SOFT.
      - On OpenVZ 7 the ploop image is sized to HARD and vzctl stores HARD:HARD, so a smaller SOFT
        is managed as HARD there, with a warning.
    type: str
  diskinodes:
    description: Inode quota as V(SOFT) or V(SOFT:HARD), for example V(200000:220000); ASCII digits, optional K/M/G/T, below 2^63.
    type: str
  features:
    description:
      - Features to switch on (V(true)) or off (V(false)), for example C(nfs) and C(sysfs).
      - One of the names vzctl knows, C(sysfs nfs sit ipip ppp ipgre bridge nfsd).
      - Features not named are left alone.
    type: dict
  capabilities:
    description:
      - Capabilities to switch on (V(true)) or off (V(false)), for example C(net_admin).
      - One of the capability names vzctl knows (C(chown) ... C(setfcap)), in either case.
      - Capabilities not named are left alone.
      - Not supported on OpenVZ 7, whose vzctl ignores C(--capability); the module refuses it there.
    type: dict
  devnodes:
    description:
      - The exact list of device nodes, for example V(net/tun:rw).
      - Each C(DEVICE:PERMS), DEVICE a path relative to C(/dev) without C(.) or C(..) components
        that is a character or block device on the host (not a loop device), PERMS C(r), C(w), C(q)
        in that order, or C(none).
    type: list
    elements: str
  root_password:
    description:
      - Root password inside the container, set through C(chpasswd) on standard input
        (never on a command line). Needs O(state=started) or O(state=restarted).
      - One line, no NUL, not empty. Never logged or shown in results (C(no_log)).
      - With O(update_password=on_create), a run that created the container but failed before
        the password was set leaves an empty marker file named after the CTID in
        C(/var/lib/openvz.vz/password-pending/) (it holds no secret); the next run sets the
        password and removes it.
    type: str
  update_password:
    description:
      - V(on_create) sets O(root_password) only when the container is created.
      - V(always) sets it on every run and so always reports a change (the password inside
        the container cannot be compared without reading its shadow file).
    type: str
    choices: [always, on_create]
    default: on_create
  stop_timeout:
    description:
      - Seconds vzctl waits for a clean stop before killing the container (C(STOP_TIMEOUT)), 0 to 86400.
      - Not supported on OpenVZ 7, whose vzctl has no C(--stop-timeout); the module refuses it there.
    type: raw
  force:
    description: Stop with C(vzctl stop --fast) instead of a clean shutdown.
    type: bool
    default: false
  xml:
    description:
      - A whole libvirt domain document (C(<domain type='openvz'>)) instead of the setting
        parameters. Documents with a DOCTYPE or entities are refused.
      - Every value goes through the same checks as the matching parameter; the declared
        encoding is honoured (text that arrives as Unicode keeps its characters, undecodable
        bytes are decoded with the declared encoding), and C(<uuid>) must be a UUID.
      - Elements that are absent leave the host's value alone, except C(<interface>)s,
        which are the exact list.
    type: str
notes:
  - O(xml) is mutually exclusive with every setting parameter.
  - Changing O(features) or O(capabilities) on a running container is saved but applied at its
    next restart; the module warns.
seealso:
  - name: libvirt domain XML format
    description: The document format this module reads and returns.
    link: https://libvirt.org/formatdomain.html
"""

EXAMPLES = r"""
- name: A web container, running
  openvz.vz.container:
    ctid: 101
    name: web1
    ostemplate: debian-12.0-x86_64-minimal
    hostname: web1.example.com
    ip_addresses:
      - 192.0.2.101
    nameservers:
      - 192.0.2.53
    memory: 1G
    swap: 512M
    cpus: 2
    diskspace: 10G:11G
    onboot: true
    state: started

- name: Give it a bridged interface as well
  openvz.vz.container:
    ctid: 101
    netifs:
      - ifname: eth0
        bridge: vmbr0

- name: On OpenVZ 7, a veth with its own addresses and gateway, pinned CPUs and a bind mount
  openvz.vz.container:
    ctid: 101
    netifs:
      - ifname: eth0
        network: Bridged
        ip_addresses:
          - 192.0.2.101/24
        gateway: 192.0.2.1
    cpumask: 0-1
    memguarantee: 50
    autostop: suspend
    bindmounts:
      - src: /srv/web1
        dst: /srv/data
        options: [nosuid, nodev]

- name: Find a container by name and stop it
  openvz.vz.container:
    name: web1
    state: stopped

- name: Converge from a libvirt domain document
  openvz.vz.container:
    xml: "{{ lookup('ansible.builtin.file', 'ct102.xml') }}"
    state: started

- name: Remove a container and its private area
  openvz.vz.container:
    ctid: 101
    state: absent
"""

RETURN = r"""
xml:
  description:
    - The resulting libvirt domain document (empty when the container is absent).
    - A container whose ID is a UUID (OpenVZ 7) has no C(id) attribute, libvirt's domain id being
      a number; its C(<name>) and C(<uuid>) are the UUID.
  returned: always
  type: str
  sample: "<domain type=\"openvz\" id=\"101\">...</domain>"
container:
  description: The resulting container as a dictionary.
  returned: always
  type: dict
  contains:
    ctid:
      description: Container ID, a number or (OpenVZ 7) a UUID in lower case; always a string, so compare it with a string (V("101")), not a number.
      type: str
    uuid:
      description: The container's UUID (OpenVZ 7 C(UUID) in C(ve.conf), else the C(#UUID:) comment libvirt keeps), or null.
      type: str
    name:
      description: Container name, or null (C(vzlist) and C(prlctl list) show V(-) for none).
      type: str
    status:
      description: One of V(running), V(stopped), V(mounted), V(suspended), V(absent).
      type: str
    description:
      description: Free text description (C(DESCRIPTION)), or null.
      type: str
    ostemplate:
      description: OS template the container was created from (without the leading V(.) vzctl 7 stores).
      type: str
    profile:
      description: Configuration profile it was created from (C(ORIGIN_SAMPLE)), or null.
      type: str
    layout:
      description: Private area layout, V(simfs) or V(ploop).
      type: str
    private:
      description: Private area path.
      type: str
    root:
      description: Mount point path.
      type: str
    hostname:
      description: Host name.
      type: str
    ip_addresses:
      description: venet addresses, with a C(/prefix) where one is set.
      type: list
      elements: str
    nameservers:
      description: DNS servers, in order.
      type: list
      elements: str
    searchdomains:
      description: DNS search domains, in order.
      type: list
      elements: str
    onboot:
      description: Whether the container starts when the host boots, or null when not set.
      type: bool
    memory:
      description: RAM in bytes, or null when unlimited.
      type: int
    swap:
      description: Swap in bytes, or null.
      type: int
    cpus:
      description: Number of CPUs the container sees, or null when not limited.
      type: int
    cpulimit:
      description: CPU limit in percent of one CPU, or null.
      type: int
    cpuunits:
      description: CPU weight, or null.
      type: int
    cpumask:
      description: CPU list in vzctl's form (V(all) when every CPU), V(auto), or null when none is set.
      type: str
    nodemask:
      description: NUMA node list in vzctl's form (V(all) when every node), or null when none is set.
      type: str
    memguarantee:
      description: Guaranteed share of RAM in percent (OpenVZ 7), V(auto), or null.
      type: raw
    iolimit:
      description: Disk I/O bandwidth limit in bytes per second, or null.
      type: int
    iopslimit:
      description: Disk I/O operations per second limit, or null.
      type: int
    diskspace:
      description: Disk quota in bytes (soft, hard).
      type: dict
    diskinodes:
      description: Inode quota (soft, hard).
      type: dict
    features:
      description: Features switched on (true) or off (false), by name.
      type: dict
    capabilities:
      description: Capabilities switched on (true) or off (false), by lower-case name.
      type: dict
    devnodes:
      description: Device nodes, each C(DEVICE:PERMS).
      type: list
      elements: str
    stop_timeout:
      description: Seconds vzctl waits for a clean stop (OpenVZ 6), or null.
      type: int
    autostop:
      description: What the host does with the container when it shuts down (OpenVZ 7), V(stop), V(suspend) or null.
      type: str
    bindmounts:
      description: Bind mounts (src, dst, options) on OpenVZ 7, or null.
      type: list
      elements: dict
    ubc:
      description: UBC limits the config sets (OpenVZ 6 profiles), by lower-case name, each barrier and limit.
      type: dict
    netifs:
      description:
        - veth interfaces (ifname, mac, host_ifname, host_mac, bridge, network, gateway, gateway6, dhcp, dhcp6,
          ip_addresses); what the host's vzctl does not keep is null.
      type: list
      elements: dict
  sample:
    ctid: "101"
    name: web1
    status: running
    hostname: web1.example.com
    ip_addresses: [192.0.2.101]
commands:
  description: The vzctl argv lists run (or, in check mode, that would run), in order.
  returned: always
  type: list
  elements: list
  sample: [["vzctl", "create", "101", "--ostemplate", "debian-12.0-x86_64-minimal"], ["vzctl", "set", "101", "--hostname", "web1.example.com", "--save"]]
executed:
  description: On failure, the commands that had completed before the failing one.
  returned: failure
  type: list
  elements: list
rc:
  description: On a tool failure, its exit code.
  returned: failure
  type: int
meaning:
  description: On a tool failure, what that tool's exit code means (from the tool's own table of codes).
  returned: failure
  type: str
"""

from ansible.module_utils.basic import AnsibleModule

from ansible_collections.openvz.vz.plugins.module_utils._vz import vz_params
from ansible_collections.openvz.vz.plugins.module_utils._vz.vz_driver import Driver, desired_from_params
from ansible_collections.openvz.vz.plugins.module_utils._vz.vz_lxml import require_lxml
from ansible_collections.openvz.vz.plugins.module_utils._vz.vz_module import run_and_exit
from ansible_collections.openvz.vz.plugins.module_utils._vz.vz_runner import Runner


def main():
    module = AnsibleModule(
        argument_spec=vz_params.ARGUMENT_SPEC,
        mutually_exclusive=vz_params.MUTUALLY_EXCLUSIVE,
        required_one_of=[["ctid", "name", "xml"]],
        supports_check_mode=True,
    )
    require_lxml(module)
    params = module.params
    # The document of the container before the run is only built for a diff.
    driver = Driver(Runner(module, timeout=params["timeout"]), check_mode=module.check_mode, diff=module._diff)

    def converge():
        warnings = []
        result = driver.converge(
            desired_from_params(params, warnings), params["state"], force=params["force"],
            password=vz_params.password_stdin(params), update_password=params["update_password"],
            vcpu_default=params["xml"] is not None)
        result["warnings"] = warnings + result.get("warnings", [])
        return result

    run_and_exit(module, converge)


if __name__ == "__main__":
    main()
