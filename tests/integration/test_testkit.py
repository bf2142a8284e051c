"""The shipped test kit (tests/testkit): a user's playbook against emulated hypervisors.

Done as a user would: the wheel is built (offline, no build isolation) and
installed into a fresh venv outside the repository, the collection tarball is
built and installed into a collections path of its own, and a playbook and
inventory written outside the repository are run with `openvz-testkit`. The
guide's example (docs/docsite/rst/guide_testkit.rst) runs as it is written.
"""
import os
import re
import shlex
import shutil
import signal
import subprocess
import sys
import sysconfig
import tempfile
import textwrap
import time
import zipfile
from pathlib import Path

import pytest

from harness import namespace
from harness.ansible_runner import default_ansible_bin
from harness.paths import CACHE_DIR, REPO_ROOT

GUIDE = REPO_ROOT / "docs" / "docsite" / "rst" / "guide_testkit.rst"
KIT_TIMEOUT = 300

SITE = """\
- name: Web containers
  hosts: hypervisors
  gather_facts: false
  tasks:
    - name: web1
      openvz.vz.container:
        ctid: 101
        name: web1
        ostemplate: ubuntu-22.04-x86_64
        hostname: web1.example.com
        memory: 512M
        state: started
"""
# The user's own check of the result, as a playbook of theirs would do it.
VERIFY = """\
- name: What the hypervisor holds
  hosts: hypervisors
  gather_facts: false
  tasks:
    - name: The container's config
      ansible.builtin.stat:
        path: /etc/vz/conf/101.conf
      register: conf
    - name: It is there exactly when expected
      ansible.builtin.assert:
        that: conf.stat.exists == (expect_created | bool)
    - name: Its text
      when: expect_created | bool
      ansible.builtin.slurp:
        src: /etc/vz/conf/101.conf
      register: text
    - name: The hostname the playbook set
      when: expect_created | bool
      ansible.builtin.assert:
        that: "'HOSTNAME=\\"web1.example.com\\"' in (text.content | b64decode)"
"""
INVENTORY = "[hypervisors]\novz1.example.com ansible_host=203.0.113.10 ansible_user=admin site=paris\n"


def _require_lab():
    reason = namespace.isolation_unavailable_reason()
    if reason:
        pytest.skip(reason)
    missing = [tool for tool in ("ip", "nsenter", "/usr/sbin/sshd", "ssh", "ssh-keygen") if not shutil.which(tool)]
    if missing:
        pytest.skip("missing %s: run `make apt-deps`" % ", ".join(missing))


def _run(argv, **kwargs):
    proc = subprocess.run([str(a) for a in argv], capture_output=True, text=True, check=False,
                          stdin=subprocess.DEVNULL, timeout=KIT_TIMEOUT, **kwargs)
    assert proc.returncode == 0, "%s\n%s\n%s" % (argv, proc.stdout, proc.stderr)
    return proc


class Kit:
    """The installed kit, the user's ansible and the installed collection."""

    def __init__(self, command, collections):
        self.command = command
        self.collections = collections
        ansible_bin = str(default_ansible_bin())
        self.env = {key: value for key, value in os.environ.items()
                    if not key.startswith(("ANSIBLE_", "VZEMU_", "PYTHON"))}
        self.env["PATH"] = os.pathsep.join([ansible_bin, self.env.get("PATH", os.defpath)])
        # Template tarballs built once across sessions, as a user's ~/.cache would keep them.
        self.env["XDG_CACHE_HOME"] = str(CACHE_DIR / "testkit-xdg")

    def __call__(self, args, cwd, tmpdir=None, env=None):
        """`openvz-testkit args` in `cwd` -> CompletedProcess (stdout and stderr
        together in .stdout; .pid the kit's, whose lab namespaces are named after it)."""
        run_env = dict(self.env, **(env or {}))
        if tmpdir is not None:
            run_env["TMPDIR"] = str(tmpdir)
        argv = [self.command] + [str(a) for a in args]
        with subprocess.Popen(argv, cwd=str(cwd), env=run_env, stdin=subprocess.DEVNULL, stdout=subprocess.PIPE,
                              stderr=subprocess.STDOUT, text=True) as proc:
            try:
                out = proc.communicate(timeout=KIT_TIMEOUT)[0]
            except subprocess.TimeoutExpired:
                proc.terminate()
                out = proc.communicate(timeout=60)[0]
        result = subprocess.CompletedProcess(argv, proc.returncode, out)
        result.pid = proc.pid
        return result


