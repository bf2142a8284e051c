"""vz_runner.Runner with the machine's own sh, cat, sleep: argv, stdin, output, timeouts, signals.

Whether a process is gone is read from /proc (a zombie counts as gone: it is
dead, only not yet reaped by whoever inherited it).
"""
import json
import os
import shutil
import signal
import subprocess
import sys
import textwrap
import time

import pytest

from ansible_collections.openvz.vz.plugins.module_utils._vz import vz_facts, vz_runner
from ansible_collections.openvz.vz.plugins.module_utils._vz.vz_errors import VzTimeoutError, VzToolError
from ansible_collections.openvz.vz.plugins.module_utils._vz.vz_runner import Runner, run_in_order


class Failed(Exception):
    pass


class FakeModule:
    def __init__(self, environ_update=None):
        self.run_command_environ_update = environ_update or {}
        self.looked_up = []

    def get_bin_path(self, tool, required=False, opt_dirs=None):
        assert required and opt_dirs == ["/usr/sbin", "/sbin"]
        self.looked_up.append(tool)
        return shutil.which(tool)

    def fail_json(self, **kwargs):
        raise Failed(kwargs)


def _alive(pid):
    try:
        with open("/proc/%d/stat" % pid) as handle:
            return handle.read().rpartition(")")[2].split()[0] != "Z"
    except OSError:
        return False


def _wait_until(predicate, timeout=60.0):
    end = time.monotonic() + timeout
    while not predicate():
        if time.monotonic() > end:
            return False
        time.sleep(0.02)
    return True


def _read_pid(path):
    assert _wait_until(lambda: os.path.exists(path) and open(path).read().strip()), path
    with open(path) as handle:
        return int(handle.read())


def test_argv_reaches_the_tool_as_given():
    argv = ["printf", "<%s>", "~", "$HOME", "a b", "", "*", "$(id)"]
    assert Runner(FakeModule()).run(argv) == (0, "<~><$HOME><a b><><*><$(id)>", "")


def test_stdin_is_written_and_without_it_the_tool_reads_nothing():
    runner = Runner(FakeModule())
    assert runner.run(["cat"], stdin="root:secret\n") == (0, "root:secret\n", "")
    assert runner.run(["cat"], stdin=b"\xffraw") == (0, "\ufffdraw", "")
    assert runner.run(["cat"]) == (0, "", "")


def test_much_stdin_and_output_at_once_do_not_deadlock():
    data = b"x" * (4 << 20)
    _rc, out, _err = Runner(FakeModule(), timeout=30).run(["cat"], stdin=data)
    assert len(out) == len(data)


def test_tool_that_does_not_read_its_stdin():
    rc, out, _err = Runner(FakeModule(), timeout=10).run(["sh", "-c", "exec 0<&-; echo done"],
                                                         stdin=b"y" * (1 << 20))
    assert (rc, out) == (0, "done\n")


def test_undecodable_output_is_replaced():
    assert Runner(FakeModule()).run(["sh", "-c", r"printf '\377ok'; printf '\376' >&2"]) == \
        (0, "\ufffdok", "\ufffd")


def test_exit_codes():
    runner = Runner(FakeModule())
    with pytest.raises(VzToolError) as info:
        runner.run(["sh", "-c", "echo locked >&2; exit 9"])
    # Not one of the OpenVZ tools: no table applies.
    assert (info.value.rc, info.value.meaning, info.value.argv) == (
        9, "sh exited with 9", ["sh", "-c", "echo locked >&2; exit 9"])
    assert runner.run(["sh", "-c", "exit 3"], check_rc=False) == (3, "", "")


@pytest.mark.parametrize("tool, rc, meaning", [
    ("vzctl", 9, "container is locked by another vzctl"),
    ("vzctl", 1, "failed to set a UBC parameter"),
    ("vzctl", 250, "vzctl exited with 250"),
    ("vzlist", 1, "vzlist error (such as Container(s) not found, an unknown field or sort key)"),
    ("vzlist", 9, "vzlist exited with 9"),
    ("vztmpl-dl", 1, "download error"),
    ("vztmpl-dl", 9, "vztmpl-dl exited with 9"),
])
def test_exit_codes_mean_what_that_tool_means(tmp_path, monkeypatch, tool, rc, meaning):
    """Each tool's exit code is read with that tool's table (a vzlist 1 is not a UBC failure)."""
    script = tmp_path / tool
    script.write_text("#!/bin/sh\nexit %d\n" % rc)
    script.chmod(0o755)
    monkeypatch.setenv("PATH", "%s:%s" % (tmp_path, os.environ["PATH"]))
    with pytest.raises(VzToolError) as info:
        Runner(FakeModule()).run([tool])
    assert (info.value.rc, info.value.meaning) == (rc, meaning)


