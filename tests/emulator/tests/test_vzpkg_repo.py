"""The vzpkg stand-in's EZ template commands against the emulated package
repository (tests/emulator/vzemu/ezrepo.py): install/update/remove template,
create/update/remove cache, status and list --available, with vztt's exit
codes and messages (sources: docs/openvz-tools.md "vzpkg")."""
import os

import pytest

from vzemu import ezrepo

VZ7 = pytest.mark.parametrize("flavour", ["vz7"])
TEMPLATE = "debian-12.0-x86_64-minimal"
BASE = "debian-12.0-x86_64"
CACHE = "/vz/template/cache/%s.plain.ploopv2.tar.gz" % TEMPLATE
CONFDIR = "/vz/template/debian/12.0/x86_64/config/os/minimal"


def _vzpkg(host, *argv):
    proc = host.host.run(["vzpkg"] + list(argv))
    return proc.returncode, proc.stdout, proc.stderr


def _publish(host, name, release, source=None):
    """What a test does to put a (newer) release into the repository."""
    host.host.publish_ez_template(name, source or ezrepo.repo_dir(TEMPLATE, "rootfs.tar.gz"), release)


def _ct_using(host, ctid, ostemplate):
    # vztt reads OSTEMPLATE of each CT config; a CT made by vzctl 7 keeps the '.'
    with open("/etc/vz/conf/%s.conf" % ctid, "w") as handle:
        handle.write('OSTEMPLATE=".%s"\n' % ostemplate)


@VZ7
def test_status_follows_the_repository(emu_host):
    assert _vzpkg(emu_host, "status", TEMPLATE) == (
        0, "Cache %s is up to date\nCaches of %s are up to date\n" % (CACHE, TEMPLATE), "")
    _publish(emu_host, TEMPLATE, "1-2")
    assert _vzpkg(emu_host, "status", "-q", TEMPLATE) == (
        22, "", "Cache %s is not up to date\nCaches of %s are not up to date\n" % (CACHE, TEMPLATE))
    rc, out, _err = _vzpkg(emu_host, "update", "cache", TEMPLATE)
    assert rc == 0 and out.endswith("OS template %s cache was updated\n" % TEMPLATE)
    assert _vzpkg(emu_host, "status", TEMPLATE)[0] == 0
    os.unlink(CACHE)
    assert _vzpkg(emu_host, "status", TEMPLATE) == (23, "", "Error: %s is not cached\n" % TEMPLATE)


@VZ7
def test_list_available_and_install_update(emu_host):
    # installed and latest: not listed
    assert _vzpkg(emu_host, "list", "--available") == (0, "", "")
    _publish(emu_host, "centos-7-x86_64", "7-3")
    assert _vzpkg(emu_host, "list", "--available") == (0, "%-34s openvz-os\n" % "centos-7-x86_64", "")
    assert _vzpkg(emu_host, "list", "-q", "--available") == (0, "%-34s \n" % "centos-7-x86_64", "")
    rc, out, err = _vzpkg(emu_host, "install", "template", "-q", "centos-7-x86_64")
    assert (rc, out, err) == (0, "centos-7-x86_64 template was installed\n", "")
    assert os.path.isfile("/vz/template/centos/7/x86_64/config/os/default/packages")
    assert not os.path.exists("/vz/template/cache/centos-7-x86_64.plain.ploopv2.tar.gz")
    assert _vzpkg(emu_host, "list", "--available") == (0, "", "")
    # installing again changes nothing and still says so
    rc, out, _err = _vzpkg(emu_host, "install", "template", "centos-7-x86_64")
    assert rc == 0 and "already installed and latest version" in out
    # a newer release: listed, and update template takes it
    _publish(emu_host, TEMPLATE, "1-5")
    assert _vzpkg(emu_host, "list", "--available")[1] == "%-34s openvz-os\n" % TEMPLATE
    assert _vzpkg(emu_host, "update", "template", "-q", TEMPLATE) == (
        0, "%s template was updated\n" % TEMPLATE, "")
    assert ezrepo.installed_release(TEMPLATE) == "1-5"
    assert _vzpkg(emu_host, "list", "--available") == (0, "", "")
    # the cache was built from the older release
    assert _vzpkg(emu_host, "status", "-q", TEMPLATE)[0] == 22
    # not in the repository: yum has nothing to do, vztt passes its exit code on
    rc, out, err = _vzpkg(emu_host, "install", "template", "nosuch-1-x86_64")
    assert rc == 1 and "No package nosuch-1-x86_64-ez available." in out
    assert err == "Error: Nothing to do\n"


