"""Names and values the real tools take as bytes: ``.``, ``..``, bytes that
are not UTF-8, empty and long strings.  What the stand-in prints, returns
and writes, byte for byte.

Sources: 4.x src/lib/config.c check_name() (digits, letters, `` -+_.``,
isalpha() of a negative char is false) and set_name() (unlink(), then
symlink() -> ``Unable to create link F: E``, VZ_SET_NAME_ERROR 131);
libvzctl lib/util.c vzctl2_is_env_name_valid() (bytes >= 127 pass, NAME_MAX),
lib/name.c vzctl2_set_name() (``Name X detached``; link failure
VZCTL_E_SET_NAME 137) and validate_env_name(); OpenVZ 7 src/vzctl.c
ACTION_SET (``Saved parameters`` after any Set() result) and transcript
08-set-misc (``--name bad/name``: the save line, then the error, 21).
"""
import os
import subprocess

import pytest

LEGACY = pytest.mark.parametrize("flavour", ["legacy"])
VZ7 = pytest.mark.parametrize("flavour", ["vz7"])


def _run(host, *argv):
    argv = [a if isinstance(a, bytes) else str(a).encode() for a in argv]
    proc = subprocess.run([b"vzctl"] + argv, env=host.env, capture_output=True, timeout=60,
                          check=False)
    return proc.returncode, proc.stdout, proc.stderr


def _conf(ctid):
    with open("/etc/vz/conf/%s.conf" % ctid, "rb") as handle:
        return handle.read()


def _names():
    return {name: os.readlink(os.path.join(b"/etc/vz/names", name))
            for name in os.listdir(b"/etc/vz/names")}


@pytest.mark.parametrize("name", [".", ".."])
def test_dot_names(emu_host, name):
    emu_host.create(101)
    emu_host.vzctl("set", "101", "--name", "web", "--save")
    before, names = _conf(101), _names()
    link = b"Unable to create link /etc/vz/names/%s: File exists\n" % name.encode()
    if emu_host.flavour == "legacy":
        expected = (131, b"", link + b"Error: failed to apply some parameters, not saving "
                                     b"configuration file!\n")
    else:
        expected = (137, b"Saved parameters for Container 101\n", link)
    assert _run(emu_host, "set", "101", "--name", name, "--save") == expected
    assert _conf(101) == before and _names() == names


@VZ7
def test_vz7_create_with_a_dot_name_is_undone(emu_host):
    rc, out, err = _run(emu_host, "create", "101", "--ostemplate", "debian-12.0-x86_64-minimal",
                        "--name", ".")
    # "." passes vzctl2_is_env_name_valid(); vzctl2_env_register() cannot make
    # its link, so vzctl2_env_create() fails with VZCTL_E_REGISTER and
    # destroys what it made (libvzctl vz.c, create.c)
    assert rc == 140
    assert err == (b"Unable to create the link /etc/vz/names/.: File exists\n"
                   b"Container registration failed: Unable to create the link /etc/vz/names/.: "
                   b"File exists\n"
                   b"Creation of Container private area failed\n")
    assert out.endswith(b"Assign the name: .\nDestroying Container private area: /vz/private/101\n"
                        b"Container unregistered succesfully\n"
                        b"Container private area was destroyed\n")
    assert not os.path.lexists("/etc/vz/conf/101.conf") and not os.path.exists("/vz/private/101")


def test_name_not_utf8(emu_host):
    emu_host.create(101)
    if emu_host.flavour == "legacy":
        # a byte >= 0x80 is a negative char: not isalpha()
        assert _run(emu_host, "set", "101", "--name", b"w\xffb", "--save") == (
            21, b"", b"Bad parameter for --name: w\xffb\n")
        assert not os.listdir("/etc/vz/names")
        return
    assert _run(emu_host, "set", "101", "--name", b"w\xffb", "--save") == (
        0, b"Name w\xffb assigned\nSaved parameters for Container 101\n", b"")
    assert list(_names()) == [b"w\xffb"]
    assert b'NAME="w\xffb"\n' in _conf(101)
    assert _run(emu_host, "status", b"w\xffb") == (0, b"VEID 101 exist unmounted down\n", b"")
    # the name is read back from the config: detaching it names it
    assert _run(emu_host, "set", "101", "--name", "", "--save") == (
        0, b"Name w\xffb detached\nSaved parameters for Container 101\n", b"")
    assert not os.listdir("/etc/vz/names")


