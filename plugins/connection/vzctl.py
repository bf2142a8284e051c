# -*- coding: utf-8 -*-
# Copyright: (c) 2026, openvz.vz contributors
# GNU General Public License v3.0+ (see https://www.gnu.org/licenses/gpl-3.0.txt)

from __future__ import annotations

DOCUMENTATION = r"""
name: vzctl
short_description: Run tasks inside OpenVZ containers through vzctl exec on their hypervisor
version_added: 0.1.0
description:
  - Runs commands in a running OpenVZ container with C(vzctl exec2) on its hypervisor, so the
    container needs no SSH server, only C(/bin/sh) (and Python for modules).
  - The hypervisor is this machine (O(hypervisor) unset) or is reached over SSH with the
    user's own ssh settings (C(~/.ssh/config), the usual C(ansible_ssh_*_args) variables,
    a control master shared between tasks).
  - Each command is handed to C(vzctl exec2) as one argument, quoted once for the container's
    shell; over SSH it is quoted once more for the hypervisor user's shell, which must be a
    POSIX shell. Nothing else reinterprets it.
  - Files are streamed through C(vzctl exec2) into C(cat) running inside the container, so a
    path is resolved by the container's own root (a chroot on the hypervisor); nothing is ever
    written into the container's root directory from the hypervisor side, and a symlink
    planted inside the container cannot redirect a write onto the hypervisor.
  - The inventory plugin P(openvz.vz.openvz#inventory) sets every variable this plugin needs.
  - Over SSH one control master per hypervisor (user, address and port) carries every task of a
    play, whatever the number of containers and forks; a C(reset_connection) meta task stops it.
author:
  - openvz.vz maintainers (@openvz-collections)
extends_documentation_fragment:
  - connection_pipelining
  - openvz.vz.hypervisor_ssh
  - openvz.vz.hypervisor_ssh.connection
options:
  pipelining:
    description:
      - Whether a module is sent to the container's Python on standard input (one C(vzctl exec2) a
        task) instead of being copied into a temporary directory and run from there (six for a ping).
      - On by default, unlike most connection plugins. Their reason to keep it off, C(sudo) with
        C(requiretty), does not apply here, as C(vzctl exec2) gives the command no terminal with or
        without pipelining; whatever C(become) works without it works with it.
      - Ansible turns pipelining off by itself for C(become) methods that cannot pipeline
        (C(ansible.builtin.su)), for C(async) tasks and with C(ANSIBLE_KEEP_REMOTE_FILES).
    default: true
  remote_addr:
    description:
      - ID (or name) of the container on the hypervisor, in ASCII digits, or a container name
        (letters, digits, C(_ . + -), starting with a letter or digit). Anything else is refused.
      - On OpenVZ 7 also a UUID ID in lower case without braces, the form the
        P(openvz.vz.openvz#inventory) inventory sets in C(ansible_openvz_ctid) (containers made
        by C(prlctl create --vmtype ct) have one).
    type: str
    default: inventory_hostname
    vars:
      - name: inventory_hostname
      - name: ansible_host
      - name: ansible_openvz_ctid
  hypervisor:
    description:
      - Address (or ssh host alias) of the hypervisor running the container.
      - Unset means this machine; the controller is then the hypervisor.
    type: str
    vars:
      - name: ansible_openvz_hypervisor
    env:
      - name: ANSIBLE_OPENVZ_HYPERVISOR
  hypervisor_transport:
    description:
      - How to reach the hypervisor. Defaults to V(ssh) when O(hypervisor) is set, else V(local).
    type: str
    choices: [local, ssh]
    vars:
      - name: ansible_openvz_hypervisor_transport
  hypervisor_user:
    description:
      - User to log in to the hypervisor as; it must be allowed to run C(vzctl) (normally root).
      - Unset leaves the choice to ssh (its configuration or the local user name).
    type: str
    vars:
      - name: ansible_openvz_hypervisor_user
  hypervisor_port:
    description: SSH port of the hypervisor; unset leaves the choice to ssh.
    type: int
    vars:
      - name: ansible_openvz_hypervisor_port
  private_key_file:
    description: Key to log in to the hypervisor with.
    type: path
    ini:
      - section: defaults
        key: private_key_file
    env:
      - name: ANSIBLE_PRIVATE_KEY_FILE
    vars:
      - name: ansible_private_key_file
      - name: ansible_ssh_private_key_file
      - name: ansible_openvz_hypervisor_private_key_file
  ssh_args:
    description:
      - Arguments given to every ssh call. The default shares one connection per hypervisor
        between tasks (a control master in O(control_path_dir)), kept ten minutes after its last
        use so that a hypervisor left idle while other hosts run a long task still has it.
      - With a C(ControlPath) of your own here (or in O(ssh_common_args), O(ssh_extra_args)) ssh
        alone decides when to log in, and on a play's first task each fork may log in by itself.
    type: str
    default: -C -o ControlMaster=auto -o ControlPersist=10m
    ini:
      - section: ssh_connection
        key: ssh_args
    env:
      - name: ANSIBLE_SSH_ARGS
    vars:
      - name: ansible_ssh_args
  ssh_extra_args:
    description: Extra arguments for every ssh call.
    type: str
    default: ''
    ini:
      - section: ssh_connection
        key: ssh_extra_args
    env:
      - name: ANSIBLE_SSH_EXTRA_ARGS
    vars:
      - name: ansible_ssh_extra_args
  control_path_dir:
    description: Where the ssh control sockets live.
    type: path
    default: ~/.ansible/cp
    ini:
      - section: ssh_connection
        key: control_path_dir
    env:
      - name: ANSIBLE_SSH_CONTROL_PATH_DIR
    vars:
      - name: ansible_control_path_dir
  vzctl_executable:
    description: The vzctl program on the hypervisor.
    type: str
    default: vzctl
    vars:
      - name: ansible_openvz_vzctl_executable
notes:
  - Commands run as root inside the container (what C(vzctl exec) does); the remote user is
    ignored. Use C(become) (C(become_method=sudo) or C(su)) to run as another user.
  - C(become) methods that ask for a password are not supported, there is no terminal.
  - With C(become_method=su) Ansible itself turns pipelining off for the task.
  - C(vzctl exec) gives commands the environment C(HOME=/), C(TERM), C(PATH) only.
  - An exit code of 255 over SSH is taken as a failed SSH connection, as the ssh plugin does.
seealso:
  - plugin: openvz.vz.openvz
    plugin_type: inventory
"""

