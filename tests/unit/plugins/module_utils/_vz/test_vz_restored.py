"""vz_restored: the record of which backup a container was restored from holds only
for the private area that restore made."""
import pytest

from ansible_collections.openvz.vz.plugins.module_utils._vz import vz_restored


@pytest.fixture(autouse=True)
def records(tmp_path, monkeypatch):
    monkeypatch.setattr(vz_restored, "RESTORED_DIR", str(tmp_path / "restored"))
    return tmp_path / "restored"


def test_the_record_holds_for_the_area_the_restore_made(tmp_path):
    area = tmp_path / "private" / "101"
    area.mkdir(parents=True)
    assert vz_restored.restored_from("101", str(area)) is None
    vz_restored.record("101", "vzdump-openvz-101-2026_12_02-07_00_00.tar", str(area))
    assert vz_restored.restored_from("101", str(area)) == "vzdump-openvz-101-2026_12_02-07_00_00.tar"
    assert vz_restored.restored_from("102", str(area)) is None


def test_a_container_made_again_on_a_new_area_is_not_the_restored_one(tmp_path):
    area = tmp_path / "101"
    area.mkdir()
    vz_restored.record("101", "{8a3a5b1e-4e4b-4d39-9a1b-0c6f5e1f2a3b}", str(area))
    area.rename(tmp_path / "old")  # the old area lives on, so the new one cannot reuse its inode
    area.mkdir()
    assert vz_restored.restored_from("101", str(area)) is None
    assert vz_restored.restored_from("101", str(tmp_path / "gone")) is None


@pytest.mark.parametrize("text", ["", "not json", "[]", '{"backup": "x"}', '{"backup": "x", "area": null}'])
def test_a_damaged_record_is_no_record(tmp_path, records, text):
    area = tmp_path / "101"
    area.mkdir()
    records.mkdir()
    (records / "101").write_text(text)
    assert vz_restored.restored_from("101", str(area)) is None
