# -*- coding: utf-8 -*-
# Copyright: (c) 2026, openvz.vz contributors
# GNU General Public License v3.0+ (see https://www.gnu.org/licenses/gpl-3.0.txt)

from __future__ import absolute_import, division, print_function
__metaclass__ = type


# The wording every module shares, written once; the attributes below are
# made of these lines and, for a module that says more, that module's own.
_CTID = """\
      - Numeric container ID (1 to 2147483644), in ASCII digits.
"""

_NAME = """\
      - Container name (C(/etc/vz/names)). 1 to 64 letters, digits, C(_ . + -), starting with a
        letter or digit; not only digits.
"""


class ModuleDocFragment(object):
    """The options that name one container: O(ctid) and, where a name may stand for it, O(name).

    Every attribute is complete on its own, so a module extends exactly one:

      - C(openvz.vz.container_identity): O(ctid), not required;
      - C(openvz.vz.container_identity.required): O(ctid), required;
      - C(openvz.vz.container_identity.container): O(ctid) and O(name) of M(openvz.vz.container);
      - C(openvz.vz.container_identity.container_exec): O(ctid) of M(openvz.vz.container_exec).

    Not a base and variants to combine: Ansible merges a fragment's option
    into the module's (and into an earlier fragment's) key by key, the first
    one listed winning, so two fragments that both set an option's
    C(description) would silently lose one of them. A module's own
    C(description) of O(ctid) would replace the shared one wholesale, too; a
    module that says more about O(ctid) gets an attribute here instead.
    """

    DOCUMENTATION = r"""
options:
  ctid:
    description:
""" + _CTID + r"""    type: str
"""

    REQUIRED = r"""
options:
  ctid:
    description:
""" + _CTID + r"""    type: str
    required: true
"""

    CONTAINER = r"""
options:
  ctid:
    description:
""" + _CTID + r"""      - Required to create a container; an existing one may be found by O(name) alone.
    type: str
  name:
    description:
""" + _NAME + r"""      - With O(state=absent), a name no container has is already absent (not an error).
    type: str
"""

    CONTAINER_EXEC = r"""
options:
  ctid:
    description:
""" + _CTID + r"""      - The container must be running.
    type: str
    required: true
"""
