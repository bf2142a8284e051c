# -*- coding: utf-8 -*-
# Copyright: (c) 2026, openvz.vz contributors
# GNU General Public License v3.0+ (see https://www.gnu.org/licenses/gpl-3.0.txt)

from __future__ import absolute_import, division, print_function
__metaclass__ = type


class ModuleDocFragment(object):
    """The canonical text of the return values several modules share. Not to be extended.

    Ansible merges only a fragment's C(options), C(attributes), C(notes) and
    C(seealso) into a plugin's documentation (C(add_fragments) in
    C(ansible/utils/plugin_docs.py)); C(RETURN) is read from the module file
    alone, and validate-modules wants it there as a literal. So each module
    keeps its own copy of these blocks in its C(RETURN), and the unit test
    C(tests/unit/plugins/doc_fragments/test_doc_fragments.py) parses every
    module's C(RETURN) and fails unless each copy equals the text here
    exactly: the wording is defined here once and the copies cannot drift.
    To change it, change it here and in every module the test names.

    There is no C(DOCUMENTATION): listing this fragment in
    C(extends_documentation_fragment) is an error.
    """

    # The fields of the container dictionary: RV(container) of
    # openvz.vz.container and each item of RV(containers) of
    # openvz.vz.container_info (both made by the same code). The field
    # "status" is each module's own, as the states they can report differ
    # (container reports "absent", container_info "paused" on OpenVZ 7).
    CONTAINER = r"""
ctid:
  description: Container ID, a number or (OpenVZ 7) a UUID in lower case; always a string, so compare it with a string (V("101")), not a number.
  type: str
uuid:
  description: The container's UUID (OpenVZ 7 C(UUID) in C(ve.conf), else the C(#UUID:) comment libvirt keeps), or null.
  type: str
name:
  description: Container name, or null (C(vzlist) and C(prlctl list) show V(-) for none).
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
"""

    # What a module that runs an OpenVZ tool returns when a run fails
    # (VzError.to_result and VzToolError.to_result in module_utils/_vz/vz_errors.py).
    # The fields of one backup: each item of RV(backups) of openvz.vz.backup
    # and openvz.vz.backup_info (both made by vz_backup.py).
    BACKUP = r"""
id:
  description: Legacy, the archive's file name; OpenVZ 7, the backup id (C({uuid}) or C({uuid}.N)).
  type: str
path:
  description: Legacy, the archive's absolute path; null on OpenVZ 7.
  type: str
ctid:
  description: The container ID the backup is of; null on OpenVZ 7 when the host has no container with its UUID.
  type: str
uuid:
  description: OpenVZ 7, the container's UUID (no braces); null on legacy.
  type: str
name:
  description: OpenVZ 7, the container's name as prlctl lists it; null on legacy.
  type: str
date:
  description: When the backup was made, C(YYYY-MM-DD HH:MM:SS) in the host's local time.
  type: str
timestamp:
  description: The same as seconds since the epoch.
  type: int
size:
  description: Size in bytes.
  type: int
type:
  description: V(full) or V(incremental).
  type: str
compressed:
  description: Legacy, whether the archive is gzipped (C(.tgz)); null on OpenVZ 7.
  type: bool
log:
  description: Legacy, vzdump's log of the backup beside the archive, or null.
  type: str
"""

    FAILURE = r"""
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
