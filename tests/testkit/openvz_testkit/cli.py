"""openvz-testkit: a user's playbook against emulated OpenVZ hypervisors.

Each hypervisor is one of the harness's multi-host lab (tests/harness/multihost.py):
its own network and mount namespaces, the emulator's vzctl, vzlist, vzpkg and
prlctl first on PATH, reached over real ssh. The user's own ansible-playbook
runs in the lab's controller network namespace with the user's inventory plus
a layer (a last ``-i``) that points the chosen inventory hosts at those
hypervisors; every other variable of the user's inventory stays.

  openvz-testkit run PLAYBOOK [-i INV] [-e VARS] [--check] [--diff] [-v]
  openvz-testkit up --state DIR [...]; openvz-testkit run --state DIR PLAYBOOK; openvz-testkit down --state DIR
"""

import argparse
import importlib.metadata
import json
import os
import re
import shlex
import shutil
import signal
import subprocess
import sys
import tempfile
import time
from pathlib import Path

_HERE = Path(__file__).resolve().parent
# Installed: the repository's emulator and harness ship under _repo/ at their
# repository paths (build_backend.py). Run from a clone: the clone's own.
_REPO = _HERE / "_repo" if (_HERE / "_repo").is_dir() else _HERE.parents[2]
for _path in (_REPO / "tests" / "emulator", _REPO / "tests"):
    if str(_path) not in sys.path:
        sys.path.insert(0, str(_path))

# pylint: disable=wrong-import-position
from harness import calllog, multihost, namespace  # noqa: E402
from harness.host import FLAVOURS  # noqa: E402
from harness.pyrootfs import build_python_template  # noqa: E402
from harness.rootfs import build_templates  # noqa: E402

PROG = "openvz-testkit"
STATE_FILE = "testkit-state.json"
LAYER_DIR = "testkit-inventory"
HOLD_LOG = "hold.log"
DEFAULT_GROUP = "hypervisors"
# What a bare --template NAME is made of: the harness's busybox root filesystem.
BASE_TEMPLATE = "debian-12.0-x86_64-minimal"
# Inventory host names and OS template names the kit accepts (whole string).
HOST_NAME = re.compile(r"[A-Za-z0-9_][A-Za-z0-9_.-]{0,62}\Z")
GROUP_NAME = re.compile(r"[A-Za-z_][A-Za-z0-9_]{0,62}\Z")
TEMPLATE_NAME = re.compile(r"[A-Za-z0-9][A-Za-z0-9_.-]{0,99}\Z")
# OpenVZ 7 EZ template names: <osname>-<osver>-<arch>[-<set>] (vztt; tests/emulator/vzemu/ezrepo.py).
EZ_TEMPLATE_NAME = re.compile(r"[A-Za-z0-9_.]+-[A-Za-z0-9_.]+-[A-Za-z0-9_]+(-[A-Za-z0-9_.-]+)?\Z")
TARBALL_SUFFIXES = (".tar", ".tar.gz", ".tar.xz", ".tar.bz2")
# Names the default selection never turns into a hypervisor: ansible's implicit localhost.
LOCAL_NAMES = frozenset(("localhost", "127.0.0.1", "::1"))
STOP_SIGNALS = (signal.SIGTERM, signal.SIGHUP)
HOLD_START_TIMEOUT = 120
# Short, so ssh's control sockets fit its path limit; one dir per lab.
CONTROL_DIRS = Path("/run/openvz-testkit") if Path("/run").is_dir() else Path(tempfile.gettempdir()) / "openvz-testkit-cp"
HOLD_STOP_TIMEOUT = 60


class UsageError(Exception):
    """A bad command line or environment: printed as `openvz-testkit: ...`, exit 2."""


# ---------------------------------------------------------------- arguments

