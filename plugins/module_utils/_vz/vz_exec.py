# -*- coding: utf-8 -*-
# Copyright: (c) 2026, openvz.vz contributors
# GNU General Public License v3.0+ (see https://www.gnu.org/licenses/gpl-3.0.txt)
"""Runs one command inside a running container with ``vzctl exec2``.

``vzctl exec2 CTID ARGS...`` joins ARGS with spaces and hands the result to
``bash -c`` (``sh -c`` without bash) inside the container, and returns the
command's own exit status.  A plain argv would therefore be re-parsed by the
container's shell; to keep each element literal, every element is quoted for
a POSIX shell here and the whole line is passed to exec2 as one argument.
"""

from __future__ import absolute_import, division, print_function
__metaclass__ = type

import posixpath

from ansible_collections.openvz.vz.plugins.module_utils._vz import vz_facts, vz_validate
from ansible_collections.openvz.vz.plugins.module_utils._vz.vz_errors import (
    VzInputError, VzStateError, VzToolError)
from ansible_collections.openvz.vz.plugins.module_utils._vz.vz_facts import ABSENT, RUNNING, VZCTL_NOT_RUNNING, parse_status

# exec2 exits 31 (VZCTL_NOT_RUNNING) itself when the container is not running;
# any other status is the command's.


def sh_quote(arg):
    """``arg`` as one single-quoted POSIX shell word, whatever it contains.

    Unlike shlex.quote(), a word is always quoted, so ``-`` (which vzctl exec
    takes as "read commands from stdin") or ``''`` can never appear bare.
    """
    return "'%s'" % arg.replace("'", "'\"'\"'")


def command_line(argv=None, cmd=None, chdir=None):
    """The line exec2 runs through the container's shell."""
    if argv is not None:
        line = " ".join(sh_quote(arg) for arg in argv)
    else:
        line = cmd
    if chdir is not None:
        # A separate line, so that the user's own shell syntax in cmd cannot
        # combine with it.
        line = "cd %s || exit 1\n%s" % (sh_quote(chdir), line)
    return line


def _inside(path, chdir):
    return path if path.startswith("/") else posixpath.join(chdir or "/", path)


class Executor(object):
    def __init__(self, runner, check_mode=False):
        self.runner = runner
        self.check_mode = check_mode

    def _require_running(self, ctid):
        _rc, out, _err = self.runner.run(["vzctl", "status", ctid])
        status = parse_status(out)
        if status == ABSENT:
            raise VzStateError("container %s does not exist" % ctid)
        if status != RUNNING:
            raise VzStateError("container %s is not running (it is %s); start it first" % (ctid, status))

    def _exists(self, ctid, path):
        """Whether ``path`` exists inside the container (symlinks resolve inside it)."""
        argv = ["vzctl", "exec2", ctid, "test -e %s" % sh_quote(path)]
        rc, out, err = self.runner.run(argv, check_rc=False)
        if rc in (0, 1):
            return rc == 0
        if rc == VZCTL_NOT_RUNNING:
            raise VzStateError("container %s is not running" % ctid)
        raise VzToolError(argv, rc, out, err, "checking %s inside the container failed" % path)

    def run(self, ctid, argv=None, cmd=None, chdir=None, stdin=None, stdin_add_newline=True,
            strip_empty_ends=True, creates=None, removes=None):
        """The result dict (``rc`` None when the command did not run)."""
        ctid = vz_validate.host_ctid(ctid, vz_facts.is_vz7_host())
        if argv is not None and not argv:
            raise VzInputError("argv", "must name a command")
        if cmd is not None and cmd.strip() in ("", "-"):
            raise VzInputError("cmd", "must be a command line")
        for param, text in [("argv", arg) for arg in argv or []] + [("cmd", cmd or "")]:
            if "\x00" in text:
                raise VzInputError(param, "must not contain NUL characters (no argument can hold one)")
        if chdir is not None:
            vz_validate.ct_path(chdir, "chdir")
        line = command_line(argv, cmd, chdir)
        exec_argv = ["vzctl", "exec2", ctid, line]
        result = {"changed": False, "cmd": exec_argv, "rc": None, "stdout": "", "stderr": "",
                  "stdout_lines": [], "stderr_lines": []}
        if creates is not None:
            creates = vz_validate.ct_path(_inside(creates, chdir), "creates")
        if removes is not None:
            removes = vz_validate.ct_path(_inside(removes, chdir), "removes")
        self._require_running(ctid)
        if creates is not None and self._exists(ctid, creates):
            result.update(rc=0, msg="Did not run command since '%s' exists" % creates)
            return result
        if removes is not None and not self._exists(ctid, removes):
            result.update(rc=0, msg="Did not run command since '%s' does not exist" % removes)
            return result
        if self.check_mode:
            # The real run would run the command and report a change.
            result.update(changed=True, msg="Command would have run if not in check mode")
            return result
        data = None
        if stdin is not None:
            data = stdin + "\n" if stdin_add_newline else stdin
        rc, out, err = self.runner.run(exec_argv, stdin=data, check_rc=False)
        if strip_empty_ends:
            out = out.rstrip("\r\n")
            err = err.rstrip("\r\n")
        result.update(changed=True, rc=rc, stdout=out, stderr=err,
                      stdout_lines=out.splitlines(), stderr_lines=err.splitlines())
        return result
