"""Call log parsing, fault files and tree snapshots (no root needed)."""

import json
import os

import pytest

from harness import calllog, faults, snapshot


def write_calls(path, calls):
    path.write_text("".join(json.dumps(c) + "\n" for c in calls), encoding="utf-8")


def test_missing_call_log_reads_as_empty(tmp_path):
    assert not calllog.read_calls(tmp_path / "calls.jsonl")


def test_mutating_calls_skip_reads_and_vzlist(tmp_path):
    calls = [
        {"tool": "vzctl", "argv": ["status", "101"]},
        {"tool": "vzlist", "argv": ["-a", "-j"]},
        {"tool": "vzctl", "argv": ["--quiet", "exec", "101", "id"]},
        {"tool": "vzctl", "argv": ["--version"]},
        {"tool": "vzctl", "argv": ["snapshot-list", "101"]},
        {"tool": "vzctl", "argv": ["--quiet", "set", "101", "--cpus", "2", "--save"]},
        {"tool": "vzctl", "argv": ["start", "101"]},
    ]
    write_calls(tmp_path / "calls.jsonl", calls)
    mutating = [c for c in calllog.read_calls(tmp_path / "calls.jsonl") if calllog.is_mutating(c)]
    assert [c["argv"][-1] for c in mutating] == ["--save", "101"]


def test_faults_append_and_omit_absent_times(tmp_path):
    path = tmp_path / "state" / "faults.json"
    faults.add_fault(path, "vzctl", ["set", "101"], 34, stderr="locked")
    faults.add_fault(path, "vzlist", ["-a"], 1, times=2, delay=0.5)
    written = json.loads(path.read_text(encoding="utf-8"))
    assert written[0] == {"tool": "vzctl", "match": ["set", "101"], "rc": 34,
                          "stderr": "locked", "stdout": "", "delay": 0}
    assert written[1]["times"] == 2 and written[1]["delay"] == 0.5


def test_fault_match_must_be_a_list(tmp_path):
    with pytest.raises(TypeError):
        faults.add_fault(tmp_path / "f.json", "vzctl", "set 101", 1)


def test_snapshot_records_bytes_links_and_dirs(tmp_path):
    (tmp_path / "conf").mkdir()
    (tmp_path / "conf" / "101.conf").write_bytes(b"A=1\n")
    os.symlink("../conf/101.conf", tmp_path / "link")
    os.symlink("/nonexistent", tmp_path / "dangling")
    taken = snapshot.snapshot_tree(tmp_path)
    assert taken[str(tmp_path / "conf" / "101.conf")] == b"A=1\n"
    assert taken[str(tmp_path / "link")] == "../conf/101.conf"
    assert taken[str(tmp_path / "dangling")] == "/nonexistent"
    assert taken[str(tmp_path / "conf")] is None
    assert not snapshot.snapshot_tree(tmp_path / "absent")