def _add_inventory_args(parser):
    parser.add_argument("-i", "--inventory", action="append", default=[], metavar="INVENTORY",
                        help="the user's inventory (repeatable, as for ansible-playbook)")
    parser.add_argument("-e", "--extra-vars", action="append", default=[], metavar="VARS",
                        help="extra variables, passed to ansible-playbook (repeatable)")
    parser.add_argument("-l", "--limit", help="passed to ansible-playbook")
    parser.add_argument("--ansible-playbook", default=None, metavar="PATH",
                        help="the ansible-playbook to run (default: the one on PATH)")
    parser.add_argument("--collections-path", default=None, metavar="PATH",
                        help="where ansible finds openvz.vz (ANSIBLE_COLLECTIONS_PATH; default: ansible's own configuration)")


def _add_lab_args(parser):
    parser.add_argument("--flavour", choices=FLAVOURS, default="legacy",
                        help="the hypervisors' OpenVZ: legacy (vzctl 4, OpenVZ 6) or vz7 (OpenVZ 7); default legacy")
    parser.add_argument("--hypervisor", action="append", default=[], metavar="NAME[=FLAVOUR]",
                        help="an inventory host that becomes an emulated hypervisor (repeatable)")
    parser.add_argument("--group", default=None,
                        help="every host of this inventory group becomes an emulated hypervisor")
    parser.add_argument("--hypervisors", type=int, default=None, metavar="N",
                        help="without -i: N hypervisors hv1..hvN in group 'hypervisors' (default 1)")
    parser.add_argument("--template", action="append", default=[], metavar="NAME[=TARBALL]",
                        help="an OS template cache on every hypervisor: the user's tarball, or a tiny busybox root "
                        "filesystem under NAME (repeatable; default: %s and centos-7-x86_64)" % BASE_TEMPLATE)
    parser.add_argument("--python-template", action="append", default=[], metavar="NAME",
                        help="an OS template whose root filesystem has this machine's Python 3 (for tasks inside "
                        "containers through the openvz.vz.vzctl connection)")
    parser.add_argument("--python", default=None, metavar="PATH",
                        help="the hypervisors' Python for modules (ansible_python_interpreter; default: the kit's own, "
                        "which has lxml)")
    parser.add_argument("--cache-dir", default=None, metavar="DIR",
                        help="where built templates are kept (default: $XDG_CACHE_HOME/openvz-testkit)")


def kit_version():
    try:
        return importlib.metadata.version("openvz-vz-testkit")
    except importlib.metadata.PackageNotFoundError:
        return "(not installed: run from a clone)"


def parse_args(argv):
    parser = argparse.ArgumentParser(prog=PROG, description=__doc__.split("\n", 1)[0])
    parser.add_argument("--version", action="version", version="%(prog)s " + kit_version())
    # `hold` is internal (the process `up` leaves): not listed.
    sub = parser.add_subparsers(dest="command", required=True, metavar="{run,up,down}")

    run = sub.add_parser("run", help="run a playbook against emulated hypervisors and print the tool calls it caused")
    run.add_argument("playbook")
    _add_inventory_args(run)
    _add_lab_args(run)
    run.add_argument("-C", "--check", action="store_true", help="passed to ansible-playbook")
    run.add_argument("-D", "--diff", action="store_true", help="passed to ansible-playbook")
    run.add_argument("-v", "--verbose", action="count", default=0, help="passed to ansible-playbook (-vvv...)")
    run.add_argument("-t", "--tags", help="passed to ansible-playbook")
    run.add_argument("--skip-tags", help="passed to ansible-playbook")
    run.add_argument("--state", default=None, metavar="DIR",
                     help="use the hypervisors `up --state DIR` started (they stay for the next run)")

    up = sub.add_parser("up", help="start hypervisors that stay until `down` (for several runs)")
    up.add_argument("playbook", nargs="?", help="choose the hypervisors as `run` would for this playbook")
    up.add_argument("--state", required=True, metavar="DIR", help="a new or empty directory that keeps them")
    _add_inventory_args(up)
    _add_lab_args(up)

    down = sub.add_parser("down", help="stop the hypervisors of `up --state DIR` and remove what it made")
    down.add_argument("--state", required=True, metavar="DIR")

    hold = sub.add_parser("hold", help=argparse.SUPPRESS)
    hold.add_argument("config")

    parser.epilog = "run: arguments after -- go to ansible-playbook as they are"
    # Split by hand: argparse's REMAINDER would also swallow the kit's options after PLAYBOOK.
    own, passed = (argv[:argv.index("--")], argv[argv.index("--") + 1:]) if "--" in argv else (argv, [])
    args = parser.parse_args(own)
    if passed and args.command != "run":
        parser.error("only run passes arguments after -- to ansible-playbook")
    args.ansible_args = passed
    return args


