"""The ``vzpkg`` stand-in: OpenVZ 7's EZ template tool (OpenVZ/vztt, src/
vztt.c, appcache.c, tmplset.c, template.c, util.c), as far as vzctl uses it
and the host holds no package repository.

EZ templates are laid out as vztt lays them: the OS template
``<osname>-<osver>-<arch>[-<set>]`` is the directory
``TEMPLATE/<osname>/<osver>/<arch>/config/os/<set>/`` (set ``default``
when the name has none) holding ``packages``, ``package_manager``,
``distribution``, ``technologies``, ...; its cache is
``TEMPLATE/cache/<name>.plain.ploopv2.tar.{lz4,lzrw,gz}``
(tmpl_get_cache_tar_name(): ``.plain`` for the ext4 "simfs" part,
``.ploopv2`` for the image format; looked up in that archive order).

Commands: ``info`` (template fields; with ``--config``/``--ostemplate``
the cache vzctl create unpacks, info_appcache()), ``list [--available]``,
``status``, ``install|update|remove template`` and ``create|update|remove
cache``; the last ones work against the emulated package repository and
RPM database of vzemu/ezrepo.py.  Sources and gaps: docs/openvz-tools.md
"vzpkg".
"""
import os
import shutil

from . import conffile, ezrepo, paths

# include/vztt_error.h
VZT_CANT_REMOVE = 1
VZT_CANT_EXEC = 3
VZT_NOT_UP2DATE = 22
VZT_TMPL_NOT_CACHED = 23
VZT_TMPL_NOT_FOUND = 24
VZT_TMPL_BROKEN = 25
VZT_TMPL_INSTALLED = 27
VZT_TCACHE_EXIST = 29
VZT_TCACHE_CONF_NFOUND = 30
VZT_TMPL_HAS_EXTRA = 32
VZT_BAD_PARAM = 35

ARCHS = ("x86", "i386", "i586", "i686", "x86_64", "amd64", "ia64", "aarch64")
ARCHIVES = (".tar.lz4", ".tar.lzrw", ".tar.gz")
DEFSETNAME = "default"


def template_dir():
    try:
        values = conffile.parse_file(paths.VZ_CONF).values
    except OSError:
        values = {}
    return values.get("TEMPLATE", "/vz/template")


class Logger(object):
    """util.c write_log_rec(): level 0 errors go to stderr with "Error: ",
    -1 to stdout, -2 to stderr; others only up to the debug level (-q: 0)."""

    def __init__(self, out, level=1):
        self.out = out
        self.level = level

    def log(self, level, text):
        if self.level < level:
            return
        if level == 0:
            self.out.stderr("Error: " + text)
        elif level == -2:
            self.out.stderr(text)
        else:
            self.out.stdout(text)


def parse_os_name(tmpldir, ostemplate, log):
    """tmplset.c parse_os_name(): (osname, osver, arch, set, confdir) of an
    installed OS template, or None (VZT_TMPL_NOT_FOUND, said at level 1)."""
    if ostemplate.startswith("-"):
        return None
    name = ostemplate[1:] if ostemplate.startswith(".") else ostemplate
    tok = name.split("-")
    if len(tok) < 2:
        log.log(1, "Can not find '%s' EZ os template" % ostemplate)
        return None
    defarch = os.uname().machine
    for i in range(len(tok) - 1):
        osname = "-".join(tok[:i + 1])
        osver = tok[i + 1]
        if not os.path.isdir(os.path.join(tmpldir, osname, osver)):
            continue
        rest = tok[i + 2:]
        arch = defarch
        if rest and rest[0] in ARCHS:
            arch = rest.pop(0)
        setname = "-".join(rest) if rest else DEFSETNAME
        confdir = os.path.join(tmpldir, osname, osver, arch, "config", "os", setname)
        if os.path.isfile(os.path.join(confdir, "packages")) and \
                (setname != DEFSETNAME or os.path.isfile(os.path.join(confdir, "package_manager"))):
            return osname, osver, arch, setname, confdir
    log.log(1, "Can not find '%s' EZ os template" % ostemplate)
    return None


def full_name(osname, osver, arch, setname):
    name = "%s-%s-%s" % (osname, osver, arch)
    return name if setname == DEFSETNAME else "%s-%s" % (name, setname)


