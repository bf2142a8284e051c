#!/usr/bin/python
# -*- coding: utf-8 -*-
# Copyright: (c) 2026, openvz.vz contributors
# GNU General Public License v3.0+ (see https://www.gnu.org/licenses/gpl-3.0.txt)

from __future__ import absolute_import, division, print_function
__metaclass__ = type

DOCUMENTATION = r"""
---
module: containers
short_description: Converge many OpenVZ containers of a hypervisor in one task
version_added: 0.1.0
description:
  - Converges every container of O(containers) in one task as M(openvz.vz.container) would
    (created, changed, started, stopped, suspended or destroyed as declared), with the same
    checks, the same commands and the same results per container.
  - The host is read once, with one C(vzlist) call and the container config files, so a run
    where nothing differs starts one process however many containers there are.
  - Every container is planned, and every plan checked, before anything runs; an item that
    would be refused (a bad value, a setting fixed at creation, an address another container
    holds) fails the task with nothing changed, naming the item.
  - Containers are then converged side by side, O(parallel) at a time (vzctl locks each container
    on its own); one container's commands run in order. A container whose commands fail does not
    stop the others unless O(stop_on_error=true); the task fails when any failed, and each item's
    result says what ran and what failed.
  - O(defaults) is merged under every item (the item wins, key by key), so values shared by all
    containers are written once.
  - With O(exclusive=true), containers on the host that the list does not declare are removed
    first; running ones only with O(exclusive_remove_running=true).
author:
  - openvz.vz maintainers (@openvz-collections)
requirements:
  - lxml on the hypervisor
  - vzctl and vzlist on the hypervisor
extends_documentation_fragment:
  - ansible.builtin.action_common_attributes
  - openvz.vz.vzctl_timeout
  - openvz.vz.vzctl_timeout.container
attributes:
  check_mode:
    support: full
    details: Reports, per container, the exact commands a real run would make, and runs none that change the host.
  diff_mode:
    support: full
    details: One diff per changed container; before and after are domain XML documents.
  platform:
    support: full
    platforms: posix
options:
  containers:
    description:
      - The containers, each item the parameters of M(openvz.vz.container) (the same names, forms and checks)
        with O(defaults) merged under it.
      - Each item needs O(containers[].ctid), O(containers[].name) or O(containers[].xml).
    type: list
    elements: dict
    required: true
    suboptions:
      timeout:
        description:
          - The longest time, in seconds, each call of an OpenVZ tool (C(vzctl), C(vzlist), C(vztmpl-dl))
            on the host may take. The limit applies to every call on its own, not to the whole task.
          - A tool that runs longer is stopped together with every process it started (its process group
            gets C(SIGTERM), then C(SIGKILL) at most two seconds later), so nothing of it keeps running
            or keeps the container locked. The task fails with a message that names the command and the
            timeout, the command in C(cmd) and, where the module runs several commands, those that completed
            before it in C(executed).
          - V(0) or V(null) means no limit. A negative value is refused before anything runs.
          - The module also stops a running tool this way when the module itself is told to stop (C(SIGTERM),
            C(SIGINT), C(SIGHUP)), and when nothing reads its output any more, which is what Ansible's own
            task C(timeout) does to it; on Linux a module killed outright takes its tool with it.
          - The default leaves room for the slowest normal call of the module, for example a C(vzctl create)
            that unpacks a template into a new ploop image.
          - Default O(timeout).
        type: int
      ctid:
        description:
          - Container ID, a number from 1 to 2147483644 in ASCII digits; on OpenVZ 7 also a UUID (braces
            optional), as C(prlctl create --vmtype ct) makes them. A UUID is refused on OpenVZ 6.
          - Required to create a container; an existing one may be found by O(containers[].name) alone.
        type: str
      name:
        description:
          - Container name (C(/etc/vz/names)). 1 to 64 letters, digits, C(_ . + -), starting with a letter
            or digit; not only digits.
          - With O(containers[].state=absent), a name no container has is already absent (not an error).
        type: str
      state:
        description:
          - V(present) defines the container and leaves its run state alone.
          - V(started), V(stopped), V(restarted) and V(suspended) also set the run state; V(restarted) always
            restarts.
          - V(absent) stops the container if needed and destroys it, private area included.
          - Default V(present), unless O(defaults) sets it.
        type: str
        choices:
          - present
          - started
          - stopped
          - restarted
          - suspended
          - absent
      ostemplate:
        description:
          - OS template cache to create from (for example V(debian-12.0-x86_64-minimal)). Create only.
          - 1 to 128 letters, digits, C(_ . + -), starting with a letter, digit or C(_).
        type: str
      config:
        description:
          - Configuration profile (C(ve-NAME.conf-sample)) to create from. Create only.
          - The same alphabet as O(containers[].ostemplate).
        type: str
      layout:
        description:
          - Private area layout. Create only.
        type: str
        choices:
          - simfs
          - ploop
      private:
        description:
          - Private area path (may contain C($VEID)). Create only.
          - An absolute path of components made of letters, digits, C(_ . + -) and C($VEID), at most 1024
            characters, without C(.), C(..), empty components or a trailing C(/).
          - Refused when it is, contains or lies in a host system directory (C(/etc), C(/usr), ...), is
            or contains C(/), C(/var), C(/vz), the parent of the host's private or root areas, or lies in
            C(TEMPLATE), C(LOCKDIR) or C(DUMPDIR); and when it overlaps another container's private or root
            area (symlinks resolved) or this container's O(containers[].root).
        type: str
      root:
        description:
          - Mount point path (may contain C($VEID)). Create only.
          - The same rules as O(containers[].private).
        type: str
      hostname:
        description:
          - Host name inside the container.
          - Labels of letters, digits and C(-) (not at either end, at most 63 each) joined by dots, an optional
            final dot, at most 253 characters.
        type: str
      description:
        description:
          - Free text description, at most 1024 characters.
          - Double quotes, backslashes, C($), backticks, control characters and invisible Unicode (format
            marks such as bidi overrides, line separators, private use) are refused, because vzctl writes
            the text unescaped into the container config that host scripts source.
        type: str
      ip_addresses:
        description:
          - The exact list of venet addresses, each optionally with a C(/prefix).
          - IPv4 or IPv6 in ASCII, no scope ids (C(%eth0)); stored in canonical form.
          - Addresses not in the list are removed; V([]) removes all. The list is always set whole (C(--ipdel
            all) and one C(--ipadd) each, in one call), so two plays converging one container at once end
            with one play's list.
          - An address another container of the host has is refused before anything runs.
        type: list
        elements: str
      netifs:
        description:
          - The exact list of veth interfaces. Fields left out keep the host's value, or are generated by
            vzctl for a new interface.
          - When it differs, the list is set whole in one call (C(--netif_del all) and one C(--netif_add)
            per interface, with the host's values for fields left out).
          - On OpenVZ 7, whose vzctl takes interface fields only with C(--ifname) (once a call), the list
            is set in a call of its own and each interface's fields in one more call each.
        type: list
        elements: dict
        suboptions:
          ifname:
            description: Interface name inside the container; 1 to 15 letters, digits, C(_ . -), not starting
              with C(.) or C(-).
            type: str
            required: true
          mac:
            description: MAC address inside the container, six pairs of hex digits joined by C(:).
            type: str
          host_ifname:
            description: Interface name on the host; the same alphabet as O(containers[].netifs[].ifname).
            type: str
          host_mac:
            description: MAC address of the host side.
            type: str
          bridge:
            description:
              - Host bridge to add the host side to; the same alphabet as O(containers[].netifs[].ifname).
                Compared exactly (case matters).
              - OpenVZ 6 only; vzctl 7 has no C(--bridge) (use O(containers[].netifs[].network) there).
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
                each optionally with a C(/prefix) of at least 1; the same form as O(containers[].ip_addresses).
              - Set whole (C(--ifname X --ipdel all) and one C(--ipadd) each); V([]) removes all.
              - vzctl 7 turns DHCP off for the family of an address set, and keeps no IPv4 (IPv6) address
                of a veth with O(containers[].netifs[].dhcp) (O(containers[].netifs[].dhcp6)); asking for
                both is refused.
            type: list
            elements: str
          gateway:
            description: OpenVZ 7 only. The veth's IPv4 default gateway (C(--gw)), an address without a
              prefix.
            type: str
          gateway6:
            description: OpenVZ 7 only. The veth's IPv6 default gateway (C(--gw6)), an address without a
              prefix.
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
          - Each a host name as for O(containers[].hostname).
        type: list
        elements: str
      onboot:
        description:
          - Start the container when the host boots.
        type: bool
      memory:
        description:
          - RAM (vswap C(PHYSPAGES)), for example V(512M), V(2G) or bytes (ASCII digits, a K/M/G/T suffix,
            a whole number of 4 KiB pages, below 2^63 bytes).
          - On OpenVZ 6, a container config without C(SWAPPAGES) (a UBC profile such as C(basic)) needs
            O(containers[].swap) as well; the module refuses O(containers[].memory) alone there before anything
            runs.
        type: str
      swap:
        description:
          - Swap (vswap C(SWAPPAGES)), for example V(1G); the same form as O(containers[].memory).
        type: str
      cpus:
        description:
          - Number of CPUs the container sees, 1 to 4096 (an integer in ASCII digits).
        type: raw
      cpulimit:
        description:
          - CPU limit in percent of one CPU (V(200) = two CPUs), 0 to 409600; V(0) = no limit.
        type: raw
      cpuunits:
        description:
          - CPU weight, 8 to 500000 (vzctl's own bounds).
        type: raw
      cpumask:
        description:
          - The CPUs the container may run on (C(CPUMASK)), as numbers and ranges from 0 to 4095 such as
            V(0-1,3); V(all) for every CPU (no mask), V(auto) for the CPUs of O(containers[].nodemask).
          - Compared in vzctl's form (sorted ranges; vzctl 7 stores V(all) as an empty value).
        type: str
      nodemask:
        description:
          - The NUMA nodes the container may use (C(NODEMASK)), the same form as O(containers[].cpumask)
            without V(auto).
        type: str
      memguarantee:
        description:
          - OpenVZ 7 only. The share of O(containers[].memory) guaranteed to the container (C(MEMGUARANTEE)),
            a percentage from 0 to 100 (an integer in ASCII digits), or V(auto) for vzctl's default.
        type: raw
      autostop:
        description:
          - OpenVZ 7 only. What the host does with the running container when it shuts down (C(AUTOSTOP)).
        type: str
        choices:
          - stop
          - suspend
      bindmounts:
        description:
          - OpenVZ 7 only. The exact list of host directories bind-mounted into the container (C(BINDMOUNT)).
          - Set whole (C(--bindmount_del all) and one C(--bindmount_add) each, in one call); V([]) removes
            all.
          - Paths are absolute, at most 1024 characters of letters, digits, C(_ . + -) components, without
            C(.), C(..), empty components, a trailing C(/), or C(/) itself.
        type: list
        elements: dict
        suboptions:
          src:
            description: The host directory; without it, vzctl mounts a directory of the container's private
              area.
            type: str
          dst:
            description: The mount point inside the container.
            type: str
            required: true
          options:
            description: Mount options; compared as a set.
            type: list
            elements: str
            choices:
              - nosuid
              - noexec
              - nodev
              - ro
      iolimit:
        description:
          - Disk I/O bandwidth limit in bytes per second (C(IOLIMIT)), for example V(10M); V(0) = no limit.
          - A size as for O(containers[].memory) (any whole number of bytes), at most 2147483647 (vzctl
            keeps an C(int) and would silently cut anything larger).
        type: str
      iopslimit:
        description:
          - Disk I/O operations per second limit (C(IOPSLIMIT)), 0 to 2147483647 (an integer in ASCII digits);
            V(0) = no limit.
        type: raw
      diskspace:
        description:
          - Disk quota as V(SOFT) or V(SOFT:HARD), for example V(10G:11G); sizes as for O(containers[].memory)
            but whole KiB; HARD not below SOFT.
          - On OpenVZ 7 the ploop image is sized to HARD and vzctl stores HARD:HARD, so a smaller SOFT is
            managed as HARD there, with a warning.
        type: str
      diskinodes:
        description:
          - Inode quota as V(SOFT) or V(SOFT:HARD), for example V(200000:220000); ASCII digits, optional
            K/M/G/T, below 2^63.
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
          - Each C(DEVICE:PERMS), DEVICE a path relative to C(/dev) without C(.) or C(..) components that
            is a character or block device on the host (not a loop device), PERMS C(r), C(w), C(q) in that
            order, or C(none).
        type: list
        elements: str
      root_password:
        description:
          - Root password inside the container, set through C(chpasswd) on standard input (never on a command
            line). Needs O(containers[].state=started) or O(containers[].state=restarted).
          - One line, no NUL, not empty. Never logged or shown in results (C(no_log)).
          - With O(containers[].update_password=on_create), a run that created the container but failed
            before the password was set leaves an empty marker file named after the CTID in C(/var/lib/openvz.vz/password-pending/)
            (it holds no secret); the next run sets the password and removes it.
        type: str
      update_password:
        description:
          - V(on_create) sets O(containers[].root_password) only when the container is created.
          - V(always) sets it on every run and so always reports a change (the password inside the container
            cannot be compared without reading its shadow file).
          - Default V(on_create), unless O(defaults) sets it.
        type: str
        choices:
          - always
          - on_create
      stop_timeout:
        description:
          - Seconds vzctl waits for a clean stop before killing the container (C(STOP_TIMEOUT)), 0 to 86400.
          - Not supported on OpenVZ 7, whose vzctl has no C(--stop-timeout); the module refuses it there.
        type: raw
      force:
        description:
          - Stop with C(vzctl stop --fast) instead of a clean shutdown.
          - Default V(false), unless O(defaults) sets it.
        type: bool
      xml:
        description:
          - A whole libvirt domain document (C(<domain type='openvz'>)) instead of the setting parameters.
            Documents with a DOCTYPE or entities are refused.
          - Every value goes through the same checks as the matching parameter; the declared encoding is
            honoured (text that arrives as Unicode keeps its characters, undecodable bytes are decoded with
            the declared encoding), and C(<uuid>) must be a UUID.
          - Elements that are absent leave the host's value alone, except C(<interface>)s, which are the
            exact list.
        type: str
  defaults:
    description:
      - Values for every item of O(containers) that does not set them itself (key by key; lists and dictionaries
        are replaced, not merged). Settings among them do not apply to an item with O(containers[].xml).
    type: dict
    suboptions:
      timeout:
        description: As O(containers[].timeout).
        type: int
      state:
        description: As O(containers[].state).
        type: str
        choices:
          - present
          - started
          - stopped
          - restarted
          - suspended
          - absent
      ostemplate:
        description: As O(containers[].ostemplate).
        type: str
      config:
        description: As O(containers[].config).
        type: str
      layout:
        description: As O(containers[].layout).
        type: str
        choices:
          - simfs
          - ploop
      private:
        description: As O(containers[].private).
        type: str
      root:
        description: As O(containers[].root).
        type: str
      hostname:
        description: As O(containers[].hostname).
        type: str
      description:
        description: As O(containers[].description).
        type: str
      ip_addresses:
        description: As O(containers[].ip_addresses).
        type: list
        elements: str
      netifs:
        description: As O(containers[].netifs).
        type: list
        elements: dict
        suboptions:
          ifname:
            description: As O(containers[].netifs[].ifname).
            type: str
            required: true
          mac:
            description: As O(containers[].netifs[].mac).
            type: str
          host_ifname:
            description: As O(containers[].netifs[].host_ifname).
            type: str
          host_mac:
            description: As O(containers[].netifs[].host_mac).
            type: str
          bridge:
            description: As O(containers[].netifs[].bridge).
            type: str
          network:
            description: As O(containers[].netifs[].network).
            type: str
          ip_addresses:
            description: As O(containers[].netifs[].ip_addresses).
            type: list
            elements: str
          gateway:
            description: As O(containers[].netifs[].gateway).
            type: str
          gateway6:
            description: As O(containers[].netifs[].gateway6).
            type: str
          dhcp:
            description: As O(containers[].netifs[].dhcp).
            type: bool
          dhcp6:
            description: As O(containers[].netifs[].dhcp6).
            type: bool
      nameservers:
        description: As O(containers[].nameservers).
        type: list
        elements: str
      searchdomains:
        description: As O(containers[].searchdomains).
        type: list
        elements: str
      onboot:
        description: As O(containers[].onboot).
        type: bool
      memory:
        description: As O(containers[].memory).
        type: str
      swap:
        description: As O(containers[].swap).
        type: str
      cpus:
        description: As O(containers[].cpus).
        type: raw
      cpulimit:
        description: As O(containers[].cpulimit).
        type: raw
      cpuunits:
        description: As O(containers[].cpuunits).
        type: raw
      cpumask:
        description: As O(containers[].cpumask).
        type: str
      nodemask:
        description: As O(containers[].nodemask).
        type: str
      memguarantee:
        description: As O(containers[].memguarantee).
        type: raw
      autostop:
        description: As O(containers[].autostop).
        type: str
        choices:
          - stop
          - suspend
      bindmounts:
        description: As O(containers[].bindmounts).
        type: list
        elements: dict
        suboptions:
          src:
            description: As O(containers[].bindmounts[].src).
            type: str
          dst:
            description: As O(containers[].bindmounts[].dst).
            type: str
            required: true
          options:
            description: As O(containers[].bindmounts[].options).
            type: list
            elements: str
            choices:
              - nosuid
              - noexec
              - nodev
              - ro
      iolimit:
        description: As O(containers[].iolimit).
        type: str
      iopslimit:
        description: As O(containers[].iopslimit).
        type: raw
      diskspace:
        description: As O(containers[].diskspace).
        type: str
      diskinodes:
        description: As O(containers[].diskinodes).
        type: str
      features:
        description: As O(containers[].features).
        type: dict
      capabilities:
        description: As O(containers[].capabilities).
        type: dict
      devnodes:
        description: As O(containers[].devnodes).
        type: list
        elements: str
      root_password:
        description: As O(containers[].root_password) (C(no_log)).
        type: str
      update_password:
        description: As O(containers[].update_password).
        type: str
        choices:
          - always
          - on_create
      stop_timeout:
        description: As O(containers[].stop_timeout).
        type: raw
      force:
        description: As O(containers[].force).
        type: bool
  exclusive:
    description:
      - Remove the containers of the host that O(containers) does not declare (by CTID, or by name for an
        item without one), except those in O(exclusive_keep). They are removed before the list is converged,
        and listed in RV(removed) (in check mode too).
      - The task refuses to go on, with nothing changed, while one of them is not stopped, unless O(exclusive_remove_running=true).
      - With it, every item needs O(containers[].ctid) or O(containers[].name).
    type: bool
    default: false
  exclusive_keep:
    description: CTIDs or names O(exclusive) never removes.
    type: list
    elements: str
    default: []
  exclusive_remove_running:
    description: Let O(exclusive) stop and remove containers that are running, mounted or suspended.
    type: bool
    default: false
  parallel:
    description:
      - How many containers are converged at once; V(1) converges them strictly in the list's order.
      - Default the number of CPUs of the host.
    type: int
  stop_on_error:
    description:
      - Start no further container once one failed (those running finish); they are reported as skipped.
      - By default every container is converged whatever happens to the others.
    type: bool
    default: false
notes:
  - Each item takes the parameters of M(openvz.vz.container); O(containers[].xml) is mutually exclusive with
    every setting parameter of its item. Defaults that are settings do not apply to an item with O(containers[].xml).
  - A CTID or a name may be declared once. Items are planned against the host as it is before the
    task, so an address moved from one declared container to another is refused until the first one
    has let it go (run the task twice, or move it in two steps).
  - O(timeout) is the default of O(containers[].timeout) and limits the C(vzlist) call.
seealso:
  - module: openvz.vz.container
  - module: openvz.vz.container_info
  - name: The openvz.vz.containers role
    description: Converges the containers of a hypervisor from inventory with this module.
    link: https://github.com/openvz-collections/openvz.vz/blob/main/docs/docsite/rst/guide_roles.rst
"""

