"""The timeout option, and no tool process outliving the module (issue #10 item 7).

A hung tool is the emulator's fault with a long ``delay`` (``hold_lock``: it
holds the container's lock meanwhile, as a hung real vzctl would;
``spawn_child``: it has a child in its process group, as a real vzctl running
a helper would). The emulator records each fired fault's pids in
``faults-fired.jsonl`` before it sleeps, so the tests know exactly which
processes must be gone afterwards.
"""
import json
import os
import signal
import subprocess
import time

import pytest

from harness.paths import VENV_BIN

CT = "101"
TEMPLATE = "debian-12.0-x86_64-minimal"
LOCK = "/vz/lock/%s.lck" % CT
HANG = 120  # seconds a hung tool would sleep; never reached


def _play(tasks):
    return json.dumps([{"hosts": "localhost", "gather_facts": False, "tasks": tasks}], indent=1)


def _task(name, module, args, **extra):
    task = {"name": name, module: args, "register": "r"}
    task.update(extra)
    return task


def _alive(pid):
    """A process that exists and is not a zombie (a zombie is dead, only not yet reaped)."""
    try:
        with open("/proc/%d/stat" % pid) as handle:
            stat = handle.read()
    except OSError:
        return False
    return stat.rpartition(")")[2].split()[0] != "Z"


def _parent(pid):
    with open("/proc/%d/stat" % pid) as handle:
        return int(handle.read().rpartition(")")[2].split()[1])


def _cmdline(pid):
    with open("/proc/%d/cmdline" % pid, "rb") as handle:
        return handle.read().replace(b"\0", b" ").decode("utf-8", "replace")


def _wait_until(predicate, timeout, what):
    end = time.monotonic() + timeout
    while not predicate():
        if time.monotonic() > end:
            raise AssertionError("not within %s s: %s" % (timeout, what))
        time.sleep(0.05)


def _assert_gone(pids):
    """Every pid dead; a SIGKILL lands at once, so a short wait is only for the kernel."""
    pids = [pid for pid in pids if pid]
    _wait_until(lambda: not any(_alive(pid) for pid in pids), 5,
                "processes %s still alive: %s" % (pids, [_cmdline(p) for p in pids if _alive(p)]))


def _assert_lock_not_held():
    """The CT lock file is gone, or names a dead process (vzctl removes such a stale lock)."""
    try:
        with open(LOCK) as handle:
            text = handle.read()
    except FileNotFoundError:
        return
    pid = int(text.split()[0])
    assert not _alive(pid), "lock %s held by live pid %d: %s" % (LOCK, pid, _cmdline(pid))


def _fired(host, *argv):
    return [fault for fault in host.fired_faults() if fault["argv"][:len(argv)] == list(argv)]


CREATE = {"ctid": CT, "ostemplate": TEMPLATE, "hostname": "t.example.com", "memory": "512M",
          "state": "stopped"}


def test_hung_set_during_create_is_killed_at_the_timeout(openvz_host, run_playbook):
    openvz_host.inject_fault("vzctl", ["set", CT], rc=0, delay=HANG, times=1,
                             hold_lock=True, spawn_child=True)
    started = time.monotonic()
    result = run_playbook(_play([_task("create", "openvz.vz.container", dict(CREATE, timeout=3))]))
    elapsed = time.monotonic() - started
    failed = result.task("create")
    assert failed["failed"], str(result)
    res = failed["result"]
    [fault] = _fired(openvz_host, "set", CT)
    hung = fault["argv"]
    # The task ended at the timeout, not when the tool would have.
    assert 3 <= time.time() - fault["start"] and elapsed < 3 + 15, (elapsed, str(result))
    assert res["msg"].startswith(" ".join(["vzctl"] + hung) + " timed out after 3 seconds"), res["msg"]
    assert res["cmd"] == ["vzctl"] + hung and res["timeout"] == 3
    assert [argv[:2] for argv in res["executed"]] == [["vzctl", "create"]]
    _assert_gone([fault["pid"], fault["child"]])
    _assert_lock_not_held()
    # The next run converges: the stale lock is no obstacle.
    again = run_playbook(_play([_task("create", "openvz.vz.container", dict(CREATE, timeout=3))]))
    assert again.rc == 0, str(again)
    assert 'HOSTNAME="t.example.com"' in openvz_host.conf_text(CT)