def cache_tarball(tmpldir, name):
    """util.c tmpl_get_cache_tar_by_type(SIMFS | PLOOP_V2): the first of
    the archive types that exists, or None."""
    for suffix in ARCHIVES:
        path = os.path.join(tmpldir, "cache", "%s.plain.ploopv2%s" % (name, suffix))
        if os.path.exists(path):
            return path
    return None


def _read_string(path):
    try:
        with open(path) as handle:
            text = handle.read()
    except OSError:
        return None
    text = text.strip()
    return text or None


def _read_list(path):
    try:
        with open(path) as handle:
            return [line.strip() for line in handle if line.strip() and not line.startswith("#")]
    except OSError:
        return []


def installed(tmpldir):
    """The installed OS templates' names, sorted."""
    names = []
    try:
        osnames = sorted(os.listdir(tmpldir))
    except OSError:
        return names
    for osname in osnames:
        for osver in sorted(_listdir(os.path.join(tmpldir, osname))):
            for arch in sorted(_listdir(os.path.join(tmpldir, osname, osver))):
                base = os.path.join(tmpldir, osname, osver, arch, "config", "os")
                for setname in sorted(_listdir(base)):
                    if os.path.isfile(os.path.join(base, setname, "packages")):
                        names.append(full_name(osname, osver, arch, setname))
    return names


def _listdir(path):
    try:
        return [e for e in os.listdir(path) if os.path.isdir(os.path.join(path, e))]
    except OSError:
        return []


INFO_FIELDS = ("name", "osname", "version", "release", "arch", "config_path", "summary",
               "description", "packages_0", "packages_1", "packages", "repositories",
               "mirrorlist", "package_manager", "package_manager_type", "distribution",
               "technologies", "environment", "upgradable_versions", "cached", "osrelease",
               "jquota")


def _jquota(osname, osver):
    """template.c known_jquota(): "no" for the distributions vztt's
    etc/nojquota.conf lists (old ones), else "yes"."""
    nojquota = ("centos-3", "centos-4", "centos-5", "debian-3.1", "debian-4.0", "debian-5.0",
                "fedora-core-1", "fedora-core-2")
    return "no" if "%s-%s" % (osname, osver) in nojquota else "yes"


def info_fields(tmpldir, found):
    osname, osver, arch, setname, confdir = found
    name = full_name(osname, osver, arch, setname)
    values = {
        "name": name, "osname": osname, "version": osver, "arch": arch,
        "config_path": confdir, "summary": _read_string(os.path.join(confdir, "summary")),
        "description": _read_list(os.path.join(confdir, "description")),
        "packages": _read_list(os.path.join(confdir, "packages")),
        "repositories": _read_list(os.path.join(confdir, "repositories")),
        "package_manager": _read_string(os.path.join(confdir, "package_manager")),
        "distribution": _read_string(os.path.join(confdir, "distribution")),
        "technologies": _read_list(os.path.join(confdir, "technologies")),
        "osrelease": _read_string(os.path.join(confdir, "osrelease")),
        "jquota": _jquota(osname, osver),
        "cached": "yes" if cache_tarball(tmpldir, name) else "no",
    }
    return values


def show_tmpl_info(tmpldir, tmpl, fields, quiet, log, out):
    """vztt.c show_tmpl_info(): the fields asked for (all when none), with
    their names unless -q asks for a single one."""
    for field in fields:
        if field not in INFO_FIELDS:
            log.log(0, "Unknown info option: %s" % field)
            return VZT_BAD_PARAM
    found = parse_os_name(tmpldir, tmpl, log)
    if found is None:
        return VZT_TMPL_NOT_FOUND
    values = info_fields(tmpldir, found)
    wanted = fields or [f for f in INFO_FIELDS if f not in ("packages_0", "packages_1")]
    bare = quiet and len(fields) == 1
    for field in INFO_FIELDS:
        if field not in wanted:
            continue
        value = values.get(field)
        if value is None or value == []:
            continue
        if field == "technologies":
            out.stdout(("" if bare else "%s:\n\t" % field) + "".join("%s " % t for t in value))
        elif isinstance(value, list):
            if not bare:
                out.stdout("%s:" % field)
            for item in value:
                out.stdout(item if bare else "\t" + item)
        else:
            out.stdout(value if bare else "%s:\n\t%s" % (field, value))
    return 0


