"""vz_backup's parsers and validators: what prlctl backup-list -f prints, the names vzdump
writes, and the values the backup modules accept (docs/openvz-tools.md)."""
import time

import pytest

from ansible_collections.openvz.vz.plugins.module_utils._vz import vz_backup
from ansible_collections.openvz.vz.plugins.module_utils._vz.vz_errors import VzInputError

# print_backup_data() with list_full, two backups of one CT (src/PrlBackup.cpp)
FULL_LIST = (
    "VM_UUID: {c1dee22f-2cd6-4b37-b94f-4f2e1a50cdec}\nName: web\nHost: hv.example.com\nOwner: root\n"
    "Backup_ID: {209d54a0-e3b8-4a03-9ca8-d4cc7a2a27ca}\nDate: 05/30/2011 10:19:32\nType: f\nSize: 411566405\n"
    "Description: \nServerUuid: \nDiskList:\n\tName: root.hdd\n\tOriginalPath: /vz/private/101/root.hdd\n"
    "\tSize: 10\n\n"
    "VM_UUID: {c1dee22f-2cd6-4b37-b94f-4f2e1a50cdec}\nName: web\nHost: hv.example.com\nOwner: root\n"
    "Backup_ID: {209d54a0-e3b8-4a03-9ca8-d4cc7a2a27ca}.2\nDate: 05/31/2011 10:19:32\nType: i\nSize: 1024\n"
    "Description: nightly\nServerUuid: \nDiskList:\n\n")


def test_backup_list_full_format():
    first, second = vz_backup.parse_backup_list(FULL_LIST)
    assert first["id"] == "{209d54a0-e3b8-4a03-9ca8-d4cc7a2a27ca}" and second["id"] == first["id"] + ".2"
    assert first["uuid"] == "c1dee22f-2cd6-4b37-b94f-4f2e1a50cdec" and first["name"] == "web"
    # a disk's own Size line does not replace the backup's
    assert (first["size"], second["size"]) == (411566405, 1024)
    assert (first["type"], second["type"]) == ("full", "incremental")
    assert first["date"] == "2011-05-30 10:19:32"
    assert first["timestamp"] == int(time.mktime((2011, 5, 30, 10, 19, 32, 0, 0, -1)))
    assert vz_backup.parse_backup_list("") == []


@pytest.mark.parametrize("text, seconds", [("30s", 30), ("15m", 900), ("12h", 43200), ("1d", 86400), ("2w", 1209600)])
def test_max_age(text, seconds):
    assert vz_backup.max_age_seconds(text) == seconds


@pytest.mark.parametrize("text", ["0d", "1", "d", "1d\n", " 1d", "1 d", "1D", "1dd", "\u0661d", "1.5h", "-1d",
                                  "1234567890s"])
def test_max_age_refused(text):
    with pytest.raises(VzInputError) as info:
        vz_backup.max_age_seconds(text)
    assert info.value.param == "max_age"


def test_backup_refs():
    name = "vzdump-openvz-101-2026_01_31-12_00_00.tgz"
    assert vz_backup.backup_ref(name, False) == name
    assert vz_backup.backup_ref("/vz/dump/" + name, False) == "/vz/dump/" + name
    assert vz_backup.backup_ref("209D54A0-E3B8-4A03-9CA8-D4CC7A2A27CA.3", True) == \
        "{209d54a0-e3b8-4a03-9ca8-d4cc7a2a27ca}.3"
    for bad in (name + "\n", "../" + name, "/vz/../" + name, "/vz/$VEID/" + name, name.replace("101", "1x1"),
                "vzdump-openvz-101-2026_01_31-12_00_00.tar.gz", "rel/" + name):
        with pytest.raises(VzInputError):
            vz_backup.backup_ref(bad, False)
    for bad in ("{209d54a0-e3b8-4a03-9ca8-d4cc7a2a27ca}.", "209d54a0", name, "{209d54a0-e3b8-4a03-9ca8-d4cc7a2a27ca}\n"):
        with pytest.raises(VzInputError):
            vz_backup.backup_ref(bad, True)


def test_legacy_entry(tmp_path):
    name = "vzdump-openvz-101-2026_01_31-12_00_00.tar"
    (tmp_path / name).write_bytes(b"x" * 10)
    (tmp_path / (name[:-4] + ".log")).write_text("log")
    entry = vz_backup._entry_legacy(str(tmp_path), name)  # pylint: disable=protected-access
    assert entry["ctid"] == "101" and entry["size"] == 10 and not entry["compressed"]
    assert entry["date"] == "2026-01-31 12:00:00" and entry["log"] == str(tmp_path / (name[:-4] + ".log"))
    assert vz_backup._entry_legacy(str(tmp_path), "other.tar") is None  # pylint: disable=protected-access
