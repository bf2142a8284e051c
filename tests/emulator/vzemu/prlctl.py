"""The ``prlctl`` stand-in: Virtuozzo's CLI as far as OpenVZ 7's guides show
it for containers, ``prlctl create NAME --vmtype ct``, ``prlctl list -a -j``
and the backup actions (vzemu/prlctl_backup.py).

A real prlctl is a client of the dispatcher (prl-disp-service), which makes
the container with libvzctl; the stand-in makes it with the vzctl
emulator's own create and registration (vzctl/create.py, register.py), so a
prlctl-made CT is what vzctl 7 makes: VE_PRIVATE/ve.conf with VEID= and
UUID=, /etc/vz/conf/CTID.conf and /etc/vz/names/NAME links to it.  The id:
a name of ASCII digits is the CT's numeric id and no name (the vz-docs
Getting Started guide: ``prlctl create 101 --vmtype ct`` makes
/vz/private/101, and ``prlctl list -o name,ctid`` shows ``-`` as its
name); any other name gets a fresh UUID as id (Users Guide:
/vz/private/26bc47f6-...).  prlctl's own messages, options and JSON are
those of OpenVZ/prlctl branch vz7-u22 (src/PrlSrv.cpp create_ct(),
src/PrlList.cpp, src/PrlOutFormatter.cpp).  Facts and gaps:
docs/openvz-tools.md "prlctl".
"""
import io
import os
import re
import sys
import uuid as uuid_mod

from . import paths

# src/PrlCtl.cpp main() of vz7-u22, for every action but list and exec
DEPRECATED = ("WARNING: You are using a deprecated CLI component that won't be installed by "
              "default in the next major release. Please use virsh instead")
# prlerr2exitcode(): a PRL_RESULT error (negative) exits 255; a command line
# prlctl cannot parse leaves main()'s ret at 1
RC_USAGE = 1
RC_FAILED = 255
DIGITS = re.compile(r"[0-9]+")
# PrlList.cpp default_field_order
DEFAULT_FIELDS = ("uuid", "status", "ip_configured", "type", "name")
USAGE = """Usage: prlctl ACTION <ID | NAME> [OPTIONS]
  create <NAME> --vmtype ct [--ostemplate <name>] [--config <name>] [--uuid <uuid>]
  list [-a,--all] [-j,--json] [--vmtype ct]
  backup <ID | NAME> [-f,--full] [-i,--incremental] [--description <desc>]
  backup-list [ID | NAME] [-f,--full]
  backup-delete {<ID> | -t,--tag <backupid>} [--keep-chain]
  restore {<ID> | -t,--tag <backupid>}
(the emulator's stand-in: these actions only)"""


class _Muted(object):
    """The vzctl emulator's console while the dispatcher runs it: prlctl
    prints its own two lines, never vzctl's."""

    def __init__(self):
        self.lines = []

    def stdout(self, line):
        self.lines.append(line)

    stderr = stdout

    def raw_stdout(self, text):
        self.lines.append(text)


def _options(args, known):
    """{option: value} of ``--opt value`` / ``--opt=value`` pairs and
    flags; (None, the option) for one prlctl does not know."""
    found = {}
    while args:
        arg = args.pop(0)
        name, sep, value = arg.partition("=")
        if name in known and known[name]:
            if not sep:
                if not args:
                    return None, arg
                value = args.pop(0)
            found[known[name]] = value
        elif name in known and not sep:
            found[name] = True
        else:
            return None, arg
    return found, None


def _vzctl_quiet(host, argv):
    """Run the vzctl emulator in-process, its output held back, its LOGFILE
    lines written as the dispatcher's libvzctl writes them."""
    from . import vzctl
    muted = _Muted()
    real_out, real_err = sys.stdout, sys.stderr
    sys.stdout, sys.stderr = io.StringIO(), io.StringIO()
    try:
        rc = vzctl.main(host, ["--quiet"] + argv, muted)
    finally:
        sys.stdout, sys.stderr = real_out, real_err
    return rc


def create(host, args, out):
    """PrlSrv::create_ct(): "Creating the Container...", the CT, "The
    Container has been successfully created."."""
    from .vzctl import envid_by_name_vz7
    from .vzctl.config import normalized_uuid
    if not args or args[0].startswith("-"):
        out.stderr("Invalid usage")
        return RC_USAGE
    name = args.pop(0)
    opts, bad = _options(args, {"--vmtype": "vmtype", "--ostemplate": "ostemplate",
                                "--config": "config", "--uuid": "uuid"})
    if opts is None:
        out.stderr("Unrecognized option: %s" % bad)
        return RC_USAGE
    if opts.get("vmtype") not in ("ct", None):
        out.stderr("Invalid VM type: %s" % opts["vmtype"])
        return RC_USAGE
    out.stderr(DEPRECATED)
    if opts.get("vmtype") != "ct":
        # a virtual machine: the emulated host has no hypervisor for one
        out.stdout("Creating the VM...")
        out.stderr("Failed to create the VM: the emulated host makes containers only")
        return RC_FAILED
    out.stdout("Creating the Container...")
    given = None
    if opts.get("uuid") is not None:
        given = normalized_uuid(opts["uuid"], "uuid")
        if given is None:
            out.stderr("Invalid uuid: %s" % opts["uuid"])
            return RC_FAILED
    if DIGITS.fullmatch(name):
        ctid, ct_name = str(int(name)), None
    else:
        ctid, ct_name = given or str(uuid_mod.uuid4()), name
    if ct_name is not None and envid_by_name_vz7(ct_name) is not None:
        # the dispatcher keeps names unique (vz-docs: "A unique container
        # name is required"); its wording is not published
        out.stderr("Failed to create the virtual machine.")
        out.stderr("The name %s is already in use." % ct_name)
        return RC_FAILED
    argv = ["create", ctid]
    for key in ("ostemplate", "config"):
        if opts.get(key) is not None:
            argv += ["--%s" % key, opts[key]]
    if ct_name is not None:
        argv += ["--name", ct_name]
    if given is not None and ct_name is None:
        argv += ["--uuid", given]
    rc = _vzctl_quiet(host, argv)
    if rc:
        out.stderr("Failed to create the virtual machine.")
        return RC_FAILED
    out.stdout("The Container has been successfully created.")
    return 0


