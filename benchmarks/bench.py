"""make bench: openvz.vz's modules and plugins against their baselines, on emulated hosts.

Each section runs its variants side by side with interleaved repeats
(A B A B ...) and prints, per variant, the median and the min-max of:

- task s: the task's own wall time (task start to its last result, from
  the bench_timing callback); ansible-playbook's start-up, the same for
  both sides, would otherwise hide their ratio;
- run s: the whole ansible-playbook (or ansible-inventory) run;
- cpu s: user+sys of the run's process tree, from getrusage(RUSAGE_CHILDREN)
  around it: ansible, its workers, the modules and the emulated tools they
  started; over ssh also each hypervisor's sshd and what it reaped (its
  utime, stime, cutime, cstime after the run's connections ended) and the
  controller's ssh control masters (this process becomes their subreaper
  and reaps them after `ssh -O exit`);
- cpu-base s: cpu s minus the median CPU of an ansible-playbook run of one
  `meta: noop` task (measured first);
- spawns: the OpenVZ tool processes the run started (the emulator's call log);
- cpu-base-emu s: cpu-base s minus the emulator's own CPU for each of those
  calls: each kind of call (vzlist, vzctl create/status/set/destroy; other
  vzctl commands count as status) is timed with wait4 on the host as it is
  at that point, and printed, so every number reads with and without the
  emulator.

Ratios are printed for task s, cpu-base s and cpu-base-emu s with the
target next to them. Sections: emulator (part of every run), single, noop
(with info and inventory at the sizes named), rss, create, connection,
multihost. The benchmark is not a test: it fails on nothing but a run that
itself fails.

Usage: make bench [QUICK=1] [BENCH_ARGS='--sections noop,create --repeats 3']
   or: .venv/bin/python benchmarks/bench.py [--quick] [--sections ...] [--json FILE]
"""

import argparse
import contextlib
import ctypes
import json
import os
import platform
import resource
import shutil
import statistics
import subprocess
import sys
import tempfile
import time
from pathlib import Path

BENCH_DIR = Path(__file__).resolve().parent
TESTS = BENCH_DIR.parent / "tests"
sys.path[:0] = [str(TESTS), str(TESTS / "emulator")]

from harness import calllog, multihost, namespace  # noqa: E402  pylint: disable=wrong-import-position
from harness.ansible_runner import AnsibleEnv  # noqa: E402  pylint: disable=wrong-import-position
from harness.host import emulated_host  # noqa: E402  pylint: disable=wrong-import-position
from harness.paths import CACHE_DIR, CALLBACK_DIR, VENV_BIN  # noqa: E402  pylint: disable=wrong-import-position
from harness.pyrootfs import TEMPLATE_NAME as PYTHON_TEMPLATE, build_python_template  # noqa: E402  pylint: disable=wrong-import-position
from harness.rootfs import build_templates  # noqa: E402  pylint: disable=wrong-import-position

TEMPLATE = "debian-12.0-x86_64-minimal"
SECTIONS = ("emulator", "single", "noop", "create", "connection", "rss", "multihost")
FULL = {"repeats": 5, "noop_n": (10, 100, 200), "info_n": (10, 200), "create_n": 100,
        "single_tasks": 5, "conn_tasks": 10, "copy_mb": 100, "hypervisors": 6, "hv_containers": 50,
        "emulator_calls": 20}
QUICK = {"repeats": 2, "noop_n": (10, 50), "info_n": (10, 50), "create_n": 20,
         "single_tasks": 5, "conn_tasks": 10, "copy_mb": 10, "hypervisors": 6, "hv_containers": 10,
         "emulator_calls": 10}
PR_SET_CHILD_SUBREAPER = 36
CLOCK_TICK = os.sysconf("SC_CLK_TCK")


def log(message):
    print(message, flush=True)


def progress(message):
    print("  .. %s" % message, file=sys.stderr, flush=True)


# ---------------------------------------------------------------- numbers

def summary(values, fmt="%.2f"):
    """'median [min-max]' of `values`."""
    if not values:
        return "-"
    return ("%s [%s-%s]" % (fmt, fmt, fmt)) % (statistics.median(values), min(values), max(values))


def ratio(slow, fast):
    return statistics.median(slow) / statistics.median(fast) if fast and statistics.median(fast) else float("nan")


