#!/usr/bin/python
# -*- coding: utf-8 -*-
# Copyright: (c) 2026, openvz.vz contributors
# GNU General Public License v3.0+ (see https://www.gnu.org/licenses/gpl-3.0.txt)

from __future__ import absolute_import, division, print_function
__metaclass__ = type

DOCUMENTATION = r"""
---
module: migrate
short_description: Move an OpenVZ container to another hypervisor with vzmigrate
version_added: 0.1.0
description:
  - Moves one container from the hypervisor the task runs on to O(dest) with the host's own
    C(vzmigrate) (the vzctl 4.x script, or OpenVZ 7's C(vzmigrate)), offline or live (O(online)).
  - Declarative. A container that is on O(dest) (as O(new_ctid) when given; on OpenVZ 7 with the
    same UUID as the copy kept here) and no longer on this hypervisor (or only kept as C(.migrated))
    is reported V(ok) and nothing runs.
  - Before anything moves it checks, with clear errors, that O(dest) answers over ssh from this
    hypervisor (root's key authorized there, its host key known; see the C(openvz_host_migration_peers)
    option of the C(openvz.vz.host) role), that the container ID is free there (a container of that ID
    on O(dest) is refused), that the container's OS template is installed there, that there is disk
    space for its private area, and that the bridges its veth devices use exist there; then it runs
    C(vzmigrate --dry-run), the tool's own checks.
  - C(vzmigrate) undoes its own steps when one fails, so the container stays on exactly one of the two
    hosts; the failure names the command, its exit code and meaning, and where the container is.
    A re-run converges.
author:
  - openvz.vz maintainers (@openvz-collections)
requirements:
  - vzmigrate and ssh on the hypervisor; root on it able to ssh to O(dest) without a password
extends_documentation_fragment:
  - ansible.builtin.action_common_attributes
  - openvz.vz.vzctl_timeout
  - openvz.vz.vzctl_timeout.migrate
attributes:
  check_mode:
    support: full
    details: Runs the preflight and C(vzmigrate --dry-run), and reports the exact command a real run would make in RV(commands).
  diff_mode:
    support: none
  platform:
    support: full
    platforms: posix
options:
  ctid:
    description:
      - Container ID, a number from 1 to 2147483644 in ASCII digits; on OpenVZ 7 also a UUID (braces
        optional), as C(prlctl create --vmtype ct) makes them. A UUID is refused on OpenVZ 6.
      - One of O(ctid) and O(name) is required.
    type: str
  name:
    description:
      - The container's name (C(/etc/vz/names)) on this hypervisor, instead of O(ctid).
    type: str
  dest:
    description:
      - The destination hypervisor as this one reaches it over ssh, C(host) or C(user@host) (a DNS
        name or an IP address). Nothing else is taken (no ssh options, no spaces, no leading C(-)).
      - vzctl 4.x C(vzmigrate) always logs in as C(root@); there only V(root) may be given as user.
    type: str
    required: true
  online:
    description:
      - Live migration (C(vzmigrate --online)); the container must be running. Its processes go on on
        the destination (suspend, copy, resume) instead of being stopped and started again.
    type: bool
    default: false
  keep_source:
    description:
      - Keep the container's data on this hypervisor after a successful migration (C(vzmigrate -r no));
        vzctl 4.x renames C(CTID.conf) to C(CTID.conf.migrated) and leaves the private area; OpenVZ 7
        renames the private area to C(PRIVATE.migrated). V(false) (C(-r yes)) destroys the source copy.
    type: bool
    default: false
  new_ctid:
    description:
      - The container's ID on the destination (C(vzmigrate --new-id)). OpenVZ 7 only.
    type: str
  start:
    description:
      - Whether a running (or mounted) container is started (mounted) again on the destination.
        V(false) is C(vzmigrate --nostart), OpenVZ 7 only (vzctl 4.x always restores the run state).
        A live migration always keeps the container running.
    type: bool
    default: true
notes:
  - The container's domain XML in RV(xml) is rendered from the destination's C(CTID.conf), read over
    ssh, with this hypervisor's global C(vz.conf) (the flavours of both hosts are the same).
"""

EXAMPLES = r"""
- name: Move container 101 to hv2, live
  openvz.vz.migrate:
    ctid: 101
    dest: hv2.example.com
    online: true

- name: Move web1 as 2101, keep a .migrated copy here, leave it stopped there (OpenVZ 7)
  openvz.vz.migrate:
    name: web1
    dest: root@10.0.0.12
    new_ctid: 2101
    keep_source: true
    start: false
"""

RETURN = r"""
changed:
  description: Whether the container was (or, in check mode, would be) migrated.
  returned: always
  type: bool
ctid:
  description: The container's ID on this hypervisor.
  returned: always
  type: str
  sample: "101"
dest_ctid:
  description: The container's ID on the destination.
  returned: always
  type: str
  sample: "101"
dest:
  description: The destination host (without the user).
  returned: always
  type: str
  sample: hv2.example.com
commands:
  description: The vzmigrate argv a run makes (or, in check mode, would make); empty when nothing was to do.
  returned: always
  type: list
  elements: list
  sample: [["vzmigrate", "-r", "yes", "--online", "hv2.example.com", "101"]]
container:
  description: The container as the destination stores it, as M(openvz.vz.container_info) returns containers.
  returned: success, except in check mode before a migration
  type: dict
xml:
  description: The container's libvirt domain XML, from the destination's config.
  returned: success, except in check mode before a migration
  type: str
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

from ansible_collections.openvz.vz.plugins.module_utils._vz import vz_lxml
from ansible_collections.openvz.vz.plugins.module_utils._vz.vz_facts import is_vz7_host
from ansible_collections.openvz.vz.plugins.module_utils._vz.vz_migrate import Migration
from ansible_collections.openvz.vz.plugins.module_utils._vz.vz_module import run_and_exit
from ansible_collections.openvz.vz.plugins.module_utils._vz.vz_runner import Runner


def main():
    module = AnsibleModule(
        argument_spec=dict(
            ctid=dict(type="str"),
            name=dict(type="str"),
            dest=dict(type="str", required=True),
            online=dict(type="bool", default=False),
            keep_source=dict(type="bool", default=False),
            new_ctid=dict(type="str"),
            start=dict(type="bool", default=True),
            timeout=dict(type="int", default=7200),
        ),
        mutually_exclusive=[["ctid", "name"]],
        supports_check_mode=True,
    )
    vz_lxml.require_lxml(module)
    migration = Migration(Runner(module, timeout=module.params["timeout"]), module.check_mode, is_vz7_host())
    run_and_exit(module, lambda: migration.converge(module.params))


if __name__ == "__main__":
    main()
