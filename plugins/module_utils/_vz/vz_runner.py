# -*- coding: utf-8 -*-
# Copyright: (c) 2026, openvz.vz contributors
# GNU General Public License v3.0+ (see https://www.gnu.org/licenses/gpl-3.0.txt)
"""Runs OpenVZ tools from argv lists, exactly as given, and gives their exit codes a meaning.

Every call has a timeout, and no tool process outlives the module: the tool
starts in its own session (so its process group holds whatever it forks),
on Linux with a parent-death signal (a module killed with SIGKILL takes its
tool with it), and a tool that runs past its timeout, or is running when the
module is told to stop (SIGTERM, SIGINT, SIGHUP), is killed with its whole
process group: SIGTERM, a short grace, then SIGKILL.
"""

from __future__ import absolute_import, division, print_function
__metaclass__ = type

import errno
import functools
import os
import select
import selectors
import signal
import stat
import subprocess
import sys
import time

from ansible.module_utils.common.text.converters import to_bytes

from ansible_collections.openvz.vz.plugins.module_utils._vz.vz_errors import (
    ABANDONED, VzError, VzInterruptedError, VzTimeoutError, VzToolError)
from ansible_collections.openvz.vz.plugins.module_utils._vz.vz_facts import exit_meaning

# Signals Ansible or a user sends a module that should stop; while a tool runs,
# its process group is killed before the module goes.
STOP_SIGNALS = tuple(getattr(signal, name) for name in ("SIGTERM", "SIGINT", "SIGHUP") if hasattr(signal, name))

# How long a tool may take to exit after SIGTERM before its group gets SIGKILL.
TERM_GRACE = 2.0
# How long to wait for the tool to be reaped after SIGKILL (a process stuck in
# the kernel, state D, does not die until the kernel lets go of it).
KILL_WAIT = 5.0

_PR_SET_PDEATHSIG = 1


def _load_prctl():
    """libc's prctl() on Linux, or None (other systems, no ctypes, no libc)."""
    if not sys.platform.startswith("linux"):
        return None
    try:
        import ctypes  # pylint: disable=import-outside-toplevel
        prctl = ctypes.CDLL(None, use_errno=True).prctl
    except (ImportError, OSError, AttributeError):
        return None
    prctl.restype = ctypes.c_int
    prctl.argtypes = [ctypes.c_int, ctypes.c_ulong, ctypes.c_ulong, ctypes.c_ulong, ctypes.c_ulong]
    return prctl


_PRCTL = _load_prctl()


class _Stop(Exception):
    """A stop signal arrived while the tool ran."""

    def __init__(self, signum):
        super(_Stop, self).__init__(signum)
        self.signum = signum


class _TimedOut(Exception):
    """The tool ran past its deadline."""


_GONE = select.POLLERR | select.POLLHUP if hasattr(select, "poll") else 0


def _abandoned():
    """True when the module's stdout is a pipe, socket or tty nobody reads any more."""
    if not _GONE:
        return False
    try:
        mode = os.fstat(1).st_mode
    except OSError:
        return False
    if not (stat.S_ISFIFO(mode) or stat.S_ISSOCK(mode) or stat.S_ISCHR(mode)):
        return False
    poller = select.poll()
    poller.register(1, 0)  # no events asked: only errors and hang-ups are reported
    return any(events & _GONE for _fd, events in poller.poll(0))


def _child_setup(parent):
    """Runs in the child between fork and exec (the child already leads its own session)."""
    if _PRCTL is None:
        return
    # The kernel sends SIGKILL to the tool when the module dies, whatever kills it.
    _PRCTL(_PR_SET_PDEATHSIG, signal.SIGKILL, 0, 0, 0)
    if os.getppid() != parent:
        # The module died before prctl took effect: nobody is waiting for this tool.
        os.kill(os.getpid(), signal.SIGKILL)


def _kill_group(pgid, signum):
    try:
        os.killpg(pgid, signum)
    except OSError as exc:
        if exc.errno not in (errno.ESRCH, errno.EPERM):
            raise


