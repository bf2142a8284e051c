"""The release artifact: what `ansible-galaxy collection build` ships, and what
ansible-builder takes from it for an execution environment.

The tarball is built from a copy of the tracked files with the litter a
developer's clone holds (a `make docs` site, a second venv, bytecode), so a
build_ignore that misses a development file shows here and not on Galaxy.
"""
import json
import os
import shutil
import subprocess
import sys
import tarfile

import pytest
import yaml

REPO = os.path.dirname(os.path.dirname(os.path.dirname(os.path.abspath(__file__))))
BIN = os.path.dirname(sys.executable)

# Top-level entries a user of the installed collection needs; everything else
# tracked is for developing it.
SHIPPED = {"CHANGELOG.rst", "LICENSE", "README.md", "changelogs", "docs", "meta", "playbooks", "plugins", "roles"}
# What a developer's clone has besides the tracked files.
LITTER = ("build/docs/html/index.html", ".venv-core221/bin/python", "plugins/modules/__pycache__/container.cpython-311.pyc",
          "openvz-vz-0.0.1.tar.gz", ".pytest_cache/README.md", "tests/output/junit.xml")


def _tracked():
    out = subprocess.run(["git", "-C", REPO, "ls-files", "-z"], stdout=subprocess.PIPE, check=True).stdout
    return [path for path in out.decode().split("\0") if path and os.path.isfile(os.path.join(REPO, path))]


@pytest.fixture(scope="module")
def built(tmp_path_factory):
    """(tarball path, member names) of a build from a littered copy of the clone."""
    if not os.path.isdir(os.path.join(REPO, ".git")) and not os.path.isfile(os.path.join(REPO, ".git")):
        pytest.fail("the release test needs the git checkout (it ships what git tracks)")
    top = tmp_path_factory.mktemp("release")
    clone = top / "clone"
    for path in _tracked():
        target = clone / path
        target.parent.mkdir(parents=True, exist_ok=True)
        shutil.copy2(os.path.join(REPO, path), str(target))
    for path in LITTER:
        target = clone / path
        target.parent.mkdir(parents=True, exist_ok=True)
        target.write_text("litter\n")
    out = top / "dist"
    subprocess.run([os.path.join(BIN, "ansible-galaxy"), "collection", "build", "--output-path", str(out), str(clone)],
                   check=True, stdout=subprocess.PIPE, stderr=subprocess.PIPE)
    (tarball,) = list(out.iterdir())
    with tarfile.open(str(tarball)) as archive:
        members = {member.name: member for member in archive.getmembers()}
    return tarball, members


def test_tarball_ships_exactly_the_user_files(built):
    _tarball, members = built
    files = {name for name, member in members.items() if member.isfile()}
    expected = {path for path in _tracked() if path.split("/", 1)[0] in SHIPPED}
    expected |= {"MANIFEST.json", "FILES.json"}
    assert sorted(files - expected) == [], "shipped but not meant for users"
    assert sorted(expected - files) == [], "meant for users but not shipped"


def test_tarball_has_no_empty_directories(built):
    _tarball, members = built
    dirs = {name for name, member in members.items() if member.isdir()}
    parents = {os.path.dirname(name) for name in members}
    assert sorted(dirs - parents) == []


def test_manifest_names_the_license_and_version(built):
    tarball, _members = built
    with tarfile.open(str(tarball)) as archive:
        manifest = json.load(archive.extractfile("MANIFEST.json"))
    info = manifest["collection_info"]
    assert info["license"] == ["GPL-3.0-or-later"]
    assert tarball.name == "openvz-vz-%s.tar.gz" % info["version"]
    with open(os.path.join(REPO, "LICENSE")) as handle:
        head = handle.read(400)
    assert "GNU GENERAL PUBLIC LICENSE" in head and "Version 3" in head


def test_execution_environment_dependencies(built, tmp_path):
    """ansible-builder introspect on the installed collection finds exactly the
    EE files' requirements (meta/execution-environment.yml)."""
    tarball, _members = built
    path = tmp_path / "collections"
    subprocess.run([os.path.join(BIN, "ansible-galaxy"), "collection", "install", "--force", "-p", str(path), str(tarball)],
                   check=True, stdout=subprocess.PIPE, stderr=subprocess.PIPE)
    run = subprocess.run([os.path.join(BIN, "ansible-builder"), "introspect", str(path)],
                         check=True, stdout=subprocess.PIPE, stderr=subprocess.PIPE, universal_newlines=True)
    found = yaml.safe_load(run.stdout)

    def requirements(lines):
        return sorted(line.split("#", 1)[0].strip() for line in lines if line.split("#", 1)[0].strip())

    with open(os.path.join(REPO, "meta", "ee-bindep.txt")) as handle:
        wanted_bindep = requirements(handle)
    with open(os.path.join(REPO, "meta", "ee-requirements.txt")) as handle:
        wanted_pip = requirements(handle)
    assert wanted_bindep, "the EE needs the ssh client"
    assert all(line.endswith("# from collection openvz.vz") for line in found["system"] + found["python"])
    assert requirements(found["system"]) == wanted_bindep
    assert requirements(found["python"]) == wanted_pip


