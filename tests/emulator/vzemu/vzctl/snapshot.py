"""ploop snapshots (vzctl 4.x src/snapshot.c, src/snapshot-list.c,
src/lib/snapshot.c, src/lib/xml.c).

Metadata is kept as the real tools keep it: ``VE_PRIVATE/Snapshots.xml``
(the ParallelsSavedStates tree, current snapshot marked ``current="yes"``),
``VE_PRIVATE/dump/<uuid>.ve.conf`` (the CT config at snapshot time) and
``VE_PRIVATE/dump/<uuid>`` (the suspend image of a running CT).  The image
data is emulated: a snapshot keeps a copy of ``root.hdd/fs`` in
``root.hdd/snapshots/<uuid>/``, which snapshot-switch puts back and
snapshot-mount bind-mounts read-only.
"""
import os
import shutil
import time
import uuid as uuid_mod
import xml.etree.ElementTree as ET
from xml.sax.saxutils import escape, quoteattr

from ..errors import E_SYSTEM, VzError
from . import apply as apply_mod
from . import config as cfg
from . import fsops
from . import options
from ..getopt import GetoptError, Getopt, LongOpt, NO_ARG, REQ_ARG

RC = {"snapshot": 156, "snapshot-switch": 159, "snapshot-delete": 158,
      "snapshot-mount": 160, "snapshot-umount": 161, "snapshot-list": 167}


def _parse(run, table, need_id=False, need_target=False, switch=False):
    rc = options.parse_opt(run, table)
    if rc:
        return rc
    p = run.cmd_p
    if need_id and p.snap_guid is None:
        if run.legacy:
            run.log.error("Invalid syntax: snapshot id is missing")
        else:
            run.log.raw_err("Snapshot uuid is not specified.")
        return 20
    if need_target and p.snap_target is None:
        if run.legacy:
            run.log.error("Invalid syntax: mount target is missing")
        else:
            run.log.raw_err("Mount direcory is not specified.")
        return 20
    if switch and {"SKIP_RESUME", "MUST_RESUME"} <= p.snap_flags:
        run.log.error("Invalid syntax: --skip-resume and --must-resume can not be used together")
        return 20
    return 0


def parse_create(run):
    return _parse(run, options.SNAPSHOT_CREATE_OPTIONS)


def parse_switch(run):
    return _parse(run, options.SNAPSHOT_SWITCH_OPTIONS, need_id=True, switch=True)


def parse_delete(run):
    return _parse(run, options.SNAPSHOT_DELETE_OPTIONS, need_id=True)


def parse_umount(run):
    return _parse(run, options.SNAPSHOT_DELETE_OPTIONS, need_id=True)


def parse_mount(run):
    return _parse(run, options.SNAPSHOT_MOUNT_OPTIONS, need_id=True, need_target=True)


# ---------------------------------------------------------------- tree

class Snap(object):
    def __init__(self, guid, parent, name="", date="", desc="", current=False):
        self.guid = guid
        self.parent = parent
        self.name = name
        self.date = date
        self.desc = desc
        self.current = current


def xml_path(private):
    return os.path.join(private, "Snapshots.xml")


def read_tree(path):
    tree = []
    if not os.path.exists(path):
        return tree
    try:
        root = ET.parse(path).getroot()
    except ET.ParseError:
        # libxml2's xmlReadFile() refuses what expat does (bytes that are
        # not UTF-8, a "]]>" a description put inside the CDATA section):
        # 4.x src/lib/xml.c and libvzctl lib/xml.c read_snapshot_tree().
        raise VzError(E_SYSTEM, "Error: could not parse file %s" % path)

    def walk(node, parent):
        for item in node.findall("SavedStateItem"):
            guid = item.get("guid")
            tree.append(Snap(guid, parent, item.findtext("Name") or "",
                             item.findtext("DateTime") or "", item.findtext("Description") or "",
                             (item.get("current") or "").lower() == "yes"))
            walk(item, guid)
    for top in root.findall("SavedStateItem"):
        walk(top, top.get("guid"))
    return tree