def _exited(proc):
    """Has ``proc`` exited? Without reaping it, so its pid (the group's id) cannot be reused yet."""
    if proc.returncode is not None:
        return True
    waitid = getattr(os, "waitid", None)
    if waitid is None:
        return proc.poll() is not None
    try:
        return waitid(os.P_PID, proc.pid, os.WEXITED | os.WNOHANG | os.WNOWAIT) is not None
    except ChildProcessError:
        return True


class StopFlag(object):
    """A stop signal the main thread caught for tools that run in other threads.

    Only the main thread may handle signals; while worker threads run tools
    (the containers module), ``catching()`` records a stop signal here and each
    worker's wait sees it within a second and kills its tool's group."""

    def __init__(self):
        self.signum = None

    def _record(self, signum, _frame):
        if self.signum is None:
            self.signum = signum

    def catching(self):
        return _Catching(self)


class _Catching(object):
    def __init__(self, flag):
        self.flag = flag
        self.previous = {}

    def __enter__(self):
        for signum in STOP_SIGNALS:
            current = signal.getsignal(signum)
            if current == signal.SIG_IGN:
                continue
            signal.signal(signum, self.flag._record)
            self.previous[signum] = current
        return self.flag

    def __exit__(self, *exc):
        for signum, handler in self.previous.items():
            signal.signal(signum, handler if handler is not None else signal.SIG_DFL)
        return False


class _StopSignals(object):
    """While a tool runs: SIGTERM, SIGINT and SIGHUP are recorded, not acted on, and wake the wait.

    The handler only records the signal; ``signal.set_wakeup_fd`` makes it
    readable on ``fd``, so the wait loop sees it at once, with no window in
    which an exception could land halfway through starting or killing the tool.
    A signal the module ignores (SIG_IGN, as under nohup) is left alone.
    """

    def __init__(self, flag=None):
        self.flag = flag
        self.caught = []
        self.fd = None
        self._previous = {}
        self._wakeup = None
        self._pipe = None
        try:
            self._pipe = os.pipe()
            for end in self._pipe:
                os.set_blocking(end, False)
            self._wakeup = signal.set_wakeup_fd(self._pipe[1])
        except ValueError:
            # Not the main thread: signals are not ours to handle.
            self._close_pipe()
            return
        self.fd = self._pipe[0]
        for signum in STOP_SIGNALS:
            current = signal.getsignal(signum)
            if current == signal.SIG_IGN:
                continue
            signal.signal(signum, self._record)
            self._previous[signum] = current

    def _record(self, signum, _frame):
        self.caught.append(signum)

    def drain(self):
        try:
            while os.read(self.fd, 512):
                pass
        except OSError as exc:
            if exc.errno != errno.EAGAIN:
                raise

    def check(self):
        if self.caught:
            raise _Stop(self.caught[0])
        if self.flag is not None and self.flag.signum is not None:
            raise _Stop(self.flag.signum)
        if _abandoned():
            raise _Stop(ABANDONED)

    def _close_pipe(self):
        for end in self._pipe or ():
            os.close(end)
        self._pipe = None

    def restore(self):
        """Put the module's own handlers back; returns the signals caught meanwhile."""
        for signum, handler in self._previous.items():
            signal.signal(signum, handler if handler is not None else signal.SIG_DFL)
        if self._pipe is not None:
            signal.set_wakeup_fd(self._wakeup)
            self._close_pipe()
        return list(self.caught)