# ---------------------------------------------------------------- choosing the hypervisors

def ansible_tool(args, tool):
    """`tool` (ansible-playbook, ansible-inventory) of the user's ansible."""
    playbook = args.ansible_playbook or shutil.which("ansible-playbook")
    if not playbook or not os.access(playbook, os.X_OK):
        raise UsageError("no ansible-playbook: put ansible-core on PATH or name it with --ansible-playbook")
    playbook = os.path.abspath(playbook)
    if tool == "ansible-playbook":
        return playbook
    sibling = os.path.join(os.path.dirname(playbook), tool)
    return sibling if os.access(sibling, os.X_OK) else (shutil.which(tool) or sibling)


def ansible_environ(args, base=None):
    env = dict(os.environ if base is None else base)
    if args.collections_path:
        env["ANSIBLE_COLLECTIONS_PATH"] = os.path.abspath(args.collections_path)
    return env


def _inventory_argv(args):
    argv = []
    for inventory in args.inventory:
        argv += ["-i", inventory]
    for extra in args.extra_vars:
        argv += ["-e", extra]
    return argv


def _checked(proc, what):
    if proc.returncode != 0:
        raise UsageError("%s failed (rc=%d):\n%s%s" % (what, proc.returncode, proc.stdout, proc.stderr))
    return proc.stdout


def listed_hosts(text):
    """Host names, in order, from `ansible-playbook --list-hosts` output."""
    hosts, indent = [], None
    for line in text.splitlines():
        stripped = line.strip()
        width = len(line) - len(line.lstrip())
        if re.fullmatch(r"hosts \(\d+\):", stripped):
            indent = width
        elif indent is not None and stripped and width > indent:
            if stripped not in hosts:
                hosts.append(stripped)
        else:
            indent = None
    return hosts


def user_inventory(args, env):
    """`ansible-inventory --list` of the user's inventory (JSON)."""
    proc = subprocess.run([ansible_tool(args, "ansible-inventory")] + _inventory_argv(args) + ["--list"],
                          capture_output=True, text=True, env=env, stdin=subprocess.DEVNULL, check=False)
    return json.loads(_checked(proc, "ansible-inventory --list"))


def group_hosts(inventory, group):
    """Hosts of `group` and its children, from `ansible-inventory --list` JSON."""
    if group not in inventory:
        raise UsageError("the inventory has no group %r" % group)
    found, pending = [], [group]
    while pending:
        entry = inventory.get(pending.pop(0), {})
        found += [host for host in entry.get("hosts", []) if host not in found]
        pending += entry.get("children", [])
    if not found:
        raise UsageError("group %r of the inventory has no hosts" % group)
    return found


def _named_hypervisors(args):
    chosen = []
    for spec in args.hypervisor:
        name, flavour = spec.partition("=")[::2]
        if not HOST_NAME.match(name):
            raise UsageError("--hypervisor %r: not an inventory host name" % spec)
        if flavour and flavour not in FLAVOURS:
            raise UsageError("--hypervisor %r: flavour must be one of %s" % (spec, ", ".join(FLAVOURS)))
        chosen.append((name, flavour or args.flavour))
    return chosen