def render_tree(tree):
    out = ['<?xml version="1.0"?>', "<ParallelsSavedStates>"]
    if tree:
        out.append('  <SavedStateItem guid="">')
        for tag in ("Name", "DateTime", "Creator", "ScreenShot", "Description"):
            out.append("    <%s/>" % tag)

        def text(tag, value, indent):
            if value:
                return "%s<%s>%s</%s>" % (indent, tag, escape(value), tag)
            return "%s<%s/>" % (indent, tag)

        def emit(parent, depth):
            for snap in [s for s in tree if s.parent == parent]:
                pad = "  " * depth
                attrs = " guid=%s" % quoteattr(snap.guid)
                if snap.current:
                    attrs += ' current="yes"'
                out.append("%s<SavedStateItem%s>" % (pad, attrs))
                inner = pad + "  "
                out.append(text("Name", snap.name, inner))
                out.append(text("DateTime", snap.date, inner))
                out.append("%s<Creator/>" % inner)
                out.append("%s<ScreenShot/>" % inner)
                out.append("%s<Description><![CDATA[%s]]></Description>" % (inner, snap.desc))
                emit(snap.guid, depth + 1)
                out.append("%s</SavedStateItem>" % pad)
        emit("", 3)
        out.append("  </SavedStateItem>")
    out.append("</ParallelsSavedStates>")
    return "\n".join(out) + "\n"


def store_tree(run, path, tree):
    run.log.info("Storing %s" % path)
    with open(path + ".tmp", "w", encoding="utf-8", errors="surrogateescape") as handle:
        handle.write(render_tree(tree))
    os.rename(path + ".tmp", path)


def _find(tree, guid):
    for snap in tree:
        if snap.guid == guid:
            return snap
    return None


def _snapdir(private, guid):
    return os.path.join(private, "root.hdd", "snapshots", guid)


def _supported(run):
    if apply_mod.layout_of(run) != "ploop":
        run.log.error("Snapshot feature is only available for ploop-based CTs")
        return False
    return True


# ---------------------------------------------------------------- commands

def create(run):
    log = run.log
    g = run.gparam
    p = run.cmd_p
    if not _supported(run):
        return 156
    private = g.private
    guid = p.snap_guid or "{%s}" % uuid_mod.uuid4()
    path = xml_path(private)
    tree = read_tree(path)
    log.info("Creating snapshot %s" % guid)
    if _find(tree, guid) is not None:
        log.error("Invalid guid %s specified: already exists" % guid)
        log.error("Failed to create snapshot")
        return 156
    current = next((s for s in tree if s.current), None)
    for snap in tree:
        snap.current = False
    tree.append(Snap(guid, current.guid if current else "", p.snap_name or "",
                     time.strftime("%Y-%m-%d %H:%M:%S", time.localtime()), p.snap_desc or "",
                     True))
    tmp = path + ".tmp"
    store_tree(run, tmp, tree)
    dumpdir = os.path.join(private, "dump")
    os.makedirs(dumpdir, exist_ok=True)
    if "SKIP_CONFIG" not in p.snap_flags:
        shutil.copyfile(run.conf_path, os.path.join(dumpdir, "%s.ve.conf" % guid))
    running = "SKIP_SUSPEND" not in p.snap_flags and fsops.is_running(run.veid)
    if running:
        log.info("Setting up checkpoint...")
        log.info("\tsuspend...")
        log.info("\tget context...")
        log.info("Checkpointing completed successfully")
    target = _snapdir(private, guid)
    os.makedirs(os.path.dirname(target), exist_ok=True)
    source = os.path.join(private, "root.hdd", "fs")
    fsops.copy_tree(source, target)
    if running:
        log.info("Setting up checkpoint...")
        log.info("\tdump...")
        with open(os.path.join(dumpdir, guid), "w") as handle:
            handle.write("vzemu dump of CT %s\n" % run.veid)
        log.info("Checkpointing completed successfully")
        log.info("Resuming...")
    os.rename(tmp, path)
    log.info("Snapshot %s has been successfully created" % guid)
    return 0


