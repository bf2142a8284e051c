"""The vzdump and vzrestore stand-ins (tests/emulator/vzemu/vzdump.py) on a
legacy host: archive names and members, the log beside the archive, the
modes, maxfiles, and a restore that gives back the private area byte for
byte (sources: docs/openvz-tools.md "vzdump and vzrestore")."""
import os
import re
import subprocess
import tarfile
import time

import pytest

LEGACY = pytest.mark.parametrize("flavour", ["legacy"])
NAME = re.compile(r"vzdump-openvz-101-\d{4}_\d{2}_\d{2}-\d{2}_\d{2}_\d{2}\.(tar|tgz)")


def _run(host, tool, *argv):
    proc = subprocess.run([tool] + [str(a) for a in argv], capture_output=True, text=True,
                          env=host.env, timeout=120, check=False)
    return proc.returncode, proc.stdout, proc.stderr


def _tree(top):
    """path -> bytes (files), link target (symlinks), None (dirs), relative to ``top``."""
    found = {}
    for base, dirs, files in os.walk(top):
        for name in dirs + files:
            path = os.path.join(base, name)
            rel = os.path.relpath(path, top)
            if os.path.islink(path):
                found[rel] = "-> " + os.readlink(path)
            elif os.path.isdir(path):
                found[rel] = None
            else:
                with open(path, "rb") as handle:
                    found[rel] = handle.read()
    return found


def _archives(dumpdir="/vz/dump"):
    return sorted(name for name in os.listdir(dumpdir) if NAME.fullmatch(name))


@LEGACY
def test_stopped_ct_archive_and_log(emu_host):
    emu_host.create(101)
    with open("/vz/private/101/root/data.bin", "wb") as handle:
        handle.write(bytes(range(256)) * 8)
    before = _tree("/vz/private/101")
    rc, out, err = _run(emu_host, "vzdump", "101")
    assert (rc, err) == (0, ""), out
    [archive] = _archives()
    assert archive.endswith(".tar")
    lines = out.splitlines()
    assert lines[0] == "INFO: starting new backup job: vzdump 101"
    assert "INFO: Starting Backup of VM 101 (openvz)" in lines
    assert "INFO: status = CTID 101 exist unmounted down" in lines
    assert "INFO: backup mode: stop" in lines
    assert "INFO: creating archive '/vz/dump/%s'" % archive in lines
    assert lines[-1] == "INFO: Backup job finished successfuly"
    with tarfile.open("/vz/dump/" + archive) as tar:
        names = tar.getnames()
        vps = tar.extractfile("./etc/vzdump/vps.conf").read()
    assert "./etc/vzdump/vps.conf" in names and "./root/data.bin" in names and "." not in names
    assert vps == open("/etc/vz/conf/101.conf", "rb").read()
    # the config copy was only in the area while it was archived
    assert _tree("/vz/private/101") == before
    log = open("/vz/dump/" + archive[:-4] + ".log").read().splitlines()
    assert re.fullmatch(r"[A-Z][a-z]{2} \d{2} \d{2}:\d{2}:\d{2} INFO: Starting Backup of VM 101 \(openvz\)", log[0])
    assert re.fullmatch(r".* INFO: Finished Backup of VM 101 \(00:00:0\d\)", log[-1])
    assert [c["tool"] for c in emu_host.calls()][-2:] == ["vzctl", "vzdump"]


@LEGACY
def test_restore_gives_back_the_area_and_config(emu_host):
    emu_host.create(101)
    os.symlink("../etc/hostname", "/vz/private/101/root/link")
    before = _tree("/vz/private/101")
    conf = emu_host.conf(101)
    assert _run(emu_host, "vzdump", "--compress", "--dumpdir", "/vz/dump/", "101")[0] == 0
    [archive] = _archives()
    assert archive.endswith(".tgz")
    path = "/vz/dump/" + archive
    rc, out, err = _run(emu_host, "vzrestore", path, "101")
    assert rc == 255 and err == ""
    assert out.splitlines()[-1] == ("ERROR: restore openvz backup '%s' failed - unable to restore VM '101' - "
                                    "VM already exists" % path)
    rc, out, err = _run(emu_host, "vzrestore", path, "202")
    assert (rc, err) == (0, ""), out
    assert out.splitlines()[0] == "INFO: restore openvz backup '%s' using ID 202" % path
    assert "INFO: extracting configuration to '/etc/vz/conf/202.conf'" in out
    assert out.splitlines()[-1] == "INFO: restore openvz backup '%s' successful" % path
    assert _tree("/vz/private/202") == before
    assert emu_host.conf(202) == conf
    assert os.path.isdir("/vz/root/202")
    assert emu_host.vzctl("start", 202).rc == 0


@LEGACY
def test_running_ct_suspend_mode_resumes_it(emu_host):
    emu_host.create(101)
    assert emu_host.vzctl("start", 101).rc == 0
    rc, out, _err = _run(emu_host, "vzdump", "101")
    assert rc == 0, out
    # the default mode, snapshot, needs LVM: vzdump falls back to suspend
    assert "INFO: mode failure - unable to detect lvm volume group" in out
    assert "INFO: backup mode: suspend" in out and "INFO: suspend vm" in out
    argvs = [c["argv"] for c in emu_host.calls() if c["tool"] == "vzctl"]
    assert ["--skiplock", "chkpnt", "101", "--suspend"] in argvs
    assert ["--skiplock", "chkpnt", "101", "--resume"] in argvs
    assert emu_host.vzctl("status", 101).stdout.split()[-1] == "running"
    assert not [n for n in os.listdir("/vz/dump") if n.endswith(".tmp") or n.endswith(".dat")]