def _changelog_copy(tmp_path):
    """The changelog's inputs in a collection tree of their own (antsibull-changelog lists the
    collection's plugins with ansible-doc, which finds the copy under ANSIBLE_COLLECTIONS_PATH)."""
    work = tmp_path / "ansible_collections" / "openvz" / "vz"
    for top in ("changelogs", "plugins", "roles", "meta"):
        shutil.copytree(os.path.join(REPO, top), str(work / top), ignore=shutil.ignore_patterns("__pycache__"))
    for name in ("galaxy.yml", "CHANGELOG.rst"):
        shutil.copy2(os.path.join(REPO, name), str(work / name))
    env = dict(os.environ, PATH=BIN + os.pathsep + os.environ.get("PATH", ""), ANSIBLE_COLLECTIONS_PATH=str(tmp_path))

    def run(*args):
        proc = subprocess.run([os.path.join(BIN, "antsibull-changelog")] + list(args), cwd=str(work),
                              stdout=subprocess.PIPE, stderr=subprocess.STDOUT, universal_newlines=True, env=env,
                              check=False)
        assert proc.returncode == 0, proc.stdout
        return proc.stdout
    return work, run


def _changelog():
    with open(os.path.join(REPO, "changelogs", "changelog.yaml")) as handle:
        return yaml.safe_load(handle)


def test_the_galaxy_version_is_released_with_a_summary_and_every_plugin():
    with open(os.path.join(REPO, "galaxy.yml")) as handle:
        version = yaml.safe_load(handle)["version"]
    release = _changelog()["releases"][version]
    assert release["changes"]["release_summary"].startswith("First release of openvz.vz")
    modules = sorted(name[:-3] for name in os.listdir(os.path.join(REPO, "plugins", "modules")) if name.endswith(".py"))
    assert sorted(entry["name"] for entry in release["modules"]) == modules
    for kind in ("inventory", "connection"):
        shipped = sorted(name[:-3] for name in os.listdir(os.path.join(REPO, "plugins", kind)) if name.endswith(".py"))
        assert sorted(entry["name"] for entry in release["plugins"][kind]) == shipped
    roles = sorted(name for name in os.listdir(os.path.join(REPO, "roles")))
    assert sorted(entry["name"] for entry in release["objects"]["role"]) == roles


def test_changelog_rst_is_what_the_changelog_generates(tmp_path):
    """CHANGELOG.rst is antsibull-changelog's rendering of changelogs/changelog.yaml, and
    the fragments directory lints (unreleased changes go there)."""
    work, run = _changelog_copy(tmp_path)
    assert run("lint") == ""
    assert run("lint-changelog-yaml", "changelogs/changelog.yaml") == ""
    run("generate")
    with open(os.path.join(REPO, "CHANGELOG.rst")) as handle:
        assert (work / "CHANGELOG.rst").read_text() == handle.read()


def test_the_next_release_takes_the_fragments(tmp_path):
    """A fragment added after 0.1.0 goes into the next release, above 0.1.0 (in a copy)."""
    work, run = _changelog_copy(tmp_path)
    (work / "changelogs" / "fragments" / "next.yml").write_text(
        "---\nrelease_summary: The next release.\nbugfixes:\n  - container - a fix.\n")
    run("release", "--version", "0.1.1", "--date", "2027-01-01")
    text = (work / "CHANGELOG.rst").read_text()
    assert text.index("v0.1.1") < text.index("v0.1.0") and "container - a fix." in text
    assert not list((work / "changelogs" / "fragments").glob("*.yml"))


def test_ansible_builder_creates_a_context_for_an_ee_with_the_collection(built, tmp_path):
    """`ansible-builder create` on an EE definition that installs the built tarball
    writes a build context: the Containerfile and the collection requirement it installs."""
    tarball, _members = built
    shutil.copy2(str(tarball), str(tmp_path / tarball.name))
    (tmp_path / "requirements.yml").write_text(
        # The build stage runs ansible-galaxy in the context's _build/, where the tarball is copied.
        "---\ncollections:\n  - name: collections/%s\n    type: file\n" % tarball.name, encoding="utf-8")
    (tmp_path / "execution-environment.yml").write_text(
        "---\nversion: 3\nimages:\n  base_image:\n    name: quay.io/ansible/awx-ee:latest\n"
        "dependencies:\n  galaxy: requirements.yml\n  ansible_core:\n    package_pip: ansible-core\n"
        "  ansible_runner:\n    package_pip: ansible-runner\n"
        "additional_build_files:\n  - src: %s\n    dest: collections\n" % tarball.name, encoding="utf-8")
    run = subprocess.run([os.path.join(BIN, "ansible-builder"), "create", "-f", "execution-environment.yml",
                          "-c", "context", "--output-filename", "Containerfile"], cwd=str(tmp_path),
                         stdout=subprocess.PIPE, stderr=subprocess.STDOUT, universal_newlines=True, check=False)
    assert run.returncode == 0, run.stdout
    context = tmp_path / "context"
    containerfile = (context / "Containerfile").read_text()
    assert "ansible-galaxy" in containerfile and "requirements.yml" in containerfile
    assert yaml.safe_load((context / "_build" / "requirements.yml").read_text())["collections"][0]["name"] \
        == "collections/" + tarball.name
    assert (context / "_build" / "collections" / tarball.name).is_file()