def info_appcache(tmpldir, config, ostemplate, log, out):
    """appcache.c info_appcache(): the cache tarball vzctl create unpacks
    for sample ``config`` and ``ostemplate``."""
    sample = config or "vps.vzpkgtools.conf-sample"
    full = paths.sample_path(sample)
    if os.path.exists(full):
        sample = os.path.basename(full)
    path = os.path.join(paths.CONF_DIR, sample)
    if not os.path.exists(path):
        log.log(1, "%s sample config not found" % sample)
        return VZT_TCACHE_CONF_NFOUND
    if ostemplate is None:
        values = conffile.parse_file(path).values
        ostemplate = values.get("OSTEMPLATE")
    if not ostemplate:
        log.log(1, "ostemplate name was not given")
        return VZT_TMPL_BROKEN
    found = parse_os_name(tmpldir, ostemplate, log)
    if found is None:
        return VZT_TMPL_NOT_FOUND
    name = full_name(*found[:4])
    tarball = cache_tarball(tmpldir, name)
    if tarball is None:
        log.log(1, "Cache %s is not found" % name)
        return VZT_TMPL_NOT_CACHED
    out.stdout(tarball)
    return 0


# ------------------------------------------------------------ EZ template commands
#
# What yum prints is reduced to a line or two per package (the stand-in's
# choice); vztt's own messages and exit codes are the sources'.

YUM = "/usr/bin/yum"


def _installed_names(tmpldir, base):
    """The installed OS templates of base template ``base``."""
    return [name for name in installed(tmpldir) if ezrepo.base_of(name) == base]


def _yum_install(tmpldir, names, quiet, out):
    """``yum install -y NAME-ez...``: installs (or upgrades to) the
    repository's release, an extra set's base template too; yum's exit code
    (1 when none of the names is in the repository)."""
    repo = ezrepo.published()
    done = []
    missing = [name for name in names if name not in repo]
    for name in missing:
        out.stdout("No package %s-ez available." % name)
    if len(missing) == len(names):
        out.stderr("Error: Nothing to do")
        return 1
    for name in names:
        if name in missing:
            continue
        for each in ([ezrepo.base_of(name)] if ezrepo.base_of(name) in repo else []) + [name]:
            current = ezrepo.installed_release(each)
            release = repo[each][0]
            if each != name and current is not None:
                continue
            if current is not None and not ezrepo.newer(release, current):
                if each == name and not quiet:
                    out.stdout("Package %s-ez-%s.noarch already installed and latest version" % (each, current))
                continue
            ezrepo.install_files(tmpldir, each)
            ezrepo.record_installed(each, release)
            done.append("%s-ez.noarch 0:%s" % (each, release))
    return _yum_summary(done, "Installed:", "Nothing to do", quiet, out)


def _yum_update(tmpldir, names, quiet, out):
    """``yum update -y NAME-ez...``: installed packages with a newer release
    in the repository are updated; others are left alone (exit 0)."""
    repo = ezrepo.published()
    done = []
    for name in names:
        current = ezrepo.installed_release(name)
        if current is None:
            if name in repo and not quiet:
                out.stdout("Package(s) %s-ez available, but not installed." % name)
            continue
        if name in repo and ezrepo.newer(repo[name][0], current):
            ezrepo.install_files(tmpldir, name)
            ezrepo.record_installed(name, repo[name][0])
            done.append("%s-ez.noarch 0:%s" % (name, repo[name][0]))
    return _yum_summary(done, "Updated:", "No packages marked for update", quiet, out)


def _yum_summary(done, heading, nothing, quiet, out):
    """How yum ends a transaction: the packages under ``heading`` and Complete!, or ``nothing``."""
    if not quiet:
        if done:
            out.stdout(heading)
            for line in done:
                out.stdout("  " + line)
            out.stdout("Complete!")
        else:
            out.stdout(nothing)
    return 0


