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
    for name, tarball in sorted((templates or {}).items()):
        if flavour == VZ7:
            install_ez_template(name, tarball)
            continue
        shutil.copyfile(tarball, os.path.join(paths.VZ_ROOT_DIR, "template", "cache",
                                              name + _tar_suffix(tarball)))
    if flavour == VZ7:
        with open("/etc/virtuozzo-release", "w") as handle:
            handle.write("OpenVZ release 7.0.22 (1)\n")

    os.makedirs(os.path.join(paths.STATE_DIR, "running"), exist_ok=True)
    with open(paths.state_path("host.json"), "w") as handle:
        json.dump(desc, handle, indent=1, sort_keys=True)
    for leftover in ("calls.jsonl", "faults.json"):
        if os.path.exists(paths.state_path(leftover)):
            os.unlink(paths.state_path(leftover))


# What an installed EZ OS template's metadata says (the stand-in's choice
# for a Debian template; vztt reads these files, vzemu/vzpkg.py).
EZ_METADATA = {
    "packages": "base-files\nbash\ncoreutils\n",
    "package_manager": "debian-x86_64\n",
    "distribution": "debian-%(ver)s\n",
    "technologies": "%(arch)s\nnptl\n",
    "summary": "%(osname)s %(ver)s (for %(arch)s) EZ OS template\n",
    "description": "%(osname)s %(ver)s (for %(arch)s) EZ OS template\n",
}


def install_ez_template(name, tarball):
    """An OS template ``<osname>-<osver>-<arch>[-<set>]`` as vztt lays it
    out (TEMPLATE/<osname>/<osver>/<arch>/config/os/<set>/, the base set
    "default" too) and its cache as vztt names it
    (cache/<name>.plain.ploopv2.tar.gz, recompressed if need be; the
    emulated ploop image is a directory, so the cache holds the CT's
    files)."""
    parts = name.split("-")
    osname, ver, arch = parts[0], parts[1], parts[2]
    sets = ["default"] + (["-".join(parts[3:])] if len(parts) > 3 else [])
    fields = {"osname": osname, "ver": ver, "arch": arch}
    for setname in sets:
        confdir = os.path.join(paths.VZ_ROOT_DIR, "template", osname, ver, arch, "config",
                               "os", setname)
        os.makedirs(confdir, exist_ok=True)
        for entry, text in sorted(EZ_METADATA.items()):
            with open(os.path.join(confdir, entry), "w") as handle:
                handle.write(text % fields)
    target = os.path.join(paths.VZ_ROOT_DIR, "template", "cache", name + ".plain.ploopv2.tar.gz")
    suffix = _tar_suffix(tarball)
    if suffix == ".tar.gz":
        shutil.copyfile(tarball, target)
        return
    # vztt's caches are .tar.lz4, .tar.lzrw or .tar.gz (util.c
    # tmpl_get_cache_tar_by_type()): another compression is made .tar.gz
    import bz2
    import gzip
    import lzma
    opener = {".tar.bz2": bz2.open, ".tar.xz": lzma.open, ".tar": open}[suffix]
    with opener(tarball, "rb") as src, gzip.open(target, "wb", compresslevel=1) as dst:
        shutil.copyfileobj(src, dst)


def _tar_suffix(tarball):
    for suffix in (".tar.gz", ".tar.bz2", ".tar.xz", ".tar"):
        if tarball.endswith(suffix):
            return suffix
    raise ValueError("template %s is not a .tar[.gz|.bz2|.xz]" % tarball)
