"""openvz.vz.template against the emulated host, through real ansible-playbook runs.

Downloads come from a mirror the test serves on 127.0.0.1
(tests/harness/http_mirror.py); vztmpl-dl is the emulator's stand-in, pointed
at that mirror through /etc/vz/download.conf as on a real host.
"""
import hashlib
import io
import json
import os
import tarfile

import pytest

from harness.http_mirror import self_signed, serve

CACHE = "/vz/template/cache"
PREINSTALLED = "debian-12.0-x86_64-minimal"
# what the host fixture provisions
PRESENT = ["centos-7-x86_64.tar.xz", PREINSTALLED + ".tar.gz"]


def _tarball(path, compression, marker):
    """A tiny valid template cache: ./etc/marker holding ``marker``."""
    with tarfile.open(str(path), "w:" + compression) as tar:
        data = marker.encode()
        info = tarfile.TarInfo("./etc/marker")
        info.size = len(data)
        info.mtime = 1700000000
        tar.addfile(info, io.BytesIO(data))
    return path


def _sha256(path):
    with open(str(path), "rb") as handle:
        return "sha256:" + hashlib.sha256(handle.read()).hexdigest()


def _tpl(name, args, **extra):
    task = {"name": name, "openvz.vz.template": args, "register": "r"}
    task.update(extra)
    return task


def _play(tasks):
    return json.dumps([{"hosts": "localhost", "gather_facts": False, "tasks": tasks}], indent=1)


def _res(run, name):
    return run.task(name)["result"]


def _cache_files():
    return sorted(os.listdir(CACHE))


def _read(path):
    with open(str(path), "rb") as handle:
        return handle.read()


