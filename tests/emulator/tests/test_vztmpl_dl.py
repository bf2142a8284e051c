"""The vztmpl-dl stand-in: options, messages and exit codes of vzctl 4.x's
bin/vztmpl-dl.in, its configuration (vz.conf, then download.conf, then the
built-in defaults), and GNU wget's behaviour against a mirror on 127.0.0.1."""
import json
import os
import subprocess

import pytest

from harness.http_mirror import serve
from vzemu import paths

pytestmark = pytest.mark.parametrize("flavour", ["legacy"])
CACHE = "/vz/template/cache"
DOWNLOAD_CONF = "/etc/vz/download.conf"
NAME = "tiny-1.0-x86_64"


def run(emu_host, *argv, env=None):
    full = dict(emu_host.env, **(env or {}))
    proc = subprocess.run(["vztmpl-dl"] + list(argv), capture_output=True, text=True, env=full,
                          timeout=60, check=False)
    return proc


def _mirror_dir(tmp_path, files):
    top = tmp_path / "mirror" / "precreated"
    top.mkdir(parents=True)
    for name, data in files.items():
        (top / name).write_bytes(data)
    return top


def _point_at(mirror, extra=""):
    with open(DOWNLOAD_CONF, "w") as handle:
        handle.write('# test mirror\nTMPL_REPO_PREFIX="%s/precreated"\n%s' % (mirror.url, extra))


@pytest.fixture
def mirror(tmp_path, emu_host):
    files = {NAME + ".tar.gz": b"\x1f\x8b" + b"template-bytes" * 100,
             "other-2.0-x86_64.tar.gz": b"\x1f\x8bother",
             ".listing": ("%s\nother-2.0-x86_64\n" % NAME).encode()}
    with serve(_mirror_dir(tmp_path, files).parent, lifetime=60) as server:
        _point_at(server)
        server.files = files
        yield server


def test_usage_errors(emu_host):
    none = run(emu_host)
    assert none.returncode == 3 and none.stdout == ""
    assert none.stderr.startswith("vztmpl-dl ERROR: no arguments\nUsage:\n  vztmpl-dl [option ...] <template>")
    bogus = run(emu_host, "--bogus", NAME)
    assert bogus.returncode == 3
    assert bogus.stderr.splitlines()[0] == "vztmpl-dl ERROR: unknown option: --bogus"
    helped = run(emu_host, "--help")
    assert helped.returncode == 0 and helped.stdout == ""
    assert "  --list-orphans\tOutput list of local templates NOT available remotely" in helped.stderr


def test_config_sources_and_defaults(emu_host):
    shown = run(emu_host, "--config")
    assert shown.returncode == 0
    assert "* Try to update template files ($UPDATE_TEMPLATE): yes" in shown.stdout
    assert "* List of template suffixes ($TMPL_SUFFIXES):      tar.gz" in shown.stdout
    assert shown.stdout.endswith("($TEMPLATE_REPOS):\n  http://download.openvz.org/template/precreated\n")
    # The environment fills what the files leave unset; download.conf wins over it.
    with open(DOWNLOAD_CONF, "w") as handle:
        handle.write('TMPL_REPO_PREFIX="http://127.0.0.1:9/p"\n'
                     'TEMPLATE_REPOS="${TMPL_REPO_PREFIX} ${TMPL_REPO_PREFIX}/beta/"  # two\n')
    shown = run(emu_host, "--config", env={"TMPL_SUFFIXES": "tar.xz tar.gz",
                                           "TMPL_REPO_PREFIX": "http://ignored"})
    assert "($TMPL_SUFFIXES):      tar.xz tar.gz" in shown.stdout
    assert shown.stdout.endswith("  http://127.0.0.1:9/p\n  http://127.0.0.1:9/p/beta/\n")


def test_template_must_be_set(emu_host):
    emu_host.set_global("TEMPLATE", "")
    result = run(emu_host, "--help")
    assert (result.returncode, result.stderr) == (20, "vztmpl-dl ERROR: Missing parameter: TEMPLATE\n")


def test_download_in_place_then_not_modified(emu_host, mirror):
    result = run(emu_host, NAME)
    assert result.returncode == 0, result.stderr
    target = "%s/%s.tar.gz" % (CACHE, NAME)
    with open(target, "rb") as handle:
        assert handle.read() == mirror.files[NAME + ".tar.gz"]
    lines = result.stderr.splitlines()
    assert lines[0].endswith("  %s/precreated/%s.tar.gz" % (mirror.url, NAME))
    assert "HTTP request sent, awaiting response... 200 OK" in lines
    assert "Saving to: \u2018%s\u2019" % target in lines
    assert lines[-2].endswith("\u2018%s\u2019 saved [1402/1402]" % target)
    # spider (HEAD), then the download
    assert [request[0] for request in mirror.requests] == ["HEAD", "GET"]
    # wget -N keeps the server's time stamp, and asks If-Modified-Since next time.
    again = run(emu_host, NAME)
    assert again.returncode == 0
    assert "File \u2018%s\u2019 not modified on server. Omitting download." % target in again.stderr
    kept = run(emu_host, "--no-update", NAME)
    assert kept.returncode == 2
    assert kept.stderr == "vztmpl-dl ERROR: file %s is present, not updating.\n" % target
    quiet = run(emu_host, "--quiet", "other-2.0-x86_64")
    assert (quiet.returncode, quiet.stdout, quiet.stderr) == (0, "", "")
    calls = [c for c in emu_host.calls() if c["tool"] == "vztmpl-dl"]
    assert [c["argv"] for c in calls] == [[NAME], [NAME], ["--no-update", NAME],
                                          ["--quiet", "other-2.0-x86_64"]]
    assert [c["rc"] for c in calls] == [0, 0, 2, 0]