def choose_hypervisors(args):
    """[(inventory host name, flavour)] and the group the layer puts them in
    (None: they are the user's inventory's hosts)."""
    chosen = _named_hypervisors(args)
    if args.group is not None and not GROUP_NAME.match(args.group):
        raise UsageError("--group %r: not an inventory group name" % args.group)
    if args.hypervisors is not None and (args.inventory or chosen or args.group):
        raise UsageError("--hypervisors N is for runs without -i, --hypervisor and --group")
    if args.hypervisors is not None and not 1 <= args.hypervisors <= 50:
        raise UsageError("--hypervisors must be 1 to 50")
    if not args.inventory:
        if chosen:
            return chosen, args.group or DEFAULT_GROUP
        return ([("hv%d" % n, args.flavour) for n in range(1, (args.hypervisors or 1) + 1)],
                args.group or DEFAULT_GROUP)
    env = ansible_environ(args)
    if chosen:
        known = group_hosts(user_inventory(args, env), "all")
        unknown = [name for name, flavour in chosen if name not in known]
        if unknown:
            raise UsageError("--hypervisor %s: not a host of the inventory" % ", ".join(unknown))
        return chosen, None
    if args.group:
        names = group_hosts(user_inventory(args, env), args.group)
    elif getattr(args, "playbook", None):
        argv = [ansible_tool(args, "ansible-playbook")] + _inventory_argv(args) + ["--list-hosts"]
        argv += ["--limit", args.limit] if args.limit else []
        proc = subprocess.run(argv + [args.playbook], capture_output=True, text=True, env=env,
                              stdin=subprocess.DEVNULL, check=False)
        names = [name for name in listed_hosts(_checked(proc, "ansible-playbook --list-hosts"))
                 if name not in LOCAL_NAMES]
        if not names:
            raise UsageError("the playbook targets no host of the inventory (name them with --hypervisor or --group)")
    else:
        raise UsageError("with -i, name the hypervisors: --group GROUP, --hypervisor NAME, or a playbook")
    for name in names:
        if not HOST_NAME.match(name):
            raise UsageError("inventory host %r cannot be an emulated hypervisor: its name is more than letters, "
                             "digits, '_', '.' and '-'" % name)
    # Sorted, so each host gets the same address whatever order ansible lists them in.
    return [(name, args.flavour) for name in sorted(names)], None


def choose_templates(args, cache_dir, flavours):
    """OS template name -> tarball for every hypervisor (of `flavours`)."""
    base = build_templates(cache_dir / "templates")
    templates = {} if (args.template or args.python_template) else dict(base)
    for spec in args.template:
        name, sep, tarball = spec.partition("=")
        if not TEMPLATE_NAME.match(name):
            raise UsageError("--template %r: not an OS template name" % spec)
        if not sep:
            templates[name] = base[BASE_TEMPLATE]
            continue
        path = Path(tarball).expanduser()
        if not path.is_file() or not path.name.endswith(TARBALL_SUFFIXES):
            raise UsageError("--template %r: %s is not a .tar, .tar.gz, .tar.xz or .tar.bz2 file" % (spec, tarball))
        templates[name] = str(path.resolve())
    if args.python_template:
        python_tarball = next(iter(build_python_template(cache_dir / "templates-python").values()))
        for name in args.python_template:
            if not TEMPLATE_NAME.match(name):
                raise UsageError("--python-template %r: not an OS template name" % name)
            templates[name] = python_tarball
    if "vz7" in flavours:
        for name in sorted(templates):
            if not EZ_TEMPLATE_NAME.match(name):
                raise UsageError("template %r: an OpenVZ 7 (vz7) template name is <osname>-<osver>-<arch>[-<set>]" % name)
    return templates


def cache_dir(args):
    if args.cache_dir:
        return Path(args.cache_dir).resolve()
    base = os.environ.get("XDG_CACHE_HOME") or os.path.join(os.path.expanduser("~"), ".cache")
    return Path(base) / PROG


# ---------------------------------------------------------------- the lab and its layer

