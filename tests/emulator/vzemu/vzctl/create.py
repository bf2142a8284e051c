"""``vzctl create`` (vzctl 4.x src/lib/create.c vps_create(), fs_create(),
vps_postcreate(); libvzctl create.c for the vz7 wording).

The template cache tarball is unpacked by GNU tar, run the way the real
helper script runs it (``unpack_legacy``: vps-create; ``unpack_vz7``:
vz-create_prvt), into VE_PRIVATE.tmp and renamed into place.  A ploop CT is emulated as a directory:
``VE_PRIVATE/root.hdd/DiskDescriptor.xml`` and an image stand-in file
(``root.hdd`` on legacy, ``root.hds`` on vz7) next to ``root.hdd/fs/``, which
holds the CT's files and is what gets bind-mounted on VE_ROOT.
"""
import os
import shutil
import subprocess
import sys
import uuid as uuid_mod

from .. import paths
from . import apply as apply_mod
from . import config as cfg
from . import fsops
from . import options

TAR_EXTS = ("", ".gz", ".bz2", ".xz")


def parse_run(run):
    if run.legacy:
        return options.parse_opt(run, options.CREATE_OPTIONS)
    return options.parse_opt_vz7(run, options.VZ7_CREATE_OPTIONS, create=True)


def _fail(run, rc):
    run.log.error(run.msg("create_failed"))
    return rc


def find_template(run, template_dir, ostmpl):
    for ext in TAR_EXTS:
        path = os.path.join(template_dir, "cache", "%s.tar%s" % (ostmpl, ext))
        if os.path.exists(path):
            return path
    return None


def _download(run, ostmpl):
    """vztmpl-dl: run the host's one when on PATH, else answer as the real
    script does for a template the download server does not have."""
    exe = shutil.which("vztmpl-dl")
    if exe is None:
        run.log.raw_err("vztmpl-dl ERROR: template %s not found!" % ostmpl)
        return 1
    return subprocess.run([exe, ostmpl], check=False).returncode


# What vzctl passes its helper scripts (4.x script.c envp_bash + create.c
# ENV_PATH; libvzctl exec.c/create.c the same): no LANG, so tar speaks C.
SCRIPT_ENV_LEGACY = {"HOME": "/", "TERM": "linux",
                     "PATH": "/usr/local/sbin:/usr/local/bin:/usr/sbin:/usr/bin:/sbin:/bin"}
SCRIPT_ENV_VZ7 = {"HOME": "/", "SHELL": "/bin/bash",
                  "PATH": "/sbin:/bin:/usr/sbin:/usr/bin"}
# vps-create's magic numbers: od -A n -N 2 -t x1 of the tarball.
_MAGIC_OPTS = ((b"\x1f\x8b", "-z"), (b"\x42\x5a", "-j"), (b"\xfd\x37", "-J"))


def _run_tar(argv, env, stdin=None):
    """GNU tar itself, as the helper script runs it; its messages reach our
    stderr unchanged.  Returns tar's exit code (127 when there is no tar)."""
    sys.stdout.flush()
    sys.stderr.flush()
    exe = shutil.which(argv[0], path=env["PATH"]) if "/" not in argv[0] else argv[0]
    if exe is None or not os.access(exe, os.X_OK):
        return 127
    try:
        # argv[0] as the script spells it: tar prefixes its messages with it.
        return subprocess.run(argv, executable=exe, env=env, stdin=stdin, check=False).returncode
    except OSError:
        return 126