def _adhoc(ansible_env, tmp_path, module, args):
    """Start `ansible localhost -m MODULE` without waiting; (process, results file)."""
    results = tmp_path / "adhoc-results.jsonl"
    argv = [str(VENV_BIN / "ansible"), "-i", str(ansible_env.inventory), "localhost",
            "-m", module, "-a", json.dumps(args)]
    proc = subprocess.Popen(argv, cwd=str(ansible_env.root), env=ansible_env.environ(results),
                            stdin=subprocess.DEVNULL, stdout=subprocess.PIPE, stderr=subprocess.STDOUT)
    return proc, results


def _hung_module(openvz_host, ansible_env, tmp_path, **fault):
    """A container module run whose `vzctl set` hangs: (ansible process, fired fault, module pid)."""
    assert openvz_host.run(["vzctl", "create", CT, "--ostemplate", TEMPLATE]).returncode == 0
    openvz_host.inject_fault("vzctl", ["set", CT], rc=0, delay=HANG, times=1, hold_lock=True, **fault)
    proc, _results = _adhoc(ansible_env, tmp_path, "openvz.vz.container",
                            {"ctid": CT, "hostname": "sig.example.com"})
    try:
        _wait_until(lambda: _fired(openvz_host, "set", CT) or proc.poll() is not None, 60,
                    "the module reaching vzctl set")
        assert proc.poll() is None, proc.communicate()[0].decode()
        [fired] = _fired(openvz_host, "set", CT)
        module = _parent(fired["pid"])
        assert "AnsiballZ_container" in _cmdline(module), _cmdline(module)
    except BaseException:
        proc.kill()
        proc.communicate()
        raise
    return proc, fired, module


@pytest.mark.flavour("legacy")
def test_sigterm_to_the_module_kills_the_hung_tool_and_its_child(openvz_host, ansible_env, tmp_path):
    proc, fired, module = _hung_module(openvz_host, ansible_env, tmp_path, spawn_child=True)
    assert _alive(fired["pid"]) and _alive(fired["child"])
    os.kill(module, signal.SIGTERM)
    output = proc.communicate(timeout=60)[0].decode("utf-8", "replace")
    assert proc.returncode != 0
    assert "was interrupted: the module received SIGTERM" in output, output
    _assert_gone([module, fired["pid"], fired["child"]])
    _assert_lock_not_held()


@pytest.mark.flavour("legacy")
def test_sigkill_of_the_module_takes_its_tool_along(openvz_host, ansible_env, tmp_path):
    proc, fired, module = _hung_module(openvz_host, ansible_env, tmp_path)
    assert _alive(fired["pid"])
    os.kill(module, signal.SIGKILL)
    proc.communicate(timeout=60)
    assert proc.returncode != 0
    # Nobody killed the tool but the kernel, on its parent's death (PR_SET_PDEATHSIG).
    _assert_gone([fired["pid"]])
    _assert_lock_not_held()


@pytest.mark.flavour("legacy")
def test_hung_command_in_container_exec_is_killed(openvz_host, run_playbook):
    assert openvz_host.run(["vzctl", "create", CT, "--ostemplate", TEMPLATE]).returncode == 0
    assert openvz_host.run(["vzctl", "start", CT]).returncode == 0
    pidfile = "/vz/root/%s/tmp/hung.pid" % CT
    result = run_playbook(_play([_task("hang", "openvz.vz.container_exec", {
        "ctid": CT, "cmd": "echo $$ > /tmp/hung.pid; exec sleep %d" % HANG, "shell": True,
        "timeout": 2})]))
    res = result.task("hang")["result"]
    assert result.task("hang")["failed"] and "timed out after 2 seconds" in res["msg"], res
    assert res["cmd"][:3] == ["vzctl", "exec2", CT]
    with open(pidfile) as handle:
        sleeper = int(handle.read())
    # The command ran (it wrote its pid), inside vzctl's process group, and is gone with it.
    _assert_gone([sleeper])


@pytest.mark.flavour("vz7")
def test_hung_vzlist_fails_container_info(openvz_host, run_playbook):
    openvz_host.inject_fault("vzlist", ["-a"], rc=0, delay=HANG, spawn_child=True)
    result = run_playbook(_play([_task("info", "openvz.vz.container_info", {"timeout": 1})]))
    res = result.task("info")["result"]
    assert result.task("info")["failed"], str(result)
    [fired] = openvz_host.fired_faults()
    assert res["msg"].startswith(" ".join(["vzlist"] + fired["argv"]) + " timed out after 1 seconds"), res
    _assert_gone([fired["pid"], fired["child"]])


