# -*- coding: utf-8 -*-
# Copyright: (c) 2026, openvz.vz contributors
# GNU General Public License v3.0+ (see https://www.gnu.org/licenses/gpl-3.0.txt)
"""Running a command on an OpenVZ hypervisor: here, or over the user's ssh.

Shared by the ``openvz.vz.vzctl`` connection and the ``openvz.vz.openvz``
inventory plugin (controller side).  A command is always an argv list; over
SSH it is quoted once for the hypervisor user's POSIX shell, which is the
only shell that sees it on the hypervisor.
"""

from __future__ import annotations

import fcntl
import hashlib
import os
import re
import shlex
import subprocess
import tempfile

# Long enough that a hypervisor idle while other hosts run a long task keeps
# its connection for the rest of the play (ansible's own ssh default is 60s).
DEFAULT_SSH_ARGS = "-C -o ControlMaster=auto -o ControlPersist=10m"
LOCAL, SSH = "local", "ssh"


class HypervisorError(Exception):
    """The hypervisor could not be reached (not: a command on it failed)."""


def remote_command(argv):
    """``argv`` as one string the hypervisor's POSIX shell turns back into ``argv``."""
    return " ".join(shlex.quote(str(arg)) for arg in argv)


class Hypervisor:
    """Where vzctl and vzlist run: ``transport`` local (this machine) or ssh (``address``)."""

    def __init__(self, address=None, transport=None, user=None, port=None, private_key_file=None,
                 ssh_executable="ssh", ssh_args=DEFAULT_SSH_ARGS, ssh_common_args="",
                 ssh_extra_args="", control_path_dir=None, host_key_checking=True, timeout=10):
        self.transport = transport or (SSH if address else LOCAL)
        if self.transport not in (LOCAL, SSH):
            raise ValueError("hypervisor transport must be %s or %s, not %r" % (LOCAL, SSH, transport))
        if self.transport == SSH and not address:
            raise ValueError("an ssh hypervisor needs an address")
        if address and address.startswith("-"):
            raise ValueError("invalid hypervisor address %r" % address)
        self.address = address
        self.user = user
        self.port = port
        self.private_key_file = private_key_file
        self.ssh_executable = ssh_executable or "ssh"
        self.ssh_args = ssh_args if ssh_args is not None else DEFAULT_SSH_ARGS
        self.ssh_common_args = ssh_common_args or ""
        self.ssh_extra_args = ssh_extra_args or ""
        self.control_path_dir = control_path_dir
        self.host_key_checking = host_key_checking
        self.timeout = timeout

    @property
    def label(self):
        return self.address if self.transport == SSH else "localhost"

    @property
    def control_path(self):
        """The control socket chosen here, or None (no persistent master, or the user's own ControlPath).

        One per user, address and port, whatever the container or task, so
        every task of a play on that hypervisor shares one master.
        """
        if self.transport != SSH or not self.control_path_dir or "ControlPersist" not in self.ssh_args \
                or "ControlPath" in self.ssh_args + self.ssh_common_args + self.ssh_extra_args:
            return None
        # Short: a unix socket path has room for ~100 bytes (ssh's %C alone takes 40).
        key = "%s@%s:%s" % (self.user or "", self.address, self.port or "")
        return os.path.join(os.path.expanduser(self.control_path_dir),
                            "ovz-" + hashlib.sha1(key.encode()).hexdigest()[:10])

    def ssh_options(self):
        """Everything between ``ssh`` and the destination."""
        args = shlex.split(self.ssh_args)
        control_path = self.control_path
        if control_path:
            os.makedirs(os.path.dirname(control_path), mode=0o700, exist_ok=True)
            args += ["-o", "ControlPath=%s" % control_path]
        # Standard input carries data (modules, files): nothing may prompt on it.
        args += ["-o", "BatchMode=yes"]
        if not self.host_key_checking:
            args += ["-o", "StrictHostKeyChecking=no"]
        if self.port:
            args += ["-o", "Port=%d" % int(self.port)]
        if self.user:
            args += ["-o", "User=%s" % self.user]
        if self.private_key_file:
            args += ["-o", "IdentityFile=\"%s\"" % os.path.expanduser(self.private_key_file)]
        if self.timeout:
            args += ["-o", "ConnectTimeout=%d" % int(self.timeout)]
        args += shlex.split(self.ssh_common_args) + shlex.split(self.ssh_extra_args)
        return args

    def argv(self, command):
        """The argv that runs ``command`` (an argv list) on the hypervisor."""
        if self.transport == LOCAL:
            return [str(arg) for arg in command]
        return [self.ssh_executable] + self.ssh_options() + [self.address, remote_command(command)]

    def run(self, command, stdin=None, stdout=None):
        """(rc, stdout bytes, stderr bytes) of ``command`` on the hypervisor.

        ``stdin``: bytes, a binary file object, or None (empty).  ``stdout``: a
        binary file object to stream into (then the returned stdout is b"").
        Raises HypervisorError when ssh itself fails (exit 255) or the
        program cannot be started.
        """
        if self.transport == SSH:
            self.ensure_master()
        argv = self.argv(command)
        if stdin is None or isinstance(stdin, bytes):
            stdin_arg, data = subprocess.PIPE, stdin or b""
        else:
            stdin_arg, data = stdin, None
        try:
            proc = subprocess.Popen(argv, stdin=stdin_arg,
                                    stdout=subprocess.PIPE if stdout is None else stdout,
                                    stderr=subprocess.PIPE)
        except OSError as exc:
            raise HypervisorError("cannot run %s: %s" % (argv[0], exc)) from exc
        out, err = proc.communicate(data)
        if self.transport == SSH and proc.returncode == 255:
            raise HypervisorError("ssh to %s failed: %s" % (
                self.address, err.decode("utf-8", "replace").strip() or "exit code 255"))
        return proc.returncode, out or b"", err

    def ensure_master(self):
        """Start the control master once, before any command needs it.

        Left to ``ControlMaster=auto``, every fork that finds no socket logs
        in by itself and all but one of those logins stay unshared (one
        login per fork on a play's first task). A lock next to the socket
        lets one process log in as the master; the others wait for it and
        then share it.
        """
        path = self.control_path
        if path is None or os.path.exists(path) or not self._starts_a_master():
            return
        os.makedirs(os.path.dirname(path), mode=0o700, exist_ok=True)
        with open(path + ".lock", "a", encoding="ascii") as lock:
            fcntl.flock(lock, fcntl.LOCK_EX)
            if os.path.exists(path):
                return
            # -f: ssh goes to the background once logged in, holding the
            # files it was given; a file, unlike a pipe, is not waited on.
            with tempfile.TemporaryFile() as errors:
                proc = subprocess.run([self.ssh_executable] + self.ssh_options() + ["-N", "-f", self.address],
                                      stdin=subprocess.DEVNULL, stdout=subprocess.DEVNULL, stderr=errors,
                                      check=False)
                errors.seek(0)
                text = errors.read().decode("utf-8", "replace").strip()
            if proc.returncode != 0:
                raise HypervisorError("ssh to %s failed: %s" % (self.address, text or "exit code %d" % proc.returncode))

    def _starts_a_master(self):
        """Whether ssh, given these arguments, makes itself the master (else ``-N -f`` would just linger)."""
        # ssh keeps the first value an option is given.
        match = re.search(r"ControlMaster\s*[= ]\s*(\w+)", " ".join(
            (self.ssh_args, self.ssh_common_args, self.ssh_extra_args)), re.IGNORECASE)
        return bool(match) and match.group(1).lower() in ("auto", "yes")

    def stop_master(self):
        """Ask the control master, if one runs, to stop taking sessions: the next command logs in anew.

        ``ssh -O stop`` (as ansible's ssh connection's reset does): the
        socket goes at once, sessions still open finish, then the master
        exits. Returns whether a master was running.
        """
        if self.transport != SSH:
            return False
        base = [self.ssh_executable] + self.ssh_options()
        check = subprocess.run(base + ["-O", "check", self.address], stdin=subprocess.DEVNULL,
                               capture_output=True, check=False)
        if check.returncode != 0:
            return False
        stop = subprocess.run(base + ["-O", "stop", self.address], stdin=subprocess.DEVNULL,
                              capture_output=True, check=False)
        if stop.returncode != 0:
            raise HypervisorError("ssh -O stop for %s failed: %s" % (
                self.address, stop.stderr.decode("utf-8", "replace").strip() or "exit code %d" % stop.returncode))
        return True
