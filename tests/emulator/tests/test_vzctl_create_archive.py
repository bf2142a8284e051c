"""vzctl create with hostile template caches: the stand-in unpacks them the
way the real helper script does (GNU tar with its default guards), so
nothing lands outside the container's private area and tar's refusals fail
the create with the real messages and exit code 48.

Sources: vzctl 4.11 scripts/vps-create.in (``tar -C DIR --numeric-owner -Sp
-z -x`` reading the tarball on stdin; ``vps-create ERROR: Unpack T failed``,
exit VZ_FS_NEW_VE_PRVT = 48), libvzctl vz7 scripts/vz-create_prvt.in
(``/bin/tar --sparse -C DIR -xzf T``; ``vz-create_prvt ERROR: Error in tar
-xzf T``, 48) and create.c (``VE_PRIVATE is not set``, ``Creation of
Container private area failed``), GNU tar's manual (6.10.2 Absolute File
Names) and GNU tar 1.34's own output.
"""
import json
import os
import re
import stat
import tarfile

import pytest

from harness.archives import template_tarball
from vzemu import provision

CACHE = "/vz/template/cache"


def _template(name, members):
    """The OS template NAME holding ``members`` ((name, attrs) pairs): the
    cache /vz/template/cache/NAME.tar.gz (legacy), or on vz7 an EZ template
    NAME-x86_64 as vzpkg finds it (vzctl asks for the "-x86_64" name) with
    its cache NAME-x86_64.plain.ploopv2.tar.gz; returns the cache's path."""
    with open("/var/lib/vzemu/host.json") as handle:
        flavour = json.load(handle)["flavour"]
    if flavour == "legacy":
        return template_tarball(os.path.join(CACHE, name + ".tar.gz"), members, hostname=False)
    staged = template_tarball(os.path.join(CACHE, "staged.tar.gz"), members, hostname=False)
    provision.install_ez_template(name + "-x86_64", staged)
    os.unlink(staged)
    return os.path.join(CACHE, name + "-x86_64.plain.ploopv2.tar.gz")


def _tree(top, skip=()):
    """path -> (type, mode, size, mtime, inode, links, target) for everything under ``top``."""
    found = {}
    for root, dirs, files in os.walk(top):
        dirs[:] = [d for d in dirs if os.path.join(root, d) not in skip]
        for entry in dirs + files:
            path = os.path.join(root, entry)
            info = os.lstat(path)
            if stat.S_ISDIR(info.st_mode):
                # entries come and go (the lock, the CT's areas): the dir itself stays
                found[path] = (stat.S_IFDIR, info.st_ino, stat.S_IMODE(info.st_mode))
                continue
            target = os.readlink(path) if stat.S_ISLNK(info.st_mode) else None
            found[path] = (stat.S_IFMT(info.st_mode), stat.S_IMODE(info.st_mode), info.st_size,
                           info.st_mtime_ns, info.st_ino, info.st_nlink, target)
    return found


class Outside(object):
    """Everything a hostile archive could aim at: /etc (the host's), /vz but
    the new CT's areas, and a victim directory of the test."""

    def __init__(self, victim, ctid):
        self.victim = victim
        self.skip = {"/vz/private/%s" % ctid, "/vz/private/%s.tmp" % ctid,
                     "/vz/private/%s.private_temporary" % ctid, "/vz/root/%s" % ctid,
                     "/etc/vz/conf", "/etc/vz/names"}
        self.before = self.snapshot()

    def snapshot(self):
        state = {}
        for top in ("/etc", "/vz", self.victim):
            state.update(_tree(top, self.skip))
        with open("/etc/passwd", "rb") as handle:
            state["passwd bytes"] = handle.read()
        with open(os.path.join(self.victim, "passwd"), "rb") as handle:
            state["victim bytes"] = handle.read()
        return state

    def assert_unchanged(self):
        after = self.snapshot()
        changed = sorted(set(after) ^ set(self.before)) + sorted(
            key for key in after if key in self.before and after[key] != self.before[key])
        assert not changed, changed


@pytest.fixture
def victim(tmp_path):
    """A directory outside the emulated host that archives aim at too."""
    path = tmp_path / "victim"
    path.mkdir()
    (path / "passwd").write_text("victim\n")
    return str(path)


