"""vzctl stand-in: global options, CT ids, usage errors, call log, faults,
the CT lock and the log file."""
import os
import re
import subprocess

import pytest

from conftest import wait_for

LEGACY = pytest.mark.parametrize("flavour", ["legacy"])
VZ7 = pytest.mark.parametrize("flavour", ["vz7"])


def test_version(emu_host):
    result = emu_host.vzctl("--version")
    expected = "vzctl version 4.11.1\n" if emu_host.flavour == "legacy" else "vzctl v.7.0.254\n"
    assert (result.rc, result.stdout, result.stderr) == (0, expected, "")


@pytest.mark.parametrize("argv,rc,legacy_err,vz7_err", [
    (["start"], 21, "CT ID missing\n", "ctid is not given\n"),
    (["frobnicate", "101"], 20, "Bad command: frobnicate\n", "Bad command: frobnicate\n"),
    (["start", "999"], 14, "Container config file does not exist\n",
     "Container configuration file does not exist\n"),
    # vz7: getopt's program name is argv[0] after the CT id (transcripts/vz7 09-set-err)
    (["set", "101", "--bogus-option", "1"], 21, "vzctl: unrecognized option '--bogus-option'\n",
     "101: unrecognized option '--bogus-option'\n"),
    (["set", "101", "--host", "x"], 21,
     "vzctl: option '--host' is ambiguous; possibilities: '--hostname' '--host_mac' "
     "'--host_ifname'\n", None),
    (["set", "101", "--hostname"], 21, "vzctl: option '--hostname' requires an argument\n", None),
    (["set", "101", "--save=1"], 21, "vzctl: option '--save' doesn't allow an argument\n", None),
])
def test_usage_errors(emu_host, argv, rc, legacy_err, vz7_err):
    result = emu_host.vzctl(*argv)
    expected = legacy_err if emu_host.flavour == "legacy" else vz7_err
    assert result.rc == rc
    if expected is not None:
        assert result.stderr == expected
    assert result.stdout == ""


@LEGACY
@pytest.mark.parametrize("argv,rc,stderr", [
    (["status", "nosuchname"], 21, "Bad CT ID nosuchname\n"),
    (["status", "2147483645"], 21, "Bad CT ID 2147483645\n"),
    (["start", "0"], 21, "Only set actions are allowed for CT0\n"),
    (["start", "101", "--fast"], 20, "Option --fast is not applicable to start command\n"),
    (["stop", "101", "--wait"], 20, "Option --wait is not applicable to stop command\n"),
    (["start", "101", "extra"], 20, "Invalid extra arguments: extra \n"),
    (["set", "101", "--onboot", "maybe", "--save"], 21, "Bad parameter for --onboot: maybe\n"),
    (["set", "101", "--numproc", "1K", "--save"], 21, "Bad parameter for --numproc: 1K\n"),
    (["set", "101", "--ipadd", "10.0.0.1 999.1.1.1", "--save"], 21,
     "Bad parameter for --ipadd: 10.0.0.1\n"),
    (["set", "101", "--cpuunits", "500001", "--save"], 21, "Bad parameter for --cpuunits: 500001\n"),
    (["set", "101", "--netfilter", "bogus", "--save"], 21,
     "Incorrect netfilter value: bogus\nBad parameter for --netfilter: bogus\n"),
    (["set", "101", "--capability", "bogus:on", "--save"], 21,
     "Capability bogus is unknown\nBad parameter for --capability: bogus:on\n"),
    (["exec", "101"], 20, "No command line given for exec\n"),
    (["enter", "101", "--bogus"], 20, "Invalid option '--bogus'\n"),
    (["-k", "1"], 20, "Bad command: -k\n"),
])
def test_legacy_argument_errors(emu_host, argv, rc, stderr):
    result = emu_host.vzctl(*argv)
    assert (result.rc, result.stderr, result.stdout) == (rc, stderr, "")


@LEGACY
def test_ct0_set_without_save(emu_host):
    result = emu_host.vzctl("set", "0", "--cpuunits", "1000")
    assert result.rc == 0
    assert result.stdout == ("Setting CPU units: 1000\nWARNING: Settings were not saved to config "
                             "and will be lost after CT restart (use --save flag)\n")


@VZ7
def test_vz7_quota_commands_are_deprecated(emu_host):
    result = emu_host.vzctl("quotaon", "101")
    assert (result.rc, result.stdout, result.stderr) == (
        0, "", "Warning: The 'quotaon' action is deprecated\n")


def test_status_and_names(emu_host):
    word = "CTID" if emu_host.flavour == "legacy" else "VEID"
    emu_host.create(101, "--name", "web1")
    result = emu_host.vzctl("status", "web1")
    assert (result.rc, result.stdout) == (0, "%s 101 exist unmounted down\n" % word)
    # vz7: the name links the ve.conf the CT config links (transcripts/vz7 03-create)
    assert os.readlink("/etc/vz/names/web1") == (
        "/etc/vz/conf/101.conf" if emu_host.flavour == "legacy" else "/vz/private/101/ve.conf")
    result = emu_host.vzctl("status", "102")
    assert result.stdout == "%s 102 deleted unmounted down\n" % word


