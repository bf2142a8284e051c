"""ploop snapshots: Snapshots.xml, dump/<uuid>.ve.conf, switch/delete/mount,
snapshot-list formats, and the refusals of builds/CTs without ploop."""
import os
import re
import xml.etree.ElementTree as ET

import pytest

LEGACY = pytest.mark.parametrize("flavour", ["legacy"])
VZ7 = pytest.mark.parametrize("flavour", ["vz7"])
UUID = re.compile(r"^\{[0-9a-f]{8}-[0-9a-f]{4}-[0-9a-f]{4}-[0-9a-f]{4}-[0-9a-f]{12}\}$")
ID1 = "{11111111-2222-3333-4444-555555555555}"
ID2 = "{aaaaaaaa-bbbb-cccc-dddd-eeeeeeeeeeee}"
FS = "/vz/private/101/root.hdd/fs"


@VZ7
def test_snapshot_round_trip(emu_host):
    emu_host.create(101, "--hostname", "one.example")
    with open(FS + "/etc/motd", "w") as handle:
        handle.write("before\n")
    result = emu_host.vzctl("snapshot", "101", "--id", ID1, "--name", "first",
                            "--description", "the first")
    assert result.rc == 0, result
    assert result.stdout.splitlines()[0] == "Creating snapshot %s" % ID1
    assert result.stdout.splitlines()[-1] == "Snapshot %s has been successfully created" % ID1
    assert os.path.isfile("/vz/private/101/dump/%s.ve.conf" % ID1)
    assert not os.path.exists("/vz/private/101/dump/%s" % ID1)  # not running: no dump

    root = ET.parse("/vz/private/101/Snapshots.xml").getroot()
    assert root.tag == "ParallelsSavedStates"
    base = root.find("SavedStateItem")
    assert base.get("guid") == ""
    item = base.find("SavedStateItem")
    assert (item.get("guid"), item.get("current")) == (ID1, "yes")
    assert item.findtext("Name") == "first" and item.findtext("Description") == "the first"

    # change files and config, take a second snapshot while running
    with open(FS + "/etc/motd", "w") as handle:
        handle.write("after\n")
    emu_host.vzctl("set", "101", "--hostname", "two.example", "--save")
    emu_host.vzctl("start", "101")
    result = emu_host.vzctl("snapshot", "101", "--id", ID2)
    assert result.rc == 0
    assert os.path.isfile("/vz/private/101/dump/%s" % ID2)
    listing = emu_host.vzctl("snapshot-list", "101")
    lines = listing.stdout.splitlines()
    assert lines[0] == "%-38s %-1s %-38s %-19s %-32s" % ("PARENT_UUID", "C", "UUID", "DATE", "NAME")
    assert lines[1].startswith("%-38s   %s " % ("", ID1)) and lines[1].endswith(" first")
    assert lines[2].startswith("%-38s * %s " % (ID1, ID2))
    assert emu_host.vzctl("snapshot-list", "101", "-H", "-o", "uuid,name").stdout == (
        "%s first\n%s \n" % (ID1, ID2))
    assert emu_host.vzctl("snapshot-list", "101", "-H", "-o", "uuid", "--id", ID2).stdout == (
        "%s\n%s\n" % (ID2, ID1))
    assert emu_host.vzctl("snapshot-list", "101", "-o", "bogus").rc == 21

    # back to the first: files and config as they were, CT stopped (no dump)
    result = emu_host.vzctl("snapshot-switch", "101", "--id", ID1)
    assert result.rc == 0, result
    assert result.stdout.splitlines()[0] == "Switching to snapshot %s" % ID1
    assert result.stdout.endswith("Container has been successfully switched to another snapshot\n")
    with open(FS + "/etc/motd") as handle:
        assert handle.read() == "before\n"
    assert 'HOSTNAME="one.example"' in emu_host.conf(101)
    assert emu_host.vzctl("status", "101").stdout == "VEID 101 exist unmounted down\n"

    # back to the second: it had a dump, so the CT is resumed
    result = emu_host.vzctl("snapshot-switch", "101", "--id", ID2)
    assert result.rc == 0
    assert emu_host.vzctl("status", "101").stdout == "VEID 101 exist mounted running\n"
    with open(FS + "/etc/motd") as handle:
        assert handle.read() == "after\n"
    emu_host.vzctl("stop", "101")

    # mount a snapshot read-only
    result = emu_host.vzctl("snapshot-mount", "101", "--id", ID1, "--target", "/mnt")
    assert result.rc == 0
    with open("/mnt/etc/motd") as handle:
        assert handle.read() == "before\n"
    assert emu_host.vzctl("snapshot-umount", "101", "--id", ID1).rc == 0
    assert not os.path.exists("/mnt/etc")

    result = emu_host.vzctl("snapshot-delete", "101", "--id", ID1)
    assert result.rc == 0
    assert result.stdout.splitlines()[-1] == "Snapshot %s has been successfully deleted" % ID1
    tree = ET.parse("/vz/private/101/Snapshots.xml").getroot()
    guids = [i.get("guid") for i in tree.iter("SavedStateItem")]
    assert guids == ["", ID2]
    assert not os.path.exists("/vz/private/101/dump/%s.ve.conf" % ID1)
    result = emu_host.vzctl("snapshot-delete", "101", "--id", ID1)
    assert result.rc == 158


@VZ7
def test_generated_snapshot_ids(emu_host):
    emu_host.create(101)
    result = emu_host.vzctl("snapshot", "101")
    guid = result.stdout.splitlines()[0].split()[-1]
    assert UUID.match(guid)
    assert emu_host.vzctl("snapshot-switch", "101").rc == 20
    assert emu_host.vzctl("snapshot", "101", "--id", "nonsense").rc == 21


@LEGACY
def test_snapshots_need_a_ploop_build(emu_host):
    emu_host.create(101)
    for command in ("snapshot", "snapshot-list", "snapshot-switch", "convert"):
        result = emu_host.vzctl(command, "101")
        assert (result.rc, result.stderr) == (20, "Bad command: %s\n" % command)


@LEGACY
@pytest.mark.emu_host(ploop=True)
@pytest.mark.parametrize("command,rc", [("snapshot", 156), ("snapshot-switch", 159),
                                        ("snapshot-delete", 158), ("snapshot-list", 167)])
def test_snapshots_need_a_ploop_ct(emu_host, command, rc):
    emu_host.create(101, "--layout", "simfs")
    args = [] if command in ("snapshot", "snapshot-list") else ["--id", ID1]
    result = emu_host.vzctl(command, "101", *args)
    assert (result.rc, result.stderr) == (rc, "Snapshot feature is only available for ploop-based CTs\n")
