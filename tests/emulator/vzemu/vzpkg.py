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
the cache vzctl create unpacks, info_appcache()), ``list`` (installed OS
templates) and ``install template``/``create cache``/``update cache``,
which need the repositories a host downloads packages from: the stand-in
answers as vztt does when the template is not there, and says so otherwise.
Sources and gaps: docs/openvz-tools.md "vzpkg".
"""
import os

from . import conffile, paths

# include/vztt_error.h
VZT_CANT_EXEC = 4
VZT_TMPL_NOT_CACHED = 23
VZT_TMPL_NOT_FOUND = 24
VZT_TMPL_BROKEN = 25
VZT_TCACHE_CONF_NFOUND = 30
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


def main(host, argv, out):
    args = list(argv)
    if not args:
        out.stderr("Usage: vzpkg [command] [options]")
        return VZT_BAD_PARAM
    command = args.pop(0)
    if command in ("install", "update", "create", "remove") and args:
        command = "%s %s" % (command, args.pop(0))
    quiet = False
    level = 1
    opts = {}
    rest = []
    while args:
        arg = args.pop(0)
        if arg in ("-q", "--quiet"):
            quiet = True
        elif arg in ("-d", "--debug") and args:
            level = int(args.pop(0)) if args[0].isdigit() else level
        elif arg in ("--config", "--ostemplate", "--vefstype", "--apptemplates", "-F",
                     "--for-os") and args:
            opts[arg] = args.pop(0)
        elif arg.startswith("--vefstype="):
            opts["--vefstype"] = arg.split("=", 1)[1]
        elif arg in ("-f", "--force", "--skiplock", "-C", "--cache", "-O", "--os", "-c",
                     "--cached"):
            opts[arg] = True
        else:
            rest.append(arg)
    log = Logger(out, 0 if quiet else level)
    tmpldir = template_dir()
    if command == "info":
        if "--config" in opts or "--ostemplate" in opts:
            return info_appcache(tmpldir, opts.get("--config"), opts.get("--ostemplate"),
                                 log, out)
        if not rest:
            out.stderr("Usage: vzpkg info [-q|-d <level>] <template> [field ...]")
            return VZT_BAD_PARAM
        return show_tmpl_info(tmpldir, rest[0], rest[1:], quiet, log, out)
    if command == "list":
        # vztt.c print_os_tmpl_record(): the name padded to column 34, a
        # space, the cache's mtime (template.c os_tmpl_get_timestamp(),
        # local time) unless -q; -c/--cached: cached ones only
        for name in installed(tmpldir):
            cache = cache_tarball(tmpldir, name)
            if ("-c" in opts or "--cached" in opts) and cache is None:
                continue
            stamp = ""
            if cache is not None and not quiet:
                import time
                stamp = time.strftime("%Y-%m-%d %H:%M:%S",
                                      time.localtime(os.stat(cache).st_mtime))
            out.stdout("%-34s %s" % (name, stamp))
        return 0
    if command in ("create cache", "update cache", "install template", "update template"):
        for name in rest:
            found = parse_os_name(tmpldir, name, log) if command.endswith("cache") else None
            if command.endswith("cache") and found is None:
                log.log(0, "Can not find '%s' EZ os template" % name)
                return VZT_TMPL_NOT_FOUND
            if command.endswith("cache") and cache_tarball(tmpldir, full_name(*found[:4])):
                if command == "create cache" and "-f" not in opts and "--force" not in opts:
                    log.log(0, "Cache for %s already exists" % full_name(*found[:4]))
                    return 0
        # building a cache or installing a template needs package
        # repositories, which an emulated host has none of
        log.log(0, "%s: the emulated host has no package repositories" % command)
        return VZT_CANT_EXEC
    out.stderr("Bad command: %s" % command)
    return VZT_BAD_PARAM