def test_not_found_and_no_network(emu_host, mirror):
    missing = run(emu_host, "nosuch-1-x86")
    assert (missing.returncode, missing.stderr) == (1, "vztmpl-dl ERROR: template nosuch-1-x86 not found!\n")
    assert not os.listdir(CACHE) or not any(f.startswith("nosuch") for f in os.listdir(CACHE))
    os.unlink(DOWNLOAD_CONF)  # back to download.openvz.org: unreachable from an emulated host
    offline = run(emu_host, NAME)
    assert (offline.returncode, offline.stderr) == (1, "vztmpl-dl ERROR: template %s not found!\n" % NAME)


def test_cut_download_is_removed(emu_host, mirror):
    path = "/precreated/%s.tar.gz" % NAME
    mirror.rules[path] = {"truncate": 100}
    result = run(emu_host, NAME)
    assert result.returncode == 1
    assert "Connection closed at byte 100. Retrying." in result.stderr
    assert "Connection closed at byte 100. Giving up." in result.stderr
    assert result.stderr.endswith("vztmpl-dl ERROR: failed to download %s/precreated/%s.tar.gz!\n"
                                  % (mirror.url, NAME))
    assert not os.path.exists("%s/%s.tar.gz" % (CACHE, NAME))
    assert mirror.requests.count(("GET", path)) == 20


def test_short_body_without_length_is_kept(emu_host, mirror):
    # Like real wget: without a Content-Length nothing tells the file is short.
    mirror.rules["/precreated/%s.tar.gz" % NAME] = {"truncate": 100, "length": False}
    result = run(emu_host, NAME)
    assert result.returncode == 0
    assert "Length: unspecified" in result.stderr
    assert "Last-modified header missing -- time-stamps turned off." in result.stderr
    assert os.path.getsize("%s/%s.tar.gz" % (CACHE, NAME)) == 100


def test_lists(emu_host, mirror):
    for name in ("b-1.tar.xz", "a-1.tar.gz", "c-1.tar", ".hidden.tar.gz", "notes.txt"):
        with open(os.path.join(CACHE, name), "w") as handle:
            handle.write("x")
    local = run(emu_host, "--list-local").stdout.split()
    assert local == ["a-1", "b-1", "c-1", "debian-12.0-x86_64-minimal"]
    assert run(emu_host, "--list-remote").stdout == mirror.files[".listing"].decode()
    assert run(emu_host, "--list-orphans").stdout.split() == local
    assert run(emu_host, "--list-all").stdout.split() == sorted(local + ["other-2.0-x86_64", NAME])


def test_ignore_errors_update_all_and_gpg(emu_host, mirror):
    result = run(emu_host, "--ignore-errors", "nosuch-1", NAME)
    assert result.returncode == 0
    assert result.stdout == ("WARNING: the following templates were not found remotely and "
                             "can't be updated:\n")
    assert result.stderr.startswith("vztmpl-dl ERROR: template nosuch-1 not found!\n")
    assert result.stderr.endswith("  nosuch-1\n")
    assert os.path.exists("%s/%s.tar.gz" % (CACHE, NAME))
    too_many = run(emu_host, "--update-all", "a", "b")
    assert too_many.returncode == 3 and "vztmpl-dl ERROR: too many arguments" in too_many.stderr
    updated = run(emu_host, "--quiet", "--update-all")
    # debian-12.0-x86_64-minimal is not on the mirror: reported, not fatal.
    assert updated.returncode == 0 and "  debian-12.0-x86_64-minimal" in updated.stderr
    signed = run(emu_host, "--gpg-check", "--quiet", NAME)
    assert signed.returncode == 0
    assert signed.stderr == "vztmpl-dl WARNING: gpg binary not found, signature check disabled\n"


def test_vzctl_create_downloads_through_it(emu_host, mirror, template_tarball):
    with open(template_tarball, "rb") as handle:
        data = handle.read()
    top = os.path.join(mirror.directory, "precreated")
    with open(os.path.join(top, "busy-1.0-x86_64.tar.gz"), "wb") as handle:
        handle.write(data)
    result = emu_host.vzctl("create", "101", "--ostemplate", "busy-1.0-x86_64")
    assert result.rc == 0, result
    assert os.path.isfile("%s/busy-1.0-x86_64.tar.gz" % CACHE)
    assert os.path.isdir("/vz/private/101/bin")
    assert [c["argv"] for c in emu_host.calls() if c["tool"] == "vztmpl-dl"] == [["busy-1.0-x86_64"]]


def test_injected_fault(emu_host):
    with open(paths.state_path("faults.json"), "w") as handle:
        json.dump([{"tool": "vztmpl-dl", "match": [NAME], "rc": 4, "stderr": "wget missing"}], handle)
    result = run(emu_host, NAME)
    assert (result.returncode, result.stderr) == (4, "wget missing\n")
    assert emu_host.calls()[-1] == dict(emu_host.calls()[-1], tool="vztmpl-dl", argv=[NAME], rc=4)
