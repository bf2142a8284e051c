"""The template caches hold a root filesystem a shell really runs in."""

import os
import subprocess
import tarfile

import pytest

from harness import rootfs

needs_root = pytest.mark.skipif(os.geteuid() != 0, reason="chroot needs root")


@pytest.fixture(scope="module")
def templates(tmp_path_factory):
    return rootfs.build_templates(tmp_path_factory.mktemp("templates"))


def unpack(tarball, dest):
    with tarfile.open(tarball) as tar:
        tar.extractall(dest, filter="tar")
    return dest


def test_both_templates_are_built_with_their_compression(templates):
    assert sorted(templates) == ["centos-7-x86_64", "debian-12.0-x86_64-minimal"]
    assert templates["debian-12.0-x86_64-minimal"].endswith(".tar.gz")
    assert templates["centos-7-x86_64"].endswith(".tar.xz")


def test_templates_have_the_same_content(templates):
    listings = []
    for path in templates.values():
        with tarfile.open(path) as tar:
            listings.append([(m.name, m.type, m.mode, m.linkname, m.size) for m in tar])
    assert listings[0] == listings[1]


def test_builds_are_reproducible(tmp_path):
    rootfs.write_tarball(tmp_path / "a.tar.gz", "gz")
    rootfs.write_tarball(tmp_path / "b.tar.gz", "gz")
    assert (tmp_path / "a.tar.gz").read_bytes() == (tmp_path / "b.tar.gz").read_bytes()


def test_a_second_build_reuses_the_cache(tmp_path):
    first = rootfs.build_templates(tmp_path)
    stamps = {name: os.stat(path).st_mtime_ns for name, path in first.items()}
    second = rootfs.build_templates(tmp_path)
    assert {name: os.stat(path).st_mtime_ns for name, path in second.items()} == stamps


@needs_root
@pytest.mark.parametrize("name", ["debian-12.0-x86_64-minimal", "centos-7-x86_64"])
def test_busybox_shell_runs_in_the_unpacked_tree(templates, tmp_path, name):
    root = unpack(templates[name], tmp_path / "root")
    proc = subprocess.run(["chroot", str(root), "/bin/sh", "-c", "echo ok; id -u; hostname"],
                          capture_output=True, text=True, check=True)
    assert proc.stdout.splitlines()[:2] == ["ok", "0"]


@needs_root
def test_chpasswd_sets_a_hash(templates, tmp_path):
    root = unpack(templates["debian-12.0-x86_64-minimal"], tmp_path / "root")
    subprocess.run(["chroot", str(root), "chpasswd"], input="root:s3cret\n",
                   text=True, check=True)
    shadow = (root / "etc" / "shadow").read_text(encoding="utf-8")
    assert shadow.startswith("root:$6$")
    assert "nobody:*:" in shadow


@needs_root
def test_chpasswd_rejects_an_unknown_user(templates, tmp_path):
    root = unpack(templates["debian-12.0-x86_64-minimal"], tmp_path / "root")
    proc = subprocess.run(["chroot", str(root), "chpasswd"], input="alice:pw\n",
                          capture_output=True, text=True, check=False)
    assert proc.returncode != 0
    assert "alice" in proc.stderr


def test_missing_busybox_says_how_to_get_it(tmp_path):
    with pytest.raises(FileNotFoundError, match="make apt-deps"):
        rootfs.build_templates(tmp_path, busybox=tmp_path / "no-busybox")