def test_a_vzlist_failure_reads_as_vzlist_to_the_user(tmp_path, monkeypatch):
    """What fail_json gets: vzlist's meaning in the message and in RV(meaning), none of vzctl's."""
    script = tmp_path / "vzlist"
    script.write_text("#!/bin/sh\necho 'Container(s) not found' >&2\nexit 1\n")
    script.chmod(0o755)
    monkeypatch.setenv("PATH", "%s:%s" % (tmp_path, os.environ["PATH"]))
    with pytest.raises(VzToolError) as info:
        Runner(FakeModule()).run(["vzlist", "-a", "-j"])
    meaning = "vzlist error (such as Container(s) not found, an unknown field or sort key)"
    assert str(info.value) == "vzlist -a -j failed with exit code 1 (%s): Container(s) not found" % meaning
    result = info.value.to_result()
    assert (result["rc"], result["meaning"], result["cmd"]) == (1, meaning, ["vzlist", "-a", "-j"])
    assert vz_facts.VZCTL_EXIT_MEANINGS[1] not in str(info.value)


@pytest.mark.parametrize("tool", ["vzlist", "/usr/sbin/vzlist", "vztmpl-dl", "/usr/sbin/vztmpl-dl"])
def test_no_code_of_another_tool_reads_as_a_vzctl_meaning(tool):
    """Each code of vzlist and vztmpl-dl, and one none of them knows, by name or by path."""
    name = tool.rsplit("/", 1)[-1]
    for rc in sorted(set(vz_facts.VZCTL_EXIT_MEANINGS) | set(vz_facts.EXIT_MEANINGS[name])):
        meaning = vz_facts.exit_meaning(tool, rc)
        assert meaning == vz_facts.EXIT_MEANINGS[name].get(rc, "%s exited with %d" % (name, rc)), rc
        assert meaning not in vz_facts.VZCTL_EXIT_MEANINGS.values(), rc
    assert vz_facts.exit_meaning("/usr/sbin/vzctl", 9) == "container is locked by another vzctl"


def test_tools_are_resolved_once():
    module = FakeModule()
    runner = Runner(module)
    runner.run(["true"])
    runner.run(["true"])
    assert module.looked_up == ["true"]


def test_environment_is_run_commands(monkeypatch):
    monkeypatch.setenv("PYTHONPATH", "/tmp/x/ansible_modlib.zip:/opt/lib:/tmp/y/debug_dir")
    runner = Runner(FakeModule(environ_update={"LANG": "C", "LC_ALL": "C"}))
    _rc, out, _err = runner.run(["sh", "-c", 'echo "$LANG $LC_ALL $PYTHONPATH"'])
    assert out == "C C /opt/lib\n"


@pytest.mark.parametrize("value", [-1, -0.5])
def test_negative_timeout_fails_the_module(value):
    module = FakeModule()
    with pytest.raises(Failed) as info:
        Runner(module, timeout=value)
    assert info.value.args[0] == {
        "msg": "timeout: must be 0 (no limit) or a positive number of seconds, got %s" % value}
    assert module.looked_up == []


@pytest.mark.parametrize("value", [0, None])
def test_zero_or_none_is_no_limit(value):
    runner = Runner(FakeModule(), timeout=value)
    assert runner.timeout is None
    assert runner.run(["sh", "-c", "sleep 0.3; echo ok"]) == (0, "ok\n", "")


def test_timeout_kills_the_process_group(tmp_path):
    child = str(tmp_path / "child")
    argv = ["sh", "-c", "sleep 60 & echo $! > %s; echo working; echo busy >&2; wait" % child]
    started = time.monotonic()
    with pytest.raises(VzTimeoutError) as info:
        Runner(FakeModule(), timeout=1).run(argv, check_rc=False)
    elapsed = time.monotonic() - started
    assert 1 <= elapsed < 1 + vz_runner.TERM_GRACE + 1
    error = info.value
    assert str(error) == ("%s timed out after 1 seconds and was killed with its process group "
                          "(SIGTERM, then SIGKILL): busy" % " ".join(argv))
    assert error.rc == -signal.SIGTERM
    result = error.to_result()
    assert result["cmd"] == argv and result["timeout"] == 1 and result["stdout"] == "working\n"
    assert result["meaning"] == "timed out after 1 seconds"
    assert _wait_until(lambda: not _alive(_read_pid(child)))