def unpack_legacy(tarball, dest):
    """scripts/vps-create.in of vzctl 4.11: ``cat TARBALL | tar -C DEST
    --numeric-owner -Sp [-z|-j|-J] -x`` with DEST chmod 700 meanwhile; a
    failure prints ``vps-create ERROR: Unpack TARBALL failed`` and exits
    VZ_FS_NEW_VE_PRVT (48).  GNU tar's defaults do the guarding: leading
    ``/`` stripped with a warning, members with ``..`` refused, symlinks
    that point outside extracted last (placeholders meanwhile), so nothing
    lands outside DEST; any refusal makes tar exit 2."""
    try:
        with open(tarball, "rb") as handle:
            head = handle.read(2)
    except OSError:
        head = b""
    opt = [o for magic, o in _MAGIC_OPTS if head == magic]
    os.chmod(dest, 0o700)
    with open(tarball, "rb") as stdin:
        rc = _run_tar(["tar", "-C", dest, "--numeric-owner", "-Sp"] + opt + ["-x"],
                      SCRIPT_ENV_LEGACY, stdin=stdin)
    if rc:
        sys.stderr.write("vps-create ERROR: Unpack %s failed\n" % tarball)
        sys.stderr.flush()
        return 48
    os.chmod(dest, 0o755)
    return 0


def unpack_vz7(tarball, dest):
    """libvzctl scripts/vz-create_prvt.in: ``/bin/tar --sparse -C DEST -xzf
    ARCHIVE``; failure: ``vz-create_prvt ERROR: Error in tar -xzf ARCHIVE``,
    exit 48.  The real script only knows .gz/.tgz (and lz4/lzrw) caches, the
    ones vzpkg hands it; the stand-in also takes the other cache suffixes
    vzctl 4.x looks for, with ``-xf`` (tar detects the compression)."""
    flag = "-xzf" if tarball.endswith((".gz", ".tgz")) else "-xf"
    rc = _run_tar(["/bin/tar", "--sparse", "-C", dest, flag, tarball], SCRIPT_ENV_VZ7)
    if rc:
        sys.stderr.write("vz-create_prvt ERROR: Error in tar %s %s\n" % (flag, tarball))
        sys.stderr.flush()
        return 48
    return 0


DISK_DESCRIPTOR = """<?xml version="1.0"?>
<Parallels_disk_image Version="1.0">
  <Disk_Parameters>
    <Disk_size>%(sectors)d</Disk_size>
    <Cylinders>%(cylinders)d</Cylinders>
    <Heads>16</Heads>
    <Sectors>63</Sectors>
    <Padding>0</Padding>
  </Disk_Parameters>
  <StorageData>
    <Storage>
      <Start>0</Start>
      <End>%(sectors)d</End>
      <Blocksize>2048</Blocksize>
      <Image>
        <GUID>%(guid)s</GUID>
        <Type>Compressed</Type>
        <File>%(image)s</File>
      </Image>
    </Storage>
  </StorageData>
  <Snapshots>
    <TopGUID>%(guid)s</TopGUID>
    <Shot>
      <GUID>%(guid)s</GUID>
      <ParentGUID>{00000000-0000-0000-0000-000000000000}</ParentGUID>
    </Shot>
  </Snapshots>
</Parallels_disk_image>
"""


def image_name(run):
    return "root.hdd" if run.legacy else "root.hds"


def make_ploop(run, private, size_kib):
    return make_ploop_image(private, size_kib, image_name(run))


def make_ploop_vz7(private, size_kib):
    """The vz7 ploop stand-in in ``private`` (root.hdd/DiskDescriptor.xml, root.hds, fs/)."""
    return make_ploop_image(private, size_kib, "root.hds")


def make_ploop_image(private, size_kib, image):
    hdd = os.path.join(private, "root.hdd")
    os.makedirs(os.path.join(hdd, "fs"), exist_ok=True)
    guid = "{%s}" % uuid_mod.uuid4()
    sectors = int(size_kib) * 2
    with open(os.path.join(hdd, "DiskDescriptor.xml"), "w") as handle:
        handle.write(DISK_DESCRIPTOR % {"sectors": sectors, "cylinders": sectors // (16 * 63),
                                        "guid": guid, "image": image})
    with open(os.path.join(hdd, image), "w") as handle:
        handle.write("vzemu ploop image stand-in: the CT's files are in fs/\n")
    return os.path.join(hdd, "fs")


