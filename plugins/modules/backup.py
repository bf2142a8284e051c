#!/usr/bin/python
# -*- coding: utf-8 -*-
# Copyright: (c) 2026, openvz.vz contributors
# GNU General Public License v3.0+ (see https://www.gnu.org/licenses/gpl-3.0.txt)

from __future__ import absolute_import, division, print_function
__metaclass__ = type

DOCUMENTATION = r"""
---
module: backup
short_description: Back up and restore OpenVZ containers with vzdump/vzrestore or prlctl
version_added: 0.1.0
description:
  - Makes, restores and deletes container backups with each flavour's own tools;
    M(openvz.vz.backup_info) lists them.
  - On legacy OpenVZ (vzctl 4.x) with C(vzdump) and C(vzrestore). vzdump writes the archive
    C(vzdump-openvz-CTID-YYYY_MM_DD-HH_MM_SS.tar) (C(.tgz) with O(compress)) and its log
    (C(.log)) into the dump directory (O(dumpdir), by default C(DUMPDIR) of C(vz.conf)); the
    archive holds the private area and the container's config as C(./etc/vzdump/vps.conf).
  - On OpenVZ 7 with C(prlctl backup), C(prlctl backup-list), C(prlctl restore) and
    C(prlctl backup-delete); the backups are kept by the host's dispatcher (by default
    under C(/vz/vmprivate/backups)) and named by backup ids C({uuid}) (full) and C({uuid}.N)
    (incremental).
  - A backup is identified by O(backup) (legacy the archive's file name or path, OpenVZ 7 its
    backup id); the container by O(ctid) or O(name).
author:
  - openvz.vz maintainers (@openvz-collections)
requirements:
  - legacy OpenVZ, vzctl 4.x with vzdump; or OpenVZ 7 with prlctl
  - lxml on the hypervisor, for O(state=restored) (the restored container's domain XML)
extends_documentation_fragment:
  - ansible.builtin.action_common_attributes
  - openvz.vz.vzctl_timeout
  - openvz.vz.vzctl_timeout.backup
  - openvz.vz.container_identity
attributes:
  check_mode:
    support: full
    details: Reports the exact commands a real run would make, and runs none of them.
  diff_mode:
    support: full
    details: >-
      Before and after are the backup list, one C(ID CONTAINER DATE SIZE) line each; for
      O(state=restored) the container's domain XML before and after.
  platform:
    support: full
    platforms: posix
options:
  state:
    description:
      - V(present) makes a backup of the container unless one exists that is at most
        O(max_age) old (without O(max_age), any backup of it will do). Returns the
        container's backups.
      - V(restored) restores O(backup), or without it the newest backup of the container
        O(ctid) or O(name), to O(target_ctid). An existing target container is refused
        unless O(force=true); then it is first destroyed as O(state=absent) of
        M(openvz.vz.container) destroys it (stopped, then C(vzctl destroy)), never
        overwritten in place. A target this module restored from the same backup, on
        the private area the restore made, is left as it is (a re-run is V(ok)); the
        module keeps that record in C(/var/lib/openvz.vz/restored/CTID), since neither
        vzrestore nor prlctl records where a container came from.
      - V(absent) deletes O(backup), or the backups of the container O(ctid) or O(name)
        (those older than O(max_age) when it is given).
      - M(openvz.vz.backup_info) lists backups without changing anything.
    type: str
    choices: [present, restored, absent]
    default: present
  name:
    description: Container name, instead of or with O(ctid).
    type: str
  backup:
    description:
      - The backup to restore or delete.
      - Legacy OpenVZ, an archive vzdump wrote, by its file name
        (C(vzdump-openvz-101-2026_01_31-12_00_00.tar)) in O(dumpdir), or by its absolute path.
      - OpenVZ 7, a backup id as C(prlctl backup-list) prints it, C({uuid}) or C({uuid}.N)
        (braces optional).
    type: str
  dumpdir:
    description:
      - Legacy OpenVZ only, the directory vzdump writes archives into and the module lists
        (C(vzdump --dumpdir)). An absolute path of letters, digits, C(_.+-) components.
      - Default C(DUMPDIR) of C(/etc/vz/vz.conf) (vzdump's own default).
    type: str
  mode:
    description:
      - Legacy OpenVZ only, how vzdump keeps a running container consistent (C(--suspend),
        C(--snapshot), C(--stop)). A stopped container is always backed up as it is.
      - V(snapshot) needs the private area on LVM; without it vzdump falls back to
        V(suspend). Given explicitly it also needs the LVM tools (C(lvcreate), C(lvs),
        C(lvremove)) installed, or vzdump refuses to start. Unset, vzdump's own default
        applies (C(mode) of C(/etc/vzdump.conf), else V(snapshot), with the same fallback).
    type: str
    choices: [suspend, snapshot, stop]
  compress:
    description: Legacy OpenVZ only, gzip the archive (C(vzdump --compress), a C(.tgz) file).
    type: bool
    default: false
  maxfiles:
    description:
      - Legacy OpenVZ only, the number of archives of the container vzdump keeps in
        O(dumpdir), the new one included (C(--maxfiles)); V(0) keeps all.
      - Unset, vzdump's default applies, which is C(maxfiles) of C(/etc/vzdump.conf), else
        V(1), so every new backup deletes the older ones.
    type: int
  full:
    description:
      - OpenVZ 7 only, make a full backup (C(prlctl backup -f)). V(false) lets prlctl make an
        incremental one after the last full backup.
    type: bool
    default: true
  max_age:
    description:
      - With O(state=present), the age a backup may have and still count, a number followed
        by one unit, V(s), V(m), V(h), V(d) or V(w) (V(12h), V(1d)).
      - With O(state=absent) and no O(backup), only backups older than this are deleted.
      - The age comes from the time vzdump encodes in the archive name (the host's local
        time), or the date prlctl lists.
    type: str
  target_ctid:
    description:
      - With O(state=restored), the container ID to restore to. Default, the container the
        backup was made of.
      - On OpenVZ 7 prlctl restores a backup to its own container only, so a different
        O(target_ctid) is refused.
    type: str
  force:
    description:
      - With O(state=restored), destroy an existing target container first (see O(state)).
    type: bool
    default: false
notes:
  - vzdump exits with status 0 even when a container's backup failed; the module reads its
    output for the failure and fails the task with vzdump's message.
  - vzdump has no command to delete an archive; on legacy OpenVZ O(state=absent) removes the
    archive and its log with C(rm).
  - vzrestore does not create the name link C(/etc/vz/names/NAME) of a restored container.
seealso:
  - module: openvz.vz.backup_info
  - module: openvz.vz.container
  - module: openvz.vz.snapshot
"""