@pytest.fixture(scope="session")
def testkit():
    _require_lab()
    # Not in pytest's tmp dir (0700): the kit must be readable for the run as another user.
    top = Path(tempfile.mkdtemp(prefix="openvz-testkit-install-"))
    top.chmod(0o755)
    try:
        yield _install(top)
    finally:
        shutil.rmtree(top, ignore_errors=True)


def _install(top):
    _run([sys.executable, "-m", "pip", "wheel", "--no-deps", "--no-build-isolation", "--no-index",
          "-w", top / "wheels", REPO_ROOT / "tests" / "testkit"])
    wheel, = (top / "wheels").glob("openvz_vz_testkit-*-py3-none-any.whl")
    venv = top / "venv"
    _run([sys.executable, "-m", "venv", venv])
    # The user's environment: this interpreter's packages (ansible-core, lxml)
    # stand for what the user installed next to the kit; the kit itself is only the wheel.
    site, = (venv / "lib").glob("python3*/site-packages")
    (site / "users-packages.pth").write_text(sysconfig.get_paths()["purelib"] + "\n", encoding="utf-8")
    _run([venv / "bin" / "python", "-m", "pip", "install", "--no-deps", "--no-index", wheel])
    kit = Kit(str(venv / "bin" / "openvz-testkit"), top / "collections")
    galaxy = default_ansible_bin() / "ansible-galaxy"
    _run([galaxy, "collection", "build", "--output-path", top / "dist", REPO_ROOT], env=kit.env)
    tarball, = (top / "dist").glob("openvz-vz-*.tar.gz")
    _run([galaxy, "collection", "install", "-p", kit.collections, tarball], env=kit.env)
    assert (kit.collections / "ansible_collections" / "openvz" / "vz" / "galaxy.yml").exists() or \
        (kit.collections / "ansible_collections" / "openvz" / "vz" / "MANIFEST.json").exists()
    return kit


def _wheel_files(wheel):
    """name -> executable bit of each file in a wheel."""
    with zipfile.ZipFile(wheel) as archive:
        return {info.filename: bool((info.external_attr >> 16) & 0o111) for info in archive.infolist()}


def test_the_package_ships_the_emulator_and_the_harness_not_their_tests_nor_the_collection(tmp_path):
    _run([sys.executable, "-m", "build", "--sdist", "--no-isolation", "--outdir", tmp_path / "sdist",
          REPO_ROOT / "tests" / "testkit"])
    sdist, = (tmp_path / "sdist").glob("openvz_vz_testkit-*.tar.gz")
    # A wheel built from the sdist (what pip does with it) is the wheel built from the clone.
    _run([sys.executable, "-m", "pip", "wheel", "--no-deps", "--no-index", "-w", tmp_path / "from-sdist", sdist])
    _run([sys.executable, "-m", "pip", "wheel", "--no-deps", "--no-index", "-w", tmp_path / "from-clone",
          REPO_ROOT / "tests" / "testkit"])
    (from_sdist,), (from_clone,) = (tmp_path / "from-sdist").glob("*.whl"), (tmp_path / "from-clone").glob("*.whl")
    files = _wheel_files(from_clone)
    assert _wheel_files(from_sdist) == files
    repo = "openvz_testkit/_repo/tests/"
    for tool in ("emulator/bin/vzctl", "emulator/bin/vzlist", "emulator/bin/vzpkg", "emulator/bin-vz7/prlctl"):
        assert files[repo + tool], tool
    assert repo + "emulator/vzemu/cli.py" in files and repo + "harness/multihost.py" in files
    assert not [name for name in files if "/tests/emulator/tests/" in name or "/tests/harness/tests/" in name
                or "__pycache__" in name or "plugins/modules" in name]
    entry_points = [name for name in files if name.endswith(".dist-info/entry_points.txt")]
    with zipfile.ZipFile(from_clone) as archive:
        assert archive.read(entry_points[0]).decode() == "[console_scripts]\nopenvz-testkit = openvz_testkit.cli:main\n"


@pytest.fixture
def project(tmp_path):
    """A user's playbook directory outside the repository."""
    path = tmp_path / "project"
    path.mkdir()
    assert REPO_ROOT not in path.parents
    (path / "site.yml").write_text(SITE, encoding="utf-8")
    (path / "inventory.ini").write_text(INVENTORY, encoding="utf-8")
    return path


def _calls(output, host):
    """(header, call lines) the kit printed for `host`."""
    block = output[output.index("=== openvz-testkit: tool calls on %s " % host):].splitlines()
    calls = []
    for line in block[1:]:
        if not line.startswith("  ["):
            break
        calls.append(line.strip())
    return block[0], calls