def run(run_):
    run = run_
    if not run.legacy:
        return _run_vz7(run)
    log = run.log
    cmd = run.cmd_p
    vps = run.gparam
    dst = run.conf_path
    cfg_exists = os.path.exists(dst)
    sample = None
    if cmd.config is not None:
        src = paths.sample_path(cmd.config)
        if not os.path.exists(src):
            log.error("Sample config %s not found" % src, 2)
            return _fail(run, 82)
        if cfg_exists:
            log.error("Error: container config file %s already exists, can not use --config option"
                      % dst)
            return _fail(run, 82)
        sample = cmd.config
    elif vps.config is not None:
        src = paths.sample_path(vps.config)
        if not os.path.exists(src):
            log.error("Sample config %s not found" % src, 2)
            log.error("Fix the value of CONFIGFILE in %s" % paths.VZ_CONF)
            return _fail(run, 82)
        if not cfg_exists:
            sample = vps.config
        else:
            log.info("Warning: CT config file already exists, not applying a default config sample.")
            log.info("It might lead to incomplete CT configuration, you can use --applyconfig to fix.")
    if sample is not None:
        shutil.copyfile(paths.sample_path(sample), dst)
        conf_p = cfg.Params()
        cfg.load_conf(paths.sample_path(sample), run.veid, conf_p, run.host, log)
        cfg.merge(vps, conf_p)
        if conf_p.origin_sample is None:
            cmd.origin_sample = sample
    rc = _create(run, sample)
    if rc:
        if sample is not None:
            try:
                os.unlink(dst)
            except OSError:
                pass
        return _fail(run, rc)
    return 0


def _create(run, sample):
    log = run.log
    cmd = run.cmd_p
    vps = run.gparam
    cfg.merge(vps, cmd)
    if vps.template is None:
        log.error("TEMPLATE is not set")
        return 24
    if vps.private is None:
        log.error("VE_PRIVATE is not set")
        return 23
    if vps.root is None:
        log.error("VE_ROOT is not set")
        return 22
    if os.path.isdir(vps.private) and os.listdir(vps.private):
        log.error("Private area already exists in %s" % vps.private)
        return 44
    if vps.layout is None:
        vps.layout = "ploop" if run.host.ploop else "simfs"
    if vps.layout == "ploop" and not run.host.ploop:
        log.error("Warning: ploop support is not compiled in")
        log.error("Alternatively, if you can't or don't want to use ploop, please")
        log.error("add --layout simfs option, or set VE_LAYOUT=simfs in %s" % paths.VZ_CONF)
        return 99
    if cmd.name is not None:
        rc = apply_mod.set_name(run, cmd.name, cmd.name)
        if rc:
            return rc
    if cmd.ostmpl is None and vps.ostmpl is None and vps.def_ostmpl is not None:
        vps.ostmpl = vps.def_ostmpl
    if vps.ostmpl is None:
        log.error("OS template is not specified")
        _drop_name(run)
        return 29
    rc = _fs_create(run)
    if rc:
        _drop_name(run)
        return rc
    # vps_postcreate(): mounts VE_ROOT (creating it) and runs postcreate.sh
    os.makedirs(vps.root, exist_ok=True)
    log.info("Performing postcreate actions")
    _postcreate(run)
    from .lifecycle import move_config
    move_config(run.veid, backup=False)
    if cmd.root_orig is None and vps.root_orig is not None:
        cmd.root_orig = vps.root_orig
    if cmd.private_orig is None and vps.private_orig is not None:
        cmd.private_orig = vps.private_orig
    cmd.ostmpl = os.path.basename(vps.ostmpl)
    old = cfg.Params()
    cfg.merge(old, vps)
    old.ip = list(vps.ip)
    rc = cfg.save_config(run.conf_path, cmd, old, log)
    if rc:
        apply_mod.remove_names(run.veid)
        return rc
    log.info("Container private area was created")
    return 0


def _drop_name(run):
    if run.cmd_p.name is not None:
        apply_mod.remove_names(run.veid)


