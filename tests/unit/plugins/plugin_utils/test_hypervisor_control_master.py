"""plugin_utils.hypervisor: the control socket, one master for concurrent first commands, stopping it.

A stand-in `ssh` (a script in the test's tmp dir) logs its argv, plays a
master with `-N -f` (creates the control socket after a pause, so that
concurrent callers overlap) and answers `-O check` / `-O stop` from the
socket's presence. The real ssh is exercised in
tests/integration/test_connection_suites.py.
"""
import json
import sys
import threading

import pytest

from ansible_collections.openvz.vz.plugins.plugin_utils.hypervisor import Hypervisor, HypervisorError

FAKE_SSH = r'''#!%s
import json, os, sys, time
argv = sys.argv[1:]
with open(os.environ["FAKE_SSH_LOG"], "a") as log:
    log.write(json.dumps(argv) + "\n")
path = [a.split("=", 1)[1] for a in argv if a.startswith("ControlPath=")][0]
if "-O" in argv:
    op = argv[argv.index("-O") + 1]
    if not os.path.exists(path):
        sys.stderr.write("Control socket connect(%%s): No such file or directory\n" %% path)
        sys.exit(255)
    if op == "stop":
        os.unlink(path)
        if os.environ.get("FAKE_SSH_STOP_FAILS"):
            sys.exit(255)
    sys.exit(0)
if "-N" in argv:
    if os.environ.get("FAKE_SSH_DENIED"):
        sys.stderr.write("root@hv: Permission denied (publickey).\n")
        sys.exit(255)
    time.sleep(0.3)
    open(path, "w").close()
    sys.exit(0)
sys.stdout.write("ran %%s\n" %% argv[-1])
'''


@pytest.fixture
def fake_ssh(tmp_path, monkeypatch):
    script = tmp_path / "ssh"
    script.write_text(FAKE_SSH % sys.executable, encoding="utf-8")
    script.chmod(0o755)
    log = tmp_path / "ssh.log"
    log.touch()
    monkeypatch.setenv("FAKE_SSH_LOG", str(log))

    return FakeSsh(script, log)


class FakeSsh:
    def __init__(self, path, log):
        self.path = path
        self.log = log

    def __str__(self):
        return str(self.path)

    def calls(self):
        return [json.loads(line) for line in self.log.read_text(encoding="utf-8").splitlines()]


def _hypervisor(fake_ssh, tmp_path, **kwargs):
    kwargs.setdefault("control_path_dir", str(tmp_path / "cp"))
    return Hypervisor(address="hv1.example.com", user="root", ssh_executable=str(fake_ssh), **kwargs)


def test_one_control_path_per_user_address_and_port(tmp_path):
    cp_dir = str(tmp_path / "cp")

    def path(**kwargs):
        return Hypervisor(**dict({"address": "hv1", "user": "root", "control_path_dir": cp_dir}, **kwargs)).control_path

    assert path() == path() and path().startswith(cp_dir + "/ovz-") and len(path()) < len(cp_dir) + 20
    assert len({path(), path(port=2222), path(user="admin"), path(address="hv2")}) == 4
    assert path(ssh_args="-o ControlPersist=60s -o ControlPath=/tmp/%C") is None
    assert path(ssh_extra_args="-o ControlPath=/tmp/%C") is None
    assert path(ssh_args="-C") is None
    assert path(control_path_dir=None) is None
    assert Hypervisor(control_path_dir=cp_dir).control_path is None


def test_concurrent_first_commands_start_one_master_then_share_it(fake_ssh, tmp_path):
    results = []

    def task():
        results.append(_hypervisor(fake_ssh, tmp_path).run(["vzctl", "exec2", "101", "true"]))

    threads = [threading.Thread(target=task) for _index in range(4)]
    for thread in threads:
        thread.start()
    for thread in threads:
        thread.join(timeout=60)
    assert [rc for rc, _out, _err in results] == [0] * 4
    masters = [argv for argv in fake_ssh.calls() if "-N" in argv]
    assert len(masters) == 1 and masters[0][-3:] == ["-N", "-f", "hv1.example.com"]
    commands = [argv for argv in fake_ssh.calls() if "-N" not in argv]
    assert len(commands) == 4
    control_path = _hypervisor(fake_ssh, tmp_path).control_path
    assert all("ControlPath=%s" % control_path in argv for argv in fake_ssh.calls())
    # Once the socket is there, a command starts nothing else.
    _hypervisor(fake_ssh, tmp_path).run(["true"])
    assert len([argv for argv in fake_ssh.calls() if "-N" in argv]) == 1


@pytest.mark.parametrize("ssh_args", ["-o ControlMaster=no -o ControlPersist=60s", "-o ControlPersist=60s",
                                      "-o ControlMaster=autoask -o ControlPersist=60s"])
def test_no_master_is_started_where_ssh_would_not_be_one(fake_ssh, tmp_path, ssh_args):
    _hypervisor(fake_ssh, tmp_path, ssh_args=ssh_args).run(["true"])
    assert [argv for argv in fake_ssh.calls() if "-N" in argv] == []
    assert len(fake_ssh.calls()) == 1


def test_a_master_that_cannot_log_in_is_a_hypervisor_error(fake_ssh, tmp_path, monkeypatch):
    monkeypatch.setenv("FAKE_SSH_DENIED", "1")
    with pytest.raises(HypervisorError, match=r"ssh to hv1.example.com failed: root@hv: Permission denied"):
        _hypervisor(fake_ssh, tmp_path).run(["true"])
    assert [argv for argv in fake_ssh.calls() if "-N" not in argv] == []


def test_stop_master_checks_then_stops_the_same_socket(fake_ssh, tmp_path):
    hypervisor = _hypervisor(fake_ssh, tmp_path)
    assert hypervisor.stop_master() is False
    assert [argv[-3:] for argv in fake_ssh.calls()] == [["-O", "check", "hv1.example.com"]]
    hypervisor.run(["true"])
    assert hypervisor.stop_master() is True
    ops = [argv[-3:-1] for argv in fake_ssh.calls() if "-O" in argv]
    assert ops == [["-O", "check"], ["-O", "check"], ["-O", "stop"]]
    assert all("ControlPath=%s" % hypervisor.control_path in argv for argv in fake_ssh.calls())
    # The next command logs in anew.
    hypervisor.run(["true"])
    assert len([argv for argv in fake_ssh.calls() if "-N" in argv]) == 2


def test_a_failed_stop_is_a_hypervisor_error(fake_ssh, tmp_path, monkeypatch):
    hypervisor = _hypervisor(fake_ssh, tmp_path)
    hypervisor.run(["true"])
    monkeypatch.setenv("FAKE_SSH_STOP_FAILS", "1")
    with pytest.raises(HypervisorError, match="ssh -O stop for hv1.example.com failed"):
        hypervisor.stop_master()


def test_a_local_hypervisor_has_no_master(tmp_path):
    hypervisor = Hypervisor(control_path_dir=str(tmp_path / "cp"))
    assert hypervisor.stop_master() is False
    assert hypervisor.run(["true"])[0] == 0
    assert not (tmp_path / "cp").exists()
