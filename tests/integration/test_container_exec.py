"""openvz.vz.container_exec against the emulated host, through real ansible-playbook runs.

The command runs chrooted into the container's root by the vzctl stand-in's
``exec2`` (busybox sh inside), so what a task returns is what the command in
the container really printed and exited with.
"""
import json
import os

import pytest

CT = "101"
TEMPLATE = "debian-12.0-x86_64-minimal"
ROOT = "/vz/root/%s" % CT
HOSTILE = ["$(id)", ";", "a'b\"c", "x\ny", "*", "`touch /tmp/pwned`", "", "-", "--help",
           "$HOME", "\\", "'", "|| touch /tmp/pwned2", "\n"]


def _exec(name, args, **extra):
    task = {"name": name, "openvz.vz.container_exec": dict(args, ctid=CT), "register": "r"}
    task.update(extra)
    return task


def _play(tasks):
    return json.dumps([{"hosts": "localhost", "gather_facts": False, "tasks": tasks}], indent=1)


def _start(state="started"):
    return {"name": "container", "openvz.vz.container": {
        "ctid": CT, "ostemplate": TEMPLATE, "state": state}}


def _result(run, name):
    return run.task(name)["result"]


def test_exec_states_and_options(openvz_host, run_playbook):
    # A host file a symlink inside the CT points at: creates must look inside the CT.
    with open("/tmp/openvz-exec-host-only-%d" % os.getpid(), "w") as handle:
        handle.write("host\n")
    host_only = handle.name
    tasks = [
        _start(),
        _exec("hostile", {"argv": ["printf", "<%s>"] + HOSTILE}),
        _exec("stdin", {"argv": ["cat"], "stdin": "hello\nworld"}),
        _exec("stdin raw", {"argv": ["wc", "-c"], "stdin": "abc", "stdin_add_newline": False}),
        _exec("status", {"cmd": "echo out; echo err >&2; exit 7", "shell": True, "check_rc": False}),
        _exec("failing", {"argv": ["sh", "-c", "echo nope >&2; exit 3"]}, ignore_errors=True),
        _exec("no shell", {"cmd": "echo hi"}, ignore_errors=True),
        _exec("argv with shell", {"argv": ["echo"], "shell": True}, ignore_errors=True),
        _exec("chdir", {"argv": ["pwd"], "chdir": "/etc"}),
        _exec("keep ends", {"argv": ["printf", "a\\n\\n"], "strip_empty_ends": False}),
        _exec("not utf-8", {"argv": ["printf", "\\377ok"]}),
        _exec("check plain", {"argv": ["touch", "/root/check"]}, check_mode=True),
        _exec("check creates", {"argv": ["touch", "/root/check"], "creates": "/root/check"},
              check_mode=True),
        _exec("creates", {"argv": ["touch", "/root/marker"], "creates": "/root/marker"}),
        _exec("creates again", {"argv": ["touch", "/root/marker"], "creates": "/root/marker"}),
        _exec("check creates exists", {"argv": ["touch", "/root/marker"], "creates": "/root/marker"},
              check_mode=True),
        _exec("relative creates", {"argv": ["false"], "chdir": "/etc", "creates": "hostname"}),
        _exec("link", {"argv": ["ln", "-s", host_only, "/root/escape"], "creates": "/root/escape"}),
        _exec("symlink creates", {"argv": ["echo", "ran"], "creates": "/root/escape"}),
        _exec("removes", {"argv": ["rm", "/root/marker"], "removes": "/root/marker"}),
        _exec("removes again", {"argv": ["rm", "/root/marker"], "removes": "/root/marker"}),
        _exec("hostile creates", {"argv": ["true"], "creates": "/$(touch /tmp/pwned3)"}),
    ]
    try:
        result = run_playbook(_play(tasks))
    finally:
        os.unlink(host_only)
    assert result.rc == 0, str(result)

    hostile = _result(result, "hostile")
    assert hostile["changed"] and hostile["rc"] == 0
    assert hostile["stdout"] == "".join("<%s>" % arg for arg in HOSTILE), hostile["stdout"]
    for pwned in ("pwned", "pwned2", "pwned3"):
        assert not os.path.exists(ROOT + "/tmp/" + pwned)
        assert not os.path.exists("/tmp/" + pwned)
    assert hostile["cmd"][:3] == ["vzctl", "exec2", CT] and len(hostile["cmd"]) == 4

    assert _result(result, "stdin")["stdout"] == "hello\nworld"
    assert _result(result, "stdin")["stdout_lines"] == ["hello", "world"]
    assert _result(result, "stdin raw")["stdout"].strip() == "3"

    status = _result(result, "status")
    assert (status["rc"], status["stdout"], status["stderr"]) == (7, "out", "err")
    assert status["stderr_lines"] == ["err"] and not status.get("failed")
    failing = result.task("failing")
    assert failing["failed"] and failing["result"]["rc"] == 3
    assert failing["result"]["stderr"] == "nope" and "non-zero return code" in failing["result"]["msg"]
    assert "shell: true" in result.task("no shell")["result"]["msg"]
    assert result.task("argv with shell")["failed"]

    assert _result(result, "chdir")["stdout"] == "/etc"
    assert _result(result, "keep ends")["stdout"] == "a\n\n"
    assert _result(result, "not utf-8")["stdout"] == "\ufffdok"

    # Check mode predicts the real run: the command would run, so changed.
    plain = result.task("check plain")
    assert plain["changed"] and plain["status"] == "ok"
    assert plain["result"]["msg"] == "Command would have run if not in check mode"
    assert _result(result, "check creates")["changed"]
    assert not os.path.exists(ROOT + "/root/check")
    assert _result(result, "creates")["changed"]
    again = _result(result, "creates again")
    assert not again["changed"] and again["rc"] == 0 and "exists" in again["msg"]
    assert not _result(result, "check creates exists")["changed"]
    assert not _result(result, "relative creates")["changed"]
    # /root/escape -> a host path that does not exist inside the container:
    # inside the CT the link dangles, so the command runs.
    assert os.path.islink(ROOT + "/root/escape")
    symlinked = _result(result, "symlink creates")
    assert symlinked["changed"] and symlinked["stdout"] == "ran"
    assert _result(result, "removes")["changed"]
    assert not os.path.exists(ROOT + "/root/marker")
    assert not _result(result, "removes again")["changed"]
    assert _result(result, "hostile creates")["changed"]

    # Nothing here changes the container's definition or state.
    mutating = [c["argv"][0] for c in openvz_host.mutating_calls()]
    assert mutating == ["create", "start"], mutating
    execs = [c for c in openvz_host.calls() if c["tool"] == "vzctl" and c["argv"][0] == "exec2"]
    assert all(len(c["argv"]) == 3 for c in execs)


