"""What vzpkg's EZ template commands work against on an emulated vz7 host:
the package repository a real host downloads template RPMs and packages
from (the vzup2date/yum repositories), the host's RPM database of
installed template packages, and what each OS template cache was built
from.

A real OS template is the RPM ``<name>-ez`` (vztt tmplset.c
tmplset_install(), misc.c check_vzup2date_eztmpl()) holding the metadata
under ``TEMPLATE/<osname>/<osver>/<arch>/config/os/<set>/``; its cache is
built by installing the template's packages from the repositories, and
``vzpkg status`` compares the package list the cache tarball holds
(``./templates/vzpackages``, util.c read_tarball()) with the repositories
(misc.c is_cache_tarball_up2date()).  The stand-in reduces both to one
version-release per template in the repository:

- ``STATE_DIR/repo/<name>/``: ``release`` (the ``-ez`` RPM's
  version-release), ``repository`` (the yum repository id shown by
  ``vzpkg list --available``), ``config/`` (the metadata files the RPM
  installs) and ``rootfs.tar.gz`` (what a cache built from this release
  holds).  A test publishes a newer release to exercise updates.
- ``STATE_DIR/rpmdb.json``: ``{"<name>-ez": release}``, the installed
  template RPMs (``/var/lib/rpm`` on a real host).
- ``STATE_DIR/caches.json``: ``{cache file name: release}``, the release
  each cache was built from (the stand-in's version of the package list
  inside a real cache).
"""
import json
import os
import shutil

from . import paths

DEFAULT_REPOSITORY = "openvz-os"
DEFSETNAME = "default"


def repo_dir(*parts):
    return paths.state_path("repo", *parts)


def _load(name):
    try:
        with open(paths.state_path(name)) as handle:
            return json.load(handle)
    except (OSError, ValueError):
        return {}


def _store(name, data):
    path = paths.state_path(name)
    with open(path + ".tmp", "w") as handle:
        json.dump(data, handle, indent=1, sort_keys=True)
    os.rename(path + ".tmp", path)


def split_name(name):
    """``<osname>-<osver>-<arch>[-<set>]`` -> (osname, osver, arch, set)."""
    parts = name.split("-")
    if len(parts) < 3 or not all(parts[:3]):
        # Only provisioning passes names unchecked; vztt itself never gets here with one.
        raise ValueError("%r is not an EZ OS template name (<osname>-<osver>-<arch>[-<set>])" % name)
    return parts[0], parts[1], parts[2], "-".join(parts[3:]) or DEFSETNAME


def base_of(name):
    osname, osver, arch, _setname = split_name(name)
    return "%s-%s-%s" % (osname, osver, arch)


# What a published OS template's metadata says (the stand-in's choice for a
# Debian-like template; vztt reads these files, vzemu/vzpkg.py).
METADATA = {
    "packages": "base-files\nbash\ncoreutils\n",
    "package_manager": "debian-%(arch)s\n",
    "distribution": "debian-%(ver)s\n",
    "technologies": "%(arch)s\nnptl\n",
    "summary": "%(osname)s %(ver)s (for %(arch)s) EZ OS template\n",
    "description": "%(osname)s %(ver)s (for %(arch)s) EZ OS template\n",
}


def publish(name, tarball, release="1-1", repository=DEFAULT_REPOSITORY):
    """Put OS template ``name`` at ``release`` into the repository, its
    caches to be built from ``tarball`` (any .tar[.gz|.bz2|.xz], stored as
    .tar.gz).  An extra set (``...-minimal``) needs its base template, which
    is published alongside at the same release unless already there."""
    if split_name(name)[3] != DEFSETNAME and not os.path.isdir(repo_dir(base_of(name))):
        publish(base_of(name), tarball, release, repository)
    osname, ver, arch, _setname = split_name(name)
    fields = {"osname": osname, "ver": ver, "arch": arch}
    entry = repo_dir(name)
    os.makedirs(os.path.join(entry, "config"), exist_ok=True)
    for meta, text in sorted(METADATA.items()):
        with open(os.path.join(entry, "config", meta), "w") as handle:
            handle.write(text % fields)
    _gzip_copy(tarball, os.path.join(entry, "rootfs.tar.gz"))
    for key, value in (("release", release), ("repository", repository)):
        with open(os.path.join(entry, key), "w") as handle:
            handle.write(value + "\n")


def _gzip_copy(tarball, target):
    """vztt's caches are .tar.lz4, .tar.lzrw or .tar.gz (util.c
    tmpl_get_cache_tar_by_type()); the stand-in keeps everything .tar.gz."""
    if tarball.endswith(".tar.gz"):
        shutil.copyfile(tarball, target + ".tmp")
        os.rename(target + ".tmp", target)
        return
    import bz2
    import gzip
    import lzma
    opener = {".bz2": bz2.open, ".xz": lzma.open, ".tar": open}[os.path.splitext(tarball)[1]]
    with opener(tarball, "rb") as src, gzip.open(target + ".tmp", "wb", compresslevel=1) as dst:
        shutil.copyfileobj(src, dst)
    os.rename(target + ".tmp", target)


def published():
    """Template name -> (release, repository) of everything in the repository."""
    out = {}
    try:
        names = sorted(os.listdir(repo_dir()))
    except OSError:
        return out
    for name in names:
        try:
            with open(repo_dir(name, "release")) as handle:
                release = handle.read().strip()
        except OSError:
            continue
        try:
            with open(repo_dir(name, "repository")) as handle:
                repository = handle.read().strip() or DEFAULT_REPOSITORY
        except OSError:
            repository = DEFAULT_REPOSITORY
        out[name] = (release, repository)
    return out


def newer(release, than):
    """rpm's version comparison, reduced to dotted/dashed numbers."""
    def key(text):
        return [int(part) if part.isdigit() else part
                for part in text.replace("-", ".").split(".")]
    try:
        return key(release) > key(than)
    except TypeError:
        return release > than


# -------------------------------------------------------------- RPM database

def installed_release(name):
    return _load("rpmdb.json").get(name + "-ez")


def record_installed(name, release):
    db = _load("rpmdb.json")
    if release is None:
        db.pop(name + "-ez", None)
    else:
        db[name + "-ez"] = release
    _store("rpmdb.json", db)


def install_files(tmpldir, name):
    """What the ``-ez`` RPM of ``name`` installs: its set's config dir."""
    osname, ver, arch, setname = split_name(name)
    confdir = os.path.join(tmpldir, osname, ver, arch, "config", "os", setname)
    if os.path.isdir(confdir):
        shutil.rmtree(confdir)
    shutil.copytree(repo_dir(name, "config"), confdir)


# -------------------------------------------------------------- caches

def cache_release(cache_path):
    return _load("caches.json").get(os.path.basename(cache_path))


def record_cache(cache_path, release):
    data = _load("caches.json")
    if release is None:
        data.pop(os.path.basename(cache_path), None)
    else:
        data[os.path.basename(cache_path)] = release
    _store("caches.json", data)


def build_cache(name, target):
    """A cache of ``name`` from the repository's current release (what
    ``vzpkg create cache`` installs into its temporary CT); returns it."""
    release = published()[name][0]
    shutil.copyfile(repo_dir(name, "rootfs.tar.gz"), target + ".tmp")
    os.rename(target + ".tmp", target)
    record_cache(target, release)
    return release