class Variant:
    """One side of a comparison: its name and each repeat's measures."""

    def __init__(self, name):
        self.name = name
        self.runs = []

    def values(self, key):
        return [run[key] for run in self.runs if run.get(key) is not None]


BASELINE = {"cpu": 0.0}


def print_table(title, variants, base=True):
    log("")
    log(title)
    header = ("variant", "task s", "run s", "cpu s", "cpu-base s", "spawns", "cpu-base-emu s")
    log("  %-46s %21s %21s %21s %21s %7s %21s" % header)
    for variant in variants:
        for run in variant.runs:
            run["cpu_base"] = run["cpu"] - (BASELINE["cpu"] if base else 0.0)
            run["cpu_emu"] = run["cpu_base"] - run["emulator_cpu"]
        spawns = variant.values("spawns")
        log("  %-46s %21s %21s %21s %21s %7s %21s" % (
            variant.name, summary(variant.values("task")), summary(variant.values("run")),
            summary(variant.values("cpu")), summary(variant.values("cpu_base")),
            "%g" % statistics.median(spawns) if spawns else "-", summary(variant.values("cpu_emu"))))


def ratios(label, slow, fast, target=""):
    """The wall ratio of the tasks and the CPU ratio net of the empty play's CPU."""
    wall = ratio(slow.values("task"), fast.values("task"))
    cpu = ratio(slow.values("cpu_base"), fast.values("cpu_base"))
    cpu_emu = ratio(slow.values("cpu_emu"), fast.values("cpu_emu"))
    log("  ratio %s: task s %.2fx, cpu-base s %.2fx, cpu-base-emu s %.2fx%s" % (
        label, wall, cpu, cpu_emu, ("   (target %s)" % target) if target else ""))
    return {"wall": round(wall, 3), "cpu": round(cpu, 3), "cpu_emu": round(cpu_emu, 3)}


# ---------------------------------------------------------------- running ansible

