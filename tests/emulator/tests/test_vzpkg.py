"""The vzpkg stand-in (vztt's CLI, tests/emulator/vzemu/vzpkg.py) on a vz7
host: EZ template metadata and caches where vztt keeps them, and the
answers vzctl reads (sources: docs/openvz-tools.md "vzpkg")."""
import os
import re

import pytest

VZ7 = pytest.mark.parametrize("flavour", ["vz7"])
TEMPLATE = "debian-12.0-x86_64-minimal"
CACHE = "/vz/template/cache/%s.plain.ploopv2.tar.gz" % TEMPLATE


def _vzpkg(host, *argv):
    proc = host.host.run(["vzpkg"] + list(argv))
    return proc.returncode, proc.stdout, proc.stderr


@VZ7
def test_layout_as_vztt_lays_it(emu_host):
    confdir = "/vz/template/debian/12.0/x86_64/config/os/minimal"
    assert os.path.isfile(os.path.join(confdir, "packages"))
    assert os.path.isfile(os.path.join(confdir, "package_manager"))
    assert os.path.isfile(CACHE)
    assert not os.path.exists("/vz/template/cache/%s.tar.gz" % TEMPLATE)


@VZ7
def test_info_fields(emu_host):
    assert _vzpkg(emu_host, "info", "-q", TEMPLATE, "distribution") == (0, "debian-12.0\n", "")
    assert _vzpkg(emu_host, "info", "-q", TEMPLATE, "technologies") == (0, "x86_64 nptl \n", "")
    assert _vzpkg(emu_host, "info", "-q", "." + TEMPLATE, "osrelease") == (0, "", "")
    assert _vzpkg(emu_host, "info", TEMPLATE, "-q", "jquota") == (0, "yes\n", "")
    assert _vzpkg(emu_host, "info", "-q", TEMPLATE, "name") == (0, TEMPLATE + "\n", "")
    rc, out, _err = _vzpkg(emu_host, "info", TEMPLATE, "name", "distribution")
    assert (rc, out) == (0, "name:\n\t%s\ndistribution:\n\tdebian-12.0\n" % TEMPLATE)
    assert _vzpkg(emu_host, "info", "-q", TEMPLATE, "bogus") == (
        35, "", "Error: Unknown info option: bogus\n")


@VZ7
def test_info_appcache_is_what_create_unpacks(emu_host):
    argv = ["info", "-q", "--config", "ve-basic.conf-sample", "--ostemplate", TEMPLATE,
            "--vefstype", "ext4"]
    assert _vzpkg(emu_host, *argv) == (0, CACHE + "\n", "")
    # a template vztt cannot find: exit 24, and nothing said under -q
    argv[5] = "nosuch-9-x86_64"
    assert _vzpkg(emu_host, *argv) == (24, "", "")
    os.unlink(CACHE)
    argv[5] = TEMPLATE
    assert _vzpkg(emu_host, *argv) == (23, "", "")


@VZ7
def test_list(emu_host):
    rc, out, err = _vzpkg(emu_host, "list")
    assert (rc, err) == (0, "")
    # the base set is installed too, without a cache (so without a timestamp)
    assert re.fullmatch(r"debian-12\.0-x86_64 {17}\n"
                        r"debian-12\.0-x86_64-minimal {9}\d{4}-\d\d-\d\d \d\d:\d\d:\d\d\n", out)
    assert _vzpkg(emu_host, "list", "-q", "-c") == (0, "%-34s \n" % TEMPLATE, "")


@VZ7
def test_create_cache_of_a_named_template(emu_host):
    # the repository lacks it: vztt tries NAME-ez and NAME-x86_64-ez, then 24
    rc, _out, err = _vzpkg(emu_host, "create", "cache", "nosuch-9-x86_64")
    assert rc == 24 and "Error: Failed to install the template(s):\nError: nosuch-9-x86_64-ez\n" in err
    # vztt.c main() passes skip_existed 0 for a named template: an existing cache is an error
    assert _vzpkg(emu_host, "create", "cache", "-q", TEMPLATE) == (
        29, "", "Error: %s cache file already exist\n" % TEMPLATE)
    os.unlink(CACHE)
    rc, out, err = _vzpkg(emu_host, "create", "cache", TEMPLATE)
    assert (rc, err) == (0, "")
    assert out == ("Creating OS template cache for %s template\n"
                   "OS template %s cache was created\n" % (TEMPLATE, TEMPLATE))
    assert os.path.isfile(CACHE)