def install_template(tmpldir, names, quiet, log, out, update=False):
    """misc.c do_template(): a name that is not an RPM file becomes the
    package ``NAME-ez`` (check_vzup2date_eztmpl()), installed or updated by
    yum; on success vztt.c main() says ``NAME template was installed``
    (``updated``) for each name."""
    log.log(1, "RPM package(s) is (are) not found, running %s %s" % (YUM, "update" if update else "install"))
    rc = (_yum_update if update else _yum_install)(tmpldir, names, quiet, out)
    if rc:
        return rc
    for name in names:
        log.log(-1, "%s template was %s" % (name, "updated" if update else "installed"))
    return 0


def _ensure_installed(tmpldir, name, quiet, log, out):
    """tmplset.c tmplset_init() with OPT_VZTT_USE_VZUP2DATE: a template
    that is not installed is installed by yum first (tmplset_install());
    (rc, parse_os_name's answer)."""
    found = parse_os_name(tmpldir, name, log)
    if found is not None:
        return 0, found
    log.log(1, "Some template(s): %s-x86_64-ez is not found, running %s to install it..." % (name, YUM))
    if name not in ezrepo.published():
        names = [name + "-ez", name + "-x86_64-ez"]
        for each in names:
            out.stdout("No package %s available." % each)
            out.stderr("Error: Nothing to do")
        log.log(0, "Failed to install the template(s):")
        for each in names:
            log.log(0, each)
        return VZT_TMPL_NOT_FOUND, None
    _yum_install(tmpldir, [name], quiet, out)
    found = parse_os_name(tmpldir, name, log)
    return (0, found) if found is not None else (VZT_TMPL_NOT_FOUND, None)


def _cache_path(tmpldir, name):
    """util.c tmpl_get_cache_tar_name() for ext4 on ploop v2; the stand-in
    writes .tar.gz (vztt's default ARCHIVE is lz4, which Python lacks)."""
    return os.path.join(tmpldir, "cache", "%s.plain.ploopv2.tar.gz" % name)


def _all_caches(tmpldir, name):
    """util.c tmpl_callback_cache_tar(): every cache file of ``name``."""
    found = []
    for kind in (".plain.ploopv2", ".plain.ploop"):
        for suffix in ARCHIVES:
            path = os.path.join(tmpldir, "cache", name + kind + suffix)
            if os.path.exists(path):
                found.append(path)
    return found


def create_cache(tmpldir, name, quiet, force, recreate, log, out):
    """cache.c create_cache(): OPT_CACHE_FAIL_EXISTED for a named template
    (vztt.c main() passes skip_existed 0), OPT_CACHE_RECREATE for update."""
    rc, found = _ensure_installed(tmpldir, name, quiet, log, out)
    if rc:
        return rc
    full = full_name(*found[:4])
    target = _cache_path(tmpldir, full)
    if os.path.exists(target) and not force and not recreate:
        log.log(0, "%s cache file already exist" % full)
        return VZT_TCACHE_EXIST
    if full not in ezrepo.published():
        # the packages the cache is built from come from the repositories
        log.log(0, "Failed to install packages of %s: not in the repositories" % full)
        return VZT_CANT_EXEC
    ezrepo.build_cache(full, target)
    return 0


def remove_cache(tmpldir, name, log):
    """cache.c vztt2_remove_cache(), lock_and_remove_cache()."""
    log.log(1, "Removing OS template cache for %s template" % name)
    found = parse_os_name(tmpldir, name, log)
    if found is None:
        return VZT_TMPL_NOT_FOUND
    for path in _all_caches(tmpldir, full_name(*found[:4])):
        log.log(1, "Cache file name: %s" % path)
        os.unlink(path)
        ezrepo.record_cache(path, None)
    return 0


def cache_status(tmpldir, name, quiet, log, out):
    """misc.c vztt2_get_cache_status(): metadata updated and the template
    loaded first (which installs a missing one), then each cache judged
    against the repositories (is_cache_tarball_up2date())."""
    rc, found = _ensure_installed(tmpldir, name, quiet, log, out)
    if rc:
        return rc
    full = full_name(*found[:4])
    caches = _all_caches(tmpldir, full)
    if not caches:
        log.log(0, "%s is not cached" % name)
        return VZT_TMPL_NOT_CACHED
    repo = ezrepo.published()
    up2date = True
    for path in caches:
        built = ezrepo.cache_release(path)
        fresh = full not in repo or (built is not None and not ezrepo.newer(repo[full][0], built))
        if fresh:
            log.log(-1, "Cache %s is up to date" % path)
        else:
            log.log(-2, "Cache %s is not up to date" % path)
        up2date = up2date and fresh
    if up2date:
        log.log(-1, "Caches of %s are up to date" % name)
        return 0
    log.log(-2, "Caches of %s are not up to date" % name)
    return VZT_NOT_UP2DATE


