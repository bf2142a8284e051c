# -*- coding: utf-8 -*-
# Copyright: (c) 2026, openvz.vz contributors
# GNU General Public License v3.0+ (see https://www.gnu.org/licenses/gpl-3.0.txt)
"""Task parameters -> desired model, every value validated on the way.

The setting parameters and their parsers come from vz_settings; this module
adds who the container is and how to converge it.
"""

from __future__ import absolute_import, division, print_function
__metaclass__ = type

from ansible_collections.openvz.vz.plugins.module_utils._vz import vz_settings, vz_validate
from ansible_collections.openvz.vz.plugins.module_utils._vz.vz_errors import VzInputError
from ansible_collections.openvz.vz.plugins.module_utils._vz.vz_model import Container

# Parameters that describe the container (as opposed to how to converge it);
# ``xml`` is mutually exclusive with all of them.
SETTING_PARAMS = vz_settings.PARAMS

ARGUMENT_SPEC = dict(
    ctid=dict(type="str"),
    state=dict(type="str", default="present",
               choices=["present", "started", "stopped", "restarted", "suspended", "absent"]),
    root_password=dict(type="str", no_log=True),
    update_password=dict(type="str", default="on_create", choices=["always", "on_create"], no_log=False),
    force=dict(type="bool", default=False),
    xml=dict(type="str"),
    timeout=dict(type="int", default=900),
    **vz_settings.argument_spec()
)

MUTUALLY_EXCLUSIVE = [["xml", param] for param in SETTING_PARAMS if param != "name"]


def container_from_params(params):
    """The desired container; parameters left unset stay None."""
    ct = Container()
    if params.get("ctid") is not None:
        ct.ctid = vz_validate.ctid(params["ctid"])
    for param, setting in vz_settings.BY_PARAM.items():
        if params.get(param) is not None:
            setattr(ct, setting.name, setting.from_param(params[param]))
    return ct


def password_stdin(params):
    """chpasswd input for the root password, or None; it never goes on an argv."""
    password = params.get("root_password")
    if password is None:
        return None
    if any(char in password for char in "\n\r\x00"):
        raise VzInputError("root_password", "must be a single line without NUL characters")
    if not password:
        raise VzInputError("root_password", "must not be empty")
    return ("root:%s\n" % password).encode("utf-8")
