# -*- coding: utf-8 -*-
# Copyright: (c) 2026, openvz.vz contributors
# GNU General Public License v3.0+ (see https://www.gnu.org/licenses/gpl-3.0.txt)
"""How every module turns the driver's result or error into exit_json / fail_json.

It imports nothing but vz_errors: a module needing lxml checks for it with
vz_lxml.require_lxml.
"""

from __future__ import absolute_import, division, print_function
__metaclass__ = type

from ansible_collections.openvz.vz.plugins.module_utils._vz.vz_errors import VzError


def run_and_exit(module, converge):
    """Exit with ``converge()``'s result; a VzError becomes fail_json with its details.

    ``warnings`` in the result become module warnings, and ``diff`` is only
    returned in diff mode. A result with ``failed`` (some of several
    containers failed) goes out through fail_json with all its details.
    """
    try:
        result = converge()
    except VzError as exc:
        module.fail_json(**exc.to_result())
    for warning in result.pop("warnings", []):
        module.warn(warning)
    if not module._diff:
        result.pop("diff", None)
    if result.pop("failed", False):
        module.fail_json(**result)
    module.exit_json(**result)
