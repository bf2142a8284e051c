# -*- coding: utf-8 -*-
# Copyright: (c) 2026, openvz.vz contributors
# GNU General Public License v3.0+ (see https://www.gnu.org/licenses/gpl-3.0.txt)
"""Exceptions shared by the driver; modules turn them into fail_json."""

from __future__ import absolute_import, division, print_function
__metaclass__ = type

import signal

# Stands for "no signal": whoever ran the module closed the reading end of its
# output.  Ansible does that at its own task timeout without killing the
# module, which would otherwise wait out the tool while it holds the CT lock.
ABANDONED = -1


class VzError(Exception):
    """Base of every error the driver reports to the user."""

    def to_result(self):
        result = {"msg": str(self)}
        # Set by plan runners: the calls that completed before the failure,
        # whether the host was changed, and the whole plan.
        for key in ("executed", "changed", "commands"):
            if getattr(self, key, None) is not None:
                result[key] = getattr(self, key)
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


class VzTimeoutError(VzToolError):
    """An OpenVZ tool ran longer than its timeout and was killed with its process group.

    ``rc`` is the exit status the killed tool left (negative: the signal that
    ended it, as subprocess reports it), or None if it could not be reaped.
    """

    def __init__(self, argv, timeout, rc, stdout, stderr):
        seconds = ("%d" % timeout) if float(timeout).is_integer() else ("%s" % timeout)
        meaning = "timed out after %s seconds" % seconds
        super(VzTimeoutError, self).__init__(argv, rc if rc is not None else -1, stdout, stderr, meaning)
        self.rc = rc
        self.timeout = timeout
        output = (stderr or stdout or "").strip()
        # The message VzToolError makes speaks of an exit code; this one of the timeout.
        self.args = ("%s %s and was killed with its process group (SIGTERM, then SIGKILL)%s"
                     % (" ".join(argv), meaning, ": " + output if output else ""),)

    def to_result(self):
        result = super(VzTimeoutError, self).to_result()
        result["timeout"] = self.timeout
        return result


class VzInterruptedError(VzError):
    """The module was told to stop (a signal) while a tool ran; the tool's process group was killed."""

    def __init__(self, argv, signum, rc=None, stdout="", stderr=""):
        name = _signal_name(signum)
        why = ("nothing reads the module's output any more (Ansible gave up on the task, as at its "
               "task timeout)" if signum == ABANDONED else "the module received %s" % name)
        super(VzInterruptedError, self).__init__(
            "%s was interrupted: %s, and the tool was killed with its process group"
            % (" ".join(argv), why))
        self.argv = list(argv)
        self.signal = name
        self.rc = rc
        self.stdout = stdout
        self.stderr = stderr

    def to_result(self):
        result = super(VzInterruptedError, self).to_result()
        result.update({"cmd": self.argv, "rc": self.rc, "stdout": self.stdout, "stderr": self.stderr,
                       "signal": self.signal})
        return result


def _signal_name(signum):
    if signum == ABANDONED:
        return None
    for name in ("SIGTERM", "SIGINT", "SIGHUP"):
        if getattr(signal, name, None) == signum:
            return name
    return "signal %d" % signum
