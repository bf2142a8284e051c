#!/usr/bin/python
# -*- coding: utf-8 -*-
# Copyright: (c) 2026, openvz.vz contributors
# GNU General Public License v3.0+ (see https://www.gnu.org/licenses/gpl-3.0.txt)

from __future__ import absolute_import, division, print_function
__metaclass__ = type

DOCUMENTATION = r"""
---
module: snapshot
short_description: Create, delete, switch to and list snapshots of ploop-based OpenVZ containers
version_added: 0.1.0
description:
  - Manages the ploop snapshots of one container with the host's C(vzctl snapshot),
    C(vzctl snapshot-delete), C(vzctl snapshot-switch) and C(vzctl snapshot-list).
  - A snapshot is identified by O(uuid) when given, else by O(name). Creating a snapshot
    whose name (or uuid) already exists, deleting one that does not exist, and switching to
    the current snapshot change nothing.
  - Snapshots exist only for ploop-based containers (OpenVZ 7, or vzctl 4.x built with
    ploop); a simfs container, or a vzctl without snapshot support, is a clear error.
  - Always returns the container's snapshot list; with neither O(name) nor O(uuid) (and
    O(state=present)) it changes nothing and only lists them.
author:
  - openvz.vz maintainers (@openvz-collections)
requirements:
  - vzctl on the hypervisor, with ploop support
extends_documentation_fragment:
  - ansible.builtin.action_common_attributes
  - openvz.vz.vzctl_timeout
  - openvz.vz.vzctl_timeout.snapshot
  - openvz.vz.container_identity
  - openvz.vz.container_identity.required
attributes:
  check_mode:
    support: full
    details: Reports the exact vzctl commands a real run would make, and runs none of them.
  diff_mode:
    support: full
    details: Before and after are the snapshot list, one C(UUID [*] NAME) line each (C(*) marks the current snapshot).
  platform:
    support: full
    platforms: posix
options:
  state:
    description:
      - V(present) creates the snapshot unless one with this O(uuid) (or, without O(uuid),
        this O(name)) exists. Without O(name) and O(uuid) it only returns the list.
      - V(absent) deletes the snapshot with this O(uuid), or every snapshot with this O(name).
      - V(switched) reverts the container to the snapshot (C(vzctl snapshot-switch)) unless it
        is already the current one; with O(name) the name must be unique.
    type: str
    choices: [present, absent, switched]
    default: present
  name:
    description: Snapshot name. One line, no control characters.
    type: str
  uuid:
    description:
      - Snapshot UUID, with or without braces; V(present) creates the snapshot with this id.
      - Returned in vzctl's form, C({lower-case}).
    type: str
  description:
    description: Description stored with a new snapshot. One line, no control characters.
    type: str
  skip_suspend:
    description:
      - With V(present) on a running container, do not suspend it to save its memory state
        (C(--skip-suspend)); the snapshot then holds the file system only.
    type: bool
    default: false
  skip_resume:
    description:
      - With V(switched), do not resume the container from the snapshot's saved memory state
        (C(--skip-resume)); the container is left stopped.
    type: bool
    default: false
  force:
    description: With V(switched), switch even when the snapshot is already the current one.
    type: bool
    default: false
notes:
  - Snapshots record no changes made after them, so a container switched to a snapshot and
    changed since still shows that snapshot as current; use O(force=true) to revert again.
  - The description and the name of an existing snapshot cannot be changed with vzctl.
seealso:
  - module: openvz.vz.container
"""

EXAMPLES = r"""
- name: Snapshot container 101 before an upgrade
  openvz.vz.snapshot:
    ctid: 101
    name: before-upgrade
    description: taken by Ansible before the upgrade

- name: Roll back to it, leaving the container stopped
  openvz.vz.snapshot:
    ctid: 101
    name: before-upgrade
    state: switched
    skip_resume: true

- name: Delete it
  openvz.vz.snapshot:
    ctid: 101
    name: before-upgrade
    state: absent

- name: List the snapshots (no name, no uuid)
  openvz.vz.snapshot:
    ctid: 101
  register: snaps
"""

RETURN = r"""
snapshots:
  description: The container's snapshots after the task, in vzctl's order.
  returned: always
  type: list
  elements: dict
  contains:
    uuid:
      description: Snapshot id, C({lower-case uuid}).
      type: str
    parent_uuid:
      description: Id of the snapshot this one was taken after, or null.
      type: str
    current:
      description: Whether the container currently runs on top of this snapshot.
      type: bool
    date:
      description: Creation time as vzctl prints it (C(YYYY-MM-DD HH:MM:SS)).
      type: str
    name:
      description: Snapshot name (empty when none was given).
      type: str
    description:
      description: Snapshot description.
      type: str
  sample:
    - uuid: "{8d5e3d7c-1b0a-4d43-a3a0-2f9f1a1e6c11}"
      parent_uuid: null
      current: true
      date: "2026-01-31 12:00:00"
      name: before-upgrade
      description: ""
snapshot:
  description: The snapshot the task was about (created, found or switched to); null for V(absent) and a listing.
  returned: always
  type: dict
commands:
  description: The vzctl argv lists run (or, in check mode, that would run), in order.
  returned: always
  type: list
  elements: list
  sample: [["vzctl", "snapshot", "101", "--name", "before-upgrade"]]
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

from ansible_collections.openvz.vz.plugins.module_utils._vz.vz_module import run_and_exit
from ansible_collections.openvz.vz.plugins.module_utils._vz.vz_runner import Runner
from ansible_collections.openvz.vz.plugins.module_utils._vz.vz_snapshot import Snapshots


def main():
    module = AnsibleModule(
        argument_spec=dict(
            ctid=dict(type="str", required=True),
            state=dict(type="str", default="present", choices=["present", "absent", "switched"]),
            name=dict(type="str"),
            uuid=dict(type="str"),
            description=dict(type="str"),
            skip_suspend=dict(type="bool", default=False),
            skip_resume=dict(type="bool", default=False),
            force=dict(type="bool", default=False),
            timeout=dict(type="int", default=1800),
        ),
        supports_check_mode=True,
    )
    params = module.params
    snapshots = Snapshots(Runner(module, timeout=params["timeout"]), check_mode=module.check_mode)
    run_and_exit(module, lambda: snapshots.converge(
        params["ctid"], params["state"], uuid=params["uuid"], name=params["name"],
        description=params["description"], skip_suspend=params["skip_suspend"],
        skip_resume=params["skip_resume"], force=params["force"]))


if __name__ == "__main__":
    main()