@pytest.mark.flavour("vz7")
def test_hung_snapshot_names_the_timeout(openvz_host, run_playbook):
    assert openvz_host.run(["vzctl", "create", CT, "--ostemplate", TEMPLATE]).returncode == 0
    openvz_host.inject_fault("vzctl", ["snapshot", CT], rc=0, delay=HANG, hold_lock=True, spawn_child=True)
    result = run_playbook(_play([_task("snapshot", "openvz.vz.snapshot", {
        "ctid": CT, "name": "s1", "timeout": 2})]))
    res = result.task("snapshot")["result"]
    assert result.task("snapshot")["failed"], str(result)
    [fired] = _fired(openvz_host, "snapshot", CT)
    assert res["msg"].startswith(" ".join(["vzctl"] + fired["argv"]) + " timed out after 2 seconds"), res
    assert res["cmd"] == ["vzctl"] + fired["argv"] and res["timeout"] == 2
    _assert_gone([fired["pid"], fired["child"]])
    _assert_lock_not_held()


@pytest.mark.flavour("legacy")
def test_hung_vztmpl_dl_puts_the_cache_file_back(openvz_host, run_playbook):
    cache = "/vz/template/cache/%s.tar.gz" % TEMPLATE
    with open(cache, "rb") as handle:
        before = handle.read()
    openvz_host.inject_fault("vztmpl-dl", [TEMPLATE], rc=0, delay=HANG, spawn_child=True)
    result = run_playbook(_play([_task("download", "openvz.vz.template", {
        "name": TEMPLATE, "download": True, "checksum": "sha256:" + "0" * 64, "timeout": 1})]))
    res = result.task("download")["result"]
    assert result.task("download")["failed"], str(result)
    assert res["msg"] == "vztmpl-dl %s timed out after 1 seconds and was killed with its process group " \
                         "(SIGTERM, then SIGKILL)" % TEMPLATE, res
    [fired] = openvz_host.fired_faults()
    _assert_gone([fired["pid"], fired["child"]])
    with open(cache, "rb") as handle:
        assert handle.read() == before
    assert sorted(os.listdir("/vz/template/cache")) == ["centos-7-x86_64.tar.xz", TEMPLATE + ".tar.gz"]


@pytest.mark.flavour("legacy")
def test_negative_timeout_is_refused_before_any_call(openvz_host, run_playbook):
    tasks = [
        _task("container", "openvz.vz.container", {"ctid": CT, "ostemplate": TEMPLATE, "timeout": -1}),
        _task("exec", "openvz.vz.container_exec", {"ctid": CT, "argv": ["true"], "timeout": -1}),
        _task("info", "openvz.vz.container_info", {"timeout": -1}),
        _task("snapshot", "openvz.vz.snapshot", {"ctid": CT, "name": "s", "timeout": -1}),
        _task("template", "openvz.vz.template", {"name": TEMPLATE, "download": True, "timeout": -1}),
    ]
    for task in tasks:
        task["ignore_errors"] = True
    openvz_host.clear_calls()
    result = run_playbook(_play(tasks))
    for task in tasks:
        res = result.task(task["name"])
        assert res["failed"], res
        assert res["result"]["msg"] == ("timeout: must be 0 (no limit) or a positive number of seconds, "
                                        "got -1"), res
    assert openvz_host.calls() == []
    assert openvz_host.fired_faults() == []


@pytest.mark.flavour("legacy")
def test_ansibles_own_task_timeout_leaves_no_tool_behind(openvz_host, run_playbook):
    """Ansible abandons the module at its task timeout without killing it; the module notices."""
    assert openvz_host.run(["vzctl", "create", CT, "--ostemplate", TEMPLATE]).returncode == 0
    openvz_host.inject_fault("vzctl", ["set", CT], rc=0, delay=HANG, times=1, hold_lock=True,
                             spawn_child=True)
    result = run_playbook(_play([_task("set", "openvz.vz.container", {"ctid": CT, "hostname": "x.example.com"},
                                       timeout=3)]))
    assert "Timed out after 3 second" in result.task("set")["result"]["msg"], str(result)
    [fired] = _fired(openvz_host, "set", CT)
    # The module's wait loop looks at its output once a second.
    _assert_gone([fired["pid"], fired["child"]])
    _assert_lock_not_held()
