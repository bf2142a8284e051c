"""Several emulated OpenVZ hypervisors on this machine, reached over real SSH.

Each hypervisor is a network namespace of its own (`ip netns add`) with one
end of a veth pair; the other ends hang on a private bridge in a controller
namespace, addresses 10.213.0.0/24 (bridge .1, hypervisor N at .(10+N)).
Nothing is added to the machine's own network namespace: ansible commands
run inside the controller namespace (`nsenter --net`), so the only
addresses they can reach are the ones made here.

Inside its namespace a hypervisor is one `serve` process (this module run
with `python -m harness.multihost serve`) in a private mount namespace
with the same mounts as a single emulated host (`namespace.HostMounts`:
overlays on /etc and /var, a fresh /vz), provisioned by vzemu, the
emulator's tools bound on /usr/local/sbin (first on sshd's PATH for root),
root's home moved to a private directory, and an sshd with its own host key
accepting one generated client key. Every ssh session, and so every module
and every `vzctl exec`, runs in that hypervisor's mounts.

Teardown (also on errors): ssh control masters are told to exit, every
process left in the controller namespace is killed by pid, each `serve`
ends its sshd and every process in its namespace, then the namespaces are
deleted and the work directory removed.
"""

import argparse
import contextlib
import json
import os
import shutil
import signal
import socket
import subprocess
import sys
import time
from pathlib import Path

from harness import namespace
from harness.ansible_runner import AnsibleEnv
from harness.host import emulator_bins
from harness.paths import EMULATOR_DIR, HARNESS_DIR, VENV_BIN

SUBNET = "10.213.0"
NETNS_DIR = Path("/run/netns")
NETNS_PREFIX = "ovzlab"
SSHD = "/usr/sbin/sshd"
START_TIMEOUT = 30
# hypervisor.run() keeps this process's HOME: root's on the hypervisor is in its own passwd.
ROOT_HOME = 'HOME=$(getent passwd root | cut -d: -f6) && '
SSH_OPTIONS = "-o StrictHostKeyChecking=no -o UserKnownHostsFile=/dev/null -o LogLevel=ERROR"


def _run(argv, check=True, **kwargs):
    proc = subprocess.run([str(a) for a in argv], capture_output=True, text=True, check=False,
                          timeout=60, **kwargs)
    if check and proc.returncode != 0:
        raise RuntimeError("%s failed (%d): %s" % (" ".join(map(str, argv)), proc.returncode,
                                                   proc.stderr.strip()))
    return proc


def netns_inode(name):
    return os.stat(NETNS_DIR / name).st_ino


def pids_in_netns(inode):
    """Pids of the processes whose network namespace is `inode` (ours: we made it)."""
    pids = []
    for entry in os.listdir("/proc"):
        if not entry.isdigit() or int(entry) == os.getpid():
            continue
        with contextlib.suppress(OSError):
            if os.stat("/proc/%s/ns/net" % entry).st_ino == inode:
                pids.append(int(entry))
    return pids


def kill_pids(pids, grace=3.0):
    """SIGTERM, then SIGKILL what is left after `grace` seconds."""
    for sig in (signal.SIGTERM, signal.SIGKILL):
        for pid in pids:
            with contextlib.suppress(ProcessLookupError):
                os.kill(pid, sig)
        deadline = time.monotonic() + grace
        while pids and time.monotonic() < deadline:
            pids = [p for p in pids if os.path.exists("/proc/%d" % p) and not _zombie(p)]
            time.sleep(0.05)
        if not pids:
            return


def _zombie(pid):
    try:
        with open("/proc/%d/stat" % pid, encoding="ascii") as handle:
            return handle.read().rsplit(")", 1)[1].split()[0] == "Z"
    except OSError:
        return True


def sweep_stale_namespaces():
    """Delete our namespaces whose creating process is gone (a killed earlier run)."""
    if not NETNS_DIR.is_dir():
        return
    for entry in NETNS_DIR.iterdir():
        if not entry.name.startswith(NETNS_PREFIX):
            continue
        pid = entry.name[len(NETNS_PREFIX):].split("x", 1)[0]
        if pid.isdigit() and not os.path.exists("/proc/%s" % pid):
            _run(["ip", "netns", "del", entry.name], check=False)