def start_lab(args, workdir):
    """Start the hypervisors; return the started Lab and the session description."""
    hypervisors, group = choose_hypervisors(args)
    templates = choose_templates(args, cache_dir(args), {flavour for name, flavour in hypervisors})
    lab = multihost.Lab(workdir / "lab", flavours=[flavour for name, flavour in hypervisors], templates=templates)
    # ssh's ControlPath must stay under 108 bytes: a deep --state or $TMPDIR would exceed it.
    sweep_control_dirs()
    lab.control_path_dir = CONTROL_DIRS / lab.tag
    lab.control_path_dir.parent.mkdir(mode=0o700, exist_ok=True)
    try:
        lab.__enter__()  # pylint: disable=unnecessary-dunder-call
    except BaseException:
        # The lab has stopped itself; only its control dir is ours to remove.
        shutil.rmtree(lab.control_path_dir, ignore_errors=True)
        raise
    session = {
        "ctl_netns": str(lab.ctl_netns_path),
        "control_path_dir": str(lab.control_path_dir),
        "group": group,
        "hypervisors": [
            {"name": name, "flavour": hv.flavour, "address": hv.address,
             "calls": str(hv.upper_var / "lib" / "vzemu" / "calls.jsonl")}
            for (name, flavour), hv in zip(hypervisors, lab.hypervisors)],
        "vars": dict(lab.inventory_vars(), ansible_python_interpreter=os.path.abspath(args.python or sys.executable)),
    }
    return lab, session


def sweep_control_dirs():
    """Remove control socket dirs of labs whose kit process is gone (killed)."""
    if not CONTROL_DIRS.is_dir():
        return
    for entry in CONTROL_DIRS.iterdir():
        pid = entry.name[len(multihost.NETNS_PREFIX):].split("x", 1)[0]
        if entry.name.startswith(multihost.NETNS_PREFIX) and pid.isdigit() and not os.path.exists("/proc/" + pid):
            shutil.rmtree(entry, ignore_errors=True)


def stop_lab(lab):
    lab.stop()
    shutil.rmtree(lab.control_path_dir, ignore_errors=True)


def write_layer(session, layer):
    """The inventory layer, a directory given as the last -i.

    Its connection variables are in host_vars/ files beside it: those win over
    the user's inventory files and over host_vars/ beside the user's
    inventory (a later source wins at the same level); only host_vars/ beside
    the playbook and -e would win over them.
    """
    layer = Path(layer)
    (layer / "host_vars").mkdir(parents=True)
    hosts = {hypervisor["name"]: None for hypervisor in session["hypervisors"]}
    if session["group"]:
        inventory = {"all": {"children": {session["group"]: {"hosts": hosts}}}}
    else:
        inventory = {"all": {"hosts": hosts}}
    # JSON is YAML; the .yml names make ansible's yaml inventory plugin and host_vars read them.
    (layer / "hosts.yml").write_text(json.dumps(inventory, indent=2) + "\n", encoding="utf-8")
    for hypervisor in session["hypervisors"]:
        host_vars = dict(session["vars"], ansible_host=hypervisor["address"], ansible_port=22, ansible_connection="ssh")
        (layer / "host_vars" / (hypervisor["name"] + ".yml")).write_text(json.dumps(host_vars, indent=2) + "\n",
                                                                         encoding="utf-8")


def call_line(call):
    kind = "change" if calllog.is_mutating(call) else "read"
    return "  [%-6s] rc=%-3s %s" % (kind, call.get("rc"), shlex.join([call["tool"]] + list(call["argv"])))


def print_calls(session, before):
    """The emulator's calls of each hypervisor since `before` (name -> count)."""
    print()
    for hypervisor in session["hypervisors"]:
        calls = calllog.read_calls(hypervisor["calls"])[before.get(hypervisor["name"], 0):]
        changing = sum(1 for call in calls if calllog.is_mutating(call))
        print("=== %s: tool calls on %s (emulated %s hypervisor, %s): %d, %d changing ===" % (
            PROG, hypervisor["name"], hypervisor["flavour"], hypervisor["address"], len(calls), changing))
        for call in calls:
            print(call_line(call))
    sys.stdout.flush()


def call_counts(session):
    return {hv["name"]: len(calllog.read_calls(hv["calls"])) for hv in session["hypervisors"]}


def playbook_argv(args, layer):
    argv = [ansible_tool(args, "ansible-playbook")]
    for inventory in args.inventory:
        argv += ["-i", inventory]
    argv += ["-i", str(layer)]
    for extra in args.extra_vars:
        argv += ["-e", extra]
    argv += ["--check"] if args.check else []
    argv += ["--diff"] if args.diff else []
    argv += ["-" + "v" * args.verbose] if args.verbose else []
    for option in ("limit", "tags", "skip_tags"):
        if getattr(args, option):
            argv += ["--" + option.replace("_", "-"), getattr(args, option)]
    return argv + list(args.ansible_args) + [args.playbook]