@pytest.mark.flavour("legacy")
def test_sources_checks_and_states(openvz_host, run_playbook, ansible_env, tmp_path, mirror):
    files = ansible_env.root / "files"
    files.mkdir()
    _tarball(files / "tiny.tar.gz", "gz", "one")
    _tarball(tmp_path / "tiny-two.tar", "", "two")
    host_file = _tarball(tmp_path / "onhost.bin", "xz", "host")
    url_file = _tarball(mirror.top / "fromurl-1.tar.gz", "gz", "url")
    bad_file = _tarball(mirror.top / "short-1.tar.bz2", "bz2", "short" * 1000)
    url = mirror.url + "/precreated/"
    mirror.rules["/precreated/short-1.tar.bz2"] = {"truncate": 50}
    mirror.rules["/precreated/nolen-1.tar.bz2"] = {"truncate": 50, "length": False}
    os.link(str(bad_file), str(mirror.top / "nolen-1.tar.bz2"))
    mirror.rules["/precreated/slow-1.tar.gz"] = {"stall": 4}
    os.link(str(url_file), str(mirror.top / "slow-1.tar.gz"))

    result = run_playbook(_play([
        # a controller file, found in files/ next to the playbook, copied once
        _tpl("controller", {"name": "tiny-1", "src": "tiny.tar.gz"}),
        _tpl("controller again", {"name": "tiny-1", "src": "tiny.tar.gz"}),
        _tpl("controller check", {"name": "tiny-1", "src": str(tmp_path / "tiny-two.tar")},
             check_mode=True, diff=True),
        _tpl("controller replace", {"name": "tiny-1", "src": str(tmp_path / "tiny-two.tar")}),
        _tpl("controller bad sum", {"name": "tiny-1", "src": "tiny.tar.gz", "checksum": "sha1:" + "0" * 40},
             ignore_errors=True),
        # a file already on the host; the suffix follows the content (xz)
        _tpl("host file", {"name": "onhost-1", "src": str(host_file), "remote_src": True}),
        _tpl("host file again", {"name": "onhost-1", "src": str(host_file), "remote_src": True}),
        # a URL, with a required checksum
        _tpl("url", {"name": "fromurl-1", "url": url + "fromurl-1.tar.gz", "checksum": _sha256(url_file)}),
        _tpl("url again", {"name": "fromurl-1", "url": url + "fromurl-1.tar.gz",
                           "checksum": _sha256(url_file)}),
        _tpl("url check other", {"name": "fromurl-1", "url": url + "fromurl-1.tar.gz",
                                 "checksum": "sha256:" + "a" * 64}, check_mode=True),
        _tpl("url no checksum", {"name": "fromurl-1", "url": url + "fromurl-1.tar.gz"}, ignore_errors=True),
        _tpl("url mismatch", {"name": "wrong-1", "url": url + "fromurl-1.tar.gz",
                              "checksum": "sha256:" + "b" * 64}, ignore_errors=True),
        _tpl("url cut", {"name": "short-1", "url": url + "short-1.tar.bz2", "checksum": _sha256(bad_file)},
             ignore_errors=True),
        _tpl("url short", {"name": "nolen-1", "url": url + "nolen-1.tar.bz2", "checksum": _sha256(bad_file)},
             ignore_errors=True),
        _tpl("url 404", {"name": "gone-1", "url": url + "gone-1.tar.gz", "checksum": _sha256(url_file)},
             ignore_errors=True),
        _tpl("url timeout", {"name": "slow-1", "url": url + "slow-1.tar.gz", "checksum": _sha256(url_file),
                             "timeout": 1}, ignore_errors=True),
        _tpl("url file scheme", {"name": "f-1", "url": "file:///etc/passwd", "checksum": _sha256(url_file)},
             ignore_errors=True),
        # no source: a check of what is cached
        _tpl("cached", {"name": "fromurl-1"}),
        _tpl("cached with sum", {"name": "fromurl-1", "checksum": _sha256(url_file)}),
        _tpl("not cached", {"name": "nothing-1"}, ignore_errors=True),
        _tpl("hostile name", {"name": "../../etc/x", "url": url + "x", "checksum": _sha256(url_file)},
             ignore_errors=True),
        _tpl("absent", {"name": "onhost-1", "state": "absent"}, diff=True),
        _tpl("absent again", {"name": "onhost-1", "state": "absent", "src": "tiny.tar.gz"}),
        _tpl("hidden name", {"name": ".tiny-1", "src": "tiny.tar.gz"}, ignore_errors=True),
    ]))
    assert result.rc == 0, str(result)

    copied = _res(result, "controller")
    assert copied["changed"] and copied["path"] == CACHE + "/tiny-1.tar.gz" and copied["source"] == "src"
    assert copied["checksum"] == _sha256(files / "tiny.tar.gz")
    assert not _res(result, "controller again")["changed"]
    check = _res(result, "controller check")
    assert check["changed"] and check["diff"]["after"].startswith(CACHE + "/tiny-1.tar ")
    replaced = _res(result, "controller replace")
    # plain tar content: tiny-1.tar replaces tiny-1.tar.gz
    assert replaced["changed"] and replaced["path"] == CACHE + "/tiny-1.tar"
    assert _read(replaced["path"]) == _read(tmp_path / "tiny-two.tar")
    assert oct(os.stat(replaced["path"]).st_mode & 0o777) == "0o644"
    assert "checksum mismatch" in _res(result, "controller bad sum")["msg"]

    host = _res(result, "host file")
    assert host["changed"] and host["path"] == CACHE + "/onhost-1.tar.xz"
    assert not _res(result, "host file again")["changed"]

    fetched = _res(result, "url")
    assert fetched["changed"] and _read(fetched["path"]) == _read(url_file)
    assert fetched["source"] == "url"
    assert not _res(result, "url again")["changed"]
    assert mirror.requests.count(("GET", "/precreated/fromurl-1.tar.gz")) == 2  # "url", "url mismatch"
    assert _res(result, "url check other")["changed"]
    assert _res(result, "url no checksum")["msg"].startswith("checksum: is required with url")
    assert "checksum mismatch" in _res(result, "url mismatch")["msg"]
    assert _res(result, "url cut")["msg"] == (
        "download of %sshort-1.tar.bz2 failed: the connection closed after 50 of %d bytes"
        % (url, os.path.getsize(str(bad_file))))
    assert "checksum mismatch" in _res(result, "url short")["msg"]
    assert "failed: HTTP status 404" in _res(result, "url 404")["msg"]
    assert _res(result, "url timeout")["msg"].endswith("failed: Connection failure: timed out")
    assert _res(result, "url file scheme")["msg"].startswith("url:")

    assert _res(result, "cached")["path"] == CACHE + "/fromurl-1.tar.gz"
    assert not _res(result, "cached with sum")["changed"]
    missing = _res(result, "not cached")
    assert missing["source_needed"] and "nothing-1 is not cached" in missing["msg"]
    assert _res(result, "hostile name")["msg"].startswith("name:")
    assert _res(result, "hidden name")["msg"].startswith("name:")

    gone = _res(result, "absent")
    assert gone["changed"] and gone["diff"]["before"].startswith(CACHE + "/onhost-1.tar.xz sha256:")
    assert not _res(result, "absent again")["changed"]
    # A failed or cut download never leaves a cache file, nor a temporary one.
    assert _cache_files() == sorted(PRESENT + ["fromurl-1.tar.gz", "tiny-1.tar"])
    names = [t["name"] for t in _res(result, "absent again")["templates"]]
    assert names == ["centos-7-x86_64", "debian-12.0-x86_64-minimal", "fromurl-1", "tiny-1"]
    assert openvz_host.mutating_calls() == []


