"""`make demo`: run playbooks/demo.yml against an emulated OpenVZ host.

Builds the host exactly as the openvz_host fixture does (private mount
namespace, /etc and /var overlays, a fresh /vz, vzemu provisioning), runs
the real ansible-playbook in it with the play output shown as it happens,
then prints the emulator's call log. Nothing outlives the process.

Usage (from tests/): python -m harness.demo_host [--flavour legacy|vz7] [PLAYBOOK]
"""

import argparse
import shutil
import subprocess
import sys
import tempfile
from pathlib import Path

from harness import namespace
from harness.ansible_runner import AnsibleEnv
from harness.host import FLAVOURS, emulated_host
from harness.paths import CACHE_DIR, EMULATOR_BIN, REPO_ROOT, VENV_BIN
from harness.rootfs import build_templates


def parse_args(argv):
    parser = argparse.ArgumentParser(description=__doc__.split("\n", 1)[0])
    parser.add_argument("--flavour", choices=FLAVOURS, default="legacy")
    parser.add_argument("playbook", nargs="?", default=str(REPO_ROOT / "playbooks" / "demo.yml"))
    return parser.parse_args(argv)


def print_calls(host):
    print("\n=== what the playbook asked the emulated host to do (%s) ===" % host.flavour)
    for call in host.calls():
        print("rc=%-3s %s %s" % (call["rc"], call["tool"], " ".join(call["argv"])))


def run(args, workdir):
    templates = build_templates(CACHE_DIR / "templates")
    with emulated_host(args.flavour, workdir / "host", templates=templates) as host:
        ansible = AnsibleEnv(workdir / "ansible")
        argv = [str(VENV_BIN / "ansible-playbook"), "-i", str(ansible.inventory), args.playbook]
        print("=== %s on an emulated %s host ===" % (" ".join(argv[-1:]), args.flavour),
              flush=True)
        env = ansible.environ(workdir / "results.jsonl", base=host.env)
        rc = subprocess.run(argv, env=env, cwd=ansible.root, stdin=subprocess.DEVNULL,
                            check=False).returncode
        print_calls(host)
        return rc


def main(argv=None):
    args = parse_args(sys.argv[1:] if argv is None else argv)
    reason = namespace.isolation_unavailable_reason()
    if reason:
        sys.exit("demo: %s" % reason)
    missing = [tool for tool in ("vzctl", "vzlist") if not (EMULATOR_BIN / tool).exists()]
    if missing:
        print("demo: warning: the emulator has no %s in %s yet"
              % (" or ".join(missing), EMULATOR_BIN), file=sys.stderr)
    workdir = Path(tempfile.mkdtemp(prefix="openvz-vz-demo-"))
    try:
        return run(args, workdir)
    finally:
        shutil.rmtree(workdir, ignore_errors=True)


if __name__ == "__main__":
    sys.exit(main())