class Bench:
    """A private Ansible setup and the measured runs made through it."""

    def __init__(self, workdir, ansible, host=None, lab=None):
        self.workdir = Path(workdir)
        self.ansible = ansible
        self.host = host
        self.lab = lab
        self.counter = 0

    def environ(self, timing_file, extra=None):
        env = self.ansible.environ(self.workdir / "results.jsonl", base=self.host.env if self.host is not None else None)
        env["ANSIBLE_CALLBACK_PLUGINS"] = os.pathsep.join([str(CALLBACK_DIR), str(BENCH_DIR / "callback_plugins")])
        env["ANSIBLE_CALLBACKS_ENABLED"] = "bench_timing"
        env["OPENVZ_BENCH_TIMING_FILE"] = str(timing_file)
        env.update(extra or {})
        return env

    def clear_calls(self):
        if self.lab is not None:
            for hypervisor in self.lab.hypervisors:
                hypervisor.clear_calls()
        else:
            self.host.clear_calls()

    def calls(self):
        if self.lab is not None:
            return {hv.name: hv.calls() for hv in self.lab.hypervisors}
        return {"localhost": self.host.calls()}

    def run(self, argv, extra_env=None, expect_unchanged=False, tasks=None):
        """Run argv (ansible-playbook or ansible-inventory) and measure it."""
        self.counter += 1
        timing = self.workdir / ("timing-%d.jsonl" % self.counter)
        self.clear_calls()
        remote_before = self.lab_cpu() if self.lab is not None else 0.0
        before = resource.getrusage(resource.RUSAGE_CHILDREN)
        started = time.monotonic()
        if self.lab is not None:
            argv = ["nsenter", "--net=%s" % self.lab.ctl_netns_path, "--"] + argv
        proc = subprocess.run(argv, cwd=self.ansible.root, env=self.environ(timing, extra_env),
                              stdin=subprocess.DEVNULL, capture_output=True, text=True, check=False)
        wall = time.monotonic() - started
        if self.lab is not None:
            self.end_ssh_masters()
        after = resource.getrusage(resource.RUSAGE_CHILDREN)
        cpu = (after.ru_utime - before.ru_utime) + (after.ru_stime - before.ru_stime)
        if self.lab is not None:
            cpu += self.lab_cpu() - remote_before
        if proc.returncode != 0:
            sys.exit("bench: %s failed (%d):\n%s\n%s" % (" ".join(argv[-2:]), proc.returncode,
                                                         proc.stdout[-4000:], proc.stderr[-4000:]))
        calls = self.calls()
        spawns = {name: len(host_calls) for name, host_calls in calls.items()}
        mutating = sum(1 for host_calls in calls.values() for call in host_calls if calllog.is_mutating(call))
        if expect_unchanged and mutating:
            log("  !! a no-op run made %d mutating calls" % mutating)
        task_times = {}
        if timing.exists():
            for line in timing.read_text(encoding="utf-8").splitlines():
                record = json.loads(line)
                task_times.setdefault(record["name"], []).append(record["end"] - record["start"])
        task = None
        if tasks:
            task = sum(sum(task_times.get(name, [0.0])) for name in tasks) / len(tasks)
        emulator_cpu = sum(emulator_call_cpu(call) for host_calls in calls.values() for call in host_calls)
        return {"run": wall, "cpu": cpu, "task": task, "spawns": sum(spawns.values()), "emulator_cpu": emulator_cpu,
                "spawns_per_host": spawns, "stdout": proc.stdout, "task_times": task_times}

    def playbook(self, plays, extra_env=None, expect_unchanged=False, tasks=("bench",), extra_args=()):
        self.counter += 1
        path = self.workdir / ("play-%d.yml" % self.counter)
        path.write_text(json.dumps(plays, indent=1), encoding="utf-8")
        return self.run([str(VENV_BIN / "ansible-playbook"), "-i", str(self.ansible.inventory), str(path)]
                        + list(extra_args), extra_env=extra_env, expect_unchanged=expect_unchanged, tasks=tasks)

    # ------------------------------------------------ over ssh: what runs outside our tree

    def end_ssh_masters(self):
        """Stop the run's ssh control masters and reap them (we are their subreaper)."""
        sockets = list(self.lab.control_path_dir.iterdir())
        for sock in sockets:
            subprocess.run(["ssh", "-o", "ControlPath=%s" % sock, "-O", "exit", "lab"],
                           capture_output=True, check=False)
        serve_pids = {hv.serve.pid for hv in self.lab.hypervisors}
        deadline = time.monotonic() + 5
        reaped = 0
        while reaped < len(sockets) and time.monotonic() < deadline:
            try:
                info = os.waitid(os.P_ALL, 0, os.WEXITED | os.WNOHANG | os.WNOWAIT)
            except ChildProcessError:
                break
            if info is None or info.si_pid in serve_pids:
                time.sleep(0.02)
                continue
            os.wait4(info.si_pid, 0)
            reaped += 1
        # sshd folds a connection's CPU into its own children times when it ends.
        for hypervisor in self.lab.hypervisors:
            children = Path("/proc/%d/task/%d/children" % (hypervisor.sshd_pid, hypervisor.sshd_pid))
            while time.monotonic() < deadline and children.read_text().strip():
                time.sleep(0.02)

    def lab_cpu(self):
        """CPU seconds of every hypervisor's sshd and its reaped children (modules, tools)."""
        total = 0
        for hypervisor in self.lab.hypervisors:
            fields = Path("/proc/%d/stat" % hypervisor.sshd_pid).read_text().rsplit(")", 1)[1].split()
            total += sum(int(value) for value in fields[11:15])
        return total / CLOCK_TICK


def interleave(repeats, variants, run_one):
    """A B A B ...: `run_one(variant)` -> measures, appended to variant.runs."""
    for repeat in range(repeats):
        for variant in variants:
            progress("%s, repeat %d/%d" % (variant.name, repeat + 1, repeats))
            variant.runs.append(run_one(variant))


# ---------------------------------------------------------------- plays