def switch(run):
    log = run.log
    g = run.gparam
    p = run.cmd_p
    guid = p.snap_guid
    if not _supported(run):
        return 159
    private = g.private
    path = xml_path(private)
    if not os.path.exists(path):
        log.error("Unable to find snapshot by uuid %s" % guid)
        return 159
    tree = read_tree(path)
    if _find(tree, guid) is None:
        log.error("Unable to find snapshot by uuid %s" % guid)
        log.error("Failed to switch to snapshot %s" % guid)
        return 159
    dumpfile = os.path.join(private, "dump", guid)
    if "MUST_RESUME" in p.snap_flags and not os.path.exists(dumpfile):
        log.error("Error: no dump in snapshot, unable to resume")
        log.error("Failed to switch to snapshot %s" % guid)
        return 159
    log.info("Switching to snapshot %s" % guid)
    for snap in tree:
        snap.current = snap.guid == guid
    tmp = path + ".tmp"
    store_tree(run, tmp, tree)
    running = fsops.is_running(run.veid)
    from .lifecycle import do_umount
    if running:
        log.info("Setting up checkpoint...")
        log.info("\tsuspend...")
        log.info("\tget context...")
        log.info("Checkpointing completed successfully")
    elif apply_mod.is_mounted(run, quiet=True) == 1:
        rc = do_umount(run)
        if rc:
            os.unlink(tmp)
            log.error("Failed to switch to snapshot %s" % guid)
            return 159
    fs_dir = os.path.join(private, "root.hdd", "fs")
    if running:
        log.info("Killing...")
        fsops.set_running(run.veid, False)
        do_umount(run)
    fsops.rm_rf(fs_dir)
    fsops.copy_tree(_snapdir(private, guid), fs_dir)
    snap_conf = os.path.join(private, "dump", "%s.ve.conf" % guid)
    if os.path.exists(snap_conf) and "SKIP_CONFIG" not in p.snap_flags:
        real = os.path.realpath(run.conf_path)
        shutil.copyfile(real, real + ".old")
        shutil.copyfile(snap_conf, real + ".tmp")
        os.rename(real + ".tmp", real)
    if os.path.exists(dumpfile) and "SKIP_RESUME" not in p.snap_flags:
        fresh = cfg.Params()
        cfg.load_conf(run.conf_path, run.veid, fresh, run.host, log, warn=False)
        run.gparam.ip = fresh.ip
        from .cpt import do_restore
        if do_restore(run, dumpfile, unlink=False):
            log.info("Warning: failed to resume CT, ignoring (use --must-resume to treat as error)")
    os.rename(tmp, path)
    log.info("Container has been successfully switched to another snapshot")
    return 0


def delete(run):
    log = run.log
    g = run.gparam
    guid = run.cmd_p.snap_guid
    if not _supported(run):
        return 158
    private = g.private
    path = xml_path(private)
    if not os.path.exists(path):
        log.error("Unable to find snapshot by uuid %s" % guid)
        return 158
    tree = read_tree(path)
    snap = _find(tree, guid)
    if snap is None:
        log.error("Unable to find snapshot by uuid %s" % guid)
        log.error("Failed to delete snapshot %s" % guid)
        return 158
    log.info("Deleting snapshot %s" % guid)
    for other in tree:
        if snap.current:
            if other.guid == snap.parent:
                other.current = True
                break
        elif other.parent == guid:
            other.parent = snap.parent
    tree.remove(snap)
    tmp = path + ".tmp"
    store_tree(run, tmp, tree)
    fsops.rm_rf(_snapdir(private, guid))
    for name in (guid, "%s.ve.conf" % guid):
        try:
            os.unlink(os.path.join(private, "dump", name))
        except OSError:
            pass
    os.rename(tmp, path)
    log.info("Snapshot %s has been successfully deleted" % guid)
    return 0


def mount(run):
    log = run.log
    g = run.gparam
    p = run.cmd_p
    guid = p.snap_guid
    if not g.private:
        log.error("Failed to mount snapshot: CT private not set")
        return 23
    if not _supported(run):
        return 160
    path = xml_path(g.private)
    if not os.path.exists(path):
        log.error("Snapshot description file %s not found" % path)
        return 160
    if _find(read_tree(path), guid) is None:
        log.error("Unable to find snapshot by uuid %s" % guid)
        return 160
    log.info("Mounting snapshot %s to %s" % (guid, p.snap_target))
    try:
        os.makedirs(p.snap_target, exist_ok=True)
        fsops.bind_mount(_snapdir(g.private, guid), p.snap_target, readonly=True)
    except OSError as exc:
        log.error("Failed to mount snapshot %s" % guid, exc.errno)
        return 160
    return 0


def umount(run):
    log = run.log
    g = run.gparam
    guid = run.cmd_p.snap_guid
    if not g.private:
        log.error("Failed to umount snapshot: CT private not set")
        return 23
    if not _supported(run):
        return 161
    log.info("Umounting snapshot %s" % guid)
    source = os.path.realpath(_snapdir(g.private, guid))
    target = _mounted_at(source)
    if target is None:
        log.error("Unable to find ploop device for snapshot %s" % guid)
        return 161
    try:
        fsops.umount(target)
    except OSError as exc:
        log.error("Failed to umount snapshot %s" % guid, exc.errno)
        return 161
    return 0