def _postcreate(run):
    """postcreate.sh's visible effects: an /etc/resolv.conf and /etc/hosts
    exist in the new CT."""
    private = run.gparam.private
    base = fsops.fs_source(private, run.gparam.layout)
    etc = os.path.join(base, "etc")
    if os.path.isdir(etc):
        for name in ("resolv.conf",):
            path = os.path.join(etc, name)
            if not os.path.lexists(path):
                open(path, "a").close()


def _fs_create(run):
    log = run.log
    vps = run.gparam
    ploop = vps.layout == "ploop"
    if ploop and (vps.diskspace is None or vps.diskspace[1] <= 0):
        log.error("Error: diskspace not set (required for ploop)")
        return 63
    tarball = find_template(run, vps.template, vps.ostmpl)
    if tarball is None:
        if _download(run, vps.ostmpl) == 0:
            tarball = find_template(run, vps.template, vps.ostmpl)
    if tarball is None:
        log.error("Cached OS template %s/cache/%s.tar[.gz|.bz2|.xz] not found"
                  % (vps.template, vps.ostmpl))
        return 91
    private = vps.private
    if os.path.isdir(private) and fsops.is_mountpoint(private):
        log.error("Can't create: private dir (%s) is a mount point. Suggestion: use "
                  "--private %s/private" % (private, private))
        return 48
    os.makedirs(private, exist_ok=True)
    tmp = private + ".tmp"
    if os.path.exists(tmp):
        log.error("Warning: Temp dir %s already exists, deleting" % tmp)
        fsops.rm_rf(tmp)
    try:
        os.makedirs(tmp)
    except OSError as exc:
        log.error("Unable to create directory %s" % tmp, exc.errno)
        return 48
    untar_to = tmp
    if ploop:
        log.info("Creating image: %s/root.hdd/%s size=%dK" % (tmp, image_name(run), vps.diskspace[1]))
        untar_to = make_ploop(run, tmp, vps.diskspace[1])
    quota = vps.disk_quota == "yes" and not ploop and vps.diskspace and vps.diskinodes
    if quota:
        os.makedirs(paths.state_path("quota"), exist_ok=True)
        with open(paths.state_path("quota", str(run.veid)), "w") as handle:
            handle.write("%s\n" % run.veid)
    log.info("Creating container private area (%s)" % vps.ostmpl)
    rc = unpack_legacy(tarball, untar_to)
    if rc:
        # fs_create()'s err: path: quota dropped, VE_PRIVATE.tmp and an
        # empty VE_PRIVATE removed; the script's exit code is vzctl's.
        if quota:
            try:
                os.unlink(paths.state_path("quota", str(run.veid)))
            except OSError:
                pass
        fsops.rm_rf(tmp)
        try:
            os.rmdir(private)
        except OSError:
            pass
        return rc
    try:
        os.rmdir(private)
    except OSError:
        pass
    try:
        os.rename(tmp, private)
    except OSError as exc:
        log.error("Can't rename %s to %s" % (tmp, private), exc.errno)
        fsops.rm_rf(tmp)
        return 48
    return 0


# ---------------------------------------------------------------- vz7

PLOOP_MAX_FS_SIZE_K = (1 << 44) >> 10     # get_disk_size(): "unlimited" is 16T


def _exists_vz7(run):
    """vzctl2_get_env_status(ENV_STATUS_EXISTS): a config and its private area."""
    g = run.gparam
    return os.path.isfile(run.conf_path) and bool(g.private) and os.path.isdir(g.private)