def item(ctid, suffix="example.test"):
    index = ctid - 1000
    return {"ctid": str(ctid), "hostname": "ct%d.%s" % (ctid, suffix),
            "ip_addresses": ["10.20.%d.%d" % (index // 250, index % 250 + 1)]}


DEFAULTS = {"ostemplate": TEMPLATE, "memory": "512M", "onboot": True}


def ctids(count, first=1000):
    return list(range(first, first + count))


def loop_play(cts, hosts="localhost", **play):
    task = {"name": "bench", "openvz.vz.container": dict(
        DEFAULTS, ctid="{{ item.ctid }}", hostname="{{ item.hostname }}", ip_addresses="{{ item.ip_addresses }}"),
        "loop": [item(ct) for ct in cts]}
    return [dict({"hosts": hosts, "gather_facts": False, "tasks": [task]}, **play)]


def batch_play(cts, hosts="localhost", parallel=None, state=None, **play):
    args = {"defaults": dict(DEFAULTS), "containers": [item(ct) for ct in cts]}
    if state == "absent":
        args = {"containers": [{"ctid": str(ct), "state": "absent"} for ct in cts]}
    if parallel:
        args["parallel"] = parallel
    return [dict({"hosts": hosts, "gather_facts": False, "tasks": [{"name": "bench", "openvz.vz.containers": args}]},
                 **play)]


def repeated_play(task, count, hosts="localhost", **play):
    tasks = [dict(task, name="bench %d" % index) for index in range(count)]
    return [dict({"hosts": hosts, "gather_facts": False, "tasks": tasks}, **play)], [t["name"] for t in tasks]


# ---------------------------------------------------------------- sections

EMULATOR_CPU = {}
# What emulator_cost times, by the key emulator_call_cpu gives a logged call.
EMULATOR_CALLS = (
    ("vzlist", ["vzlist", "-a", "-j", "-o", "ctid,status"]),
    ("create", ["vzctl", "create", "998", "--ostemplate", TEMPLATE, "--hostname", "emu.example.test"]),
    ("status", ["vzctl", "status", "998"]),
    ("set", ["vzctl", "set", "998", "--hostname", "emu2.example.test", "--save"]),
    ("destroy", ["vzctl", "destroy", "998"]),
)


def emulator_call_cpu(call):
    """The CPU the emulator spends on a logged call, as emulator_cost measured it."""
    key = "vzlist" if call.get("tool") == "vzlist" else calllog.vzctl_command(call.get("argv", []))
    return EMULATOR_CPU.get(key, EMULATOR_CPU.get("status", 0.0))


def emulator_cost(run_prefix, env, calls, where):
    """CPU and wall of the emulated tools' calls on the host as it is now (wait4 of each process).

    The emulator's cost grows with the containers on the host (vzlist reads
    them all), so it is measured again at each host size.
    """
    log("")
    log("emulator: one call of each emulated tool, %s (%d calls each; wait4 of the process)" % (where, calls))
    log("  %-70s %17s %17s %11s" % ("call", "wall ms", "cpu ms", "maxrss MiB"))
    measured = {key: ([], [], []) for key, _argv in EMULATOR_CALLS}
    for _repeat in range(calls):
        for key, argv in EMULATOR_CALLS:
            walls, cpus, rss = measured[key]
            started = time.monotonic()
            proc = subprocess.Popen(run_prefix + argv, env=env, stdin=subprocess.DEVNULL,  # pylint: disable=consider-using-with
                                    stdout=subprocess.DEVNULL, stderr=subprocess.DEVNULL)
            status, usage = os.wait4(proc.pid, 0)[1:]
            proc.returncode = os.waitstatus_to_exitcode(status)
            if proc.returncode != 0:
                sys.exit("bench: %s failed (%d)" % (" ".join(argv), proc.returncode))
            walls.append(1000 * (time.monotonic() - started))
            cpus.append(1000 * (usage.ru_utime + usage.ru_stime))
            rss.append(usage.ru_maxrss / 1024)
    for key, argv in EMULATOR_CALLS:
        walls, cpus, rss = measured[key]
        EMULATOR_CPU[key] = statistics.median(cpus) / 1000
        log("  %-70s %17s %17s %11.1f" % (" ".join(argv), summary(walls, "%.0f"), summary(cpus, "%.0f"), max(rss)))
    log("  cpu-base-emu s subtracts these medians for each call a run made (other vzctl commands: as status)")


def baseline(bench, repeats):
    """CPU and wall of an ansible-playbook run whose one task runs nothing on the host."""
    play = [{"hosts": "localhost", "gather_facts": False, "tasks": [{"name": "bench", "ansible.builtin.meta": "noop"}]}]
    runs = [bench.playbook(play) for _repeat in range(max(repeats, 3))]
    cpu = statistics.median(run["cpu"] for run in runs)
    log("baseline: an ansible-playbook run of one meta: noop task: run s %s, cpu s %s; cpu-base s subtracts %.2f s"
        % (summary([run["run"] for run in runs]), summary([run["cpu"] for run in runs]), cpu))
    return cpu


def ensure_containers(bench, count, parallel=None):
    """CTs 1000.. up to `count` on the host, made by one containers task (not measured)."""
    present = {line.split()[0] for line in bench.host.run(["vzlist", "-a", "-H", "-o", "ctid"]).stdout.splitlines()}
    missing = [ct for ct in ctids(count) if str(ct) not in present]
    if missing:
        progress("creating %d containers" % len(missing))
        bench.playbook(batch_play(missing, parallel=parallel))


def section_single(bench, config):
    tasks_a, names = repeated_play({"openvz.vz.container": dict(DEFAULTS, **item(1000))}, config["single_tasks"])
    tasks_b = repeated_play({"ansible.builtin.command": {"argv": ["vzctl", "status", "1000"]}, "changed_when": False},
                            config["single_tasks"])[0]
    variants = [Variant("A openvz.vz.container (no-op)"), Variant("B command: vzctl status")]
    plays = {variants[0].name: tasks_a, variants[1].name: tasks_b}
    interleave(config["repeats"], variants,
               lambda v: bench.playbook(plays[v.name], tasks=names, expect_unchanged=True))
    print_table("single: one container, %d tasks a run, per task (task s is the mean over them)"
                % config["single_tasks"], variants)
    value = ratios("A/B", variants[0], variants[1], "<= 1.05x")
    return {"single": value}


def section_noop(bench, config, count):
    cts = ctids(count)
    variants = [Variant("A loop of openvz.vz.container"), Variant("B one openvz.vz.containers")]
    plays = {variants[0].name: loop_play(cts), variants[1].name: batch_play(cts)}
    interleave(config["repeats"], variants, lambda v: bench.playbook(plays[v.name], expect_unchanged=True))
    print_table("noop: converge of N = %d containers, nothing to change" % count, variants)
    value = ratios("A/B", variants[0], variants[1], ">= 50x at N = 100")
    spawns = max(max(run["spawns_per_host"].values()) for run in variants[1].runs)
    log("  spawns per host of B: %d   (target 1)" % spawns)
    return {"noop_%d" % count: value, "noop_spawns_%d" % count: spawns}


def section_info(bench, config, count):
    variants = [Variant("A1 container_info (xml: true)"), Variant("A2 container_info (xml: false)"),
                Variant("B command: vzlist -a -j")]

    def play(task):
        return [{"hosts": "localhost", "gather_facts": False, "tasks": [dict(task, name="bench")]}]

    plays = {variants[0].name: play({"openvz.vz.container_info": {}}),
             variants[1].name: play({"openvz.vz.container_info": {"xml": False}}),
             variants[2].name: play({"ansible.builtin.command": {"argv": ["vzlist", "-a", "-j"]}})}
    interleave(config["repeats"], variants, lambda v: bench.playbook(plays[v.name]))
    print_table("info: container_info with N = %d containers on the host" % count, variants)
    info = {"xml": ratios("A1/B", variants[0], variants[2]), "noxml": ratios("A2/B", variants[1], variants[2])}
    source = bench.workdir / "bench.openvz.yml"
    source.write_text("plugin: openvz.vz.openvz\nhypervisors:\n  - name: here\n", encoding="utf-8")
    static = bench.workdir / ("static-%d.ini" % count)
    static.write_text("".join("ct%d ansible_connection=openvz.vz.vzctl ansible_openvz_ctid=%d\n" % (ct, ct)
                              for ct in ctids(count)), encoding="utf-8")
    inv = [Variant("A inventory plugin openvz.vz.openvz"), Variant("B static INI inventory")]
    sources = {inv[0].name: source, inv[1].name: static}
    interleave(config["repeats"], inv, lambda v: bench.run(
        [str(VENV_BIN / "ansible-inventory"), "-i", str(sources[v.name]), "--list"]))
    for variant in inv:
        hosts = len(json.loads(variant.runs[-1]["stdout"]).get("_meta", {}).get("hostvars", {}))
        variant.name += " (%d hosts)" % hosts
    print_table("inventory: ansible-inventory --list, N = %d containers (cpu-base s: nothing subtracted)" % count,
                inv, base=False)
    value = {"run": round(ratio(inv[0].values("run"), inv[1].values("run")), 3),
             "cpu": round(ratio(inv[0].values("cpu"), inv[1].values("cpu")), 3)}
    log("  ratio A/B: run s %.2fx, cpu s %.2fx (no task: the whole ansible-inventory)" % (value["run"], value["cpu"]))
    return {"info_%d" % count: info, "inventory_%d" % count: value}


def destroy(bench, cts):
    progress("destroying %d containers" % len(cts))
    bench.playbook(batch_play(cts, state="absent"))


def section_create(bench, config, parallel):
    cts = ctids(config["create_n"], first=1000)
    variants = [Variant("A loop of openvz.vz.container"),
                Variant("B one openvz.vz.containers, parallel %d" % parallel)]
    plays = {variants[0].name: loop_play(cts), variants[1].name: batch_play(cts, parallel=parallel)}

    def run_one(variant):
        measures = bench.playbook(plays[variant.name])
        destroy(bench, cts)
        return measures

    interleave(config["repeats"], variants, run_one)
    print_table("create: N = %d new containers (each destroyed again, not measured)" % len(cts), variants)
    value = ratios("A/B", variants[0], variants[1], ">= 3x; %d cores here" % os.cpu_count())
    return {"create": value}


def section_connection(bench, config):
    host = bench.host
    ctid = "500"
    for argv in (["vzctl", "create", ctid, "--ostemplate", PYTHON_TEMPLATE, "--hostname", "py.example.test"],
                 ["vzctl", "start", ctid]):
        proc = host.run(argv)
        if proc.returncode != 0:
            sys.exit("bench: %s: %s" % (" ".join(argv), proc.stdout + proc.stderr))
    python = "/usr/bin/python3"
    inventory = bench.workdir / "connection.ini"
    inventory.write_text("ct ansible_connection=openvz.vz.vzctl ansible_openvz_ctid=%s ansible_python_interpreter=%s\n"
                         "here ansible_connection=local ansible_python_interpreter=%s\n" % (ctid, python, python),
                         encoding="utf-8")
    payload = bench.workdir / "payload.bin"
    with open(payload, "wb") as handle:
        for _megabyte in range(config["copy_mb"]):
            handle.write(os.urandom(1 << 20))
    local_dest = bench.workdir / "copied"
    results = {}
    for kind in ("tasks", "copy"):
        variants = []
        for pipelining in (True, False):
            for target in ("ct", "here"):
                side = "A vzctl" if target == "ct" else "B local"
                variant = Variant("%s %s, pipelining %s" % (side, kind, "on" if pipelining else "off"))
                variant.target, variant.pipelining = target, pipelining
                variants.append(variant)

        def run_one(variant, kind=kind):
            dest = "/root/payload.bin" if variant.target == "ct" else str(local_dest)
            if kind == "tasks":
                tasks = [{"name": "bench %d" % i, "ansible.builtin.command": {"argv": ["true"]}, "changed_when": False}
                         for i in range(config["conn_tasks"])]
            else:
                tasks = [{"name": "clean", "ansible.builtin.file": {"path": dest, "state": "absent"}},
                         {"name": "bench 0", "ansible.builtin.copy": {"src": str(payload), "dest": dest, "mode": "0600"}}]
            play = [{"hosts": variant.target, "gather_facts": False, "vars": {"ansible_pipelining": variant.pipelining},
                     "tasks": tasks}]
            names = [task["name"] for task in tasks if task["name"] != "clean"]
            measures = bench.playbook(play, tasks=names, extra_args=["-i", str(inventory)])
            measures["task"] *= len(names)
            return measures

        interleave(config["repeats"], variants, run_one)
        title = ("connection: %d command tasks" % config["conn_tasks"] if kind == "tasks"
                 else "connection: copy of a %d MB file" % config["copy_mb"])
        print_table(title + " (task s: all of them)", variants)
        for index in (0, 2):
            mode = "on" if variants[index].pipelining else "off"
            results["connection_%s_%s" % (kind, mode)] = ratios(
                "vzctl/local, pipelining %s" % mode, variants[index], variants[index + 1])
    host.run(["vzctl", "stop", ctid, "--fast"])
    host.run(["vzctl", "destroy", ctid])
    return results


def section_rss(bench, config, count, parallel):
    """Peak RSS of each module process, from getrusage(RUSAGE_SELF) at its exit (rss/sitecustomize.py)."""
    rss_log = bench.workdir / "rss.jsonl"
    environment = {"PYTHONPATH": str(BENCH_DIR / "rss"), "OPENVZ_BENCH_RSS_LOG": str(rss_log)}
    cases = [
        ("openvz.vz.container, no-op", loop_play(ctids(1))),
        ("openvz.vz.containers, no-op, N = %d" % count, batch_play(ctids(count))),
        ("openvz.vz.containers, create, N = %d, parallel %d" % (config["create_n"], parallel),
         batch_play(ctids(config["create_n"], first=4000), parallel=parallel)),
        ("openvz.vz.container_info, N = %d (xml: true)" % count,
         [{"hosts": "localhost", "gather_facts": False, "tasks": [{"name": "bench", "openvz.vz.container_info": {}}]}]),
        ("openvz.vz.container_info, N = %d (xml: false)" % count,
         [{"hosts": "localhost", "gather_facts": False,
           "tasks": [{"name": "bench", "openvz.vz.container_info": {"xml": False}}]}]),
        ("ansible.builtin.command (baseline)",
         [{"hosts": "localhost", "gather_facts": False,
           "tasks": [{"name": "bench", "ansible.builtin.command": {"argv": ["vzctl", "status", "1000"]}}]}]),
    ]
    log("")
    log("rss: peak RSS of each module process (its own ru_maxrss at exit; module processes only)")
    log("  %-52s %10s %12s %10s" % ("module", "processes", "maxrss MiB", "lxml"))
    results = {}
    for label, plays in cases:
        with contextlib.suppress(FileNotFoundError):
            rss_log.unlink()
        for play in plays:
            play["environment"] = environment
        bench.playbook(plays)
        records = [json.loads(line) for line in rss_log.read_text(encoding="utf-8").splitlines()]
        peak = max(record["maxrss_kib"] for record in records) / 1024
        log("  %-52s %10d %12.1f %10s" % (label, len(records), peak, any(r["lxml"] for r in records)))
        results[label] = peak
        if "create" in label:
            destroy(bench, ctids(config["create_n"], first=4000))
    return results


def section_multihost(workdir, config, templates):
    """N hypervisors over real ssh, forks = N, against the same play on one of them."""
    libc = ctypes.CDLL(None, use_errno=True)
    if libc.prctl(PR_SET_CHILD_SUBREAPER, 1, 0, 0, 0) != 0:
        log("multihost: cannot become a subreaper; ssh masters' CPU is left out")
    count = config["hypervisors"]
    per_host = config["hv_containers"]
    with multihost.Lab(workdir / "lab", flavours=("legacy",) * count, templates=templates) as lab:
        ansible = lab.ansible_env(workdir / "lab-ansible")
        bench = Bench(workdir, ansible, lab=lab)
        cts = ctids(per_host)
        progress("creating %d containers on each of %d hypervisors" % (per_host, count))
        forks = ["--forks", str(count)]
        setup = bench.playbook(batch_play(cts, hosts="hypervisors"), extra_args=forks)
        hv1 = lab.hypervisors[0]
        emulator_cost(["nsenter", "--target", str(hv1.sshd_pid), "--mount", "--net", "--"],
                      dict(os.environ, PATH="/usr/local/sbin:/usr/sbin:/usr/bin:/sbin:/bin"),
                      config["emulator_calls"], "hv1 of %d containers, through nsenter" % per_host)
        log("")
        log("multihost: setup, create of %d containers on each of %d hypervisors in one play: task %.1f s"
            % (per_host, count, setup["task"]))
        variants = [Variant("A %d hypervisors, forks %d" % (count, count)), Variant("B one hypervisor (hv1)")]
        play = batch_play(cts, hosts="hypervisors")
        interleave(config["repeats"], variants, lambda v: bench.playbook(
            play, expect_unchanged=True, extra_args=forks + ([] if v.name.startswith("A") else ["--limit", "hv1"])))
        print_table("multihost: no-op converge, one openvz.vz.containers task, %d containers a hypervisor, over ssh"
                    % per_host, variants)
        spawns = max(max(run["spawns_per_host"].values()) for run in variants[0].runs)
        value = ratios("A/B", variants[0], variants[1], "close to 1x")
        cpu_a = statistics.median(variants[0].values("cpu"))
        run_b = statistics.median(variants[1].values("run"))
        log("  bound: A's %.1f cpu s on %d cores take at least %.1f s, %.2fx B's run s"
            % (cpu_a, os.cpu_count(), cpu_a / os.cpu_count(), cpu_a / os.cpu_count() / run_b))
        log("  spawns per hypervisor: %d" % spawns)
        return {"multihost": value, "multihost_spawns": spawns}


def machine():
    with contextlib.suppress(OSError):
        with open("/proc/cpuinfo", encoding="utf-8") as handle:
            model = next((line.split(":", 1)[1].strip() for line in handle if line.startswith("model name")), "?")
    return "%s, %d cores (%s), load average %.2f %.2f %.2f, Python %s" % (
        platform.node(), os.cpu_count(), model, *os.getloadavg(), platform.python_version())


def main():
    parser = argparse.ArgumentParser(description=__doc__.split("\n", 1)[0])
    parser.add_argument("--quick", action="store_true", help="fewer repeats, smaller N: a few minutes")
    parser.add_argument("--sections", default=",".join(SECTIONS), help="comma-separated, of: %s" % ", ".join(SECTIONS))
    parser.add_argument("--repeats", type=int, help="repeats of each variant")
    parser.add_argument("--parallel", type=int, default=4, help="parallel of the containers create (default 4)")
    parser.add_argument("--json", help="also write the ratios to this file")
    args = parser.parse_args()
    config = dict(QUICK if args.quick else FULL)
    if args.repeats:
        config["repeats"] = args.repeats
    sections = [name.strip() for name in args.sections.split(",") if name.strip()]
    unknown = sorted(set(sections) - set(SECTIONS))
    if unknown:
        sys.exit("bench: unknown sections %s; known: %s" % (", ".join(unknown), ", ".join(SECTIONS)))
    reason = namespace.isolation_unavailable_reason()
    if reason:
        sys.exit("bench: %s" % reason)
    log("openvz.vz benchmark (%s): %s" % ("quick" if args.quick else "full", machine()))
    log("config: %s" % json.dumps(config, sort_keys=True))
    log("repeats are interleaved (A B A B ...); each cell is median [min-max]; task s is what the ratios compare")
    started = time.monotonic()
    workdir = Path(tempfile.mkdtemp(prefix="openvz-vz-bench-"))
    results = {}
    try:
        templates = build_templates(CACHE_DIR / "templates")
        templates.update(build_python_template(CACHE_DIR / "templates-python"))
        with emulated_host("legacy", workdir / "host", templates=templates) as host:
            bench = Bench(workdir, AnsibleEnv(workdir / "ansible"), host=host)
            emulator_cost([], host.env, config["emulator_calls"], "empty host")
            BASELINE["cpu"] = baseline(bench, config["repeats"])
            if "single" in sections:
                ensure_containers(bench, 1)
                results.update(section_single(bench, config))
            sizes = sorted(set(config["noop_n"] if "noop" in sections else ())
                           | set(config["info_n"] if "noop" in sections else ()))
            for count in sizes:
                ensure_containers(bench, count, parallel=args.parallel)
                emulator_cost([], host.env, config["emulator_calls"], "host of %d containers" % count)
                if count in config["noop_n"]:
                    results.update(section_noop(bench, config, count))
                if count in config["info_n"]:
                    results.update(section_info(bench, config, count))
            if "rss" in sections:
                count = max(config["noop_n"])
                ensure_containers(bench, count, parallel=args.parallel)
                results.update(section_rss(bench, config, count, args.parallel))
            if "create" in sections:
                present = [int(line.split()[0]) for line in
                           host.run(["vzlist", "-a", "-H", "-o", "ctid"]).stdout.splitlines()]
                if present:
                    destroy(bench, present)
                emulator_cost([], host.env, config["emulator_calls"], "empty host")
                results.update(section_create(bench, config, args.parallel))
            if "connection" in sections:
                results.update(section_connection(bench, config))
        if "multihost" in sections:
            results.update(section_multihost(workdir, config, templates))
    finally:
        shutil.rmtree(workdir, ignore_errors=True)
    log("")
    log("done in %.0f s: %s" % (time.monotonic() - started, machine()))
    if args.json:
        Path(args.json).write_text(json.dumps(results, indent=1, sort_keys=True) + "\n", encoding="utf-8")
    return 0


if __name__ == "__main__":
    sys.exit(main())