@pytest.mark.flavour("legacy")
def test_https_certificates(openvz_host, run_playbook, tmp_path):
    top = tmp_path / "tls"
    top.mkdir()
    payload = _tarball(top / "secure-1.tar.gz", "gz", "tls")
    with serve(top, lifetime=60, tls=self_signed(tmp_path)) as server:
        args = {"name": "secure-1", "url": server.url + "/secure-1.tar.gz", "checksum": _sha256(payload)}
        result = run_playbook(_play([
            _tpl("verified", args, ignore_errors=True),
            _tpl("unverified", dict(args, validate_certs=False)),
        ]))
    assert result.rc == 0, str(result)
    assert "CERTIFICATE_VERIFY_FAILED" in _res(result, "verified")["msg"]
    assert _res(result, "unverified")["changed"]
    assert _read(CACHE + "/secure-1.tar.gz") == _read(payload)


@pytest.mark.flavour("legacy")
def test_vztmpl_dl_download(openvz_host, run_playbook, tmp_path, mirror):
    good = _tarball(mirror.top / "dl-1.tar.gz", "gz", "dl")
    short = _tarball(mirror.top / "dlshort-1.tar.gz", "gz", "x" * 5000)
    mirror.rules["/precreated/dlshort-1.tar.gz"] = {"truncate": 60, "length": False}
    with open("/etc/vz/download.conf", "w") as handle:
        handle.write('TMPL_REPO_PREFIX="%s/precreated"\n' % mirror.url)
    # what the host had cached under dl-1 before: a different, valid file
    _tarball(CACHE + "/dl-1.tar.gz", "gz", "older")
    older = _read(CACHE + "/dl-1.tar.gz")

    result = run_playbook(_play([
        _tpl("present already", {"name": "dl-1", "download": True}),
        _tpl("check replace", {"name": "dl-1", "download": True, "checksum": _sha256(good)},
             check_mode=True),
        _tpl("replace", {"name": "dl-1", "download": True, "checksum": _sha256(good)}),
        _tpl("replace again", {"name": "dl-1", "download": True, "checksum": _sha256(good)}),
        _tpl("wrong sum", {"name": "dl-1", "download": True, "checksum": "md5:" + "0" * 32},
             ignore_errors=True),
        _tpl("short", {"name": "dlshort-1", "download": True}, ignore_errors=True),
        _tpl("unknown", {"name": "nosuch-1", "download": True}, ignore_errors=True),
        _tpl("with url", {"name": "x-1", "download": True, "url": mirror.url}, ignore_errors=True),
    ]))
    assert result.rc == 0, str(result)
    assert not _res(result, "present already")["changed"]
    predicted = _res(result, "check replace")
    assert predicted["changed"] and predicted["commands"] == [["vztmpl-dl", "dl-1"]]
    replaced = _res(result, "replace")
    assert replaced["changed"] and replaced["commands"] == [["vztmpl-dl", "dl-1"]]
    assert replaced["source"] == "download" and replaced["checksum"] == _sha256(good)
    assert not _res(result, "replace again")["changed"]
    # A download that fails its checks is removed and the previous file put back.
    wrong = _res(result, "wrong sum")
    assert "checksum mismatch" in wrong["msg"] and _read(CACHE + "/dl-1.tar.gz") == _read(good)
    assert "dlshort-1.tar.gz is not a complete tar.gz archive" in _res(result, "short")["msg"]
    unknown = _res(result, "unknown")
    assert unknown["rc"] == 1 and "template nosuch-1 not found!" in unknown["msg"]
    assert _res(result, "with url")["msg"].startswith("download: cannot be combined")
    assert _cache_files() == sorted(PRESENT + ["dl-1.tar.gz"])
    calls = [c["argv"] for c in openvz_host.calls() if c["tool"] == "vztmpl-dl"]
    assert calls == [["dl-1"], ["dl-1"], ["dlshort-1"], ["nosuch-1"]]
    assert older != _read(good)


