"""Lay out a fresh emulated OpenVZ host at the real paths.

Called by the test fixtures inside a private mount namespace, after fresh
directories have been mounted over /etc, /var and /vz.
"""
import json
import os
import shutil

from . import paths
from .host import LEGACY, VZ7

DATA_DIR = os.path.join(os.path.dirname(os.path.abspath(__file__)), "data")

# What the real builds differ in.  ploop: legacy vzctl as in our transcripts
# was built without ploop; OpenVZ 7 is ploop-only.
# hwaddr: the host's first ethernet address, which vzctl mixes into generated
# veth MACs; the legacy default is the one of the machine the transcripts in
# shared/real-vzctl-4.11 come from (recovered from the MACs they show).
FLAVOUR_DEFAULTS = {
    LEGACY: {"ploop": False, "vswap": True, "hwaddr": "e2:90:df:ed:51:af"},
    VZ7: {"ploop": True, "vswap": True, "hwaddr": "e2:90:df:ed:51:af", "vzpkg": True},
}


def provision_host(flavour, templates=None, cpus=2, **overrides):
    """Write vz.conf, profile samples and the /vz tree for ``flavour``.

    ``templates`` maps an OS template name to a tarball path; each is copied
    to ``/vz/template/cache/NAME.<tar ext>``.  ``overrides`` may set ``ploop``
    or ``vswap`` (the host's build and kernel capabilities).
    """
    if flavour not in FLAVOUR_DEFAULTS:
        raise ValueError("unknown flavour %r" % flavour)
    desc = dict(FLAVOUR_DEFAULTS[flavour], flavour=flavour, cpus=cpus)
    desc.update(overrides)

    source = os.path.join(DATA_DIR, flavour)
    os.makedirs(paths.CONF_DIR, exist_ok=True)
    os.makedirs(paths.NAMES_DIR, exist_ok=True)
    shutil.copyfile(os.path.join(source, "vz.conf"), paths.VZ_CONF)
    for entry in sorted(os.listdir(os.path.join(source, "conf"))):
        shutil.copyfile(os.path.join(source, "conf", entry), os.path.join(paths.CONF_DIR, entry))
    for sub in ("private", "root", "lock", "dump", "template/cache", "vztmp"):
        os.makedirs(os.path.join(paths.VZ_ROOT_DIR, sub), exist_ok=True)
    os.chmod(os.path.join(paths.VZ_ROOT_DIR, "private"), 0o700)
    os.chmod(os.path.join(paths.VZ_ROOT_DIR, "root"), 0o700)
    os.makedirs(os.path.join(paths.STATE_DIR, "running"), exist_ok=True)
    for name, tarball in sorted((templates or {}).items()):
        if flavour == VZ7:
            install_ez_template(name, tarball)
            continue
        shutil.copyfile(tarball, os.path.join(paths.VZ_ROOT_DIR, "template", "cache",
                                              name + _tar_suffix(tarball)))
    if flavour == VZ7:
        with open("/etc/virtuozzo-release", "w") as handle:
            handle.write("OpenVZ release 7.0.22 (1)\n")

    with open(paths.state_path("host.json"), "w") as handle:
        json.dump(desc, handle, indent=1, sort_keys=True)
    for leftover in ("calls.jsonl", "faults.json"):
        if os.path.exists(paths.state_path(leftover)):
            os.unlink(paths.state_path(leftover))


def install_ez_template(name, tarball, release="1-1"):
    """OS template ``name`` (``<osname>-<osver>-<arch>[-<set>]``) published
    in the emulated repository at ``release`` (vzemu/ezrepo.py), installed
    as vztt lays it out (TEMPLATE/<osname>/<osver>/<arch>/config/os/<set>/,
    the base set "default" too, both recorded in the RPM database) and
    cached as vztt names it (cache/<name>.plain.ploopv2.tar.gz, recompressed
    if need be; the emulated ploop image is a directory, so the cache holds
    the CT's files)."""
    from . import ezrepo
    _tar_suffix(tarball)
    ezrepo.publish(name, tarball, release)
    tmpldir = os.path.join(paths.VZ_ROOT_DIR, "template")
    for each in sorted({ezrepo.base_of(name), name}):
        ezrepo.install_files(tmpldir, each)
        ezrepo.record_installed(each, release)
    ezrepo.build_cache(name, os.path.join(tmpldir, "cache", name + ".plain.ploopv2.tar.gz"))


def _tar_suffix(tarball):
    for suffix in (".tar.gz", ".tar.bz2", ".tar.xz", ".tar"):
        if tarball.endswith(suffix):
            return suffix
    raise ValueError("template %s is not a .tar[.gz|.bz2|.xz]" % tarball)