def _users(names):
    """tmplset.c tmplset_get_velist_for_os()/_for_base(): the CTs whose
    OSTEMPLATE (EZ: with its leading '.') is one of ``names`` (the OS
    template; for a base template, it and its installed extra sets)."""
    users = []
    try:
        entries = sorted(os.listdir(paths.CONF_DIR))
    except OSError:
        return users
    for entry in entries:
        if not entry.endswith(".conf") or entry == "0.conf":
            continue
        try:
            ostemplate = conffile.parse_file(os.path.join(paths.CONF_DIR, entry)).values.get("OSTEMPLATE")
        except OSError:
            continue
        if ostemplate and (ostemplate[1:] if ostemplate.startswith(".") else ostemplate) in names:
            users.append(entry[:-len(".conf")])
    return users


def remove_template(tmpldir, name, force, log):
    """misc.c vztt2_remove_os_template(), check_ostemplate_toremove()."""
    found = parse_os_name(tmpldir, name, log)
    if found is None:
        return VZT_TMPL_NOT_FOUND
    osname, osver, arch, setname, confdir = found
    full = full_name(osname, osver, arch, setname)
    base = setname == DEFSETNAME
    if not force:
        extras = [n for n in _installed_names(tmpldir, full) if n != full] if base else []
        if extras:
            log.log(0, "There are non-default os template(s):")
            for extra in extras:
                log.log(-2, extra)
            return VZT_TMPL_HAS_EXTRA
        users = _users([full] + (_installed_names(tmpldir, full) if base else []))
        if users:
            log.log(0, "The next CT(s) based on %s EZ OS template:" % full)
            for ctid in users:
                log.log(-2, ctid)
            return VZT_TMPL_INSTALLED
    ezrepo.record_installed(full, None)
    if base:
        shutil.rmtree(os.path.join(tmpldir, osname, osver, arch), ignore_errors=True)
        for extra in _installed_names(tmpldir, full):
            ezrepo.record_installed(extra, None)
    else:
        shutil.rmtree(confdir, ignore_errors=True)
    for path in _all_caches(tmpldir, full):
        os.unlink(path)
        ezrepo.record_cache(path, None)
    return 0


def list_available(tmpldir, quiet, out):
    """list_avail.c: ``yum list available '*-ez.noarch'`` (packages not
    installed, or newer than the installed one), each name padded to column
    34 and its repository unless -q (vztt.c print_os_tmpl_record())."""
    del tmpldir
    for name, (release, repository) in sorted(ezrepo.published().items()):
        current = ezrepo.installed_release(name)
        if current is not None and not ezrepo.newer(release, current):
            continue
        out.stdout("%-34s %s" % (name, "" if quiet else repository))
    return 0


def usage(out, rc=VZT_BAD_PARAM):
    """vztt.c usage(), its first lines (the stand-in's shortening)."""
    out.stderr("OpenVZ EZ template management tool.")
    out.stderr("Usage:")
    out.stderr("vzpkg install | update | remove | localinstall | localupdate | upgrade |")
    out.stderr("    list | info | clean | fetch | status | link | update metadata |")
    out.stderr("    create cache | update cache | remove cache |")
    out.stderr("    create appcache | update appcache | list appcache | remove appcache |")
    out.stderr("    remove template | install template | update template | help")
    return rc


TWO_WORD = {("create", "cache"), ("update", "cache"), ("remove", "cache"),
            ("install", "template"), ("update", "template"), ("remove", "template")}
FLAGS = {"-f": "force", "--force": "force", "-q": "quiet", "--quiet": "quiet",
         "-C": "local", "--cache": "local", "-r": "remote", "--remote": "remote",
         "--skiplock": "skiplock", "-O": "os", "--os": "os", "-c": "cached",
         "--cached": "cached", "--available": "available", "-n": "test",
         "--check-only": "test", "--no-vzup2date": "novzup2date", "-v": "novzup2date",
         "--force-shared": "forceshared"}