def _recap(output, host):
    """(ok, changed, unreachable, failed) of `host` in the PLAY RECAP."""
    match = re.search(r"^%s\s+: ok=(\d+)\s+changed=(\d+)\s+unreachable=(\d+)\s+failed=(\d+)" % re.escape(host),
                      output, re.M)
    assert match, output
    return tuple(int(n) for n in match.groups())


def _lab_namespaces(pid):
    """Network namespaces of the lab the kit process `pid` made (named ovzlab<pid>x<n>-...)."""
    netns = Path("/run/netns")
    return sorted(p.name for p in netns.iterdir() if p.name.startswith("ovzlab%dx" % pid)) if netns.is_dir() else []


def test_check_mode_then_a_real_run_then_an_idempotent_one_on_a_kept_hypervisor(testkit, project, tmp_path):
    (project / "verify.yml").write_text(VERIFY, encoding="utf-8")
    inv = ["-i", "inventory.ini", "--collections-path", testkit.collections]
    state = tmp_path / "kept"
    up = testkit(["up", "--state", state, "site.yml", "--flavour", "vz7", "--template", "ubuntu-22.04-x86_64"] + inv, project)
    assert up.returncode == 0, up.stdout
    assert "ovz1.example.com is an emulated vz7 hypervisor at 10.213.0.11" in up.stdout
    try:
        checked = testkit(["run", "--state", state, "site.yml", "--check", "--diff"] + inv, project)
        assert checked.returncode == 0, checked.stdout
        assert "+++ after: container 101" in checked.stdout and "changed: [ovz1.example.com]" in checked.stdout
        header, calls = _calls(checked.stdout, "ovz1.example.com")
        assert header.endswith(", 0 changing ===") and all(c.startswith("[read  ]") for c in calls), calls
        nothing = testkit(["run", "--state", state, "verify.yml", "-e", "expect_created=false"] + inv, project)
        assert nothing.returncode == 0, nothing.stdout

        real = testkit(["run", "--state", state, "site.yml"] + inv, project)
        assert real.returncode == 0, real.stdout
        assert _recap(real.stdout, "ovz1.example.com")[1:] == (1, 0, 0)
        calls = _calls(real.stdout, "ovz1.example.com")[1]
        assert "[change] rc=0   vzctl create 101 --ostemplate ubuntu-22.04-x86_64" in calls, calls
        assert "[change] rc=0   vzctl start 101" in calls, calls
        created = testkit(["run", "--state", state, "verify.yml", "-e", "expect_created=true", "-v"] + inv, project)
        assert created.returncode == 0, created.stdout

        again = testkit(["run", "--state", state, "site.yml"] + inv, project)
        assert again.returncode == 0, again.stdout
        assert _recap(again.stdout, "ovz1.example.com")[1] == 0
        header, calls = _calls(again.stdout, "ovz1.example.com")
        assert header.endswith(", 0 changing ==="), calls
    finally:
        down = testkit(["down", "--state", state], project)
    assert down.returncode == 0, down.stdout
    assert not state.exists() and not _lab_namespaces(up.pid)


def test_a_run_cleans_up_and_returns_the_playbooks_exit_code(testkit, project, tmp_path):
    (project / "fails.yml").write_text(
        "- hosts: hypervisors\n  gather_facts: false\n  tasks:\n"
        "    - openvz.vz.container: {ctid: 101, ostemplate: no-such-template, state: present}\n", encoding="utf-8")
    tmpdir = tmp_path / "tmp"
    tmpdir.mkdir()
    run = testkit(["run", "fails.yml", "-i", "inventory.ini", "--collections-path", testkit.collections], project, tmpdir)
    assert run.returncode == 2, run.stdout
    assert _recap(run.stdout, "ovz1.example.com")[3] == 1
    calls = _calls(run.stdout, "ovz1.example.com")[1]
    assert not [c for c in calls if c.startswith("[change] rc=0")], calls
    assert not list(tmpdir.iterdir()) and not _lab_namespaces(run.pid)


def test_two_hypervisors_of_two_flavours_without_an_inventory(testkit, project):
    run = testkit(["run", "site.yml", "--hypervisor", "old=legacy", "--hypervisor", "new=vz7",
                   "--template", "ubuntu-22.04-x86_64", "--collections-path", testkit.collections], project)
    assert run.returncode == 0, run.stdout
    for host, flavour in (("old", "legacy"), ("new", "vz7")):
        assert _recap(run.stdout, host)[1] == 1
        header, calls = _calls(run.stdout, host)
        assert "emulated %s hypervisor" % flavour in header
        assert "[change] rc=0   vzctl create 101 --ostemplate ubuntu-22.04-x86_64" in calls
    assert ("[read  ] rc=0   vzpkg" in run.stdout) and run.stdout.count("vzctl create 101") == 2


