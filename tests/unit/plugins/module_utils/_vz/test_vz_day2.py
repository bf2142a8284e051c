"""The logic of the template, snapshot and container_exec modules without a host:
quoting for exec2, snapshot-list parsing and planning, archive checks, validators."""
import gzip
import io
import lzma
import subprocess
import tarfile

import pytest

from ansible_collections.openvz.vz.plugins.module_utils._vz import vz_exec, vz_snapshot, vz_template, vz_validate
from ansible_collections.openvz.vz.plugins.module_utils._vz.vz_errors import VzInputError, VzStateError

HOSTILE = ["$(id)", ";", "a'b\"c", "x\ny", "*", "`id`", "", "-", "--", "\\", "'", "''", "$HOME", "~",
           "a b", "\t", "!", "#", "&&", "|"]
U1 = "{11111111-2222-3333-4444-555555555555}"
U2 = "{aaaaaaaa-bbbb-cccc-dddd-eeeeeeeeeeee}"


# ---------------------------------------------------------------- exec quoting

@pytest.mark.parametrize("shell", ["sh", "bash"])
def test_quoted_argv_reaches_the_command_literally(shell):
    line = vz_exec.command_line(["printf", "<%s>"] + HOSTILE)
    # vzctl exec2 appends a space to each argument and runs the result with -c
    out = subprocess.run([shell, "-c", line + " "], capture_output=True, text=True, check=True).stdout
    assert out == "".join("<%s>" % arg for arg in HOSTILE)


def test_every_word_is_quoted_and_chdir_is_a_separate_line():
    assert vz_exec.sh_quote("-") == "'-'"
    assert vz_exec.command_line(["ls"], chdir="/a b") == "cd '/a b' || exit 1\n'ls'"
    assert vz_exec.command_line(cmd="echo $HOME | wc") == "echo $HOME | wc"


@pytest.mark.parametrize("kwargs, param", [
    ({"argv": []}, "argv"), ({"cmd": "-"}, "cmd"), ({"cmd": "  "}, "cmd"),
    ({"argv": ["true"], "chdir": "relative"}, "chdir"), ({"argv": ["a\x00b"]}, "argv"),
    ({"cmd": "echo \x00"}, "cmd"), ({"argv": ["true"], "creates": "a\x00b"}, "creates"),
])
def test_exec_refuses_before_running_anything(kwargs, param):
    class NoRunner:
        def run(self, argv, stdin=None, check_rc=True):
            raise AssertionError("ran %r" % argv)
    with pytest.raises(VzInputError) as info:
        vz_exec.Executor(NoRunner()).run("101", **kwargs)
    assert info.value.param == param


# ---------------------------------------------------------------- snapshot-list

def _row(uuid, parent, current, date, name):
    return "%-38s %-38s %1s %-19s %s\n" % (uuid, parent, "*" if current else "", date, name)


def test_snapshot_list_parsing():
    rows = (_row(U1, "", False, "2026-01-02 03:04:05", "first  with  spaces ")
            + _row(U2, U1, True, "2026-01-02 03:04:06", "a" * 40 + " * {x} "))
    descs = "%s \n%s the description: %s\n" % (U1, U2, U1)
    snaps = vz_snapshot.parse_list(rows, descs)
    assert snaps == [
        {"uuid": U1, "parent_uuid": None, "current": False, "date": "2026-01-02 03:04:05",
         "name": "first  with  spaces ", "description": ""},
        {"uuid": U2, "parent_uuid": U1, "current": True, "date": "2026-01-02 03:04:06",
         "name": "a" * 40 + " * {x} ", "description": "the description: %s" % U1},
    ]
    assert vz_snapshot.parse_list("", "") == []
    with pytest.raises(VzStateError):
        vz_snapshot.parse_list("garbage line\n")