def _tar(host):
    return "tar" if host.flavour == "legacy" else "/bin/tar"


def _failed(host, path):
    """What follows tar's own messages when it failed."""
    if host.flavour == "legacy":
        return "vps-create ERROR: Unpack %s failed\nCreation of container private area failed\n" % path
    return ("vz-create_prvt ERROR: Error in tar -xzf %s\nVE_PRIVATE is not set\n"
            "Creation of Container private area failed\n" % path)


def _fs(host, ctid=101):
    base = "/vz/private/%s" % ctid
    return base if host.flavour == "legacy" else base + "/root.hdd/fs"


def _assert_no_ct(ctid=101):
    assert not os.path.lexists("/etc/vz/conf/%s.conf" % ctid)
    for path in ("/vz/private/%s" % ctid, "/vz/private/%s.tmp" % ctid,
                 "/vz/private/%s.private_temporary" % ctid):
        assert not os.path.exists(path), path
    assert not os.path.exists("/var/lib/vzemu/quota/%s" % ctid)


def test_absolute_member_lands_inside(emu_host, victim):
    _template("abs-1", [("/etc/evil-abs", {}), (victim + "/passwd", {"data": b"pwned\n"})])
    guard = Outside(victim, 101)
    result = emu_host.vzctl("create", "101", "--ostemplate", "abs-1")
    assert result.rc == 0, result
    # a warning, not an error: tar exits 0 and the create goes on
    assert result.stderr == "%s: Removing leading `/' from member names\n" % _tar(emu_host)
    guard.assert_unchanged()
    fs = _fs(emu_host)
    assert os.path.isfile(fs + "/etc/evil-abs")
    with open(fs + victim + "/passwd", "rb") as handle:
        assert handle.read() == b"pwned\n"


@pytest.mark.parametrize("member", ["../../../../etc/evil-dd", "etc/../../evil-dd", "etc/.."])
def test_dotdot_member_fails_the_create(emu_host, victim, member):
    path = _template("dotdot-1", [(member, {}), ("etc/ok", {})])
    guard = Outside(victim, 101)
    result = emu_host.vzctl("create", "101", "--ostemplate", "dotdot-1")
    tar = _tar(emu_host)
    prefix = re.match(r"^(.*\.\.)(/|$)", member).group(0)
    assert result.rc == 48, result
    assert result.stderr == (
        "%s: Removing leading `%s' from member names\n"
        "%s: %s: Member name contains '..'\n"
        "%s: Exiting with failure status due to previous errors\n" % (tar, prefix, tar, member, tar)
        + _failed(emu_host, path))
    guard.assert_unchanged()
    _assert_no_ct()


@pytest.mark.parametrize("target", ["/etc", "../../../etc", "VICTIM"])
def test_write_through_a_planted_symlink_fails(emu_host, victim, target):
    target = victim if target == "VICTIM" else target
    path = _template("sym-1", [("link", {"type": tarfile.SYMTYPE, "linkname": target}),
                               ("link/passwd", {"data": b"pwned\n"})])
    guard = Outside(victim, 101)
    result = emu_host.vzctl("create", "101", "--ostemplate", "sym-1")
    tar = _tar(emu_host)
    assert result.rc == 48, result
    # tar sets such a symlink aside (a placeholder file until the end), so
    # the member below it cannot be opened
    assert result.stderr == (
        "%s: link/passwd: Cannot open: Not a directory\n"
        "%s: Exiting with failure status due to previous errors\n" % (tar, tar)
        + _failed(emu_host, path))
    guard.assert_unchanged()
    _assert_no_ct()


@pytest.mark.parametrize("flavour", ["legacy"])
def test_symlink_inside_the_tree_is_followed(emu_host, victim):
    """A relative symlink without ``..`` is made at once and writes go through it, inside."""
    _template("symin-1", [("etc/real/", {"type": tarfile.DIRTYPE, "mode": 0o755}),
                          ("link", {"type": tarfile.SYMTYPE, "linkname": "etc/real"}),
                          ("link/passwd", {"data": b"inside\n"})])
    guard = Outside(victim, 101)
    result = emu_host.vzctl("create", "101", "--ostemplate", "symin-1")
    assert (result.rc, result.stderr) == (0, ""), result
    with open("/vz/private/101/etc/real/passwd", "rb") as handle:
        assert handle.read() == b"inside\n"
    guard.assert_unchanged()