class Runner(object):
    """Resolves tool paths once and runs argv lists, each call limited to ``timeout`` seconds.

    ``timeout`` None or 0 means no limit; a negative one fails the module
    (``fail_json``) naming the ``timeout`` parameter, before any tool runs.
    """

    def __init__(self, module, timeout=None, stop=None, paths=None):
        """``stop`` (a StopFlag) and ``paths`` (resolved tools) may be shared by
        runners in several threads; resolve every tool in the main thread first."""
        if timeout is not None and timeout < 0:
            module.fail_json(msg="timeout: must be 0 (no limit) or a positive number of seconds, got %s"
                             % (timeout,))
        self.module = module
        self.timeout = timeout or None
        self.stop = stop
        self._paths = {} if paths is None else paths
        self._interrupted = None  # the signal that stopped a tool, once one has

    def resolve(self, *tools):
        """Look the tools up now (fail_json when one is missing): a worker thread must not exit the module."""
        for tool in tools:
            self._binary(tool)
        return self._paths

    def _binary(self, tool):
        if tool not in self._paths:
            self._paths[tool] = self.module.get_bin_path(tool, required=True,
                                                         opt_dirs=["/usr/sbin", "/sbin"])
        return self._paths[tool]

    def _environ(self):
        # The environment AnsibleModule.run_command gives a command.
        env = os.environ.copy()
        env.update(getattr(self.module, "run_command_environ_update", None) or {})
        if "PYTHONPATH" in env:
            # Leave out the paths AnsiballZ set for the module itself.
            paths = [path for path in env["PYTHONPATH"].split(":")
                     if path and not path.endswith("/ansible_modlib.zip") and not path.endswith("/debug_dir")]
            if paths:
                env["PYTHONPATH"] = ":".join(paths)
        return env

    def run(self, argv, stdin=None, check_rc=True):
        """Run ``argv`` (a list; ``argv[0]`` the tool's name), return ``(rc, stdout, stderr)``.

        Every element reaches the tool as given (no shell, no ``~`` or
        ``$VAR`` expansion). ``stdin`` (str or bytes) is written to the tool's
        standard input and appears nowhere else; without it the tool reads an
        empty input. Undecodable output bytes are replaced. A non-zero exit
        raises VzToolError when ``check_rc``, its meaning looked up for that
        tool (vz_facts.exit_meaning: vzctl, vzlist and vztmpl-dl have their
        own tables); running past the timeout raises
        VzTimeoutError, and a stop signal VzInterruptedError, whatever
        ``check_rc``.
        """
        if self._interrupted is None and self.stop is not None:
            self._interrupted = self.stop.signum
        if self._interrupted is not None:
            # The module is stopping: no further tool starts.
            raise VzInterruptedError(argv, self._interrupted)
        command = [self._binary(argv[0])] + list(argv[1:])
        data = to_bytes(stdin, errors="surrogate_or_strict") if stdin else None
        deadline = None if self.timeout is None else time.time() + self.timeout
        # Catching starts before the tool does: a stop signal between its start
        # and the wait must still kill its group, not leave it behind.
        signals = _StopSignals(self.stop)
        try:
            # Not run_command: it has no timeout, no process group to kill and no stop-signal handling.
            proc = subprocess.Popen(  # pylint: disable=ansible-bad-function
                command, stdin=subprocess.PIPE if data else subprocess.DEVNULL,
                stdout=subprocess.PIPE, stderr=subprocess.PIPE, close_fds=True, env=self._environ(),
                start_new_session=True, preexec_fn=functools.partial(_child_setup, os.getpid()))
        except OSError as exc:
            self._restore(signals)
            self.module.fail_json(msg="cannot run %s: %s" % (command[0], exc), cmd=list(argv),
                                  rc=exc.errno, stdout="", stderr="")
        out, err = [], []
        try:
            try:
                rc = self._communicate(proc, data, deadline, out, err, signals)
            except _TimedOut:
                rc = self._kill(proc)
                raise VzTimeoutError(argv, self.timeout, rc, self._decode(out), self._decode(err))
            except _Stop as exc:
                rc = self._kill(proc)
                self._interrupted = exc.signum
                raise VzInterruptedError(argv, exc.signum, rc, self._decode(out), self._decode(err))
            finally:
                for pipe in (proc.stdin, proc.stdout, proc.stderr):
                    if pipe is not None:
                        pipe.close()
        finally:
            self._restore(signals)
        stdout, stderr = self._decode(out), self._decode(err)
        if rc != 0 and check_rc:
            raise VzToolError(argv, rc, stdout, stderr, exit_meaning(argv[0], rc))
        return rc, stdout, stderr

    def _restore(self, signals):
        caught = signals.restore()
        if caught and self._interrupted is None:
            # It came when the tool had finished (or could not start), or while a
            # timed-out one was killed: the module's own handling of it applies.
            os.kill(os.getpid(), caught[0])

    @staticmethod
    def _decode(chunks):
        # A container command may print anything: undecodable bytes are replaced.
        return b"".join(chunks).decode("utf-8", "replace")

    @staticmethod
    def _communicate(proc, data, deadline, out, err, signals):
        """Feed stdin and collect output until the tool exits; returns its exit status.

        Raises _TimedOut at the deadline and _Stop on a stop signal, the tool
        still running (or exited but not reaped).
        """
        selector = selectors.PollSelector() if hasattr(selectors, "PollSelector") else selectors.SelectSelector()
        sinks = {proc.stdout.fileno(): out, proc.stderr.fileno(): err}
        for fd in sinks:
            selector.register(fd, selectors.EVENT_READ)
        if signals.fd is not None:
            selector.register(signals.fd, selectors.EVENT_READ)
        stdin_fd, offset = None, 0
        if data:
            stdin_fd = proc.stdin.fileno()
            os.set_blocking(stdin_fd, False)
            selector.register(stdin_fd, selectors.EVENT_WRITE)
        try:
            while True:
                signals.check()
                wait = None
                if deadline is not None:
                    wait = deadline - time.time()
                    if wait <= 0:
                        raise _TimedOut()
                streams = [fd for fd in selector.get_map() if fd != signals.fd]
                if not streams:
                    if _exited(proc):
                        break
                    # The tool closed its output but runs on: look again shortly.
                    wait = 0.05 if wait is None else min(wait, 0.05)
                else:
                    wait = 1 if wait is None else min(wait, 1)
                events = selector.select(wait)
                active = False
                for key, _mask in events:
                    if key.fd == signals.fd:
                        signals.drain()
                    elif key.fd == stdin_fd:
                        active = True
                        offset = _feed(stdin_fd, data, offset)
                        if offset >= len(data):
                            selector.unregister(stdin_fd)
                            proc.stdin.close()
                    else:
                        active = True
                        chunk = os.read(key.fd, 32768)
                        if chunk:
                            sinks[key.fd].append(chunk)
                        else:
                            selector.unregister(key.fd)
                # As run_command: once the tool has exited, a process it left
                # behind may hold the pipes; a quiet second ends the wait.
                if streams and not active and _exited(proc):
                    break
        finally:
            selector.close()
        return proc.wait()

    @staticmethod
    def _kill(proc):
        """Kill the tool's process group (SIGTERM, grace, SIGKILL), reap the tool; its exit status.

        None when the tool is still there after SIGKILL (stuck in the kernel).
        """
        pgid = proc.pid  # start_new_session: the tool leads its own process group
        _kill_group(pgid, signal.SIGTERM)
        end = time.time() + TERM_GRACE
        while time.time() < end and not _exited(proc):
            time.sleep(0.02)
        # Whatever in the group outlived the SIGTERM (the tool's own children too).
        _kill_group(pgid, signal.SIGKILL)
        try:
            return proc.wait(timeout=KILL_WAIT)
        except subprocess.TimeoutExpired:
            return None


def _feed(fd, data, offset):
    """Write the next piece of ``data`` to the tool's stdin; the new offset."""
    try:
        return offset + os.write(fd, data[offset:offset + select.PIPE_BUF])
    except OSError as exc:
        if exc.errno == errno.EAGAIN:
            return offset
        if exc.errno == errno.EPIPE:
            return len(data)  # the tool closed its input: it wants no more
        raise


def run_in_order(calls, run, argv_of=lambda call: call):
    """Run ``run(call)`` for each call, stopping at the first error.

    The error carries ``executed``, the argv lists that completed before it, so
    a user sees how far a plan got (a re-run converges from there).
    """
    executed = []
    for call in calls:
        try:
            run(call)
        except VzError as exc:
            exc.executed = executed
            raise
        executed.append(argv_of(call))
    return executed