TWO_PLAYS = """\
- name: On the hypervisors
  hosts: hypervisors
  gather_facts: false
  tasks:
    - name: info
      openvz.vz.container_info: {}
- name: On the controller
  hosts: localhost
  gather_facts: false
  tasks:
    - name: nothing
      ansible.builtin.debug: {msg: here}
"""


def test_the_hosts_the_playbook_targets_become_the_hypervisors(testkit, project):
    (project / "two.yml").write_text(TWO_PLAYS, encoding="utf-8")
    (project / "inventory.ini").write_text(
        "[hypervisors]\novz1 ansible_host=203.0.113.1\novz2 ansible_host=203.0.113.2\n[web]\nweb1\n", encoding="utf-8")
    args = ["run", "two.yml", "-i", "inventory.ini", "--collections-path", testkit.collections]
    every = testkit(args, project)
    assert every.returncode == 0, every.stdout
    headers = re.findall(r"^=== openvz-testkit: tool calls on (\S+) ", every.stdout, re.M)
    assert headers == ["ovz1", "ovz2"], every.stdout
    assert "ok: [localhost]" in every.stdout
    limited = testkit(args + ["--limit", "ovz2"], project)
    assert limited.returncode == 0, limited.stdout
    assert re.findall(r"^=== openvz-testkit: tool calls on (\S+) ", limited.stdout, re.M) == ["ovz2"]
    assert "against emulated hypervisors ovz2 (legacy, 10.213.0.11)" in limited.stdout


SLEEPS = """\
- name: Long
  hosts: hypervisors
  gather_facts: false
  tasks:
    - name: a long task
      ansible.builtin.command: sleep 120
      changed_when: false
"""


def test_ctrl_c_ends_the_run_and_cleans_up(testkit, project, tmp_path):
    (project / "sleeps.yml").write_text(SLEEPS, encoding="utf-8")
    tmpdir = tmp_path / "tmp"
    tmpdir.mkdir()
    env = dict(testkit.env, TMPDIR=str(tmpdir))
    argv = [testkit.command, "run", "sleeps.yml", "-i", "inventory.ini", "--collections-path", testkit.collections]
    # Its own session, as a terminal's foreground job: Ctrl-C reaches the whole process group.
    with subprocess.Popen([str(a) for a in argv], cwd=str(project), env=env, stdin=subprocess.DEVNULL,
                          stdout=subprocess.PIPE, stderr=subprocess.STDOUT, text=True, start_new_session=True) as kit:
        seen = []
        for line in kit.stdout:
            seen.append(line)
            if line.startswith("TASK [a long task]"):
                break
        assert seen and seen[-1].startswith("TASK [a long task]"), "".join(seen)
        time.sleep(1)
        os.killpg(kit.pid, signal.SIGINT)
        rest = kit.communicate(timeout=120)[0]
    assert kit.returncode == 130, "".join(seen) + rest
    assert "openvz-testkit: interrupted" in rest
    assert not _lab_namespaces(kit.pid) and not list(tmpdir.iterdir())
    left = [pid for pid in os.listdir("/proc") if pid.isdigit() and _session_of(pid) == kit.pid]
    assert not left, left


def _session_of(pid):
    try:
        with open("/proc/%s/stat" % pid, encoding="ascii") as handle:
            return int(handle.read().rsplit(")", 1)[1].split()[4])
    except (OSError, IndexError, ValueError):
        return None


INSIDE = """\
- name: A container with Python
  hosts: hypervisors
  gather_facts: false
  tasks:
    - name: ct
      openvz.vz.container: {ctid: 101, ostemplate: debian-12.0-x86_64-python, state: started}
    - name: The container as a host, reached through its hypervisor
      ansible.builtin.add_host:
        name: ct101
        ansible_connection: openvz.vz.vzctl
        ansible_host: "101"
        ansible_openvz_hypervisor: "{{ ansible_host }}"
        ansible_python_interpreter: /usr/bin/python3
- name: Inside it
  hosts: ct101
  gather_facts: false
  tasks:
    - name: motd
      ansible.builtin.copy: {dest: /etc/motd, content: "from the kit\\n", mode: "0644"}
    - name: read back
      ansible.builtin.slurp: {src: /etc/motd}
      register: motd
    - name: as written
      ansible.builtin.assert:
        that: motd.content | b64decode == "from the kit\\n"
"""