class Hypervisor:
    """One emulated hypervisor as a test sees it."""

    def __init__(self, lab, index, name, flavour):
        self.lab = lab
        self.index = index
        self.name = name
        self.flavour = flavour
        self.address = "%s.%d" % (SUBNET, 10 + index)
        self.netns = "%s-%s" % (lab.tag, name)
        self.workdir = lab.workdir / name
        self.serve = None
        self.sshd_pid = None

    @property
    def upper_var(self):
        """The writable layer of this hypervisor's /var (readable from outside)."""
        return self.workdir / "host" / "var" / "upper"

    def run(self, argv, input=None, timeout=120):  # pylint: disable=redefined-builtin
        """Run argv on the hypervisor (its mounts and network), without ssh."""
        env = dict(os.environ, PATH="/usr/local/sbin:/usr/sbin:/usr/bin:/sbin:/bin")
        env.pop("VZEMU_STATE_DIR", None)
        return subprocess.run(["nsenter", "--target", str(self.sshd_pid), "--mount", "--net", "--"]
                              + [str(a) for a in argv], input=input, env=env, capture_output=True,
                              text=True, timeout=timeout, check=False)

    def calls(self):
        """The emulator's call log of this hypervisor."""
        path = self.upper_var / "lib" / "vzemu" / "calls.jsonl"
        if not path.exists():
            return []
        with path.open(encoding="utf-8") as handle:
            return [json.loads(line) for line in handle if line.strip()]

    def clear_calls(self):
        self.run(["rm", "-f", "/var/lib/vzemu/calls.jsonl"])

    def host_key(self):
        """This hypervisor's sshd host public key (``ssh-ed25519 AAAA...``)."""
        return (self.workdir / "sshd" / "ssh_host_ed25519_key.pub").read_text(encoding="ascii").strip()

    def ssh_logins(self):
        """How many ssh connections sshd has accepted so far."""
        log = self.workdir / "sshd.log"
        return log.read_text(encoding="utf-8", errors="replace").count("Accepted publickey")

    def _start(self):
        config = {"workdir": str(self.workdir), "flavour": self.flavour, "name": self.name,
                  "templates": self.lab.templates, "client_key": str(self.lab.key) + ".pub"}
        self.workdir.mkdir(parents=True)
        env = dict(os.environ, PYTHONPATH=os.pathsep.join([str(HARNESS_DIR.parent), str(EMULATOR_DIR)]))
        self.serve = subprocess.Popen(
            ["ip", "netns", "exec", self.netns, sys.executable, "-m", "harness.multihost", "serve",
             json.dumps(config)],
            stdin=subprocess.PIPE, stdout=subprocess.PIPE, stderr=open(self.workdir / "serve.log", "wb"),
            cwd=str(HARNESS_DIR.parent), env=env, text=True)

    def _wait_ready(self):
        line = self.serve.stdout.readline()
        if not line.startswith("READY "):
            self.serve.wait(timeout=10)
            raise RuntimeError("hypervisor %s did not start: %s" % (
                self.name, (self.workdir / "serve.log").read_text(errors="replace")[-2000:]))
        self.sshd_pid = int(line.split()[1])

    def _stop(self):
        if self.serve is None:
            return
        if self.serve.poll() is None:
            with contextlib.suppress(BrokenPipeError, OSError):
                self.serve.stdin.close()
            try:
                self.serve.wait(timeout=15)
            except subprocess.TimeoutExpired:
                self.serve.kill()
                self.serve.wait(timeout=5)
        with contextlib.suppress(OSError):
            kill_pids(pids_in_netns(netns_inode(self.netns)))