def test_rerun_is_unchanged(openvz_host, run_playbook):
    tasks = [_start(),
             _exec("creates", {"argv": ["touch", "/root/once"], "creates": "/root/once"}),
             _exec("removes", {"argv": ["rm", "/root/never"], "removes": "/root/never"})]
    first = run_playbook(_play(tasks))
    assert first.rc == 0, str(first)
    assert _result(first, "creates")["changed"] and not _result(first, "removes")["changed"]
    openvz_host.clear_calls()
    second = run_playbook(_play(tasks))
    assert second.rc == 0, str(second)
    assert not second.changed_tasks
    assert openvz_host.mutating_calls() == []


@pytest.mark.flavour("legacy")
def test_not_running_and_missing(openvz_host, run_playbook):
    result = run_playbook(_play([
        _start(state="stopped"),
        _exec("stopped", {"argv": ["true"]}, ignore_errors=True),
        {"name": "missing", "openvz.vz.container_exec": {"ctid": "999", "argv": ["true"]},
         "ignore_errors": True},
        {"name": "bad ctid", "openvz.vz.container_exec": {"ctid": "1;reboot", "argv": ["true"]},
         "ignore_errors": True},
    ]))
    assert result.rc == 0, str(result)
    assert result.task("stopped")["result"]["msg"].startswith("container 101 is not running")
    assert result.task("missing")["result"]["msg"] == "container 999 does not exist"
    assert result.task("bad ctid")["result"]["msg"].startswith("ctid:")
    # No exec2 ever reached a stopped or missing container.
    assert not [c for c in openvz_host.calls() if c["argv"][:1] == ["exec2"]]