def run_playbook(args, session, layer):
    """The user's ansible-playbook in the lab's controller namespace; its exit code."""
    env = ansible_environ(args)
    env["ANSIBLE_SSH_CONTROL_PATH_DIR"] = session["control_path_dir"]
    env["ANSIBLE_HOST_KEY_CHECKING"] = "False"
    # Defaults for every other ssh connection to a hypervisor (openvz.vz.vzctl for tasks in
    # containers): the namespace reaches only the lab, so no other key or ssh option can apply.
    env["ANSIBLE_PRIVATE_KEY_FILE"] = session["vars"]["ansible_ssh_private_key_file"]
    env["ANSIBLE_SSH_COMMON_ARGS"] = session["vars"]["ansible_ssh_common_args"]
    argv = playbook_argv(args, layer)
    names = ", ".join("%s (%s, %s)" % (hv["name"], hv["flavour"], hv["address"]) for hv in session["hypervisors"])
    print("=== %s: %s against emulated hypervisors %s ===" % (PROG, args.playbook, names), flush=True)
    before = call_counts(session)
    try:
        return subprocess.run(["nsenter", "--net=%s" % session["ctl_netns"], "--"] + argv, env=env,
                              check=False).returncode
    finally:
        print_calls(session, before)


# ---------------------------------------------------------------- commands

def _stop_on_signals():
    """SIGTERM and SIGHUP end a run like Ctrl-C does, so the cleanup runs."""
    def handler(signum, frame):  # pylint: disable=unused-argument
        raise KeyboardInterrupt()
    for sig in STOP_SIGNALS:
        signal.signal(sig, handler)


def _require_root():
    reason = namespace.isolation_unavailable_reason()
    if reason:
        raise UsageError("%s; run it as root (in CI: sudo)" % reason)


def cmd_run(args):
    _require_root()
    _stop_on_signals()
    if args.state:
        if args.hypervisor or args.group or args.hypervisors or args.template or args.python_template or args.python:
            raise UsageError("with --state the hypervisors are those `up` started; give these options to `up`")
        session = read_state(Path(args.state))
        return run_playbook(args, session, Path(args.state) / LAYER_DIR)
    workdir = Path(tempfile.mkdtemp(prefix="openvz-testkit-"))
    lab = None
    try:
        lab, session = start_lab(args, workdir)
        write_layer(session, workdir / LAYER_DIR)
        return run_playbook(args, session, workdir / LAYER_DIR)
    finally:
        if lab is not None:
            stop_lab(lab)
        shutil.rmtree(workdir, ignore_errors=True)


def read_state(state_dir):
    path = state_dir / STATE_FILE
    try:
        session = json.loads(path.read_text(encoding="utf-8"))
    except FileNotFoundError:
        raise UsageError("%s has no hypervisors: start them with `%s up --state %s`" % (state_dir, PROG, state_dir)) from None
    if not _alive(session["pid"]):
        raise UsageError("the hypervisors of %s are gone (their holder %d ended; see %s): run `down` then `up`"
                         % (state_dir, session["pid"], state_dir / HOLD_LOG))
    return session


def _alive(pid):
    try:
        os.kill(pid, 0)
    except ProcessLookupError:
        return False
    except PermissionError:
        return True
    try:
        with open("/proc/%d/stat" % pid, encoding="ascii") as handle:
            return handle.read().rsplit(")", 1)[1].split()[0] != "Z"
    except OSError:
        return False


