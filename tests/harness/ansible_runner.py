"""Run the real `ansible-playbook` / `ansible` commands and read their results."""

import itertools
import json
import os
import subprocess
import sys
from dataclasses import dataclass, field
from pathlib import Path

from harness.paths import CALLBACK_DIR, REPO_ROOT, VENV_BIN

COLLECTION = ("openvz", "vz")


def default_ansible_bin():
    """The ansible commands next to the running Python when it has them (a
    matrix venv of tests/matrix running the unit tests under its core), else
    .venv's."""
    here = Path(sys.executable).parent
    return here if (here / "ansible-playbook").exists() else VENV_BIN


@dataclass
class AnsibleResult:
    """What one ansible run did: exit code, output, per-task results, stats."""

    argv: list
    rc: int
    stdout: str
    stderr: str
    tasks: list = field(default_factory=list)
    stats: dict = field(default_factory=dict)

    def task(self, name, host="localhost"):
        """The last result of the task called `name` on `host`."""
        matches = [t for t in self.tasks if t["name"] == name and t["host"] == host]
        if not matches:
            raise KeyError("no task %r on %s; tasks: %s"
                           % (name, host, [t["name"] for t in self.tasks]))
        return matches[-1]

    @property
    def changed_tasks(self):
        return [t for t in self.tasks if t["changed"]]

    @property
    def failed_tasks(self):
        return [t for t in self.tasks if t["failed"]]

    def __repr__(self):
        return "<AnsibleResult rc=%s tasks=%d failed=%d>" % (
            self.rc, len(self.tasks), len(self.failed_tasks))

    def __str__(self):
        return "$ %s\nrc=%s\n--- stdout\n%s\n--- stderr\n%s" % (
            " ".join(self.argv), self.rc, self.stdout, self.stderr)


def read_results(path):
    """(tasks, stats) from the harness_jsonl callback's file."""
    tasks, stats = [], {}
    if not Path(path).exists():
        return tasks, stats
    with open(path, encoding="utf-8") as handle:
        for line in handle:
            record = json.loads(line)
            if record.pop("event") == "stats":
                stats = record["stats"]
            else:
                tasks.append(record)
    return tasks, stats


class AnsibleEnv:
    """A private Ansible setup: the collection on its path, a localhost inventory.

    The environment of each run is taken from os.environ at call time, so a
    PATH set by the openvz_host fixture reaches the modules.
    """

    def __init__(self, root, python=None, collection_source=REPO_ROOT, bin_dir=None):
        """`python`: the modules' interpreter (default: the one next to the
        commands); `bin_dir`: where ansible-playbook and ansible are (default:
        default_ansible_bin())."""
        self.root = Path(root)
        self.bin_dir = Path(bin_dir or default_ansible_bin())
        self.python = str(python or self.bin_dir / "python")
        self.collections_path = self.root / "collections"
        link = self.collections_path.joinpath("ansible_collections", *COLLECTION)
        link.parent.mkdir(parents=True, exist_ok=True)
        if not link.is_symlink():
            # A symlink is enough for ansible itself (not for ansible-test).
            link.symlink_to(collection_source, target_is_directory=True)
        self.tmp = self.root / "tmp"
        self.tmp.mkdir(exist_ok=True)
        self.inventory = self.root / "inventory.ini"
        # Explicit interpreter: discovery can pick a broken pyenv shim here.
        self.inventory.write_text(
            "localhost ansible_connection=local ansible_python_interpreter=%s\n" % self.python,
            encoding="utf-8")
        self._counter = itertools.count(1)

    def environ(self, results_file, base=None):
        env = dict(os.environ if base is None else base)
        env.update({
            "ANSIBLE_COLLECTIONS_PATH": str(self.collections_path),
            "ANSIBLE_CALLBACK_PLUGINS": str(CALLBACK_DIR),
            "ANSIBLE_CALLBACKS_ENABLED": "harness_jsonl",
            "HARNESS_RESULTS_FILE": str(results_file),
            # `ansible` (ad hoc) loads no callback but stdout's without it.
            "ANSIBLE_LOAD_CALLBACK_PLUGINS": "1",
            "ANSIBLE_NOCOLOR": "1",
            "ANSIBLE_FORCE_COLOR": "0",
            "ANSIBLE_RETRY_FILES_ENABLED": "0",
            "ANSIBLE_LOCAL_TEMP": str(self.tmp),
            "ANSIBLE_DEPRECATION_WARNINGS": "1",
        })
        # cwd is our own root, so no stray ansible.cfg applies; make sure
        # none is named from outside either.
        env.pop("ANSIBLE_CONFIG", None)
        # Output is parsed from the callback file; stdout stays the default.
        env.pop("ANSIBLE_STDOUT_CALLBACK", None)
        return env

    def _run(self, argv, timeout):
        results_file = self.root / ("results-%d.jsonl" % next(self._counter))
        proc = subprocess.run(argv, cwd=self.root, env=self.environ(results_file),
                              capture_output=True, text=True, timeout=timeout,
                              stdin=subprocess.DEVNULL, check=False)
        tasks, stats = read_results(results_file)
        return AnsibleResult(argv=argv, rc=proc.returncode, stdout=proc.stdout,
                             stderr=proc.stderr, tasks=tasks, stats=stats)

    def playbook_path(self, playbook):
        """A path as is; YAML text is written to a file first."""
        if isinstance(playbook, Path) or "\n" not in str(playbook):
            path = Path(playbook)
            if not path.is_file():
                raise FileNotFoundError("playbook %s not found" % path)
            return path.resolve()
        path = self.root / ("playbook-%d.yml" % next(self._counter))
        path.write_text(playbook, encoding="utf-8")
        return path

    def run_playbook(self, playbook, extra_vars=None, check=False, diff=False,
                     extra_args=(), timeout=900):
        """Run `ansible-playbook` on a playbook path or YAML text."""
        argv = [str(self.bin_dir / "ansible-playbook"), "-i", str(self.inventory),
                str(self.playbook_path(playbook))]
        if extra_vars:
            argv += ["-e", json.dumps(extra_vars)]
        if check:
            argv.append("--check")
        if diff:
            argv.append("--diff")
        argv += list(extra_args)
        return self._run(argv, timeout)

    def run_adhoc(self, module, args=None, hosts="localhost", check=False, diff=False,
                  timeout=300):
        """Run one module with `ansible`; `args` is a dict (sent as JSON) or a string."""
        argv = [str(self.bin_dir / "ansible"), "-i", str(self.inventory), hosts, "-m", module]
        if args:
            argv += ["-a", json.dumps(args) if isinstance(args, dict) else str(args)]
        if check:
            argv.append("--check")
        if diff:
            argv.append("--diff")
        return self._run(argv, timeout)


def plain(data):
    """ansible-inventory writes an unsafe value as {"__ansible_unsafe": value}: the value."""
    if isinstance(data, dict):
        if set(data) == {"__ansible_unsafe"}:
            return data["__ansible_unsafe"]
        return {key: plain(value) for key, value in data.items()}
    if isinstance(data, list):
        return [plain(item) for item in data]
    return data