class Lab:
    """Hypervisors `names` (flavours `flavours`) behind one private bridge.

    Use as a context manager; `templates` (name -> tarball) are provisioned
    on every hypervisor.
    """

    _counter = 0

    def __init__(self, workdir, flavours=("legacy", "vz7", "legacy"), templates=None):
        Lab._counter += 1
        self.workdir = Path(workdir)
        self.tag = "%s%dx%d" % (NETNS_PREFIX, os.getpid(), Lab._counter)
        self.ctl_netns = self.tag + "-ctl"
        self.templates = dict(templates or {})
        self.hypervisors = [Hypervisor(self, i + 1, "hv%d" % (i + 1), flavour)
                            for i, flavour in enumerate(flavours)]
        self.key = self.workdir / "id_ed25519"
        self.control_path_dir = self.workdir / "cp"
        self._netns = []

    def __getitem__(self, name):
        for hypervisor in self.hypervisors:
            if hypervisor.name == name:
                return hypervisor
        raise KeyError(name)

    @property
    def ctl_netns_path(self):
        return NETNS_DIR / self.ctl_netns

    def __enter__(self):
        reason = namespace.isolation_unavailable_reason()
        if reason:
            raise RuntimeError(reason)
        for tool in ("ip", "nsenter", SSHD, "ssh", "ssh-keygen"):
            if not shutil.which(tool):
                raise RuntimeError("%s is missing: run `make apt-deps` (openssh-server, iproute2)" % tool)
        try:
            self._start()
        except BaseException:
            self.stop()
            raise
        return self

    def __exit__(self, *exc_info):
        self.stop()

    def _add_netns(self, name):
        _run(["ip", "netns", "add", name])
        self._netns.append(name)
        _run(["ip", "-n", name, "link", "set", "lo", "up"])

    def _start(self):
        sweep_stale_namespaces()
        self.workdir.mkdir(parents=True, exist_ok=True)
        self.control_path_dir.mkdir(mode=0o700)
        _run(["ssh-keygen", "-q", "-t", "ed25519", "-N", "", "-C", "openvz-lab", "-f", self.key])
        self._add_netns(self.ctl_netns)
        ctl = ["ip", "-n", self.ctl_netns]
        _run(ctl + ["link", "add", "br0", "type", "bridge"])
        _run(ctl + ["addr", "add", "%s.1/24" % SUBNET, "dev", "br0"])
        _run(ctl + ["link", "set", "br0", "up"])
        for hypervisor in self.hypervisors:
            self._add_netns(hypervisor.netns)
            veth = "ve-%s" % hypervisor.name
            _run(ctl + ["link", "add", veth, "type", "veth", "peer", "name", "eth0",
                        "netns", hypervisor.netns])
            _run(ctl + ["link", "set", veth, "master", "br0", "up"])
            _run(["ip", "-n", hypervisor.netns, "addr", "add", "%s/24" % hypervisor.address,
                  "dev", "eth0"])
            _run(["ip", "-n", hypervisor.netns, "link", "set", "eth0", "up"])
            hypervisor._start()  # pylint: disable=protected-access
        for hypervisor in self.hypervisors:
            hypervisor._wait_ready()  # pylint: disable=protected-access

    def stop(self):
        """Control masters, then controller-side processes, hypervisors, namespaces, files."""
        if self.control_path_dir.is_dir():
            for sock in self.control_path_dir.iterdir():
                _run(["ssh", "-o", "ControlPath=%s" % sock, "-O", "exit", "lab"], check=False)
        if self.ctl_netns in self._netns:
            with contextlib.suppress(OSError):
                kill_pids(pids_in_netns(netns_inode(self.ctl_netns)))
        for hypervisor in self.hypervisors:
            hypervisor._stop()  # pylint: disable=protected-access
        while self._netns:
            _run(["ip", "netns", "del", self._netns.pop()], check=False)
        shutil.rmtree(self.workdir, ignore_errors=True)

    # ---------------------------------------------------------------- for tests

    def inventory_vars(self):
        """Connection variables for the hypervisors as inventory hosts."""
        return {
            "ansible_user": "root",
            "ansible_ssh_private_key_file": str(self.key),
            "ansible_ssh_common_args": SSH_OPTIONS,
            "ansible_python_interpreter": str(VENV_BIN / "python"),
        }

    def inventory(self, hypervisors=None):
        """INI inventory text: group `hypervisors` with every (or the given) hypervisor."""
        lines = ["[hypervisors]"]
        for hypervisor in hypervisors or self.hypervisors:
            lines.append("%s ansible_host=%s" % (hypervisor.name, hypervisor.address))
        lines.append("[hypervisors:vars]")
        lines += ["%s=%s" % item for item in self.inventory_vars().items()]
        return "\n".join(lines) + "\n"

    def trust_hypervisors(self, names=None):
        """Let the hypervisors `names` (default all) ssh to one another as root, as migration needs.

        Each gets a root key (``~/.ssh/id_ed25519``), every other one's key in
        its ``~/.ssh/authorized_keys`` (sshd reads it after the lab's own
        file) and every other one's host key in ``~/.ssh/known_hosts``, so a
        plain ``ssh -o BatchMode=yes root@ADDRESS`` works between them.
        What the host role's ``openvz_host_migration_peers`` sets up on real
        hypervisors; idempotent.
        """
        chosen = [self[name] for name in names] if names else list(self.hypervisors)
        keys = {}
        for hypervisor in chosen:
            proc = hypervisor.run(["sh", "-c", ROOT_HOME + 'mkdir -p -m 700 "$HOME/.ssh" && cd "$HOME/.ssh" && '
                                   '{ test -f id_ed25519 || ssh-keygen -q -t ed25519 -N "" -C root@%s -f id_ed25519; }'
                                   ' && cat id_ed25519.pub' % hypervisor.name])
            if proc.returncode != 0:
                raise RuntimeError("key on %s: %s" % (hypervisor.name, proc.stderr))
            keys[hypervisor.name] = proc.stdout.strip()
        for hypervisor in chosen:
            peers = [other for other in chosen if other is not hypervisor]
            authorized = "".join("%s\n" % keys[other.name] for other in peers)
            known = "".join("%s %s\n" % (other.address, other.host_key()) for other in peers)
            for name, text in (("authorized_keys", authorized), ("known_hosts", known)):
                proc = hypervisor.run(["sh", "-c", ROOT_HOME + 'cat > "$HOME/.ssh/%s.new" && mv "$HOME/.ssh/%s.new" "$HOME/.ssh/%s"'
                                       % (name, name, name)], input=text)
                if proc.returncode != 0:
                    raise RuntimeError("%s on %s: %s" % (name, hypervisor.name, proc.stderr))
        return keys

    def ansible_env(self, root):
        return LabAnsibleEnv(root, self)

    def ssh(self, hypervisor, command, timeout=60):
        """Run a shell command on `hypervisor` over ssh (from the controller namespace)."""
        argv = (["nsenter", "--net=%s" % self.ctl_netns_path, "--", "ssh", "-i", str(self.key),
                 "-o", "BatchMode=yes"] + SSH_OPTIONS.split()
                + ["root@%s" % hypervisor.address, command])
        return subprocess.run(argv, capture_output=True, text=True, timeout=timeout, check=False,
                              stdin=subprocess.DEVNULL)


