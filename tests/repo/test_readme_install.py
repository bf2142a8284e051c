"""The README's install section, run: its git-URL and tarball commands install
this collection (Galaxy itself is the one source not reachable from a test).

The git URL is pointed at a clone of this checkout (`git+file://`), the same
install path ansible-galaxy takes for the GitHub URL; the tarball command runs
in a directory of its own.
"""
import json
import os
import re
import shlex
import subprocess
import sys

import pytest

REPO = os.path.dirname(os.path.dirname(os.path.dirname(os.path.abspath(__file__))))
BIN = os.path.dirname(sys.executable)
GIT_URL = re.compile(r"git\+https://\S+?(,\S+)?$")


def _install_commands():
    with open(os.path.join(REPO, "README.md"), encoding="utf-8") as handle:
        text = handle.read()
    section = text.split("## Install", 1)[1].split("\n## ", 1)[0]
    (block,) = re.findall(r"```sh\n(.*?)```", section, re.S)
    return [line for line in block.splitlines() if line.strip()]


def _galaxy(argv, cwd, collections):
    env = dict(os.environ, ANSIBLE_COLLECTIONS_PATH=str(collections), ANSIBLE_NOCOLOR="1")
    argv = [os.path.join(BIN, "ansible-galaxy")] + argv[1:] + ["-p", str(collections)]
    proc = subprocess.run(argv, cwd=str(cwd), env=env, stdout=subprocess.PIPE, stderr=subprocess.STDOUT,
                          universal_newlines=True, check=False, timeout=300)
    assert proc.returncode == 0, proc.stdout
    return proc.stdout


def _installed_version(collections):
    path = os.path.join(str(collections), "ansible_collections", "openvz", "vz", "MANIFEST.json")
    with open(path) as handle:
        return json.load(handle)["collection_info"]["version"]


def _galaxy_version():
    with open(os.path.join(REPO, "galaxy.yml")) as handle:
        return re.search(r"^version: *(\S+)", handle.read(), re.M).group(1)


@pytest.fixture(scope="module")
def clone(tmp_path_factory):
    """A clone of this checkout's HEAD, the branch named as the README names it."""
    target = tmp_path_factory.mktemp("readme-install") / "openvz.vz"
    subprocess.run(["git", "clone", "-q", "--no-local", REPO, str(target)], check=True)
    return target


def test_the_readme_names_the_three_sources():
    commands = _install_commands()
    assert [shlex.split(c)[:3] for c in commands] == [["ansible-galaxy", "collection", "install"]] * 2 + [
        ["ansible-galaxy", "collection", "build"]]
    assert shlex.split(commands[0])[3] == "openvz.vz"


def test_the_git_url_command_installs_the_collection(clone, tmp_path):
    argv = shlex.split(_install_commands()[1])
    url = GIT_URL.match(argv[3])
    assert url, argv
    branch = url.group(1) or ""
    subprocess.run(["git", "-C", str(clone), "checkout", "-q", "-B", branch.lstrip(",") or "main"], check=True)
    argv[3] = "git+file://%s%s" % (clone, branch)
    _galaxy(argv, tmp_path, tmp_path / "collections")
    assert _installed_version(tmp_path / "collections") == _galaxy_version()


def test_the_tarball_commands_build_and_install_the_collection(clone, tmp_path):
    build, install = [shlex.split(part) for part in _install_commands()[2].split("&&")]
    work = tmp_path / "work"
    subprocess.run(["cp", "-a", str(clone), str(work)], check=True)
    subprocess.run([os.path.join(BIN, "ansible-galaxy")] + build[1:], cwd=str(work), check=True,
                   stdout=subprocess.PIPE, stderr=subprocess.STDOUT)
    assert os.path.isfile(os.path.join(str(work), install[3])), "the README names the tarball the build writes"
    _galaxy(install, work, tmp_path / "collections")
    assert _installed_version(tmp_path / "collections") == _galaxy_version()