@VZ7
@pytest.mark.parametrize("name,rc,err", [
    ("bad/name", 21, b"Error: invalid name bad/name\n"),
    ("x" * 256, 21, b"Error: invalid name " + b"x" * 256 + b"\n"),
    ("102", 21, b"Conflict: name 102 used as ctid\n"),
    ("web", 137, b"Conflict: name web already used by Container 102\n"),
])
def test_vz7_name_refusals_still_print_the_save_line(emu_host, name, rc, err):
    emu_host.create(101)
    emu_host.create(102, "--name", "web")
    before = _conf(101)
    assert _run(emu_host, "set", "101", "--name", name, "--hostname", "h.example", "--save") == (
        rc, b"Saved parameters for Container 101\n", err)
    assert _conf(101) == before


def test_values_not_utf8_round_trip(emu_host):
    emu_host.create(101)
    rc, out, err = _run(emu_host, "set", "101", "--hostname", b"h\xff.example",
                        "--description", b"caf\xe9 \xed\xa0\x80", "--save")
    assert (rc, err) == (0, b""), out
    conf = _conf(101)
    assert b'HOSTNAME="h\xff.example"\n' in conf and b'DESCRIPTION="caf\xe9 \xed\xa0\x80"\n' in conf
    listed = subprocess.run(["vzlist", "-a", "-H", "-o", "hostname"], env=emu_host.env,
                            capture_output=True, check=False)
    assert listed.stdout.strip() == b"h\xff.example"
    # messages that quote an argument quote its bytes
    bad = b"Bad CT ID \xff\n" if emu_host.flavour == "legacy" else b"Invalid ctid is specified: \xff\n"
    assert _run(emu_host, "status", b"\xff") == (21, b"", bad)
    assert _run(emu_host, b"\xfe") == (20, b"", b"Bad command: \xfe\n")
    prog = b"vzctl" if emu_host.flavour == "legacy" else b"101"   # vz7: getopt's argv[0]
    assert _run(emu_host, "set", "101", b"--\xff") == (21, b"", prog + b": unrecognized option '--\xff'\n")


@LEGACY
def test_running_ct_gets_the_bytes(emu_host):
    emu_host.create(101)
    assert emu_host.vzctl("start", "101").rc == 0
    rc, out, err = _run(emu_host, "set", "101", "--hostname", b"h\xff", "--searchdomain", b"d\xff",
                        "--save")
    assert (rc, err) == (0, b""), out
    with open("/vz/root/101/etc/hostname", "rb") as handle:
        assert handle.read() == b"h\xff\n"
    with open("/vz/root/101/etc/resolv.conf", "rb") as handle:
        assert b"search d\xff\n" in handle.read()
    rc, out, err = _run(emu_host, "set", "101", "--userpasswd", b"root:p\xff")
    assert rc == 0, (out, err)


@VZ7
def test_snapshot_name_not_utf8(emu_host):
    """libxml2 refuses to read back bytes that are not UTF-8: the real tool
    says so (rc 3; libxml2's own parser messages before it are not emulated)."""
    emu_host.create(101)
    rc, out, err = _run(emu_host, "snapshot", "101", "--name", b"s\xff")
    assert rc == 0, (out, err)
    rc, out, err = _run(emu_host, "snapshot-list", "101")
    assert (rc, out) == (3, b"")
    assert err.endswith(b"Error: could not parse file /vz/private/101/Snapshots.xml\n")
