# -*- coding: utf-8 -*-
# Copyright: (c) 2026, openvz.vz contributors
# GNU General Public License v3.0+ (see https://www.gnu.org/licenses/gpl-3.0.txt)
"""Exceptions shared by the driver; modules turn them into fail_json."""

from __future__ import absolute_import, division, print_function
__metaclass__ = type


class VzError(Exception):
    """Base of every error the driver reports to the user."""

    def to_result(self):
        result = {"msg": str(self)}
        # Set by plan runners: the calls that completed before the failure.
        if getattr(self, "executed", None) is not None:
            result["executed"] = self.executed
        return result


class VzInputError(VzError):
    """A task parameter or XML value was refused before anything ran."""

    def __init__(self, param, message):
        super(VzInputError, self).__init__("%s: %s" % (param, message))
        self.param = param


class VzStateError(VzError):
    """The host is in a state the requested change cannot be applied to."""


class VzConfigError(VzError):
    """A container config on the host holds a value the driver cannot parse."""

    def __init__(self, path, key, value, reason):
        super(VzConfigError, self).__init__(
            "%s: cannot parse %s=%r: %s" % (path, key, value, reason))
        self.key = key


class VzToolError(VzError):
    """An OpenVZ tool exited non-zero."""

    def __init__(self, argv, rc, stdout, stderr, meaning):
        super(VzToolError, self).__init__(
            "%s failed with exit code %d (%s): %s"
            % (" ".join(argv), rc, meaning, (stderr or stdout or "").strip()))
        self.argv = list(argv)
        self.rc = rc
        self.stdout = stdout
        self.stderr = stderr
        self.meaning = meaning

    def to_result(self):
        result = super(VzToolError, self).to_result()
        result.update({"cmd": self.argv, "rc": self.rc, "stdout": self.stdout,
                       "stderr": self.stderr, "meaning": self.meaning})
        return result
