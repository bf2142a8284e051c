# -*- coding: utf-8 -*-
# Copyright: (c) 2026, openvz.vz contributors
# GNU General Public License v3.0+ (see https://www.gnu.org/licenses/gpl-3.0.txt)

from __future__ import absolute_import, division, print_function
__metaclass__ = type


class ModuleDocFragment(object):
    """The ssh options both plugins that reach a hypervisor over SSH have.

    C(openvz.vz.hypervisor_ssh) documents O(ssh_executable), O(ssh_common_args),
    O(host_key_checking) and O(timeout) (description, type, default). Where a
    plugin takes their values from differs with its type, so each plugin adds
    the sub-fragment of its type, which holds only the sources:
    C(openvz.vz.hypervisor_ssh.inventory) (an inventory plugin's options come
    from its source file, and these also from the environment or
    C(ansible.cfg)) and C(openvz.vz.hypervisor_ssh.connection) (host variables,
    the environment and C(ansible.cfg), under the names the
    P(ansible.builtin.ssh#connection) connection uses).

    The sub-fragments set no key the base sets, so the merge (key by key)
    loses nothing whichever order they are listed in.
    """

    DOCUMENTATION = r"""
options:
  ssh_executable:
    description: The ssh client to run.
    type: str
    default: ssh
  ssh_common_args:
    description: Arguments for every ssh call to a hypervisor, for example a C(ProxyJump).
    type: str
    default: ''
  host_key_checking:
    description: Whether ssh checks the hypervisor's host key.
    type: bool
    default: true
  timeout:
    description: Seconds ssh waits for the hypervisor to answer (C(ConnectTimeout)).
    type: int
    default: 10
"""

    INVENTORY = r"""
options:
  ssh_executable:
    env:
      - name: ANSIBLE_SSH_EXECUTABLE
  host_key_checking:
    env:
      - name: ANSIBLE_HOST_KEY_CHECKING
    ini:
      - section: defaults
        key: host_key_checking
"""

    CONNECTION = r"""
options:
  ssh_executable:
    ini:
      - section: ssh_connection
        key: ssh_executable
    env:
      - name: ANSIBLE_SSH_EXECUTABLE
    vars:
      - name: ansible_ssh_executable
  ssh_common_args:
    ini:
      - section: ssh_connection
        key: ssh_common_args
    env:
      - name: ANSIBLE_SSH_COMMON_ARGS
    vars:
      - name: ansible_ssh_common_args
      - name: ansible_openvz_hypervisor_ssh_common_args
  host_key_checking:
    ini:
      - section: defaults
        key: host_key_checking
    env:
      - name: ANSIBLE_HOST_KEY_CHECKING
    vars:
      - name: ansible_host_key_checking
      - name: ansible_ssh_host_key_checking
  timeout:
    ini:
      - section: defaults
        key: timeout
    env:
      - name: ANSIBLE_TIMEOUT
    vars:
      - name: ansible_ssh_timeout
"""
