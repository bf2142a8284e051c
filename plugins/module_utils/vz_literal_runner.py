# -*- coding: utf-8 -*-
# Copyright: (c) 2026, openvz.vz contributors
# GNU General Public License v3.0+ (see https://www.gnu.org/licenses/gpl-3.0.txt)
"""A Runner whose argv reaches the tool exactly as given.

AnsibleModule.run_command() expands ``~`` and ``$VARIABLES`` in every element
of a list argv by default (``expand_user_and_vars=True``), with the module's
own environment, on the host.  Container commands, snapshot names and other
free text must reach vzctl untouched, so this Runner turns that off.  Output
that is not UTF-8 (a container command may print anything) is decoded with
replacement characters rather than failing the module.
"""

from __future__ import absolute_import, division, print_function
__metaclass__ = type

from ansible_collections.openvz.vz.plugins.module_utils.vz_errors import VzToolError
from ansible_collections.openvz.vz.plugins.module_utils.vz_runner import Runner, meaning


class LiteralRunner(Runner):
    """vz_runner.Runner without run_command's ``~``/``$VAR`` expansion of argv."""

    def run(self, argv, stdin=None, check_rc=True):
        command = [self._binary(argv[0])] + list(argv[1:])
        rc, out, err = self.module.run_command(command, data=stdin, check_rc=False,
                                               binary_data=stdin is not None,
                                               expand_user_and_vars=False,
                                               errors="replace")
        if rc != 0 and check_rc:
            raise VzToolError(argv, rc, out, err, meaning(rc))
        return rc, out, err