def test_call_log(emu_host):
    emu_host.vzctl("status", "101")
    emu_host.vzctl("--quiet", "start", "999")
    calls = [c for c in emu_host.calls() if c["tool"] == "vzctl"]
    assert [c["argv"] for c in calls] == [["status", "101"], ["--quiet", "start", "999"]]
    assert [c["rc"] for c in calls] == [0, 14]
    assert all(c["pid"] > 0 and c["duration"] >= 0 for c in calls)


def test_fault_fires_and_changes_nothing(emu_host):
    emu_host.create(101)
    before = emu_host.conf(101)
    emu_host.faults([{"tool": "vzctl", "match": ["set", "101"], "rc": 34,
                      "stderr": "Unable to add IP 10.0.0.9", "stdout": "x", "times": 1}])
    result = emu_host.vzctl("set", "101", "--hostname", "h.example", "--save")
    assert (result.rc, result.stdout, result.stderr) == (34, "x\n", "Unable to add IP 10.0.0.9\n")
    assert emu_host.conf(101) == before
    result = emu_host.vzctl("set", "101", "--hostname", "h.example", "--save")
    assert result.rc == 0
    assert 'HOSTNAME="h.example"' in emu_host.conf(101)
    assert [c["rc"] for c in emu_host.calls()][-2:] == [34, 0]


def _plant_lock(pid):
    os.makedirs("/vz/lock", exist_ok=True)
    with open("/vz/lock/101.lck", "w") as handle:
        handle.write("%d\n\n" % pid)


def test_lock_held_by_live_process(emu_host):
    emu_host.create(101)
    sleeper = subprocess.Popen(["sleep", "1000"])
    try:
        _plant_lock(sleeper.pid)
        result = emu_host.vzctl("set", "101", "--hostname", "x.example", "--save")
        assert result.rc == 9
        if emu_host.flavour == "legacy":
            assert result.stderr == ("Locked by: pid %d, cmdline sleep 1000\n"
                                     "Container already locked\n" % sleeper.pid)
        else:
            assert result.stderr == ("Locked info: pid=%d cmdline=sleep 1000\n"
                                     "Cannot lock the Container\n" % sleeper.pid)
        assert "x.example" not in emu_host.conf(101)
        # status and exec take no lock; --skiplock bypasses it
        assert emu_host.vzctl("status", "101").rc == 0
        result = emu_host.vzctl("--skiplock", "set", "101", "--hostname", "x.example", "--save")
        assert result.rc == 0
        assert os.path.exists("/vz/lock/101.lck")
    finally:
        sleeper.kill()
        sleeper.wait()
    result = emu_host.vzctl("set", "101", "--hostname", "y.example", "--save")
    stale = ("Removing stale lock file /vz/lock/101.lck" if emu_host.flavour == "legacy"
             else "Removing the stale lock file /vz/lock/101.lck")
    assert result.rc == 0
    assert result.stdout.startswith(stale + "\n")
    assert not os.path.exists("/vz/lock/101.lck")


@LEGACY
def test_lock_file_without_pid_is_removed_silently(emu_host):
    emu_host.create(101)
    with open("/vz/lock/101.lck", "w") as handle:
        handle.write("garbage\n")
    result = emu_host.vzctl("set", "101", "--hostname", "z.example", "--save")
    assert (result.rc, result.stdout) == (0, "CT configuration saved to /etc/vz/conf/101.conf\n")


def test_concurrent_vzctl_meets_held_lock(emu_host):
    emu_host.create(101)
    emu_host.faults([{"tool": "vzctl", "match": ["set", "101", "--hostname"], "rc": 0,
                      "delay": 8, "hold_lock": True, "times": 1}])
    slow = emu_host.popen("set", "101", "--hostname", "slow.example", "--save")
    try:
        assert wait_for(lambda: os.path.exists("/vz/lock/101.lck"))
        result = emu_host.vzctl("set", "101", "--onboot", "yes", "--save")
        assert result.rc == 9
        lines = result.stderr.splitlines()
        assert re.match(r"^(Locked by: pid %d, cmdline vzctl set 101 --hostname slow.example --save"
                        r"|Locked info: pid=%d cmdline=vzctl set 101 --hostname slow.example "
                        r"--save)$" % (slow.pid, slow.pid), lines[0]), lines
    finally:
        slow.wait(timeout=20)
    assert slow.returncode == 0
    assert not os.path.exists("/vz/lock/101.lck")
    assert "slow.example" not in emu_host.conf(101)
    assert emu_host.vzctl("set", "101", "--onboot", "yes", "--save").rc == 0


@LEGACY
def test_log_file_lines(emu_host):
    emu_host.create(101)
    with open("/var/log/vzctl.log") as handle:
        lines = handle.read().splitlines()
    assert lines
    pattern = re.compile(r"^\d{4}-\d\d-\d\dT\d\d:\d\d:\d\d[+-]\d{4} vzctl : CT 101 : (.*)$")
    messages = [pattern.match(line).group(1) for line in lines]
    assert messages[-2:] == ["CT configuration saved to /etc/vz/conf/101.conf",
                             "Container private area was created"]


@LEGACY
def test_quiet_silences_logger_but_not_usage_errors(emu_host):
    emu_host.create(101)
    result = emu_host.vzctl("--quiet", "set", "101", "--hostname", "q.example", "--save")
    assert (result.rc, result.stdout, result.stderr) == (0, "", "")
    result = emu_host.vzctl("--quiet", "set", "101", "--bogus")
    assert result.stderr == "vzctl: unrecognized option '--bogus'\n"