def test_hard_link_to_an_absolute_path_fails(emu_host, victim):
    path = _template("hard-1", [("h", {"type": tarfile.LNKTYPE, "linkname": "/etc/passwd"})])
    guard = Outside(victim, 101)
    result = emu_host.vzctl("create", "101", "--ostemplate", "hard-1")
    tar = _tar(emu_host)
    assert result.rc == 48, result
    lines = result.stderr.splitlines(True)
    assert lines[0] == "%s: Removing leading `/' from hard link targets\n" % tar
    # GNU tar quotes per locale and version: 'x' (1.34, C locale) or `x' (older)
    assert re.match(r"^%s: h: Cannot hard link to [`']etc/passwd': No such file or directory\n$"
                    % re.escape(tar), lines[1]), lines
    assert "".join(lines[2:]) == ("%s: Exiting with failure status due to previous errors\n" % tar
                                  + _failed(emu_host, path))
    guard.assert_unchanged()
    _assert_no_ct()


def test_hard_link_to_a_member_stays_inside(emu_host, victim):
    """A hard link whose absolute target is also a member links to that member."""
    _template("hardin-1", [("etc/passwd", {"data": b"root:x:0:0::/root:/bin/sh\n"}),
                           ("etc/passwd-", {"type": tarfile.LNKTYPE, "linkname": "/etc/passwd"})])
    guard = Outside(victim, 101)
    result = emu_host.vzctl("create", "101", "--ostemplate", "hardin-1")
    assert result.rc == 0, result
    assert result.stderr == "%s: Removing leading `/' from hard link targets\n" % _tar(emu_host)
    fs = _fs(emu_host)
    first, second = os.stat(fs + "/etc/passwd"), os.stat(fs + "/etc/passwd-")
    assert first.st_ino == second.st_ino and first.st_nlink == 2
    assert first.st_ino != os.stat("/etc/passwd").st_ino
    guard.assert_unchanged()


def test_device_nodes_are_made_inside(emu_host, victim):
    """A template's /dev nodes are created as tar creates them (as root), in the private area."""
    _template("dev-1", [("dev/", {"type": tarfile.DIRTYPE, "mode": 0o755}),
                        ("dev/null", {"type": tarfile.CHRTYPE, "devmajor": 1, "devminor": 3,
                                      "mode": 0o666}),
                        ("/dev/zero", {"type": tarfile.CHRTYPE, "devmajor": 1, "devminor": 5,
                                       "mode": 0o666}),
                        ("dev/initctl", {"type": tarfile.FIFOTYPE, "mode": 0o600})])
    guard = Outside(victim, 101)
    result = emu_host.vzctl("create", "101", "--ostemplate", "dev-1")
    assert result.rc == 0, result
    fs = _fs(emu_host)
    null = os.lstat(fs + "/dev/null")
    assert stat.S_ISCHR(null.st_mode) and (os.major(null.st_rdev), os.minor(null.st_rdev)) == (1, 3)
    assert stat.S_ISCHR(os.lstat(fs + "/dev/zero").st_mode)
    assert stat.S_ISFIFO(os.lstat(fs + "/dev/initctl").st_mode)
    guard.assert_unchanged()


@pytest.mark.parametrize("flavour", ["legacy"])
def test_failed_unpack_drops_name_quota_and_config(emu_host, victim):
    path = _template("sym-2", [("link", {"type": tarfile.SYMTYPE, "linkname": "/etc"}),
                               ("link/shadow", {})])
    guard = Outside(victim, 101)
    result = emu_host.vzctl("create", "101", "--ostemplate", "sym-2", "--name", "web",
                            "--diskspace", "1G", "--diskinodes", "1000")
    assert result.rc == 48, result
    assert result.stdout == "Name web assigned\nCreating container private area (sym-2)\n"
    assert result.stderr.endswith(_failed(emu_host, path))
    assert not os.listdir("/etc/vz/names")
    guard.assert_unchanged()
    _assert_no_ct()
    # the CT can then be created from a sane template
    assert emu_host.vzctl("create", "101", "--ostemplate", "debian-12.0-x86_64-minimal").rc == 0