class LabAnsibleEnv(AnsibleEnv):
    """An AnsibleEnv whose commands run in the lab's controller network namespace."""

    def __init__(self, root, lab):
        super().__init__(root)
        self.lab = lab
        self.inventory.write_text(lab.inventory(), encoding="utf-8")

    def environ(self, results_file, base=None):
        env = super().environ(results_file, base)
        env["ANSIBLE_SSH_CONTROL_PATH_DIR"] = str(self.lab.control_path_dir)
        env["ANSIBLE_HOST_KEY_CHECKING"] = "False"
        env["ANSIBLE_INVENTORY_UNPARSED_WARNING"] = "False"
        return env

    def _run(self, argv, timeout):
        return super()._run(["nsenter", "--net=%s" % self.lab.ctl_netns_path, "--"] + list(argv),
                            timeout)

    def run_inventory(self, source, *args, timeout=300):
        """`ansible-inventory -i source --list [args]` -> CompletedProcess (stdout JSON)."""
        argv = ["nsenter", "--net=%s" % self.lab.ctl_netns_path, "--",
                str(VENV_BIN / "ansible-inventory"), "-i", str(source), "--list"] + list(args)
        return subprocess.run(argv, cwd=self.root, env=self.environ(self.root / "inventory.jsonl"),
                              capture_output=True, text=True, timeout=timeout, check=False,
                              stdin=subprocess.DEVNULL)


# ---------------------------------------------------------------- the serve side

SSHD_CONFIG = """\
Port 22
ListenAddress 0.0.0.0
HostKey {dir}/ssh_host_ed25519_key
PidFile {dir}/sshd.pid
AuthorizedKeysFile {dir}/authorized_keys .ssh/authorized_keys
PermitRootLogin prohibit-password
PubkeyAuthentication yes
PasswordAuthentication no
KbdInteractiveAuthentication no
UsePAM no
StrictModes no
PrintMotd no
PrintLastLog no
UseDNS no
MaxStartups 64
MaxSessions 64
LogLevel INFO
Subsystem sftp internal-sftp
"""