EXAMPLES = r"""
- name: A backup of container 101 at most a day old
  openvz.vz.backup:
    ctid: 101
    max_age: 1d
    compress: true
    mode: suspend
  register: backup

- name: Restore the newest backup of 101 as container 202
  openvz.vz.backup:
    ctid: 101
    state: restored
    target_ctid: 202

- name: Restore a given archive over container 101 (destroying it first)
  openvz.vz.backup:
    state: restored
    backup: /vz/dump/vzdump-openvz-101-2026_01_31-12_00_00.tgz
    force: true

- name: Delete backups of 101 older than two weeks
  openvz.vz.backup:
    ctid: 101
    state: absent
    max_age: 2w
"""

RETURN = r"""
backups:
  description: The backups after the task (of the container, when the task names one), oldest first.
  returned: always
  type: list
  elements: dict
  contains:
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
  sample:
    - id: vzdump-openvz-101-2026_01_31-12_00_00.tgz
      path: /vz/dump/vzdump-openvz-101-2026_01_31-12_00_00.tgz
      ctid: "101"
      uuid: null
      name: null
      date: "2026-01-31 12:00:00"
      timestamp: 1769860800
      size: 73400320
      type: full
      compressed: true
      log: /vz/dump/vzdump-openvz-101-2026_01_31-12_00_00.log
backup:
  description: >-
    The backup the task was about: made or found fresh enough (V(present)), restored
    (V(restored)); null otherwise and in check mode when a backup would be made.
  returned: always
  type: dict
commands:
  description: The argv lists run (or, in check mode, that would run), in order.
  returned: always
  type: list
  elements: list
  sample: [["vzdump", "--compress", "101"]]
target_ctid:
  description: With O(state=restored), the container restored to.
  returned: when state is restored
  type: str
xml:
  description: With O(state=restored), the restored container's libvirt domain XML; null in check mode.
  returned: when state is restored
  type: str
container:
  description: With O(state=restored), the restored container's settings as M(openvz.vz.container) returns them; null in check mode.
  returned: when state is restored
  type: dict
  contains:
    status:
      description: One of V(running), V(stopped), V(mounted), V(suspended), V(absent).
      type: str
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

from ansible_collections.openvz.vz.plugins.module_utils._vz.vz_backup import Backups
from ansible_collections.openvz.vz.plugins.module_utils._vz.vz_lxml import require_lxml
from ansible_collections.openvz.vz.plugins.module_utils._vz.vz_module import run_and_exit
from ansible_collections.openvz.vz.plugins.module_utils._vz.vz_runner import Runner


def main():
    module = AnsibleModule(
        argument_spec=dict(
            ctid=dict(type="str"),
            name=dict(type="str"),
            state=dict(type="str", default="present", choices=["present", "restored", "absent"]),
            backup=dict(type="str"),
            dumpdir=dict(type="str"),
            mode=dict(type="str", choices=["suspend", "snapshot", "stop"]),
            compress=dict(type="bool", default=False),
            maxfiles=dict(type="int"),
            full=dict(type="bool", default=True),
            max_age=dict(type="str"),
            target_ctid=dict(type="str"),
            force=dict(type="bool", default=False),
            timeout=dict(type="int", default=3600),
        ),
        supports_check_mode=True,
    )
    params = module.params
    if params["state"] == "restored":
        # the restored container is returned as its domain XML
        require_lxml(module)
    backups = Backups(Runner(module, timeout=params["timeout"]), check_mode=module.check_mode)
    run_and_exit(module, lambda: backups.converge(
        params["state"], ctid=params["ctid"], name=params["name"], backup=params["backup"],
        dumpdir=params["dumpdir"], mode=params["mode"], compress=params["compress"],
        max_age=params["max_age"], target_ctid=params["target_ctid"], force=params["force"],
        maxfiles=params["maxfiles"], full=params["full"]))


if __name__ == "__main__":
    main()