def test_a_tool_ignoring_sigterm_gets_sigkill(tmp_path, monkeypatch):
    monkeypatch.setattr(vz_runner, "TERM_GRACE", 0.5)
    pid = str(tmp_path / "pid")
    argv = ["sh", "-c", "trap '' TERM; echo $$ > %s; while :; do sleep 0.1; done" % pid]
    started = time.monotonic()
    with pytest.raises(VzTimeoutError) as info:
        Runner(FakeModule(), timeout=0.5).run(argv)
    assert 1.0 <= time.monotonic() - started < 3
    assert info.value.rc == -signal.SIGKILL and "timed out after 0.5 seconds" in str(info.value)
    assert not _alive(_read_pid(pid))


def test_run_in_order_keeps_the_calls_before_the_timeout():
    runner = Runner(FakeModule(), timeout=0.5)
    with pytest.raises(VzTimeoutError) as info:
        run_in_order([["true"], ["sleep", "30"], ["true"]], runner.run)
    assert info.value.executed == [["true"]]
    assert info.value.to_result()["executed"] == [["true"]]


def test_a_process_the_tool_leaves_behind_is_not_waited_for_nor_killed(tmp_path):
    # As run_command: once the tool exits, a quiet second ends the wait even
    # though a process it started still holds its output pipes.
    child = str(tmp_path / "child")
    started = time.monotonic()
    rc, out, _err = Runner(FakeModule(), timeout=30).run(
        ["sh", "-c", "sleep 30 & echo $! > %s; echo started" % child])
    assert (rc, out) == (0, "started\n") and time.monotonic() - started < 5
    pid = _read_pid(child)
    try:
        assert _alive(pid)
    finally:
        os.kill(pid, signal.SIGKILL)


def test_signal_handlers_and_wakeup_fd_are_put_back():
    before = dict((signum, signal.getsignal(signum)) for signum in vz_runner.STOP_SIGNALS)
    Runner(FakeModule()).run(["true"])
    with pytest.raises(VzTimeoutError):
        Runner(FakeModule(), timeout=0.2).run(["sleep", "10"])
    assert dict((signum, signal.getsignal(signum)) for signum in vz_runner.STOP_SIGNALS) == before
    assert signal.set_wakeup_fd(-1) == -1


def test_an_ignored_signal_stays_ignored():
    previous = signal.signal(signal.SIGHUP, signal.SIG_IGN)
    try:
        # The tool sends its parent (this process) SIGHUP.
        assert Runner(FakeModule()).run(["sh", "-c", "kill -HUP $PPID; sleep 0.2; echo ok"]) == (0, "ok\n", "")
        assert signal.getsignal(signal.SIGHUP) == signal.SIG_IGN
    finally:
        signal.signal(signal.SIGHUP, previous)


# ------------------------------------------------------------ the runner in a process of its own

SCRIPT = textwrap.dedent("""
    import json, shutil, signal, sys
    # As under Ansible: the stop signals at their defaults, whatever the test runner
    # inherited (a run under nohup ignores SIGHUP, which the runner then leaves alone).
    for signum in (signal.SIGTERM, signal.SIGINT, signal.SIGHUP):
        signal.signal(signum, signal.SIG_DFL)
    from ansible_collections.openvz.vz.plugins.module_utils._vz import vz_runner
    from ansible_collections.openvz.vz.plugins.module_utils._vz.vz_errors import VzInterruptedError

    class Module:
        run_command_environ_update = {}
        def get_bin_path(self, tool, required=False, opt_dirs=None):
            return shutil.which(tool)
        def fail_json(self, **kwargs):
            raise SystemExit(kwargs)

    runner = vz_runner.Runner(Module())
    try:
        runner.run(["sh", "-c", sys.argv[1]])
    except VzInterruptedError as exc:
        result = exc.to_result()
        try:
            runner.run(["true"])
        except VzInterruptedError as again:
            result["again"] = str(again)
        print(json.dumps(result))
        sys.exit(1)
""")


def _start_script(tmp_path, shell):
    script = tmp_path / "run.py"
    script.write_text(SCRIPT)
    env = dict(os.environ, PYTHONPATH=os.pathsep.join(path for path in sys.path if path))
    return subprocess.Popen([sys.executable, str(script), shell], stdout=subprocess.PIPE,
                            stderr=subprocess.PIPE, env=env)