def test_tasks_inside_a_container_through_the_vzctl_connection(testkit, project):
    (project / "inside.yml").write_text(INSIDE, encoding="utf-8")
    run = testkit(["run", "inside.yml", "--flavour", "vz7", "--python-template", "debian-12.0-x86_64-python",
                   "--collections-path", testkit.collections], project)
    assert run.returncode == 0, run.stdout
    assert _recap(run.stdout, "ct101")[1:] == (1, 0, 0), run.stdout
    calls = _calls(run.stdout, "hv1")[1]
    assert any(c.startswith("[read  ] rc=0   vzctl exec2 101 ") for c in calls), calls


@pytest.mark.parametrize("args, message", [
    (["--hypervisor", "ovz9"], "--hypervisor ovz9: not a host of the inventory"),
    (["--group", "dbs"], "the inventory has no group 'dbs'"),
    (["--template", "x=/nonexistent.tar.gz"], "--template 'x=/nonexistent.tar.gz': /nonexistent.tar.gz is not a"),
    (["--template", "../x"], "--template '../x': not an OS template name"),
    (["--hypervisors", "2"], "--hypervisors N is for runs without -i"),
    (["--flavour", "vz7", "--template", "debian12"], "template 'debian12': an OpenVZ 7 (vz7) template name is"),
])
def test_bad_options_are_refused_before_any_hypervisor_starts(testkit, project, tmp_path, args, message):
    tmpdir = tmp_path / "tmp"
    tmpdir.mkdir()
    run = testkit(["run", "site.yml", "-i", "inventory.ini", "--collections-path", testkit.collections] + args, project, tmpdir)
    assert run.returncode == 2 and "openvz-testkit: %s" % message in run.stdout, run.stdout
    assert "PLAY" not in run.stdout and not list(tmpdir.iterdir()) and not _lab_namespaces(run.pid)


def test_without_root_it_says_so(testkit, project):
    if not shutil.which("setpriv"):
        pytest.skip("no setpriv (util-linux)")
    argv = ["setpriv", "--reuid=65534", "--regid=65534", "--clear-groups", testkit.command, "run", "site.yml"]
    proc = subprocess.run(argv, cwd="/", env=testkit.env, capture_output=True, text=True, check=False,
                          stdin=subprocess.DEVNULL, timeout=60)
    assert proc.returncode == 2, proc
    assert proc.stderr.startswith("openvz-testkit: emulated OpenVZ hosts need root"), proc.stderr
    assert "run it as root" in proc.stderr


# ---------------------------------------------------------------- the guide's example

def _guide_blocks(kind):
    """(argument, code block text) for each `.. testkit-KIND[: ARG]` comment of the guide."""
    text = GUIDE.read_text(encoding="utf-8")
    blocks = []
    for match in re.finditer(r"^\.\. testkit-%s(?:: (\S+))?\n\n\.\. code-block:: \w+\n\n((?:   .*\n|\n)+)" % kind,
                             text, re.M):
        blocks.append((match.group(1), textwrap.dedent(match.group(2)).strip("\n") + "\n"))
    return blocks


def _shown_lines(text):
    return [line.rstrip() for line in text.splitlines() if line.strip()]


def test_the_guides_example_runs_as_written(testkit, tmp_path):
    project = tmp_path / "guide"
    project.mkdir()
    files = _guide_blocks("file")
    assert [name for name, text in files] == ["site.yml", "inventory.ini"]
    for name, text in files:
        (project / name).write_text(text, encoding="utf-8")
    first, kept = [[shlex.split(line[2:]) for line in text.splitlines()] for arg, text in _guide_blocks("commands")]
    shown = [text for arg, text in _guide_blocks("output")]
    assert len(shown) == 1
    env = {"ANSIBLE_COLLECTIONS_PATH": str(testkit.collections)}

    def run(argv):
        assert argv[0] == "openvz-testkit"
        proc = testkit(argv[1:], project, env=env)
        assert proc.returncode == 0, proc.stdout
        return proc.stdout

    checked, real = run(first[0]), run(first[1])
    assert "--check" in first[0] and "+++ after: container 101" in checked
    assert "[change]" not in checked and ", 0 changing ===" in checked
    wanted, got = _shown_lines(shown[0]), _shown_lines(real)
    assert any(got[i:i + len(wanted)] == wanted for i in range(len(got))), real

    outputs = [run(argv) for argv in kept]
    assert [argv[1] for argv in kept] == ["up", "run", "run", "run", "down"]
    assert _recap(outputs[1], "ovz1.example.com")[1] == 1
    assert _recap(outputs[2], "ovz1.example.com")[1] == 0 and ", 0 changing ===" in outputs[2]
    assert "+  <memory unit=\"KiB\">1048576</memory>" in outputs[3] and ", 0 changing ===" in outputs[3]
    assert not (project / ".testkit").exists()