@VZ7
def test_remove_template_refused_while_used(emu_host):
    _ct_using(emu_host, 101, TEMPLATE)
    assert _vzpkg(emu_host, "remove", "template", TEMPLATE) == (
        27, "", "Error: The next CT(s) based on %s EZ OS template:\n101\n" % TEMPLATE)
    # the base template has an extra set installed
    assert _vzpkg(emu_host, "remove", "template", BASE) == (
        32, "", "Error: There are non-default os template(s):\n%s\n" % TEMPLATE)
    assert os.path.isdir(CONFDIR) and os.path.isfile(CACHE)
    assert _vzpkg(emu_host, "remove", "template", "-f", "." + TEMPLATE) == (
        0, "%s template was removed\n" % TEMPLATE, "")
    assert not os.path.exists(CONFDIR) and not os.path.exists(CACHE)
    assert os.path.isdir("/vz/template/debian/12.0/x86_64/config/os/default")
    # gone: vztt cannot find it (said at level 1, on stdout)
    assert _vzpkg(emu_host, "remove", "template", TEMPLATE) == (
        24, "Can not find '%s' EZ os template\n" % TEMPLATE, "")
    assert _vzpkg(emu_host, "remove", "template", BASE)[0] == 0
    assert not os.path.exists("/vz/template/debian/12.0/x86_64")


@VZ7
def test_remove_cache_and_create_installs_first(emu_host):
    rc, out, err = _vzpkg(emu_host, "remove", "cache", TEMPLATE)
    assert (rc, err) == (0, "")
    assert out == ("Removing OS template cache for %s template\nCache file name: %s\n" % (TEMPLATE, CACHE))
    assert not os.path.exists(CACHE)
    # nothing left to remove: still 0
    assert _vzpkg(emu_host, "remove", "cache", "-q", TEMPLATE) == (0, "", "")
    assert _vzpkg(emu_host, "remove", "template", "-q", TEMPLATE)[0] == 0
    # create cache installs a missing template from the repository first
    rc, out, err = _vzpkg(emu_host, "create", "cache", "-q", TEMPLATE)
    assert (rc, out, err) == (0, "", "")
    assert os.path.isfile(CACHE) and os.path.isdir(CONFDIR)


@VZ7
def test_bad_usage(emu_host):
    rc, _out, err = _vzpkg(emu_host, "remove", "template")
    assert rc == 35 and err.startswith("OpenVZ EZ template management tool.\nUsage:\n")
    rc, _out, err = _vzpkg(emu_host, "status", "--available", TEMPLATE)
    assert rc == 35
    rc, _out, err = _vzpkg(emu_host, "status", "--bogus", TEMPLATE)
    assert rc == 35 and err.startswith("vzpkg: unrecognized option '--bogus'\n")


@VZ7
def test_vzctl_create_builds_a_missing_cache(emu_host):
    os.unlink(CACHE)
    proc = emu_host.host.run(["vzctl", "create", "101", "--ostemplate", TEMPLATE])
    assert proc.returncode == 0, proc.stderr
    assert "Cached package set '%s' is not found, run create cache utility..." % TEMPLATE in proc.stdout
    assert os.path.isfile(CACHE)
    calls = [c["argv"] for c in emu_host.host.calls() if c["tool"] == "vzpkg"]
    assert ["create", "cache", TEMPLATE, "--vefstype", "ext4"] in calls
    assert {"tool": "vzpkg", "argv": ["create", "cache", TEMPLATE, "--vefstype", "ext4"]} in [
        {"tool": c["tool"], "argv": c["argv"]} for c in emu_host.host.mutating_calls()]


@pytest.mark.parametrize("name", ["debian", "debian-12", "-12-x86_64", "debian--x86_64", ""])
def test_a_name_that_is_no_ez_template_name_is_refused_when_published(name):
    with pytest.raises(ValueError, match="not an EZ OS template name"):
        ezrepo.split_name(name)