@pytest.mark.flavour("legacy")
def test_rerun_is_unchanged(openvz_host, run_playbook, ansible_env, tmp_path, mirror):
    files = ansible_env.root / "files"
    files.mkdir()
    _tarball(files / "a.tar.gz", "gz", "a")
    remote = _tarball(mirror.top / "b-1.tar.xz", "xz", "b")
    _tarball(mirror.top / "c-1.tar.gz", "gz", "c")
    with open("/etc/vz/download.conf", "w") as handle:
        handle.write('TMPL_REPO_PREFIX="%s/precreated"\n' % mirror.url)
    tasks = [
        _tpl("src", {"name": "a-1", "src": "a.tar.gz"}),
        _tpl("url", {"name": "b-1", "url": mirror.url + "/precreated/b-1.tar.xz", "checksum": _sha256(remote)}),
        _tpl("download", {"name": "c-1", "download": True}),
        _tpl("absent", {"name": PREINSTALLED, "state": "absent"}),
    ]
    first = run_playbook(_play(tasks))
    assert first.rc == 0, str(first)
    assert len(first.changed_tasks) == 4
    before = {name: _read(os.path.join(CACHE, name)) for name in _cache_files()}
    assert sorted(before) == ["a-1.tar.gz", "b-1.tar.xz", "c-1.tar.gz", "centos-7-x86_64.tar.xz"]
    openvz_host.clear_calls()
    requests = len(mirror.requests)
    second = run_playbook(_play(tasks))
    assert second.rc == 0, str(second)
    assert not second.changed_tasks
    assert openvz_host.calls() == [] and len(mirror.requests) == requests
    assert {name: _read(os.path.join(CACHE, name)) for name in _cache_files()} == before


# ---------------------------------------------------------------- OpenVZ 7: EZ templates with vzpkg

EZ_CACHE = CACHE + "/%s.plain.ploopv2.tar.gz"
EZ_REPO = "/var/lib/vzemu/repo/%s/rootfs.tar.gz"


def _vzpkg_calls(host):
    return [c["argv"] for c in host.calls() if c["tool"] == "vzpkg"]


def _mutating_vzpkg(host):
    return [argv for argv in _vzpkg_calls(host) if argv[:1] in (["install"], ["update"], ["remove"], ["create"])]