def _run_vz7(run):
    """libvzctl create.c vzctl2_env_create(): the CT config from the sample
    (or CTID.conf, or vz.conf's CONFIGFILE), the private area in
    VE_PRIVATE.private_temporary (its ploop image from the cache ``vzpkg
    info`` names, then resized), ve.conf saved, the CT registered."""
    from . import envconf, register
    log = run.log
    cmd = run.cmd_p
    ctid = str(run.veid)
    conf = run.conf_path
    if _exists_vz7(run):
        log.error("Container %s already exists" % ctid)
        return 44
    use_sample = False
    origin = None
    if cmd.config is not None:
        if cmd.config.startswith("/"):
            src, vzpkg_conf = cmd.config, os.path.basename(cmd.config)
        else:
            src = paths.sample_path(cmd.config)
            vzpkg_conf = os.path.basename(src)
        if not os.path.isfile(src):
            log.error("Sample config file %s not found" % src)
            return 82
        use_sample = True
        origin = cmd.config
    elif os.path.isfile(conf):
        src, vzpkg_conf = conf, "%s.conf" % ctid
        use_sample = True
    elif run.gparam.config is not None:
        src = paths.sample_path(run.gparam.config)
        vzpkg_conf = os.path.basename(src)
        if os.path.isfile(src):
            origin = run.gparam.config
            use_sample = True
    if not use_sample:
        src = paths.VZ_CONF
        vzpkg_conf = os.path.basename(paths.sample_path(run.gparam.config or "basic"))
    # the handle: vz.conf, then the source config
    h = cfg.Params()
    cfg.load_conf(paths.VZ_CONF, run.veid, h, run.host, log, warn=False)
    sample_p = cfg.Params()
    if src != paths.VZ_CONF:
        cfg.load_conf(src, run.veid, sample_p, run.host, log)
        cfg.merge(h, sample_p)
    # merge_create_param()
    env = cmd
    if origin is not None and sample_p.origin_sample is None:
        env.origin_sample = origin
    if env.ostmpl is None and h.ostmpl is None and not cmd.no_hdd:
        if run.gparam.def_ostmpl is None:
            log.error("The ostemplate is not specified")
            return 22
        env.ostmpl = run.gparam.def_ostmpl
    ostmpl = env.ostmpl if env.ostmpl is not None else h.ostmpl
    env.root_orig = env.root_orig or h.root_orig
    env.private_orig = env.private_orig or h.private_orig
    private = cfg.subst_veid(run.veid, env.private_orig) if env.private_orig else None
    root = cfg.subst_veid(run.veid, env.root_orig) if env.root_orig else None
    if private is None:
        log.error("VE_PRIVATE is not specified")
        return 21
    if not cmd.no_hdd and os.path.exists(private):
        log.error("Private area %s already exists" % private)
        return 44
    name = cmd.name
    if name is not None:
        rc = apply_mod.validate_name_vz7(run, name)
        if rc:
            return rc
    env.name = name
    if root is None:
        log.error("VE_ROOT is not set")
        return 22
    if cmd.no_hdd:
        env.yesno["ROOT_DISK"] = "no"
    diskspace = env.diskspace or h.diskspace or (cfg.LONG_MAX, cfg.LONG_MAX)
    run.gparam.private = private
    extra = []
    rc = _create_private_vz7(run, private, ostmpl, vzpkg_conf, diskspace, env, extra)
    if rc:
        if use_sample and os.path.lexists(conf) and src != conf:
            os.unlink(conf)
        log.error("VE_PRIVATE is not set")
        log.error(run.msg("create_failed"))
        return rc
    veconf = os.path.join(private, "ve.conf")
    if use_sample:
        shutil.copyfile(src, veconf)
    if not cmd.no_hdd:
        os.makedirs(root, exist_ok=True)
        log.info("Container is mounted")
        _postcreate_vz7(private)
        log.info("Postcreate action done")
        log.info("Container is unmounted")
    old = cfg.Params()
    cfg.merge(old, sample_p)
    old.ip = list(sample_p.ip)
    entries = envconf.store(old, env)
    envconf.conf_save(veconf, entries + extra)
    rc = register.register(run, private, ctid, uuid=register.new_uuid(ctid, cmd.uuid),
                           name=name, force=True)
    if rc:
        # vzctl2_env_create()'s err: path: VZCTL_E_REGISTER, the new CT destroyed
        from .lifecycle import _destroy_vz7
        run.vps_p = cfg.Params()
        cfg.load_conf(veconf, run.veid, run.vps_p, run.host, log, warn=False)
        _destroy_vz7(run)
        log.error(run.msg("create_failed"))
        return 140
    log.info("Container private area %s created" % private)
    return 0


