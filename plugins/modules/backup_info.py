#!/usr/bin/python
# -*- coding: utf-8 -*-
# Copyright: (c) 2026, openvz.vz contributors
# GNU General Public License v3.0+ (see https://www.gnu.org/licenses/gpl-3.0.txt)

from __future__ import absolute_import, division, print_function
__metaclass__ = type

DOCUMENTATION = r"""
---
module: backup_info
short_description: List the container backups on an OpenVZ host
version_added: 0.1.0
description:
  - Lists the backups M(openvz.vz.backup) makes, with their size, date and container, and
    changes nothing.
  - On legacy OpenVZ the vzdump archives (C(vzdump-openvz-CTID-YYYY_MM_DD-HH_MM_SS.tar) or
    C(.tgz)) in the dump directory; vzdump keeps no index, so the list is the directory read
    by file name.
  - On OpenVZ 7 what C(prlctl backup-list -f) lists.
author:
  - openvz.vz maintainers (@openvz-collections)
requirements:
  - legacy OpenVZ, vzctl 4.x with vzdump; or OpenVZ 7 with prlctl
extends_documentation_fragment:
  - ansible.builtin.action_common_attributes
  - openvz.vz.vzctl_timeout
  - openvz.vz.vzctl_timeout.backup_info
  - openvz.vz.container_identity
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
  name:
    description: Container name; with it (or O(ctid)) only that container's backups are listed.
    type: str
  dumpdir:
    description:
      - Legacy OpenVZ only, the directory to list. An absolute path of letters, digits, C(_.+-)
        components. Default C(DUMPDIR) of C(/etc/vz/vz.conf).
    type: str
seealso:
  - module: openvz.vz.backup
"""

EXAMPLES = r"""
- name: Every backup on the hypervisor
  openvz.vz.backup_info:
  register: all_backups

- name: The backups of web1
  openvz.vz.backup_info:
    name: web1
  register: web1_backups
"""

RETURN = r"""
backups:
  description: The backups, oldest first within a container.
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
"""

from ansible.module_utils.basic import AnsibleModule

from ansible_collections.openvz.vz.plugins.module_utils._vz.vz_backup import Backups
from ansible_collections.openvz.vz.plugins.module_utils._vz.vz_module import run_and_exit
from ansible_collections.openvz.vz.plugins.module_utils._vz.vz_runner import Runner


def main():
    module = AnsibleModule(
        argument_spec=dict(
            ctid=dict(type="str"),
            name=dict(type="str"),
            dumpdir=dict(type="str"),
            timeout=dict(type="int", default=300),
        ),
        supports_check_mode=True,
    )
    params = module.params
    backups = Backups(Runner(module, timeout=params["timeout"]), check_mode=True)
    run_and_exit(module, lambda: backups.info(params["ctid"], params["name"], params["dumpdir"]))


if __name__ == "__main__":
    main()