EXAMPLES = r"""
# inventory.ini: container 101 on the hypervisor hv1.example.com
# ct101 ansible_connection=openvz.vz.vzctl ansible_openvz_ctid=101
#       ansible_openvz_hypervisor=hv1.example.com ansible_openvz_hypervisor_user=root

- name: Inside the container, without SSH in it
  hosts: ct101
  gather_facts: true
  tasks:
    - name: A file in the container
      ansible.builtin.copy:
        content: "hello\n"
        dest: /etc/motd
        mode: "0644"

    - name: A command as another user
      ansible.builtin.command: id -u
      become: true
      become_method: ansible.builtin.su
      become_user: nobody
      become_flags: -s /bin/sh
      changed_when: false
"""

import os
import re
import shlex

from ansible.errors import AnsibleConnectionFailure, AnsibleError, AnsibleFileNotFound
from ansible.module_utils.common.text.converters import to_bytes, to_text
from ansible.plugins.connection import ConnectionBase
from ansible.utils.display import Display

from ansible_collections.openvz.vz.plugins.plugin_utils.hypervisor import Hypervisor, HypervisorError

display = Display()

CTID_RE = re.compile(r"[1-9][0-9]{0,9}")
NAME_RE = re.compile(r"[A-Za-z0-9][A-Za-z0-9_.+-]{0,63}")

# vzctl's own failures when the command never ran (include/vzerror.h).
VZ_NOCONF = 14
VZ_NOT_RUNNING = 31


