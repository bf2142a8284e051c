"""prlctl's backup actions in the stand-in (tests/emulator/vzemu/prlctl_backup.py):
``backup``, ``backup-list``, ``restore``, ``backup-delete`` on a vz7 host
(sources: docs/openvz-tools.md "prlctl")."""
import os
import re
import shutil

import pytest

VZ7 = pytest.mark.parametrize("flavour", ["vz7"])
DEPRECATED = ("WARNING: You are using a deprecated CLI component that won't be installed by "
              "default in the next major release. Please use virsh instead\n")
BACKED_UP = re.compile(r"Backing up the CT (\S+)\nThe CT has been successfully backed up with backup id "
                       r"(\{[0-9a-f-]{36}\}(?:\.\d+)?)\.\n")
ROW = re.compile(r"(\{[0-9a-f-]{36}\}) (\{[0-9a-f-]{36}\}(?:\.\d+)?) +(\S+) +(\d\d/\d\d/\d{4} \d\d:\d\d:\d\d) +"
                 r"([fi]) +(\d+)")


def _prlctl(host, *argv):
    proc = host.host.run(["prlctl"] + [str(a) for a in argv])
    return proc.returncode, proc.stdout, proc.stderr


def _tree(top):
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


def _backup(host, *argv):
    rc, out, err = _prlctl(host, "backup", *argv)
    assert (rc, err) == (0, DEPRECATED), out
    match = BACKED_UP.fullmatch(out)
    assert match, out
    return match.group(2)


def _rows(host, *argv):
    rc, out, err = _prlctl(host, "backup-list", *argv)
    assert (rc, err) == (0, DEPRECATED)
    lines = out.splitlines()
    assert lines[0] == "%38s %-38s %-20s %-20s %4s %10s" % ("ID", "Backup_ID", "Node", "Date", "Type", "Size")
    rows = []
    for line in lines[1:]:
        match = ROW.fullmatch(line)
        assert match, line
        rows.append(match.groups())
    return rows


@VZ7
def test_backup_list_restore_delete(emu_host):
    emu_host.create(101, "--name", "web")
    uuid = "{%s}" % re.search(r'^UUID="?([^"\n]+)', emu_host.conf(101), re.M).group(1)
    with open("/vz/private/101/data.bin", "wb") as handle:
        handle.write(os.urandom(4096))
    before = _tree("/vz/private/101")
    full = _backup(emu_host, "web")
    inc = _backup(emu_host, "101")
    assert inc == full + ".2"
    full2 = _backup(emu_host, "web", "-f")
    rows = _rows(emu_host)
    assert [(r[0], r[1], r[4]) for r in rows] == [(uuid, full, "f"), (uuid, inc, "i"), (uuid, full2, "f")]
    assert all(int(r[5]) == os.path.getsize("/vz/vmprivate/backups/%s/%s/private.tar"
                                            % (uuid.strip("{}"), r[1].replace("{", "").replace("}", "")))
               for r in rows)
    assert _rows(emu_host, "web") == rows
    # only a stopped CT is restored
    assert emu_host.vzctl("start", 101).rc == 0
    rc, _out, err = _prlctl(emu_host, "restore", "web")
    assert rc == 255 and err.endswith("only a stopped container can be restored\n")
    assert emu_host.vzctl("stop", 101).rc == 0
    os.unlink("/vz/private/101/data.bin")
    rc, out, err = _prlctl(emu_host, "restore", "-t", full.strip("{}").upper())
    assert (rc, err) == (0, DEPRECATED)
    assert out == "Restore the backup id=%s, virtual environment id=%s\nThe VM has been restored.\n" % (full, uuid)
    assert _tree("/vz/private/101") == before
    # a destroyed CT comes back registered, under its id and name
    assert emu_host.vzctl("destroy", 101).rc == 0
    rc, out, err = _prlctl(emu_host, "restore", uuid)
    assert (rc, err) == (0, DEPRECATED) and out.endswith("The CT has been restored.\n")
    assert _tree("/vz/private/101") == before
    assert os.readlink("/etc/vz/conf/101.conf") == "/vz/private/101/ve.conf"
    assert os.path.exists("/etc/vz/names/web")
    rc, out, _err = _prlctl(emu_host, "backup-delete", "-t", full)
    assert rc == 0 and out == "Delete the backup %s\nThe %s backup have been successfully removed.\n" % (full, full)
    assert [r[1] for r in _rows(emu_host)] == [full2]
    rc, out, _err = _prlctl(emu_host, "backup-delete", "web")
    assert rc == 0 and out == "Delete the CT backup\nThe CT backup have been successfully removed.\n"
    assert _rows(emu_host) == [] and os.listdir("/vz/vmprivate/backups") == []


@VZ7
def test_errors(emu_host):
    assert _prlctl(emu_host, "backup", "nosuch") == (
        255, "", DEPRECATED + "Failed to get VM config: The virtual machine could not be found.\n")
    assert _prlctl(emu_host, "backup")[0] == 1
    assert _prlctl(emu_host, "backup", "101", "--bogus")[0] == 1
    rc, _out, err = _prlctl(emu_host, "backup-delete", "-t", "{11111111-2222-4333-8444-555555555555}")
    assert rc == 255 and "was not found" in err
    shutil.rmtree("/vz/vmprivate", ignore_errors=True)
    assert _rows(emu_host) == []
