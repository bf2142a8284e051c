#!/usr/bin/python
# -*- coding: utf-8 -*-
# Copyright: (c) 2026, openvz.vz contributors
# GNU General Public License v3.0+ (see https://www.gnu.org/licenses/gpl-3.0.txt)

from __future__ import absolute_import, division, print_function
__metaclass__ = type

DOCUMENTATION = r"""
---
module: container_exec
short_description: Run a command inside a running OpenVZ container
version_added: 0.1.0
description:
  - Runs one command inside a running container with the host's C(vzctl exec2), which
    returns the command's own exit status.
  - With O(argv) every element reaches the command as one literal argument. C(vzctl exec2)
    hands its arguments to the container's shell, so the module quotes each element for
    a POSIX shell; shell syntax in an element (C($(...)), C(;), quotes, globs, line breaks)
    is never interpreted.
  - With O(cmd) the text is run by the container's shell (C(bash), or C(sh) without bash);
    this must be asked for with O(shell=true).
  - O(creates) and O(removes) make the task idempotent as with M(ansible.builtin.command).
    They are checked inside the container, so a symbolic link there resolves inside the
    container, never on the host.
author:
  - openvz.vz maintainers (@openvz-collections)
requirements:
  - vzctl on the hypervisor
extends_documentation_fragment:
  - ansible.builtin.action_common_attributes
  - openvz.vz.vzctl_timeout
  - openvz.vz.vzctl_timeout.container_exec
  - openvz.vz.container_identity
  - openvz.vz.container_identity.required
attributes:
  check_mode:
    support: partial
    details:
      - The command is never run in check mode. When O(creates) or O(removes) decide that it
        would not run, the result is the same as in a real run; otherwise the task reports
        C(changed), as the real run would.
  diff_mode:
    support: none
  platform:
    support: full
    platforms: posix
options:
  argv:
    description:
      - The command and its arguments. Each element is passed literally.
      - Exactly one of O(argv) and O(cmd) is required.
    type: list
    elements: str
  cmd:
    description:
      - A command line for the container's shell (pipes, redirections, variables).
      - Needs O(shell=true).
    type: str
  shell:
    description:
      - Confirms that O(cmd) is meant to be interpreted by the container's shell.
      - Not used with O(argv), which never goes through a shell's parsing.
    type: bool
    default: false
  chdir:
    description: Absolute directory inside the container to run the command in.
    type: str
  stdin:
    description: Text to feed to the command's standard input.
    type: str
  stdin_add_newline:
    description: Append a newline to O(stdin).
    type: bool
    default: true
  strip_empty_ends:
    description: Strip trailing line breaks from the returned stdout and stderr.
    type: bool
    default: true
  creates:
    description:
      - A path inside the container; when it exists, the command is not run.
      - Relative paths are taken from O(chdir) (or C(/)). No glob patterns.
    type: str
  removes:
    description:
      - A path inside the container; when it does not exist, the command is not run.
      - Relative paths are taken from O(chdir) (or C(/)). No glob patterns.
    type: str
  check_rc:
    description:
      - Fail the task when the command exits non-zero.
      - With V(false) the task succeeds and RV(rc) holds the status.
    type: bool
    default: true
notes:
  - C(vzctl exec2) itself fails with status 31 when the container is not running; the module
    checks the container's status first and reports C(container CTID is not running).
seealso:
  - module: ansible.builtin.command
  - module: openvz.vz.container
"""

EXAMPLES = r"""
- name: Install a package inside container 101
  openvz.vz.container_exec:
    ctid: 101
    argv: [apt-get, install, -y, nginx]
    creates: /usr/sbin/nginx

- name: Pass data on standard input
  openvz.vz.container_exec:
    ctid: 101
    argv: [tee, /etc/motd]
    stdin: "Welcome to web1"

- name: Use the container's shell explicitly
  openvz.vz.container_exec:
    ctid: 101
    cmd: "ls /etc | wc -l > /root/count"
    shell: true
    removes: /etc/ready

- name: A command whose failure is not fatal
  openvz.vz.container_exec:
    ctid: 101
    argv: [systemctl, is-active, nginx]
    check_rc: false
  register: nginx_state
  changed_when: false
"""

RETURN = r"""
rc:
  description: The command's exit status (V(0) when O(creates)/O(removes) skipped it; null when it did not run in check mode).
  returned: always
  type: int
  sample: 0
stdout:
  description: The command's standard output.
  returned: always
  type: str
  sample: "hello"
stderr:
  description: The command's standard error.
  returned: always
  type: str
  sample: ""
stdout_lines:
  description: RV(stdout) split into lines.
  returned: always
  type: list
  elements: str
  sample: ["hello"]
stderr_lines:
  description: RV(stderr) split into lines.
  returned: always
  type: list
  elements: str
  sample: []
cmd:
  description: The C(vzctl) argv run on the host; its last element is the quoted command line.
  returned: always
  type: list
  elements: str
  sample: ["vzctl", "exec2", "101", "'echo' 'hello'"]
msg:
  description: Why the command did not run, or why the task failed.
  returned: when the command did not run, or on failure
  type: str
  sample: "Did not run command since '/usr/sbin/nginx' exists"
"""

from ansible.module_utils.basic import AnsibleModule

from ansible_collections.openvz.vz.plugins.module_utils._vz.vz_errors import VzError
from ansible_collections.openvz.vz.plugins.module_utils._vz.vz_exec import Executor
from ansible_collections.openvz.vz.plugins.module_utils._vz.vz_runner import Runner


def main():
    module = AnsibleModule(
        argument_spec=dict(
            ctid=dict(type="str", required=True),
            argv=dict(type="list", elements="str"),
            cmd=dict(type="str"),
            shell=dict(type="bool", default=False),
            chdir=dict(type="str"),
            stdin=dict(type="str"),
            stdin_add_newline=dict(type="bool", default=True),
            strip_empty_ends=dict(type="bool", default=True),
            creates=dict(type="str"),
            removes=dict(type="str"),
            check_rc=dict(type="bool", default=True),
            timeout=dict(type="int", default=3600),
        ),
        mutually_exclusive=[["argv", "cmd"]],
        required_one_of=[["argv", "cmd"]],
        supports_check_mode=True,
    )
    params = module.params
    if params["cmd"] is not None and not params["shell"]:
        module.fail_json(msg="cmd: runs through the container's shell; set shell: true to confirm, "
                             "or give the command as argv")
    if params["argv"] is not None and params["shell"]:
        module.fail_json(msg="shell: applies to cmd only; argv elements are always passed literally")
    try:
        result = Executor(Runner(module, timeout=params["timeout"]), check_mode=module.check_mode).run(
            params["ctid"], argv=params["argv"], cmd=params["cmd"], chdir=params["chdir"],
            stdin=params["stdin"], stdin_add_newline=params["stdin_add_newline"],
            strip_empty_ends=params["strip_empty_ends"], creates=params["creates"],
            removes=params["removes"])
    except VzError as exc:
        module.fail_json(**exc.to_result())
    if result["rc"] and params["check_rc"]:
        result["msg"] = "non-zero return code %d" % result["rc"]
        module.fail_json(**result)
    # Ansible counts a result with a non-zero rc as failed unless told otherwise.
    module.exit_json(failed=False, **result)


if __name__ == "__main__":
    main()