def _json_string(text):
    """PrlOutFormatterJSON::add(): these escapes, every other byte as it is."""
    for char, escaped in (("\\", "\\\\"), ('"', '\\"'), ("\n", "\\n"), ("\t", "\\t"),
                          ("\b", "\\b"), ("\f", "\\f"), ("\r", "\\r")):
        text = text.replace(char, escaped)
    return '"%s"' % text


def _rows(all_):
    """One dict per registered container (ve.conf read the libvzctl way,
    its run state as vzlist of vz7 reads it), sorted by name."""
    from .vzlist import state
    from .vzlist import vz7
    rows = []
    try:
        names = os.listdir(paths.CONF_DIR)
    except OSError:
        names = []
    for entry in names:
        match = re.fullmatch(r"(.+)\.conf", entry)
        if not match:
            continue
        ctid = vz7.parse_ctid(match.group(1).encode("utf-8", "surrogateescape"))
        if ctid is None or ctid == b"0":
            continue
        status = vz7.env_status(ctid, vz7.ENV_STATUS_ALL, [])
        if status is None or not status & vz7.ENV_STATUS_EXISTS:
            continue
        running = state.running_entries().get(ctid.decode("latin-1"))
        if running is not None and state.running_info(running[0]).get("paused"):
            status |= vz7.ENV_STATUS_CPT_SUSPENDED
        word = vz7._status_word(status).decode()  # pylint: disable=protected-access
        if not all_ and word != "running":
            continue
        conf = vz7.ct_conf(ctid)
        uuid = (conf.get(b"UUID") or b"").decode("utf-8", "surrogateescape")
        if not uuid:
            # no UUID= (a CT not made by vzctl 7): one the dispatcher would
            # not know; the stand-in lists a UUID id as its own UUID
            if vz7.normalized_uuid(ctid) is None:
                continue
            uuid = ctid.decode()
        # libvzctl's list of the configured ones: the samples' 0.0.0.0 is none
        ips = [ip for ip in (conf.get(b"IP_ADDRESS") or b"").decode("utf-8", "surrogateescape").split()
               if ip not in ("0.0.0.0", "::", "::0")]
        name = (conf.get(b"NAME") or b"").decode("utf-8", "surrogateescape")
        rows.append({"uuid": uuid.strip("{}"), "status": word,
                     "ip_configured": ips[0].split("/", 1)[0] if ips else "-",
                     "type": "CT", "name": name})
    # name_sort_fn (std::sort: equal names in no set order; here by UUID)
    rows.sort(key=lambda row: (row["name"], row["uuid"]))
    for row in rows:
        row["name"] = row["name"] or "-"   # handle_empty_str()
    return rows


def list_(host, args, out):
    """PrlSrv::list_vm() with the default fields, as JSON."""
    opts, bad = _options(args, {"-a": None, "--all": None, "-j": None, "--json": None,
                                "--vmtype": "vmtype"})
    if opts is None:
        out.stderr("Unrecognized option: %s" % bad)
        return RC_USAGE
    if opts.get("vmtype") not in (None, "ct", "all"):
        out.stderr("Invalid VM type: %s" % opts["vmtype"])
        return RC_USAGE
    if not (opts.get("-j") or opts.get("--json")):
        out.stderr("prlctl list: the emulator's stand-in writes only -j (JSON) output")
        return RC_USAGE
    rows = _rows(bool(opts.get("-a") or opts.get("--all")))
    # PrlOutFormatterJSON: open_list(), a tbl_row_open()/close() per row, close_list()
    objects = []
    for row in rows:
        items = ["\t\t\"%s\": %s" % (field, _json_string(row[field])) for field in DEFAULT_FIELDS]
        objects.append("\t{\n" + ",\n".join(items) + "\n\t}")
    out.raw_stdout("[\n" + ",\n".join(objects) + "\n]\n")
    return 0


def main(host, argv, out):
    args = list(argv)
    if host.legacy:
        # not on a legacy host's PATH (harness); run by path it finds no dispatcher
        out.stderr("Unable to connect to Virtuozzo. You may not have sufficient permissions.")
        return 253
    if not args:
        out.stderr(USAGE)
        return RC_USAGE
    action = args.pop(0)
    if action == "create":
        return create(host, args, out)
    if action == "list":
        return list_(host, args, out)
    from . import prlctl_backup
    if action in prlctl_backup.ACTIONS:
        out.stderr(DEPRECATED)
        return prlctl_backup.run(action, host, args, out)
    out.stderr("Unknown action: %s" % action)
    out.stderr(USAGE)
    return RC_USAGE
