"""openvz.vz.template refuses archives that would not unpack inside a container.

Each class of hostile member (absolute name, ``..`` component, a member
written through a symlink the archive makes, hard links to an absolute
path, through ``..`` or to a file the archive does not hold) is offered as a
host file (``src`` with ``remote_src``), a controller file, a URL and through
vztmpl-dl, through real ansible-playbook runs.  The task fails naming the
parameter and the member, and the cache directory is left byte for byte as
it was: no cache entry, no temporary file, a replaced entry put back.
Device nodes and symlinks pointing anywhere are what real templates hold, so
they are accepted.
"""
import hashlib
import json
import os
import tarfile

import pytest

from harness.archives import template_tarball

CACHE = "/vz/template/cache"

# name -> (members, the member the message names, why)
HOSTILE = {
    "abs-1": ([("/etc/passwd", {})], "/etc/passwd", "has an absolute name"),
    "dotdot-1": ([("etc/../../../etc/passwd", {})], "etc/../../../etc/passwd",
                 "has a '..' component"),
    "dotdot-2": ([("..", {"type": tarfile.DIRTYPE})], "..", "has a '..' component"),
    "symlink-1": ([("etc/link", {"type": tarfile.SYMTYPE, "linkname": "/etc"}),
                   ("etc/link/passwd", {})], "etc/link/passwd",
                  "would be written through the symlink 'etc/link' the archive makes"),
    "symlink-2": ([("./up", {"type": tarfile.SYMTYPE, "linkname": "../../.."}),
                   ("up//etc/", {"type": tarfile.DIRTYPE})], "up//etc",
                  "would be written through the symlink 'up' the archive makes"),
    "hardlink-1": ([("etc/passwd", {"type": tarfile.LNKTYPE, "linkname": "/etc/passwd"})],
                   "etc/passwd", "is a hard link to an absolute path, '/etc/passwd'"),
    "hardlink-2": ([("etc/shadow", {"type": tarfile.LNKTYPE, "linkname": "etc/../../etc/shadow"})],
                   "etc/shadow", "is a hard link to 'etc/../../etc/shadow', which has a '..' component"),
    "hardlink-3": ([("etc/group", {"type": tarfile.LNKTYPE, "linkname": "etc/nosuch"})],
                   "etc/group", "is a hard link to 'etc/nosuch', which is not an earlier member"),
    "hardlink-4": ([("etc/link", {"type": tarfile.SYMTYPE, "linkname": "/etc"}),
                    ("etc/pw", {"type": tarfile.LNKTYPE, "linkname": "etc/link/passwd"})],
                   "etc/pw", "is a hard link to 'etc/link/passwd', which is not an earlier member"),
}


def _archive(path, members, compression="gz"):
    return template_tarball(path, members, compression)


def _sha256(path):
    with open(str(path), "rb") as handle:
        return "sha256:" + hashlib.sha256(handle.read()).hexdigest()


def _cache():
    """The cache directory, hidden files included: name -> bytes."""
    result = {}
    for name in sorted(os.listdir(CACHE)):
        with open(os.path.join(CACHE, name), "rb") as handle:
            result[name] = handle.read()
    return result


def _tpl(name, args):
    return {"name": name, "openvz.vz.template": args, "register": "r", "ignore_errors": True}


def _play(tasks):
    return json.dumps([{"hosts": "localhost", "gather_facts": False, "tasks": tasks}], indent=1)


def _msg(result, name):
    return result.task(name)["result"]["msg"]


