"""Benchmark: openvz.vz.container on 50 containers of one emulated host.

Prints, for a create run, a no-op re-run and a one-change run: wall time, the
OpenVZ tool processes the module spawned (from the emulator's call log), and
per-container ratios, so numbers compare across machines of different speed.

Usage: make bench   (or: cd tests && ../.venv/bin/python ../benchmarks/bench_container.py [--count N])
"""

import argparse
import json
import shutil
import subprocess
import sys
import tempfile
import time
from pathlib import Path

TESTS = Path(__file__).resolve().parent.parent / "tests"
sys.path[:0] = [str(TESTS), str(TESTS / "emulator")]

from harness import namespace  # noqa: E402  pylint: disable=wrong-import-position
from harness.ansible_runner import AnsibleEnv  # noqa: E402  pylint: disable=wrong-import-position
from harness.host import emulated_host  # noqa: E402  pylint: disable=wrong-import-position
from harness.paths import CACHE_DIR, VENV_BIN  # noqa: E402  pylint: disable=wrong-import-position
from harness.rootfs import build_templates  # noqa: E402  pylint: disable=wrong-import-position


def playbook(count, hostname_suffix):
    containers = [{"ctid": str(1000 + i), "ip": "10.20.%d.%d" % (i // 250, i % 250 + 1)}
                  for i in range(count)]
    return json.dumps([{
        "hosts": "localhost", "gather_facts": False,
        "tasks": [{
            "name": "containers",
            "openvz.vz.container": {
                "ctid": "{{ item.ctid }}", "ostemplate": "debian-12.0-x86_64-minimal",
                "hostname": "ct{{ item.ctid }}.%s" % hostname_suffix,
                "ip_addresses": ["{{ item.ip }}"], "memory": "512M", "onboot": True,
            },
            "loop": containers,
        }],
    }], indent=1)


def run_phase(host, ansible, workdir, name, text):
    path = workdir / ("%s.yml" % name)
    path.write_text(text)
    host.clear_calls()
    started = time.monotonic()
    proc = subprocess.run([str(VENV_BIN / "ansible-playbook"), "-i", str(ansible.inventory), str(path)],
                          env=ansible.environ(workdir / ("%s.jsonl" % name), base=host.env),
                          cwd=ansible.root, stdin=subprocess.DEVNULL, capture_output=True, text=True,
                          check=False)
    wall = time.monotonic() - started
    if proc.returncode != 0:
        sys.exit("%s failed:\n%s\n%s" % (name, proc.stdout[-3000:], proc.stderr[-3000:]))
    calls = host.calls()
    return {"phase": name, "wall_s": wall, "spawns": len(calls),
            "mutating": len(host.mutating_calls()),
            "tool_s": sum(call["duration"] for call in calls)}


def main():
    parser = argparse.ArgumentParser(description=__doc__.split("\n", 1)[0])
    parser.add_argument("--count", type=int, default=50)
    parser.add_argument("--flavour", default="legacy")
    args = parser.parse_args()
    reason = namespace.isolation_unavailable_reason()
    if reason:
        sys.exit("bench: %s" % reason)
    workdir = Path(tempfile.mkdtemp(prefix="openvz-vz-bench-"))
    try:
        templates = build_templates(CACHE_DIR / "templates")
        with emulated_host(args.flavour, workdir / "host", templates=templates) as host:
            ansible = AnsibleEnv(workdir / "ansible")
            phases = [run_phase(host, ansible, workdir, "create", playbook(args.count, "example.test")),
                      run_phase(host, ansible, workdir, "noop", playbook(args.count, "example.test")),
                      run_phase(host, ansible, workdir, "one-change", playbook(args.count, "example.org"))]
    finally:
        shutil.rmtree(workdir, ignore_errors=True)
    print("openvz.vz.container, %d containers, %s host" % (args.count, args.flavour))
    header = ("phase", "wall s", "spawns", "spawns/ct", "mutating", "ms/ct", "vs create")
    print("%-11s %9s %8s %10s %9s %13s %12s" % header)
    create_wall = phases[0]["wall_s"]
    for phase in phases:
        print("%-11s %9.2f %8d %10.2f %9d %13.1f %12.2f" % (
            phase["phase"], phase["wall_s"], phase["spawns"], phase["spawns"] / args.count,
            phase["mutating"], 1000 * phase["wall_s"] / args.count, phase["wall_s"] / create_wall))
    return 0


if __name__ == "__main__":
    sys.exit(main())
