# -*- coding: utf-8 -*-
# Copyright: (c) 2026, openvz.vz contributors
# GNU General Public License v3.0+ (see https://www.gnu.org/licenses/gpl-3.0.txt)

from __future__ import absolute_import, division, print_function
__metaclass__ = type


class ModuleDocFragment(object):
    """The O(ctid) option: the numeric ID of the one container a module acts on.

    C(openvz.vz.container_identity) documents it (not required);
    C(openvz.vz.container_identity.required) adds only C(required: true), so
    a module extends both. The two set different keys of the option, and
    Ansible merges a fragment's option into the module's key by key, so they
    combine in either order.

    A module that says more about O(ctid) (M(openvz.vz.container): when it
    may be left out) writes the option's C(description) itself, which
    replaces the fragment's wholesale; its first line must then be the
    fragment's, word for word. The unit test
    C(tests/unit/plugins/doc_fragments/test_doc_fragments.py) renders every
    module with ansible-doc and holds each O(ctid) to that.

    Only literal strings may stand here (ansible-test's yamllint reads them
    from the source), so the variants cannot be composed from one sentence.
    """

    DOCUMENTATION = r"""
options:
  ctid:
    description:
      - Container ID, a number from 1 to 2147483644 in ASCII digits; on OpenVZ 7 also a UUID (braces
        optional), as C(prlctl create --vmtype ct) makes them. A UUID is refused on OpenVZ 6.
    type: str
"""

    REQUIRED = r"""
options:
  ctid:
    required: true
"""