@pytest.mark.flavour("legacy")
def test_hostile_members_are_refused_from_every_source(openvz_host, run_playbook, ansible_env,
                                                       tmp_path, mirror):
    files = ansible_env.root / "files"
    files.mkdir()
    with open("/etc/vz/download.conf", "w") as handle:
        handle.write('TMPL_REPO_PREFIX="%s/precreated"\n' % mirror.url)
    # hardlink-1 is already cached (a sane file): vztmpl-dl's replacement is refused, the old one put back
    _archive(CACHE + "/hardlink-1.tar.gz", [])
    tasks = []
    expected = {}
    for name, (members, member, why) in sorted(HOSTILE.items()):
        on_host = _archive(tmp_path / (name + ".tar.gz"), members)
        on_controller = _archive(files / (name + ".tar.bz2"), members, "bz2")
        served = _archive(mirror.top / (name + ".tar.gz"), members)
        tasks += [
            _tpl("host " + name, {"name": name, "src": on_host, "remote_src": True}),
            _tpl("controller " + name, {"name": name, "src": name + ".tar.bz2"}),
            _tpl("url " + name, {"name": name, "url": mirror.url + "/precreated/" + name + ".tar.gz",
                                 "checksum": _sha256(served)}),
            _tpl("download " + name, {"name": name, "download": True,
                                      "checksum": _sha256(served)}),
        ]
        reason = "member '%s' %s; it was not cached" % (member, why)
        expected["host " + name] = "src: %s is not a template cache vzctl create can unpack: %s" % (
            on_host, reason)
        expected["controller " + name] = reason
        expected["url " + name] = "url: %s/precreated/%s.tar.gz is not a template cache vzctl " \
                                  "create can unpack: %s" % (mirror.url, name, reason)
        expected["download " + name] = "download: %s/%s.tar.gz (fetched by vztmpl-dl) is not a " \
                                       "template cache vzctl create can unpack: %s" % (CACHE, name, reason)
    before = _cache()
    result = run_playbook(_play(tasks))
    assert result.rc == 0, str(result)
    for task, message in expected.items():
        got = _msg(result, task)
        assert result.task(task)["status"] == "ignored", (task, got)
        if task.startswith("controller "):
            # the module sees the action plugin's copy in its temporary directory
            assert got.startswith("src: ") and got.endswith(message), (task, got)
        else:
            assert got == message, (task, got)
    assert _cache() == before
    vztmpl_dl = [call["argv"] for call in openvz_host.calls() if call["tool"] == "vztmpl-dl"]
    assert vztmpl_dl == [[name] for name in sorted(HOSTILE)]
    # nothing was ever created from them
    assert openvz_host.mutating_calls() == []


@pytest.mark.flavour("legacy")
def test_what_real_templates_hold_is_accepted_and_creates(openvz_host, run_playbook, tmp_path):
    """Device nodes, FIFOs, absolute and relative symlinks, hard links to earlier members."""
    members = [
        ("./dev/", {"type": tarfile.DIRTYPE, "mode": 0o755}),
        ("./dev/null", {"type": tarfile.CHRTYPE, "devmajor": 1, "devminor": 3, "mode": 0o666}),
        ("./dev/ptmx", {"type": tarfile.CHRTYPE, "devmajor": 5, "devminor": 2, "mode": 0o666}),
        ("./dev/initctl", {"type": tarfile.FIFOTYPE, "mode": 0o600}),
        ("./etc/localtime", {"type": tarfile.SYMTYPE, "linkname": "/usr/share/zoneinfo/UTC"}),
        ("./etc/mtab", {"type": tarfile.SYMTYPE, "linkname": "../proc/self/mounts"}),
        ("./lib", {"type": tarfile.SYMTYPE, "linkname": "usr/lib"}),
        ("./usr/bin/", {"type": tarfile.DIRTYPE, "mode": 0o755}),
        ("./usr/bin/python3.11", {"data": b"#!\n"}),
        ("usr/bin/python3", {"type": tarfile.LNKTYPE, "linkname": "./usr/bin/python3.11"}),
    ]
    path = _archive(tmp_path / "real.tar.gz", members)
    result = run_playbook(_play([_tpl("real", {"name": "real-1", "src": path, "remote_src": True})]))
    assert result.task("real")["status"] == "ok", str(result)
    assert os.path.isfile(CACHE + "/real-1.tar.gz")
    created = openvz_host.run(["vzctl", "create", "101", "--ostemplate", "real-1"])
    assert created.returncode == 0, created
    assert os.readlink("/vz/private/101/etc/localtime") == "/usr/share/zoneinfo/UTC"
    assert os.stat("/vz/private/101/usr/bin/python3").st_nlink == 2