@pytest.mark.flavour("vz7")
def test_ez_install_cache_latest_absent(openvz_host, run_playbook, tmp_path):
    newer = _tarball(tmp_path / "newer.tar.gz", "gz", "newer")
    # what the host's repositories hold beyond the installed templates
    openvz_host.publish_ez_template("ubuntu-22.04-x86_64", newer, "22.04-1")
    ubuntu = {"name": "ubuntu-22.04-x86_64", "cache": "present"}
    first = run_playbook(_play([
        _tpl("install check", ubuntu, check_mode=True, diff=True),
        _tpl("install", ubuntu, diff=True),
        _tpl("install again", ubuntu),
        _tpl("installed, no cache asked", {"name": PREINSTALLED}),
        _tpl("latest already", {"name": PREINSTALLED, "state": "latest", "cache": "latest"}),
    ]))
    assert first.rc == 0, str(first)
    check = _res(first, "install check")
    done = _res(first, "install")
    wanted = [["vzpkg", "install", "template", "ubuntu-22.04-x86_64"],
              ["vzpkg", "create", "cache", "ubuntu-22.04-x86_64"]]
    assert check["changed"] and check["commands"] == wanted
    assert done["changed"] and done["commands"] == wanted
    assert check["diff"]["before"] == done["diff"]["before"] == "template ubuntu-22.04-x86_64: absent\ncache: absent\n"
    assert done["diff"]["after"] == "template ubuntu-22.04-x86_64: installed\ncache: %s\n" % (
        EZ_CACHE % "ubuntu-22.04-x86_64")
    assert done["path"] == EZ_CACHE % "ubuntu-22.04-x86_64" and os.path.isfile(done["path"])
    assert {"name": "ubuntu-22.04-x86_64", "cached": True, "cache": done["path"]} in done["templates"]
    assert not _res(first, "install again")["changed"]
    assert not _res(first, "installed, no cache asked")["changed"]
    assert not _res(first, "latest already")["changed"]

    # A newer release in the repositories: latest updates the template and rebuilds the cache.
    openvz_host.publish_ez_template(PREINSTALLED, newer, "1-2")
    latest = {"name": PREINSTALLED, "state": "latest", "cache": "latest"}
    openvz_host.clear_calls()
    second = run_playbook(_play([_tpl("latest check", latest, check_mode=True)]))
    assert second.rc == 0, str(second)
    assert _mutating_vzpkg(openvz_host) == []
    openvz_host.clear_calls()
    third = run_playbook(_play([_tpl("latest", latest), _tpl("latest again", latest)]))
    assert third.rc == 0, str(third)
    expected = [["vzpkg", "update", "template", PREINSTALLED], ["vzpkg", "update", "cache", PREINSTALLED]]
    assert _res(second, "latest check")["commands"] == _res(third, "latest")["commands"] == expected
    assert not _res(third, "latest again")["changed"]
    # the second run called nothing that changes the host
    assert _mutating_vzpkg(openvz_host) == [argv[1:] for argv in expected]
    assert _read(EZ_CACHE % PREINSTALLED) == _read(newer)

    # cache absent keeps the template; state absent removes both
    fourth = run_playbook(_play([
        _tpl("no cache", {"name": "ubuntu-22.04-x86_64", "cache": "absent"}),
        _tpl("absent check", {"name": PREINSTALLED, "state": "absent"}, check_mode=True),
        _tpl("absent", {"name": PREINSTALLED, "state": "absent"}),
        _tpl("absent again", {"name": PREINSTALLED, "state": "absent"}),
    ]))
    assert fourth.rc == 0, str(fourth)
    assert _res(fourth, "no cache")["commands"] == [["vzpkg", "remove", "cache", "ubuntu-22.04-x86_64"]]
    assert not os.path.exists(EZ_CACHE % "ubuntu-22.04-x86_64")
    assert os.path.isdir("/vz/template/ubuntu/22.04/x86_64/config/os/default")
    assert _res(fourth, "absent check")["commands"] == _res(fourth, "absent")["commands"] == [
        ["vzpkg", "remove", "template", PREINSTALLED]]
    assert not _res(fourth, "absent again")["changed"]
    assert not os.path.exists(EZ_CACHE % PREINSTALLED)
    assert not os.path.exists("/vz/template/debian/12.0/x86_64/config/os/minimal")
    names = [t["name"] for t in _res(fourth, "absent again")["templates"]]
    assert names == ["centos-7-x86_64", "debian-12.0-x86_64", "ubuntu-22.04-x86_64"]


@pytest.mark.flavour("vz7")
def test_ez_rerun_is_unchanged(openvz_host, run_playbook, tmp_path):
    openvz_host.publish_ez_template("ubuntu-22.04-x86_64", _tarball(tmp_path / "u.tar.gz", "gz", "u"), "1-1")
    os.unlink(EZ_CACHE % "centos-7-x86_64")
    tasks = [
        _tpl("install", {"name": "ubuntu-22.04-x86_64", "state": "latest"}),
        _tpl("cache", {"name": "centos-7-x86_64", "cache": "latest"}),
        _tpl("no cache", {"name": PREINSTALLED, "cache": "absent"}),
    ]
    first = run_playbook(_play(tasks))
    assert first.rc == 0, str(first)
    assert len(first.changed_tasks) == 3
    before = openvz_host.snapshot_files()
    openvz_host.clear_calls()
    second = run_playbook(_play(tasks))
    assert second.rc == 0, str(second)
    assert not second.changed_tasks
    assert _mutating_vzpkg(openvz_host) == [] and openvz_host.mutating_calls() == []
    assert _vzpkg_calls(openvz_host)  # it did look
    assert openvz_host.snapshot_files() == before