def _mounted_at(source):
    with open("/proc/self/mountinfo", "rb") as handle:
        for line in handle:
            fields = line.split(b" ")
            root, point = fsops._unescape(fields[3]), fsops._unescape(fields[4])
            if root == source or root.endswith(source) or source.endswith(root) and root != "/":
                if os.path.realpath(point) != source and root != "/":
                    return point
    return None


# ---------------------------------------------------------------- list

FIELDS = [("uuid", "UUID", 38), ("id", "UUID", 38), ("parent_uuid", "PARENT_UUID", 38),
          ("parent_id", "PARENT_UUID", 38), ("current", "C", 1), ("date", "DATE", 19),
          ("name", "NAME", 32), ("desc", "DESC", 32), ("device", "DEVICE", 16),
          ("target", "TARGET", 32)]
DEFAULT = "parent_uuid,current,uuid,date,name"


def parse_list(run):
    return 0


def _value(snap, field):
    if field in ("uuid", "id"):
        return snap.guid
    if field in ("parent_uuid", "parent_id"):
        return snap.parent
    if field == "current":
        return "*" if snap.current else ""
    if field == "date":
        return snap.date
    if field == "name":
        return snap.name
    if field == "desc":
        return snap.desc
    return ""


def list_(run):
    log = run.log
    opts = [LongOpt("no-header", NO_ARG, "H"), LongOpt("output", REQ_ARG, "o"),
            LongOpt("help", NO_ARG, "h"), LongOpt("uuid", REQ_ARG, "u"),
            LongOpt("id", REQ_ARG, "u"), LongOpt("list", NO_ARG, "L")]
    getter = Getopt(run.argv, opts, log.raw_err, optstring="HhLo:u:")
    no_hdr = False
    output = None
    guid = None
    try:
        for opt, value, _given in getter:
            key = opt if isinstance(opt, str) else opt.key
            if key == "H":
                no_hdr = True
            elif key == "o":
                output = value
            elif key == "u":
                guid = cfg.normalize_guid(value)
                if guid is None:
                    log.raw_err("Invalid guid is specified: %s" % value)
                    return 21
            elif key == "h":
                log.raw_out("vzctl snapshot-list <ctid|name> [-H] [-o field[,field...]] [--id <uuid>]\n"
                            "vzctl snapshot-list <ctid|name> -L | --list\n")
                return 0
            elif key == "L":
                for name, hdr, _width in FIELDS:
                    log.raw_out("%-15s %-15s\n" % (name, hdr))
                return 0
    except GetoptError:
        log.raw_err("vzctl snapshot-list <ctid|name> [-H] [-o field[,field...]] [--id <uuid>]\n"
                    "vzctl snapshot-list <ctid|name> -L | --list")
        return 20
    if getter.rest:
        log.raw_err("non-option ARGV-elements: " + "".join("%s " % a for a in getter.rest))
        return 20
    fields = []
    for name in (output if output is not None else DEFAULT).split(","):
        match = [f for f in FIELDS if f[0] == name.lower()]
        if not match:
            log.raw_err("Unknown field: %s" % name)
            return 21
        fields.append(match[0])
    if not run.gparam.private:
        log.raw_err("VE_PRIVATE is not specified")
        return 23
    if not _supported(run):
        return 167
    header = " ".join("%-*s" % (width, hdr) for _name, hdr, width in fields)
    path = xml_path(run.gparam.private)
    if not os.path.exists(path):
        if not no_hdr:
            log.raw_out(header + "\n")
        return 0
    tree = read_tree(path)
    if guid is None:
        order = list(tree)
    else:
        order = []
        cur = guid
        while True:
            snap = _find(tree, cur)
            if snap is None:
                log.raw_err("Can't find snapshot by uuid %s" % cur)
                return 21
            order.append(snap)
            cur = snap.parent
            if not cur:
                break
    if not no_hdr:
        log.raw_out(header + "\n")
    for snap in order:
        cells = []
        for index, (name, _hdr, width) in enumerate(fields):
            value = _value(snap, name)
            if index == len(fields) - 1:
                cells.append(value + "\n")
            else:
                cells.append("%-*s " % (width, value))
        log.raw_out("".join(cells))
    return 0