class Connection(ConnectionBase):
    """Commands and files go through ``vzctl exec2 CTID 'command'`` on the hypervisor."""

    transport = "openvz.vz.vzctl"
    has_pipelining = True
    default_user = "root"

    def __init__(self, *args, **kwargs):
        super().__init__(*args, **kwargs)
        self._hypervisor = None

    @property
    def ctid(self):
        ctid = str(self.get_option("remote_addr"))
        # vzctl takes an ID or a name here; anything else (an option, a blank)
        # would be read by vzctl as something it is not.
        if not (CTID_RE.fullmatch(ctid) or NAME_RE.fullmatch(ctid) and not ctid.isdigit()):
            raise AnsibleConnectionFailure(
                "openvz.vz.vzctl: %r is not a container ID (ASCII digits) or name (letters, digits, "
                "'_ . + -', starting with a letter or digit); set ansible_openvz_ctid" % ctid)
        return ctid

    def _new_hypervisor(self):
        try:
            return Hypervisor(
                address=self.get_option("hypervisor"),
                transport=self.get_option("hypervisor_transport"),
                user=self.get_option("hypervisor_user"),
                port=self.get_option("hypervisor_port"),
                private_key_file=self.get_option("private_key_file"),
                ssh_executable=self.get_option("ssh_executable"),
                ssh_args=self.get_option("ssh_args"),
                ssh_common_args=self.get_option("ssh_common_args"),
                ssh_extra_args=self.get_option("ssh_extra_args"),
                control_path_dir=self.get_option("control_path_dir"),
                host_key_checking=self.get_option("host_key_checking"),
                timeout=self.get_option("timeout"),
            )
        except ValueError as exc:
            raise AnsibleConnectionFailure("openvz.vz.vzctl: %s" % exc) from exc

    def _connect(self):
        if not self._connected:
            self._hypervisor = self._new_hypervisor()
            display.vvv("OPENVZ: container %s on %s (%s)" % (
                self.ctid, self._hypervisor.label, self._hypervisor.transport), host=self.ctid)
            self._connected = True
        return self

    def _exec(self, shell_command, stdin=None, stdout=None):
        """Run ``shell_command`` (one string for the container's shell) in the container."""
        argv = [self.get_option("vzctl_executable"), "exec2", self.ctid, shell_command]
        display.vvv("OPENVZ EXEC %s" % argv, host=self.ctid)
        try:
            rc, out, err = self._hypervisor.run(argv, stdin=stdin, stdout=stdout)
        except HypervisorError as exc:
            raise AnsibleConnectionFailure(str(exc)) from exc
        self._check_container(rc, err)
        return rc, out, err

    def _check_container(self, rc, err):
        """Turn vzctl's own refusals (the command never ran) into connection failures."""
        text = to_text(err, errors="surrogate_or_replace").strip()
        where = "on hypervisor %s" % self._hypervisor.label
        if rc == VZ_NOT_RUNNING and text.endswith("Container is not running"):
            raise AnsibleConnectionFailure("container %s is not running %s" % (self.ctid, where))
        if rc == VZ_NOCONF and "config" in text and "does not exist" in text:
            raise AnsibleConnectionFailure("container %s does not exist %s" % (self.ctid, where))
        if rc == 127 and not text.count("\n") and "vzctl" in text and "not found" in text:
            raise AnsibleConnectionFailure("vzctl not found %s: %s" % (where, text))

    def exec_command(self, cmd, in_data=None, sudoable=True):
        super().exec_command(cmd, in_data=in_data, sudoable=sudoable)
        if sudoable and self.become and self.become.expect_prompt():
            raise AnsibleError("the openvz.vz.vzctl connection cannot answer a become password "
                               "prompt (there is no terminal); use a become method that needs none")
        return self._exec(cmd, stdin=in_data)

    def put_file(self, in_path, out_path):
        super().put_file(in_path, out_path)
        display.vvv("PUT %s TO %s" % (in_path, out_path), host=self.ctid)
        if not os.path.isfile(to_bytes(in_path, errors="surrogate_or_strict")):
            raise AnsibleFileNotFound("file or module does not exist: %s" % in_path)
        # The redirection is opened by the container's shell, inside its root.
        command = "cat > %s" % shlex.quote(out_path)
        with open(to_bytes(in_path, errors="surrogate_or_strict"), "rb") as source:
            rc, out, err = self._exec(command, stdin=source)
        if rc != 0:
            raise AnsibleError("failed to transfer %s to %s in container %s: %s" % (
                in_path, out_path, self.ctid, to_text(err or out).strip()))

    def fetch_file(self, in_path, out_path):
        super().fetch_file(in_path, out_path)
        display.vvv("FETCH %s TO %s" % (in_path, out_path), host=self.ctid)
        command = "cat < %s" % shlex.quote(in_path)
        b_out_path = to_bytes(out_path, errors="surrogate_or_strict")
        try:
            with open(b_out_path, "wb") as target:
                rc, _out, err = self._exec(command, stdout=target)
        except BaseException:
            _unlink(b_out_path)
            raise
        if rc != 0:
            _unlink(b_out_path)
            raise AnsibleError("failed to fetch %s from container %s: %s" % (
                in_path, self.ctid, to_text(err).strip()))

    def reset(self):
        """Forget the hypervisor; over SSH stop its control master so the next task logs in anew.

        Called by ``meta: reset_connection`` (on a fresh instance, options set,
        never connected) and by ``wait_for_connection`` between its tries.
        """
        hypervisor = self._hypervisor or self._new_hypervisor()
        try:
            if hypervisor.stop_master():
                display.vvv("OPENVZ: stopped the control master to %s" % hypervisor.label)
        except HypervisorError as exc:
            display.warning("openvz.vz.vzctl: could not reset the connection to %s: %s" % (hypervisor.label, exc))
        self._hypervisor = None
        self.close()

    def close(self):
        self._connected = False


def _unlink(path):
    try:
        os.unlink(path)
    except OSError:
        pass
