# -*- coding: utf-8 -*-
# Copyright: (c) 2026, openvz.vz contributors
# GNU General Public License v3.0+ (see https://www.gnu.org/licenses/gpl-3.0.txt)
"""lxml, imported here once, and only by what builds or parses domain XML.

Importing this module imports lxml (about 24 ms and 5 MiB), so only vz_xml
and the modules that return or read documents import it; the others never
load it.  Without lxml, ``etree`` is None and a module that needs it fails
with ``require_lxml`` before anything runs.
"""

from __future__ import absolute_import, division, print_function
__metaclass__ = type

import traceback

from ansible.module_utils.basic import missing_required_lib

try:
    # etree is what vz_xml builds and parses documents with.
    from lxml import etree  # pylint: disable=unused-import
    HAS_LXML = True
    LXML_IMPORT_ERROR = None
except ImportError:
    etree = None
    HAS_LXML = False
    LXML_IMPORT_ERROR = traceback.format_exc()


def require_lxml(module):
    """fail_json with missing_required_lib("lxml") when lxml cannot be imported."""
    if not HAS_LXML:
        module.fail_json(msg=missing_required_lib("lxml"), exception=LXML_IMPORT_ERROR)