@pytest.mark.flavour("vz7")
def test_ez_refusals_and_failures(openvz_host, run_playbook, ansible_env, tmp_path):
    files = ansible_env.root / "files"
    files.mkdir()
    _tarball(files / "a.tar.gz", "gz", "a")
    # a container based on the template: vzpkg refuses to remove it
    with open("/etc/vz/conf/101.conf", "w") as handle:
        handle.write('OSTEMPLATE=".%s"\n' % PREINSTALLED)
    before = openvz_host.snapshot_files()
    result = run_playbook(_play([
        _tpl("src", {"name": "a-1", "src": "a.tar.gz"}, ignore_errors=True),
        _tpl("url", {"name": "a-1", "url": "http://127.0.0.1:1/a.tar.gz", "checksum": "sha256:" + "a" * 64},
             ignore_errors=True),
        _tpl("download", {"name": "a-1", "download": True}, ignore_errors=True),
        _tpl("checksum", {"name": PREINSTALLED, "checksum": "sha256:" + "a" * 64}, ignore_errors=True),
        _tpl("absent with cache", {"name": PREINSTALLED, "state": "absent", "cache": "present"},
             ignore_errors=True),
        _tpl("not in the repositories", {"name": "nosuch-1-x86_64"}, ignore_errors=True),
        _tpl("used", {"name": PREINSTALLED, "state": "absent"}, ignore_errors=True),
    ]))
    assert result.rc == 0, str(result)
    assert _res(result, "src")["msg"].startswith("src: is for template cache files of legacy OpenVZ")
    assert _res(result, "url")["msg"].startswith("url: is for template cache files")
    assert _res(result, "download")["msg"].startswith("download: is for template cache files")
    assert _res(result, "checksum")["msg"].startswith("checksum: is for template cache files")
    assert _res(result, "absent with cache")["msg"].startswith("cache: present needs the template")
    assert "nosuch-1-x86_64 is neither installed nor available" in _res(result, "not in the repositories")["msg"]
    used = _res(result, "used")
    assert used["rc"] == 27 and used["cmd"] == ["vzpkg", "remove", "template", PREINSTALLED]
    assert "The next CT(s) based on %s EZ OS template:\n101" % PREINSTALLED in used["stderr"]
    assert "the template is used by containers" in used["msg"]
    assert openvz_host.snapshot_files() == before
    forced = run_playbook(_play([_tpl("forced", {"name": PREINSTALLED, "state": "absent", "force": True})]))
    assert forced.rc == 0, str(forced)
    assert _res(forced, "forced")["commands"] == [["vzpkg", "remove", "template", "-f", PREINSTALLED]]
    assert not os.path.exists(EZ_CACHE % PREINSTALLED)


@pytest.mark.flavour("legacy")
def test_ez_options_refused_on_legacy(openvz_host, run_playbook):
    before = openvz_host.snapshot_files()
    result = run_playbook(_play([
        _tpl("cache", {"name": PREINSTALLED, "cache": "present"}, ignore_errors=True),
        _tpl("latest", {"name": PREINSTALLED, "state": "latest"}, ignore_errors=True),
        _tpl("force", {"name": PREINSTALLED, "state": "absent", "force": True}, ignore_errors=True),
    ]))
    assert result.rc == 0, str(result)
    assert _res(result, "cache")["msg"].startswith("cache: manages an EZ template cache with vzpkg")
    assert _res(result, "latest")["msg"].startswith("state: latest needs vzpkg")
    assert _res(result, "force")["msg"].startswith("force: is for vzpkg remove template")
    assert openvz_host.snapshot_files() == before and openvz_host.calls() == []