def _create_private_vz7(run, private, ostmpl, vzpkg_conf, diskspace, env, extra):
    """create_env_private(): 0 or the exit code; ``extra`` gets what
    update_param() stores besides the command's parameters."""
    log = run.log
    os.makedirs(os.path.dirname(private) or "/", exist_ok=True)
    if not os.path.exists(private):
        dst = private + ".private_temporary"
        if os.path.isdir(dst):
            log.info("Warning: temp dir %s already exists, deleting" % dst)
            fsops.rm_rf(dst)
    else:
        dst = private
    os.makedirs(dst, exist_ok=True)
    os.chmod(dst, 0o700)
    for sub in ("dump", "scripts", "fs"):
        os.makedirs(os.path.join(dst, sub), exist_ok=True)
    if not os.path.lexists(os.path.join(dst, ".ve.layout")):
        os.symlink("5", os.path.join(dst, ".ve.layout"))
    rc = 0
    if not run.cmd_p.no_hdd and ostmpl:
        rc = _do_create_private(run, dst, ostmpl, vzpkg_conf, diskspace)
    if rc == 0 and not run.cmd_p.no_hdd and ostmpl:
        # update_param(): OSTEMPLATE keeps the EZ template sign "."
        env.ostmpl = ostmpl if ostmpl.startswith(".") else "." + ostmpl
        extra.extend(_vztt_params(run, ostmpl))
    if rc == 0 and dst != private:
        os.rename(dst, private)
    if rc:
        fsops.rm_rf(dst)
    return rc


def _do_create_private(run, dst, ostmpl, vzpkg_conf, diskspace):
    from . import vztmpl
    log = run.log
    rc, tarball, _name = vztmpl.cache_tarball(run, vzpkg_conf, ostmpl, "ext4")
    if rc:
        return rc
    if ".plain.ploop" not in os.path.basename(tarball or ""):
        log.error("The cached package set '%s' is not compatible with layout 5."
                  " Update the cache" % (tarball or ""))
        return 21
    log.info("Creating Container private area (%s) with applications from config (%s)"
             % (ostmpl, vzpkg_conf))
    size = diskspace[1] if diskspace[1] < cfg.LONG_MAX else PLOOP_MAX_FS_SIZE_K
    fs_dir = make_ploop_vz7(dst, size)
    rc = unpack_vz7(tarball, fs_dir)
    if rc:
        return rc
    log.info("Resize the image %s to %dK" % (os.path.join(dst, "root.hdd"), size))
    return 0


def _vztt_params(run, ostmpl):
    """create.c update_vztt_param(): TECHNOLOGIES, DISTRIBUTION, OSRELEASE
    and JOURNALED_QUOTA as vzpkg answers them."""
    from . import vztmpl
    out = []
    rc, line = vztmpl.field(run, ostmpl, "technologies")
    techs = line.split()
    if rc == 0 and techs:
        out.append(("TECHNOLOGIES", " ".join(techs)))
    rc, line = vztmpl.field(run, ostmpl, "distribution")
    if rc == 0:
        out.append(("DISTRIBUTION", line))
    rc, line = vztmpl.field(run, ostmpl, "osrelease")
    if rc == 0 and line:
        out.append(("OSRELEASE", line))
    if run.cmd_p.yesno.get("JOURNALED_QUOTA") is None and not vztmpl.jquota(run, ostmpl):
        out.append(("JOURNALED_QUOTA", "no"))
    return out


def _postcreate_vz7(private):
    """postcreate.sh's visible effect: an /etc/resolv.conf in the new CT."""
    etc = os.path.join(private, "root.hdd", "fs", "etc")
    if os.path.isdir(etc) and not os.path.lexists(os.path.join(etc, "resolv.conf")):
        open(os.path.join(etc, "resolv.conf"), "a").close()