@LEGACY
def test_stop_mode_stops_and_restarts(emu_host):
    emu_host.create(101)
    assert emu_host.vzctl("start", 101).rc == 0
    rc, out, _err = _run(emu_host, "vzdump", "--stop", "101")
    assert rc == 0, out
    assert "INFO: stopping vm" in out and "INFO: restarting vm" in out
    argvs = [c["argv"] for c in emu_host.calls() if c["tool"] == "vzctl"]
    assert ["--skiplock", "stop", "101"] in argvs and ["--skiplock", "start", "101"] in argvs
    assert emu_host.vzctl("status", 101).stdout.split()[-1] == "running"


@LEGACY
def test_maxfiles_keeps_the_newest(emu_host):
    emu_host.create(101)
    old = "/vz/dump/vzdump-openvz-101-2020_01_01-00_00_00"
    for ext in (".tar", ".log"):
        open(old + ext, "w").close()
    rc, out, _err = _run(emu_host, "vzdump", "101")
    assert rc == 0 and "INFO: delete old backup '%s.tar'" % old in out
    assert len(_archives()) == 1 and not os.path.exists(old + ".log")
    time.sleep(1)  # archive names have a resolution of one second
    assert _run(emu_host, "vzdump", "--maxfiles", "3", "101")[0] == 0
    assert len(_archives()) == 2


@LEGACY
def test_failures(emu_host):
    rc, out, err = _run(emu_host, "vzdump", "105")
    # a VM that is not there fails its task; the job still exits 0
    assert rc == 0 and "ERROR: Backup of VM 105 failed - unable to find VM '105'" in out
    assert out.splitlines()[-1] == "INFO: Backup job finished with errors"
    assert _run(emu_host, "vzdump", "--dumpdir", "/nowhere", "105") == (255, "", "dumpdir '/nowhere' does not exist\n")
    assert _run(emu_host, "vzdump", "abc")[0:2] == (255, "")
    assert _run(emu_host, "vzdump", "abc")[2] == "ERROR: strange VM ID 'abc'\n"
    assert _run(emu_host, "vzdump", "99")[2] == "ERROR: got reserved VM ID '99'\n"
    rc, _out, err = _run(emu_host, "vzdump", "--bogus", "101")
    assert rc == 255 and err.startswith("Unknown option: bogus\nusage: vzdump OPTIONS [--all | VMID]")
    rc, _out, err = _run(emu_host, "vzdump", "--maxfiles", "x", "101")
    assert rc == 255 and err.startswith('Value "x" invalid for option maxfiles (number expected)')
    assert _run(emu_host, "vzdump")[0] == 255
    assert _run(emu_host, "vzrestore", "/vz/dump/x.tar")[0] == 255
    rc, out, _err = _run(emu_host, "vzrestore", "/vz/dump/none.tar", "300")
    assert rc == 255 and "ERROR: restore openvz backup '/vz/dump/none.tar' failed - command 'tar xpf" in out
    # a failed restore leaves nothing behind
    assert not os.path.exists("/vz/private/300") and not os.path.exists("/etc/vz/conf/300.conf")


@pytest.mark.parametrize("flavour", ["vz7"])
def test_not_on_vz7(emu_host):
    from harness.host import emulator_bins
    assert not any(os.path.exists(os.path.join(str(d), "vzdump")) for d in emulator_bins("vz7"))


@LEGACY
def test_excludes_and_sockets(emu_host):
    import socket
    emu_host.create(101)
    top = "/vz/private/101"
    for rel in ("var/log/syslog", "tmp/scratch", "var/run/x.pid", "srv/keep"):
        os.makedirs(os.path.dirname(os.path.join(top, rel)), exist_ok=True)
        open(os.path.join(top, rel), "w").close()
    sock = socket.socket(socket.AF_UNIX)
    sock.bind(os.path.join(top, "srv/sock"))
    try:
        assert _run(emu_host, "vzdump", "--stdexcludes", "--exclude-path", "/srv/keep", "101")[0] == 0
    finally:
        sock.close()
    [archive] = _archives()
    with tarfile.open("/vz/dump/" + archive) as tar:
        names = set(tar.getnames())
    # directories stay, their files go; sockets never are members
    assert {"./var/log", "./tmp", "./srv"} <= names
    assert not names & {"./var/log/syslog", "./tmp/scratch", "./var/run/x.pid", "./srv/keep", "./srv/sock"}


@LEGACY
def test_quiet_and_all_with_exclude(emu_host):
    emu_host.create(101)
    emu_host.create(102)
    rc, out, err = _run(emu_host, "vzdump", "--quiet", "--exclude", "102")
    assert (rc, out, err) == (0, "", "")
    assert len(_archives()) == 1
    assert not [n for n in os.listdir("/vz/dump") if n.startswith("vzdump-openvz-102-")]
    assert _run(emu_host, "vzdump", "--all", "101")[0] == 255


@LEGACY
def test_random_argv_never_gives_a_traceback(emu_host):
    from hypothesis import given, settings, strategies as st
    emu_host.create(101)
    words = st.sampled_from(["--dumpdir", "--maxfiles", "--exclude", "--all", "101", "-", "--", "--comp", "--tmpdir",
                             "--force", "--stop=1", "/vz/dump/x.tar", "--exclude-path", "("])
    raw = st.binary(max_size=8).filter(lambda b: b"\0" not in b).map(os.fsdecode)

    @settings(max_examples=60, deadline=None, database=None, derandomize=True)
    @given(st.lists(st.one_of(words, raw), max_size=5), st.sampled_from(["vzdump", "vzrestore"]))
    def check(args, tool):
        proc = subprocess.run([tool] + args, env=emu_host.env, capture_output=True, timeout=60, check=False)
        assert b"Traceback" not in proc.stderr, (args, proc.stderr)
    check()
