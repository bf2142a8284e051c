# -*- coding: utf-8 -*-
# Copyright: (c) 2026, openvz.vz contributors
# GNU General Public License v3.0+ (see https://www.gnu.org/licenses/gpl-3.0.txt)
"""Runs OpenVZ tools from argv lists, exactly as given, and gives their exit codes a meaning."""

from __future__ import absolute_import, division, print_function
__metaclass__ = type

from ansible_collections.openvz.vz.plugins.module_utils.vz_errors import VzError, VzToolError

# include/vzerror.h (vzctl 4.x); libvzctl keeps these numbers for OpenVZ 7.
EXIT_MEANINGS = {
    1: "failed to set a UBC parameter", 3: "system error", 5: "not an OpenVZ kernel",
    7: "container create error", 8: "command executed in the container failed",
    9: "container is locked by another vzctl", 10: "global config file not found",
    14: "container config file not found", 20: "invalid command line syntax",
    21: "invalid parameter value", 31: "container is not running", 32: "container is running",
    33: "container stop failed", 34: "cannot add IP address", 40: "container is not mounted",
    41: "container is mounted", 43: "container private area does not exist",
    44: "container private area already exists", 46: "not enough disk space",
    47: "bad OS template", 48: "cannot create private area", 50: "cannot mount",
    63: "DISKSPACE is not set", 74: "failed to set the password", 78: "IP address already in use",
    79: "container action script failed", 82: "config file copy error", 91: "OS template not found",
    99: "ploop is not supported", 105: "container start disabled",
    131: "invalid container name or name already in use",
    137: "invalid container name or name already in use",
    156: "snapshot create failed", 158: "snapshot delete failed", 159: "snapshot switch failed",
}


def meaning(rc):
    return EXIT_MEANINGS.get(rc, "vzctl error %d" % rc)


class Runner(object):
    """Resolves tool paths once and runs argv lists through AnsibleModule.run_command."""

    def __init__(self, module):
        self.module = module
        self._paths = {}

    def _binary(self, tool):
        if tool not in self._paths:
            self._paths[tool] = self.module.get_bin_path(tool, required=True,
                                                         opt_dirs=["/usr/sbin", "/sbin"])
        return self._paths[tool]

    def run(self, argv, stdin=None, check_rc=True):
        command = [self._binary(argv[0])] + list(argv[1:])
        # run_command would expand ~ and $VARS in every argv element on the host;
        # container commands, names and descriptions must reach vzctl as given.
        # A container command may print anything: undecodable bytes are replaced.
        rc, out, err = self.module.run_command(command, data=stdin, check_rc=False,
                                               binary_data=stdin is not None,
                                               expand_user_and_vars=False, errors="replace")
        if rc != 0 and check_rc:
            raise VzToolError(argv, rc, out, err, meaning(rc))
        return rc, out, err


def run_in_order(calls, run, argv_of=lambda call: call):
    """Run ``run(call)`` for each call, stopping at the first error.

    The error carries ``executed``, the argv lists that completed before it, so
    a user sees how far a plan got (a re-run converges from there).
    """
    executed = []
    for call in calls:
        try:
            run(call)
        except VzError as exc:
            exc.executed = executed
            raise
        executed.append(argv_of(call))
    return executed
