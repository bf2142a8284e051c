#!/usr/bin/python
# -*- coding: utf-8 -*-
# Copyright: (c) 2026, openvz.vz contributors
# GNU General Public License v3.0+ (see https://www.gnu.org/licenses/gpl-3.0.txt)

from __future__ import absolute_import, division, print_function
__metaclass__ = type

DOCUMENTATION = r"""
---
module: container_info
short_description: List OpenVZ containers and their settings
version_added: 0.1.0
description:
  - Returns every container of a hypervisor, or those selected by O(ctid), O(name) or O(status),
    each as the same C(container) dictionary and libvirt domain XML the
    M(openvz.vz.container) module returns.
  - One C(vzlist -a -j -o ctid,status) call per run, whatever the number of containers; every
    other value is read from the C(CTID.conf) files directly. C(vzlist -j) prints strings
    unescaped, so it is never asked for a field that can hold free text.
  - Works on legacy OpenVZ (vzctl 4.x) and OpenVZ 7.
author:
  - openvz.vz maintainers (@openvz-collections)
requirements:
  - vzlist on the hypervisor
  - lxml on the hypervisor when O(xml=true)
extends_documentation_fragment:
  - ansible.builtin.action_common_attributes
  - openvz.vz.vzctl_timeout
  - openvz.vz.vzctl_timeout.container_info
attributes:
  check_mode:
    support: full
    details: The module never changes anything.
  diff_mode:
    support: N/A
    details: The module never changes anything.
  platform:
    support: full
    platforms: posix
options:
  ctid:
    description:
      - Only these container IDs, numbers from 1 to 2147483644 in ASCII digits or, on OpenVZ 7,
        UUIDs (braces and upper case accepted, matched in vzctl's lower-case form), as
        C(prlctl create --vmtype ct) makes them.
      - With O(name) as well, a container is returned when it matches either list.
      - An ID that is neither is an error, before anything runs.
    type: list
    elements: str
  name:
    description:
      - Only the containers with these names (C(NAME) in the container config).
      - Each must be a valid container name (as O(openvz.vz.container#module:name) takes them),
        else an error before anything runs.
    type: list
    elements: str
  status:
    description:
      - Only containers in one of these run states.
      - V(paused) exists on OpenVZ 7 only.
    type: list
    elements: str
    choices: [running, stopped, mounted, suspended, paused]
  xml:
    description:
      - Also return each container's libvirt domain document in RV(xml).
    type: bool
    default: true
notes:
  - A container whose config holds a value the collection cannot parse is left out with a
    warning naming the key.
  - Selecting a container that does not exist is not an error; it is simply not returned.
seealso:
  - module: openvz.vz.container
"""

EXAMPLES = r"""
- name: Every container of the hypervisor
  openvz.vz.container_info:
  register: all_cts

- name: Their host names
  ansible.builtin.debug:
    msg: "{{ all_cts.containers | map(attribute='hostname') | list }}"

- name: Two containers by ID, one by name
  openvz.vz.container_info:
    ctid: [101, 102]
    name: [web1]

- name: OpenVZ 7 containers by UUID (as prlctl made them) and by name
  openvz.vz.container_info:
    ctid: [8a3a5b1e-4e4b-4d39-9a1b-0c6f5e1f2a3b]
    name: [MyCT]

- name: Running containers only, without XML
  openvz.vz.container_info:
    status: [running]
    xml: false
  register: running
"""

RETURN = r"""
containers:
  description:
    - The selected containers, in vzlist's order (by CTID), each as the C(container)
      dictionary M(openvz.vz.container) returns.
  returned: always
  type: list
  elements: dict
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
      description: One of V(running), V(stopped), V(mounted), V(suspended), V(paused).
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
    - ctid: "101"
      name: web1
      status: running
      hostname: web1.example.com
      ip_addresses: [192.0.2.101]
      ostemplate: debian-12.0-x86_64-minimal
xml:
  description:
    - CTID -> libvirt domain document of that container.
    - A container whose ID is a UUID has no C(id) attribute (libvirt's domain id is a number);
      its C(<name>) and C(<uuid>) are the UUID.
  returned: when O(xml=true)
  type: dict
  sample:
    "101": "<domain type=\"openvz\" id=\"101\">...</domain>"
"""

import os

from ansible.module_utils.basic import AnsibleModule

from ansible_collections.openvz.vz.plugins.module_utils._vz import vz_conf, vz_listing, vz_validate
from ansible_collections.openvz.vz.plugins.module_utils._vz.vz_facts import VZLIST_STATUSES
from ansible_collections.openvz.vz.plugins.module_utils._vz.vz_module import run_and_exit
from ansible_collections.openvz.vz.plugins.module_utils._vz.vz_runner import Runner


def _xml_codec(module):
    """vz_xml, once lxml is known to be there: loaded only when documents are asked for."""
    from ansible_collections.openvz.vz.plugins.module_utils._vz import vz_lxml, vz_xml  # pylint: disable=import-outside-toplevel
    vz_lxml.require_lxml(module)
    return vz_xml


def main():
    module = AnsibleModule(
        argument_spec=dict(
            ctid=dict(type="list", elements="str"),
            name=dict(type="list", elements="str"),
            status=dict(type="list", elements="str", choices=list(VZLIST_STATUSES)),
            xml=dict(type="bool", default=True),
            timeout=dict(type="int", default=300),
        ),
        supports_check_mode=True,
    )
    params = module.params
    # With xml=false neither lxml nor the XML codec is loaded.
    vz_xml = _xml_codec(module) if params["xml"] else None
    runner = Runner(module, timeout=params["timeout"])

    def listing():
        # Checked as the container module checks them: a filter that can match nothing fails.
        selection = vz_listing.Selection([vz_validate.ctid(c) for c in params["ctid"] or ()],
                                         [vz_validate.name(n) for n in params["name"] or ()],
                                         params["status"])
        _rc, out, _err = runner.run(list(vz_listing.VZLIST_ARGV))
        found, warnings = vz_listing.containers(
            vz_listing.parse_vzlist(out), vz_listing.read_local_conf_text,
            vz_conf.read_globals(), selection)
        result = {"changed": False, "containers": [ct.to_dict() for ct in found], "warnings": warnings}
        if params["xml"]:
            result["xml"] = dict((ct.ctid, vz_xml.to_xml(ct, os.cpu_count())) for ct in found)
        return result

    run_and_exit(module, listing)


if __name__ == "__main__":
    main()