@pytest.mark.parametrize("signum", [signal.SIGTERM, signal.SIGINT, signal.SIGHUP])
def test_stop_signal_kills_the_tool_group_first(tmp_path, signum):
    tool, child = str(tmp_path / "tool"), str(tmp_path / "child")
    proc = _start_script(tmp_path, "sleep 60 & echo $! > %s; echo $$ > %s; wait" % (child, tool))
    try:
        tool_pid, child_pid = _read_pid(tool), _read_pid(child)
        assert _alive(tool_pid) and _alive(child_pid)
        proc.send_signal(signum)
        out, err = proc.communicate(timeout=60)
    finally:
        proc.kill()
    assert proc.returncode == 1, err
    result = json.loads(out)
    name = signal.Signals(signum).name
    assert result["signal"] == name and result["rc"] == -signal.SIGTERM
    assert result["msg"].endswith("was interrupted: the module received %s, and the tool was killed "
                                  "with its process group" % name)
    assert result["again"].startswith("true was interrupted")  # no tool starts after a stop
    assert not _alive(tool_pid) and _wait_until(lambda: not _alive(child_pid))


@pytest.mark.skipif(vz_runner._PRCTL is None, reason="no prctl(PR_SET_PDEATHSIG) here")  # pylint: disable=protected-access
def test_sigkill_of_the_module_takes_the_tool_along(tmp_path):
    tool = str(tmp_path / "tool")
    proc = _start_script(tmp_path, "echo $$ > %s; exec sleep 60" % tool)
    try:
        tool_pid = _read_pid(tool)
        assert _alive(tool_pid)
        proc.kill()
        proc.communicate(timeout=60)
    finally:
        proc.kill()
    assert _wait_until(lambda: not _alive(tool_pid))


THREADED = textwrap.dedent("""
    import json, sys
    from concurrent.futures import ThreadPoolExecutor
    sys.path.insert(0, %(tests)r)
    from unit_fake import FakeModule
    from ansible_collections.openvz.vz.plugins.module_utils._vz.vz_errors import VzError
    from ansible_collections.openvz.vz.plugins.module_utils._vz.vz_runner import Runner, StopFlag

    stop = StopFlag()
    runners = [Runner(FakeModule(), timeout=120, stop=stop) for _ in range(3)]
    paths = runners[0].resolve("sh")

    def run(index):
        runner = runners[index]
        try:
            runner.run(["sh", "-c", "echo $$ > %(tmp)s/tool%%d; exec sleep 60" %% index])
        except VzError as exc:
            return exc.to_result()
        return {"msg": "finished"}

    with stop.catching(), ThreadPoolExecutor(3) as pool:
        results = list(pool.map(run, range(3)))
    print(json.dumps(results))
""")


def test_a_stop_signal_reaches_tools_running_in_worker_threads(tmp_path):
    """The containers module runs tools in threads: the main thread's stop flag
    kills every one of them, and none is left behind."""
    (tmp_path / "unit_fake.py").write_text(
        "import shutil\n\nclass FakeModule:\n    run_command_environ_update = {}\n\n"
        "    def get_bin_path(self, tool, required=False, opt_dirs=None):\n        return shutil.which(tool)\n\n"
        "    def fail_json(self, **kwargs):\n        raise SystemExit(kwargs)\n")
    script = tmp_path / "threaded.py"
    script.write_text(THREADED % {"tests": str(tmp_path), "tmp": str(tmp_path)})
    env = dict(os.environ, PYTHONPATH=os.pathsep.join(path for path in sys.path if path))
    proc = subprocess.Popen([sys.executable, str(script)], stdout=subprocess.PIPE, stderr=subprocess.PIPE, env=env)
    try:
        pids = [_read_pid(str(tmp_path / ("tool%d" % index))) for index in range(3)]
        assert all(_alive(pid) for pid in pids)
        started = time.monotonic()
        proc.send_signal(signal.SIGTERM)
        out, err = proc.communicate(timeout=60)
    finally:
        proc.kill()
    assert proc.returncode == 0, err
    results = json.loads(out)
    assert [r["signal"] for r in results] == ["SIGTERM"] * 3
    # Each worker's wait looks at the flag at least once a second, then TERM_GRACE at most.
    assert time.monotonic() - started < 1 + vz_runner.TERM_GRACE + 5
    assert all(_wait_until(lambda pid=pid: not _alive(pid)) for pid in pids)