VALUED = ("--config", "--ostemplate", "--vefstype", "--apptemplate", "-F", "--for-os", "-d", "--debug")


def main(host, argv, out):
    del host
    args = list(argv)
    if not args:
        return usage(out)
    # vztt.c main(): the command is argv[1] (and argv[2]) before getopt
    if len(args) > 1 and (args[0], args[1]) in TWO_WORD:
        command = "%s %s" % (args.pop(0), args.pop(0))
    else:
        command = args.pop(0)
    if " " not in command and command not in ("info", "list", "status", "help"):
        return usage(out)
    flags = set()
    opts = {}
    rest = []
    level = 1
    while args:
        arg = args.pop(0)
        key, eq, value = arg.partition("=")
        if arg in FLAGS:
            flags.add(FLAGS[arg])
        elif key in VALUED and (eq or args):
            value = value if eq else args.pop(0)
            if key in ("-d", "--debug"):
                if not value or value.strip("0123456789"):
                    Logger(out).log(0, "Bad debug level value: %s" % value)
                    return usage(out)
                level = int(value)
            else:
                opts[{"-F": "--for-os"}.get(key, key)] = value
        elif arg.startswith("-") and arg != "-":
            out.stderr("vzpkg: unrecognized option '%s'" % arg)
            return usage(out)
        else:
            rest.append(arg)
    quiet = "quiet" in flags
    if "available" in flags and command != "list":
        return usage(out)
    log = Logger(out, 0 if quiet else level)
    tmpldir = template_dir()
    if command == "help":
        return usage(out, 0)
    if command == "info":
        if "--config" in opts or "--ostemplate" in opts:
            return info_appcache(tmpldir, opts.get("--config"), opts.get("--ostemplate"),
                                 log, out)
        if not rest:
            return usage(out)
        return show_tmpl_info(tmpldir, rest[0], rest[1:], quiet, log, out)
    if command == "list":
        if "available" in flags:
            return list_available(tmpldir, quiet, out)
        return list_installed(tmpldir, "cached" in flags, quiet, out)
    # vztt.c main(): leading dots are dropped from template names, except
    # for install/update template (RPM file names or package names)
    if command not in ("install template", "update template"):
        rest = [name[1:] if name.startswith(".") else name for name in rest]
    if command in ("install template", "update template", "remove template") and not rest:
        return usage(out)
    if not rest:
        # no name: every base OS template
        rest = [name for name in installed(tmpldir) if ezrepo.split_name(name)[3] == DEFSETNAME]
    if command in ("install template", "update template"):
        return install_template(tmpldir, rest, quiet, log, out, update=command == "update template")
    rc = 0
    for name in rest:
        if command == "remove template":
            rc = remove_template(tmpldir, name, "force" in flags, log)
            if rc == 0:
                log.log(-1, "%s template was removed" % name)
        elif command == "create cache":
            log.log(1, "Creating OS template cache for %s template" % name)
            rc = create_cache(tmpldir, name, quiet, "force" in flags, False, log, out)
            if rc == 0:
                log.log(1, "OS template %s cache was created" % name)
        elif command == "update cache":
            log.log(1, "Update OS template cache for %s template" % name)
            rc = create_cache(tmpldir, name, quiet, "force" in flags, True, log, out)
            if rc == 0:
                log.log(1, "OS template %s cache was updated" % name)
        elif command == "remove cache":
            rc = remove_cache(tmpldir, name, log)
        elif command == "status":
            rc = cache_status(tmpldir, name, quiet, log, out)
        if rc:
            break
    return rc


def list_installed(tmpldir, cached_only, quiet, out):
    """vztt.c print_os_tmpl_record(): the name padded to column 34, a space,
    the cache's mtime (template.c os_tmpl_get_timestamp(), local time)
    unless -q; -c/--cached: cached ones only."""
    import time
    for name in installed(tmpldir):
        cache = cache_tarball(tmpldir, name)
        if cached_only and cache is None:
            continue
        stamp = ""
        if cache is not None and not quiet:
            stamp = time.strftime("%Y-%m-%d %H:%M:%S", time.localtime(os.stat(cache).st_mtime))
        out.stdout("%-34s %s" % (name, stamp))
    return 0