EXAMPLES = r"""
- name: The web containers of a hypervisor, in one task
  openvz.vz.containers:
    defaults:
      ostemplate: debian-12.0-x86_64-minimal
      nameservers: [192.0.2.53]
      onboot: true
      state: started
    containers:
      - ctid: 101
        name: web1
        hostname: web1.example.com
        ip_addresses: [192.0.2.101]
      - ctid: 102
        name: web2
        hostname: web2.example.com
        ip_addresses: [192.0.2.102]
        memory: 2G
      - ctid: 199
        state: absent
  register: web

- name: What changed
  ansible.builtin.debug:
    msg: "{{ web.containers | selectattr('changed') | map(attribute='ctid') | list }}"

- name: Exactly these containers on the host, strictly one after another
  openvz.vz.containers:
    containers: "{{ declared_containers }}"
    exclusive: true
    exclusive_keep: [monitoring]
    parallel: 1
"""

RETURN = r"""
containers:
  description: One result per item of O(containers), in the list's order.
  returned: always
  type: list
  elements: dict
  contains:
    ctid:
      description: Container ID (a string; on OpenVZ 7 it may be a UUID), or null for a name no container has.
      type: str
    name:
      description: Container name, or null.
      type: str
    changed:
      description: Whether the host was (or in check mode would be) changed for this container.
      type: bool
    failed:
      description: Whether this container's commands failed.
      type: bool
    skipped:
      description: Set when the container was not converged because O(stop_on_error=true) and another failed.
      type: bool
      returned: when skipped
    msg:
      description: What failed, naming the item.
      type: str
      returned: when failed or skipped
    commands:
      description: The vzctl argv lists this container's plan runs (or, in check mode, would run), in order.
      type: list
      elements: list
    executed:
      description: On failure, the commands that had completed before the failing one.
      type: list
      elements: list
      returned: when failed
    container:
      description: The resulting container as a dictionary, as RV(openvz.vz.container#module:container) of M(openvz.vz.container).
      type: dict
    xml:
      description: The resulting libvirt domain document (empty when the container is absent).
      type: str
    rc:
      description: On a tool failure, its exit code.
      type: int
      returned: when a tool failed
    meaning:
      description: On a tool failure, what that tool's exit code means.
      type: str
      returned: when a tool failed
  sample:
    - ctid: "101"
      name: web1
      changed: true
      failed: false
      commands: [["vzctl", "set", "101", "--hostname", "web1.example.com", "--save"]]
      container: {ctid: "101", name: web1, status: running, hostname: web1.example.com}
      xml: "<domain type=\"openvz\" id=\"101\">...</domain>"
removed:
  description:
    - With O(exclusive=true), one result per undeclared container removed (or, in check mode, to be
      removed), in the form of RV(containers), plus its run state before.
  returned: always
  type: list
  elements: dict
  contains:
    status_before:
      description: Its run state when the task read the host (V(stopped), V(running), ...).
      type: str
"""