def _provision_hypervisor(config, workdir):
    from vzemu.provision import provision_host  # pylint: disable=import-outside-toplevel
    provision_host(flavour=config["flavour"], templates=config["templates"])
    # The emulator's tools where a real host has its own, first on sshd's PATH.
    sbin = workdir / "sbin"
    sbin.mkdir()
    for tool in sorted(tool for bindir in emulator_bins(config["flavour"]) for tool in bindir.iterdir()):
        (sbin / tool.name).symlink_to(tool)
    namespace.bind_mount(sbin, "/usr/local/sbin")
    # A clean home for root (no dotfiles of this machine run in ssh sessions).
    home = workdir / "home"
    home.mkdir(mode=0o700)
    passwd = Path("/etc/passwd").read_text(encoding="utf-8").splitlines()
    passwd = [":".join(f[:5] + [str(home)] + f[6:]) if f[0] == "root" else line
              for line, f in ((line, line.split(":")) for line in passwd)]
    Path("/etc/passwd").write_text("\n".join(passwd) + "\n", encoding="utf-8")
    Path("/etc/hostname").write_text(config["name"] + "\n", encoding="utf-8")


def _start_sshd(workdir, client_key):
    sshdir = workdir / "sshd"
    sshdir.mkdir()
    _run(["ssh-keygen", "-q", "-t", "ed25519", "-N", "", "-f", sshdir / "ssh_host_ed25519_key"])
    shutil.copyfile(client_key, sshdir / "authorized_keys")
    (sshdir / "sshd_config").write_text(SSHD_CONFIG.format(dir=sshdir), encoding="utf-8")
    # sshd insists on its privilege separation directory; give it a private one.
    os.makedirs("/run/sshd", exist_ok=True)
    (workdir / "run-sshd").mkdir()
    namespace.bind_mount(workdir / "run-sshd", "/run/sshd")
    log = open(workdir / "sshd.log", "ab")  # pylint: disable=consider-using-with
    env = {"PATH": "/usr/local/sbin:/usr/sbin:/usr/bin:/sbin:/bin", "LANG": "C.UTF-8"}
    sshd = subprocess.Popen([SSHD, "-D", "-e", "-f", str(sshdir / "sshd_config")],
                            stdin=subprocess.DEVNULL, stdout=log, stderr=log, env=env,
                            start_new_session=True)
    deadline = time.monotonic() + START_TIMEOUT
    while time.monotonic() < deadline:
        if sshd.poll() is not None:
            raise RuntimeError("sshd exited with %s" % sshd.returncode)
        with contextlib.suppress(OSError), socket.create_connection(("127.0.0.1", 22), timeout=1):
            return sshd
        time.sleep(0.05)
    raise RuntimeError("sshd did not listen within %ds" % START_TIMEOUT)


def serve(config):
    """Run one hypervisor until standard input closes (the test side ended or died)."""
    workdir = Path(config["workdir"])
    namespace.enter_private_mount_namespace()
    own_netns = os.stat("/proc/self/ns/net").st_ino
    sshd = None
    try:
        with namespace.HostMounts(workdir / "host"):
            _provision_hypervisor(config, workdir)
            sshd = _start_sshd(workdir, config["client_key"])
            print("READY %d" % sshd.pid, flush=True)
            sys.stdin.read()
            kill_pids(pids_in_netns(own_netns))
    finally:
        if sshd is not None and sshd.poll() is None:
            sshd.kill()
    return 0


def main(argv=None):
    parser = argparse.ArgumentParser(description="one emulated hypervisor (see module doc)")
    parser.add_argument("command", choices=["serve"])
    parser.add_argument("config", help="JSON: workdir, flavour, name, templates, client_key")
    args = parser.parse_args(argv)
    return serve(json.loads(args.config))


if __name__ == "__main__":
    sys.exit(main())


# ---------------------------------------------------------------- pytest fixture

def lab_fixture(flavours=("legacy", "vz7", "legacy"), scope="module"):
    """A pytest fixture yielding a started Lab (import it into a test module)."""
    import pytest  # pylint: disable=import-outside-toplevel

    @pytest.fixture(scope=scope)
    def openvz_lab(tmp_path_factory):
        reason = namespace.isolation_unavailable_reason()
        if reason:
            pytest.skip(reason)
        from harness.paths import CACHE_DIR  # pylint: disable=import-outside-toplevel
        from harness.pyrootfs import build_templates_with_python  # pylint: disable=import-outside-toplevel
        templates = build_templates_with_python(CACHE_DIR)
        with Lab(tmp_path_factory.mktemp("lab"), flavours=flavours, templates=templates) as lab:
            yield lab

    return openvz_lab