def test_snapshot_plans():
    snaps = vz_snapshot.parse_list(_row(U1, "", False, "2026-01-02 03:04:05", "a")
                                   + _row(U2, U1, True, "2026-01-02 03:04:06", "a"))
    plan = vz_snapshot.Snapshots(None).plan
    assert plan("7", snaps, "present", None, "a", None, False, False, False)[0] == []
    assert plan("7", snaps, "present", None, "b", "d", True, False, False)[0] == [
        ["vzctl", "snapshot", "7", "--name", "b", "--description", "d", "--skip-suspend"]]
    assert plan("7", snaps, "absent", None, "a", None, False, False, False)[0] == [
        ["vzctl", "snapshot-delete", "7", "--id", U1], ["vzctl", "snapshot-delete", "7", "--id", U2]]
    assert plan("7", snaps, "switched", U2, None, None, False, False, False)[0] == []
    assert plan("7", snaps, "switched", U2, None, None, False, True, True)[0] == [
        ["vzctl", "snapshot-switch", "7", "--id", U2, "--skip-resume"]]
    with pytest.raises(VzStateError, match="2 snapshots of container 7 are named 'a'"):
        plan("7", snaps, "switched", None, "a", None, False, False, False)
    assert plan("7", snaps, "present", None, None, None, False, False, False)[0] == []  # a listing
    with pytest.raises(VzInputError):
        plan("7", snaps, "absent", None, None, None, False, False, False)
    predicted = vz_snapshot.predict(snaps, "present", [["vzctl"]], None, "new")
    assert [(s["name"], s["current"]) for s in predicted] == [("a", False), ("a", False), ("new", True)]


# ---------------------------------------------------------------- archives

def _tar_bytes(compress=None):
    raw = io.BytesIO()
    with tarfile.open(fileobj=raw, mode="w") as tar:
        data = b"x" * 5000
        info = tarfile.TarInfo("./etc/data")
        info.size = len(data)
        tar.addfile(info, io.BytesIO(data))
    body = raw.getvalue()
    return compress(body) if compress else body


@pytest.mark.parametrize("suffix, compress", [
    (".tar", None), (".tar.gz", gzip.compress), (".tar.xz", lzma.compress)])
def test_archive_check(tmp_path, suffix, compress):
    body = _tar_bytes(compress)
    good = tmp_path / ("good" + suffix)
    good.write_bytes(body)
    assert vz_template.suffix_of(str(good)) == suffix
    vz_template.verify_archive(str(good), suffix)
    # plain: cut inside the data, and after one of the two end-of-archive blocks;
    # compressed: inside the stream, and into the trailer (CRC, size)
    for cut in (len(body) // 2, 512 + 5120 + 512 if not compress else len(body) - 8):
        short = tmp_path / ("short" + suffix)
        short.write_bytes(body[:cut])
        with pytest.raises(VzStateError, match="is not a complete"):
            vz_template.verify_archive(str(short), suffix)
    garbage = tmp_path / ("garbage" + suffix)
    garbage.write_bytes(body[:10] + b"\x00" * 3000 if compress else b"not a tar at all")
    with pytest.raises(VzStateError):
        vz_template.verify_archive(str(garbage), suffix)


def test_listing_ignores_hidden_and_other_files(tmp_path):
    for name in ("b-1.tar.xz", "a-1.tar", ".a-1.x.part", "notes.txt", "c.tar.gz"):
        (tmp_path / name).write_bytes(b"x")
    assert [(e["name"], e["file"]) for e in vz_template.listing(str(tmp_path))] == [
        ("a-1", "a-1.tar"), ("b-1", "b-1.tar.xz"), ("c", "c.tar.gz")]
    assert vz_template.entries(str(tmp_path), "a-1") == [str(tmp_path / "a-1.tar")]


# ---------------------------------------------------------------- validators

def test_validators():
    assert vz_validate.checksum("SHA256:" + "A" * 64) == ("sha256", "a" * 64)
    assert vz_validate.snapshot_uuid("AAAAAAAA-BBBB-CCCC-DDDD-EEEEEEEEEEEE") == U2
    assert vz_validate.url("https://mirror.example/x.tar.gz") == "https://mirror.example/x.tar.gz"
    for bad in ("sha256", "sha256:xyz", "crc32:00000000", "sha1:" + "0" * 64):
        with pytest.raises(VzInputError):
            vz_validate.checksum(bad)
    for bad in ("file:///etc/passwd", "http://a b/", "mirror.example/x", "http://x/\n"):
        with pytest.raises(VzInputError):
            vz_validate.url(bad)
    for bad in ("{1234}", "11111111-2222-3333-4444-55555555555g"):
        with pytest.raises(VzInputError):
            vz_validate.snapshot_uuid(bad)
    for bad in ("a\nb", "tab\there", "x]]>y"):
        with pytest.raises(VzInputError):
            vz_validate.snapshot_text(bad, "name")
    assert vz_validate.snapshot_text("$(id) `x` \"q\"", "name") == "$(id) `x` \"q\""