from ansible.module_utils.basic import AnsibleModule

from ansible_collections.openvz.vz.plugins.module_utils._vz import vz_batch, vz_conf, vz_facts, vz_listing, vz_params, vz_preflight
from ansible_collections.openvz.vz.plugins.module_utils._vz.vz_driver import Driver, desired_from_params
from ansible_collections.openvz.vz.plugins.module_utils._vz.vz_lxml import require_lxml
from ansible_collections.openvz.vz.plugins.module_utils._vz.vz_module import run_and_exit
from ansible_collections.openvz.vz.plugins.module_utils._vz.vz_runner import Runner, StopFlag

ITEM_OPTIONS = dict(
    type="list", elements="dict", required=True, options=vz_batch.ITEM_SPEC,
    mutually_exclusive=vz_params.MUTUALLY_EXCLUSIVE, required_one_of=[["ctid", "name", "xml"]])


def main():
    module = AnsibleModule(
        argument_spec=dict(
            containers=ITEM_OPTIONS,
            defaults=dict(type="dict", options=vz_batch.DEFAULTS_SPEC),
            exclusive=dict(type="bool", default=False),
            exclusive_keep=dict(type="list", elements="str", default=[]),
            exclusive_remove_running=dict(type="bool", default=False),
            parallel=dict(type="int"),
            stop_on_error=dict(type="bool", default=False),
            timeout=dict(type="int", default=900),
        ),
        supports_check_mode=True,
    )
    require_lxml(module)
    params = module.params
    if params["parallel"] is not None and params["parallel"] < 1:
        module.fail_json(msg="parallel: must be 1 or more, got %d" % params["parallel"])
    stop = StopFlag()
    listing_runner = Runner(module, timeout=params["timeout"], stop=stop)
    # Looked up here: a worker thread must not end the module with fail_json.
    paths = listing_runner.resolve("vzlist", "vzctl")
    defaults = dict(params["defaults"] or {})
    defaults.setdefault("timeout", params["timeout"])
    if defaults["timeout"] is None:
        defaults["timeout"] = params["timeout"]
    items = vz_batch.merged_items(params["containers"], defaults)
    known = {}

    def driver_for(item, statuses):
        if "globals" not in known:
            known["globals"], known["vz7"] = vz_conf.read_globals(), vz_facts.is_vz7_host()
            # The other containers' areas and addresses, read once for every plan.
            known["host"] = vz_preflight.Host(known["globals"])
        runner = Runner(module, timeout=item["timeout"], stop=stop, paths=paths)
        return Driver(runner, check_mode=module.check_mode, diff=module._diff, statuses=statuses,
                      globals_=known["globals"], vz7=known["vz7"], preflight_host=known["host"])

    def listing():
        _rc, out, _err = listing_runner.run(list(vz_listing.VZLIST_ARGV))
        return vz_listing.parse_vzlist(out)

    batch = vz_batch.Batch(
        items, driver_for, listing, desired_from_params,
        parallel=params["parallel"] or vz_batch.default_parallel(), stop_on_error=params["stop_on_error"],
        exclusive=params["exclusive"], keep=params["exclusive_keep"],
        remove_running=params["exclusive_remove_running"])

    def converge():
        with stop.catching():
            result = batch.converge()
        failed = [entry for entry in result["removed"] + result["containers"] if entry["failed"]]
        if failed:
            result["failed"] = True
            result["msg"] = "%d of %d containers failed: %s" % (
                len(failed), len(result["removed"]) + len(result["containers"]),
                "; ".join(entry["msg"] for entry in failed))
        return result

    run_and_exit(module, converge)


if __name__ == "__main__":
    main()