def cmd_up(args):
    _require_root()
    state_dir = Path(args.state).resolve()
    if state_dir.exists() and (not state_dir.is_dir() or any(state_dir.iterdir())):
        raise UsageError("--state %s must be a new or empty directory" % args.state)
    # Checked here, where the errors can be shown; the holder chooses again (the templates are cached by then).
    hypervisors = choose_hypervisors(args)[0]
    choose_templates(args, cache_dir(args), {flavour for name, flavour in hypervisors})
    state_dir.mkdir(parents=True, exist_ok=True)
    config = dict(vars(args), state=str(state_dir))
    config.pop("command")
    log = open(state_dir / HOLD_LOG, "wb")  # pylint: disable=consider-using-with
    holder = subprocess.Popen([sys.executable, "-m", "openvz_testkit", "hold", json.dumps(config)],
                              stdin=subprocess.DEVNULL, stdout=subprocess.PIPE, stderr=log, text=True,
                              start_new_session=True, cwd=os.getcwd(),
                              env=dict(os.environ, PYTHONPATH=os.pathsep.join(filter(None, [str(_HERE.parent), os.environ.get("PYTHONPATH")]))))
    log.close()
    line = holder.stdout.readline()
    holder.stdout.close()
    if not line.startswith("READY"):
        holder.wait(timeout=HOLD_START_TIMEOUT)
        message = (state_dir / HOLD_LOG).read_text(encoding="utf-8", errors="replace")[-3000:]
        _remove_state(state_dir)
        raise UsageError("the hypervisors did not start:\n%s" % message)
    session = read_state(state_dir)
    for hypervisor in session["hypervisors"]:
        print("%s: %s is an emulated %s hypervisor at %s" % (PROG, hypervisor["name"], hypervisor["flavour"], hypervisor["address"]))
    print("%s: they stay until `%s down --state %s`" % (PROG, PROG, args.state))
    return 0


def cmd_hold(args):
    """The process that keeps the hypervisors of `up` until SIGTERM (from `down`)."""
    config = argparse.Namespace(**json.loads(args.config))
    state_dir = Path(config.state)
    signal.pthread_sigmask(signal.SIG_BLOCK, STOP_SIGNALS + (signal.SIGINT,))
    lab = None
    try:
        lab, session = start_lab(config, state_dir)
        write_layer(session, state_dir / LAYER_DIR)
        session["pid"] = os.getpid()
        (state_dir / STATE_FILE).write_text(json.dumps(session, indent=1), encoding="utf-8")
        print("READY", flush=True)
        signal.sigwait(STOP_SIGNALS + (signal.SIGINT,))
    finally:
        if lab is not None:
            stop_lab(lab)
    return 0


def _remove_state(state_dir):
    for name in (STATE_FILE, HOLD_LOG):
        (state_dir / name).unlink(missing_ok=True)
    for name in ("lab", LAYER_DIR):
        shutil.rmtree(state_dir / name, ignore_errors=True)
    if state_dir.is_dir() and not any(state_dir.iterdir()):
        state_dir.rmdir()


def cmd_down(args):
    state_dir = Path(args.state).resolve()
    path = state_dir / STATE_FILE
    if not path.exists():
        raise UsageError("%s has no hypervisors of `up`" % args.state)
    pid = json.loads(path.read_text(encoding="utf-8"))["pid"]
    if _alive(pid):
        os.kill(pid, signal.SIGTERM)
        deadline = time.monotonic() + HOLD_STOP_TIMEOUT
        while _alive(pid) and time.monotonic() < deadline:
            time.sleep(0.1)
        if _alive(pid):
            raise UsageError("the holder %d of %s did not stop within %ds" % (pid, args.state, HOLD_STOP_TIMEOUT))
    _remove_state(state_dir)
    print("%s: stopped the hypervisors of %s" % (PROG, args.state))
    return 0


COMMANDS = {"run": cmd_run, "up": cmd_up, "down": cmd_down, "hold": cmd_hold}


def main(argv=None):
    args = parse_args(list(sys.argv[1:] if argv is None else argv))
    try:
        return COMMANDS[args.command](args)
    except UsageError as error:
        print("%s: %s" % (PROG, error), file=sys.stderr)
        return 2
    except KeyboardInterrupt:
        print("%s: interrupted" % PROG, file=sys.stderr)
        return 130
    except RuntimeError as error:
        # The lab's own errors (a missing tool, a hypervisor that did not start).
        print("%s: %s" % (PROG, error), file=sys.stderr)
        return 2
