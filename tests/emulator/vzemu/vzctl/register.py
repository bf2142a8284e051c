"""OpenVZ 7 (libvzctl lib/vz.c) CT registration: vzctl2_env_register(),
vzctl2_env_unreg().  A registered CT is /etc/vz/conf/CTID.conf, a symlink
to VE_PRIVATE/ve.conf, whose VEID= and UUID= name it; its name link
/etc/vz/names/NAME points at the same ve.conf."""
import os
import uuid as uuid_mod

from .. import paths
from . import config as cfg
from . import envconf


def new_uuid(ctid, given=None):
    """env.c get_cid_uuid_pair(): a UUID CTID is its own UUID; a numeric
    one gets ``given`` or a random one."""
    if given is not None:
        return given
    norm = cfg.normalized_uuid(ctid, "uuid")
    return norm if norm is not None else str(uuid_mod.uuid4())


def layout_version(private):
    """vzctl2_env_layout_version(): the .ve.layout link's number (0 if none)."""
    try:
        return int(os.readlink(os.path.join(private, ".ve.layout")))
    except (OSError, ValueError):
        return 0


def _same_file(one, two):
    try:
        a, b = os.stat(one), os.stat(two)
    except OSError:
        return False
    return (a.st_dev, a.st_ino) == (b.st_dev, b.st_ino)


def register(run, path, ctid, uuid=None, name=None, force=False):
    """vzctl2_env_register(): 0, or -1 (exit 255) having said why."""
    from . import envid_by_name_vz7
    log = run.log
    if not os.path.exists(path):
        log.error("Unable to stat %s" % path, 2)
        return -1
    real = os.path.realpath(path)
    if layout_version(real) < 4:
        log.error("Warning: Container in old data format, registration skipped.")
        return -1
    veconf = os.path.join(real, "ve.conf")
    if not os.path.isfile(veconf):
        log.error("Error: Broken Container, no %s file found" % veconf)
        return -1
    values = cfg.raw_values_vz7(veconf)
    uuid = new_uuid(ctid, uuid or values.get("UUID"))
    if not force:
        error = _validate_eid(values, veconf, ctid)
        if error:
            log.error(error)
            log.error("Container registration failed: %s" % error)
            return -1
    entries = []
    parent = os.path.dirname(path.rstrip("/")) or "/"
    if os.path.join(parent, ctid) == path.rstrip("/"):
        entries.append(("VE_PRIVATE", os.path.join(parent, "$VEID")))
    else:
        entries.append(("VE_PRIVATE", path))
    name = name or values.get("NAME")
    if name:
        new_name = name
        owner = envid_by_name_vz7(name)
        veid = values.get("VEID")
        if owner is not None and veid is not None and owner != veid:
            log.error("Name %s is in use by CT %s" % (name, owner))
            new_name = _uniq_name(name)
        entries.append(("NAME", new_name))
        log.info("Assign the name: %s" % new_name)
        link = os.path.join(paths.NAMES_DIR, new_name)
        try:
            os.unlink(link)
        except OSError:
            pass
        try:
            os.symlink(veconf, link)
        except OSError as exc:
            log.error("Unable to create the link %s" % link, exc.errno)
            log.error("Container registration failed: Unable to create the link %s: %s"
                      % (link, os.strerror(exc.errno)))
            return -1
    entries += [("VEID", ctid), ("UUID", uuid)]
    envconf.conf_save(veconf, entries)
    conf = paths.ct_conf_path(ctid)
    try:
        os.unlink(conf)
    except OSError:
        pass
    os.symlink(veconf, conf)
    log.info("Container %s was successfully registered" % ctid)
    return 0


def _validate_eid(values, veconf, ctid):
    """vz.c validate_eid(): why ``veconf`` cannot be registered as ``ctid``, or None."""
    known = cfg.parse_ctid_vz7(values.get("VEID") or "")
    if known is not None:
        conf = paths.ct_conf_path(known)
        if os.path.exists(conf) and _same_file(conf, veconf):
            return "Container is already registered with id %s" % known
    conf = paths.ct_conf_path(ctid)
    if not os.path.lexists(conf):
        return None
    if not os.path.islink(conf):
        return "Container configuration file %s is not a link" % conf
    if not os.path.exists(conf):
        return None
    if not _same_file(conf, veconf):
        return "Error: Container ID %s is used" % ctid
    return None


def _uniq_name(name):
    for index in range(0xffff):
        candidate = "%s-(%d)" % (name, index)
        if not os.path.lexists(os.path.join(paths.NAMES_DIR, candidate)):
            return candidate
    return ""


def unregister(run, keep_veid=False):
    """vzctl2_env_unreg(): VEID= dropped from ve.conf, the name link and
    /etc/vz/conf/CTID.conf removed."""
    from . import fsops
    log = run.log
    g = run.gparam
    private = g.private
    conf = run.conf_path
    if fsops.is_running(run.veid):
        log.error("Container is running, Stop Container before proceeding.")
        return 32
    if not private or not os.path.exists(private):
        _unlink(conf)
        log.info("Container unregistered succesfully")
        return 0
    if layout_version(private) < 4:
        return 0
    veconf = os.path.realpath(conf)
    if not keep_veid:
        envconf.conf_save(conf, [("VEID", None)])
    name = run.vps_p.name
    if name:
        link = os.path.join(paths.NAMES_DIR, name)
        if _same_file(link, os.path.join(private, "ve.conf")) or _same_file(link, veconf):
            _unlink(link)
    _unlink(conf)
    log.info("Container unregistered succesfully")
    return 0


def _unlink(path):
    try:
        os.unlink(path)
    except OSError:
        pass
