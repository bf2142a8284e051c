"""Parser for the transcripts of the real vzctl 4.11 (transcripts/*.txt,
copied from shared/real-vzctl-4.11).

Each step is ``$ command``, then ``--stdout--`` lines, ``--stderr--`` lines,
``[exit N]`` and, for ``set``, an optional ``--- config diff ---`` in
normal diff format.  Lines the real tool printed only because that machine
had no OpenVZ kernel (or no vzquota) are dropped by ``kernel_noise``.
"""
import os
import re

HERE = os.path.dirname(os.path.abspath(__file__))
DIR = os.path.join(HERE, "transcripts")

NOISE = (
    re.compile(r"^Directory /proc/vz not found, assuming non-OpenVZ kernel$"),
    re.compile(r"^ERROR: ld\.so: object 'libvzchown\.so' from LD_PRELOAD cannot be preloaded"),
    re.compile(r"^Unable to open /proc/vz/veinfo"),
    re.compile(r"^Unable to open /proc/user_beancounters"),
    re.compile(r"^File /usr/sbin/vzquota not found$"),
)


def kernel_noise(line):
    return any(p.search(line) for p in NOISE)


class Step(object):
    def __init__(self, command):
        self.command = command
        self.stdout = []
        self.stderr = []
        self.rc = None
        self.diff = None

    def clean_stdout(self):
        return [l for l in self.stdout if not kernel_noise(l)]

    def clean_stderr(self):
        return [l for l in self.stderr if not kernel_noise(l)]

    def __repr__(self):
        return "Step(%r)" % self.command


def parse(name):
    with open(os.path.join(DIR, name)) as handle:
        lines = handle.read().split("\n")
    steps = []
    index = 0
    while index < len(lines):
        line = lines[index]
        if not line.startswith("$ "):
            index += 1
            continue
        command = [line[2:]]
        index += 1
        while index < len(lines) and lines[index] != "--stdout--":
            if not lines[index].startswith("<work>"):
                command.append(lines[index])
            index += 1
        step = Step("\n".join(command))
        index += 1
        while lines[index] != "--stderr--":
            step.stdout.append(lines[index])
            index += 1
        index += 1
        while not lines[index].startswith("[exit "):
            step.stderr.append(lines[index])
            index += 1
        step.rc = int(lines[index][6:-1])
        index += 1
        if index + 1 < len(lines) and lines[index] == "" and lines[index + 1] == "--- config diff ---":
            index += 2
            diff = []
            while index < len(lines) and lines[index] != "" and not lines[index].startswith("$ "):
                diff.append(lines[index])
                index += 1
            step.diff = diff
        steps.append(step)
    return steps


# Commands whose arguments held spaces or odd characters: the transcript
# shows argv joined by spaces, so these are spelled out.
ARGV = {
    'vzctl set 101 --description my "quoted" desc --save':
        ["set", "101", "--description", 'my "quoted" desc', "--save"],
    "vzctl set 101 --description line1\nline2 --save":
        ["set", "101", "--description", "line1\nline2", "--save"],
    "vzctl set 110 --description back\\slash and $dollar --save":
        ["set", "110", "--description", "back\\slash and $dollar", "--save"],
    "vzctl set 110 --name with space --save": ["set", "110", "--name", "with space", "--save"],
    "vzctl set 110 --searchdomain  --save": ["set", "110", "--searchdomain", "", "--save"],
    "vzctl set 110 --ipadd 10.9.9.1 10.9.9.2 --save":
        ["set", "110", "--ipadd", "10.9.9.1 10.9.9.2", "--save"],
    "vzctl create 110 --ostemplate debian-12.0-x86_64-minimal --config basic --hostname "
    "b.example.com --ipadd 10.1.1.10 --ipadd 10.1.1.11 --name alpha --description first ct "
    "--diskspace 5G:6G --diskinodes 100000:110000":
        ["create", "110", "--ostemplate", "debian-12.0-x86_64-minimal", "--config", "basic",
         "--hostname", "b.example.com", "--ipadd", "10.1.1.10", "--ipadd", "10.1.1.11",
         "--name", "alpha", "--description", "first ct", "--diskspace", "5G:6G",
         "--diskinodes", "100000:110000"],
}


def argv_of(command):
    if command in ARGV:
        return ARGV[command]
    return command.split(" ")[1:]


# ------------------------------------------------------------------ vz7
# transcripts/vz7/*.txt, copied from shared/real-vzctl-7 (README.md there):
# ``##### sequence NAME  (note)`` starts a fresh host; a step is ``$ cmd``
# (shell quoting, may span lines), ``--stdout--``, ``--stderr--``,
# ``[exit N]``, then blocks ``--- HEADER ---`` with their lines: a config
# diff, a new config's bytes (``-> LINK`` when it is a symlink), a removed
# config, the name links, the argv the fake vzpkg got.  ``$ # setup: MKCT``
# steps have no output sections.
VZ7_DIR = os.path.join(DIR, "vz7")
VZ7_FILES = sorted(n for n in os.listdir(VZ7_DIR) if n.endswith(".txt")) \
    if os.path.isdir(VZ7_DIR) else []


class Sequence(object):
    def __init__(self, name, note):
        self.name = name
        self.note = note
        self.steps = []

    def __repr__(self):
        return "Sequence(%r)" % self.name


def _is_header(line):
    return line.startswith("--- ") and line.endswith(" ---") and len(line) > 8


def _block_end(line):
    return line.startswith("$ ") or line.startswith("##### ") or _is_header(line)


def parse_vz7(name):
    with open(os.path.join(VZ7_DIR, name), encoding="utf-8") as handle:
        lines = handle.read().split("\n")
    sequences = []
    index = 0
    while index < len(lines):
        line = lines[index]
        if line.startswith("##### sequence "):
            rest = line[len("##### sequence "):]
            seq_name, _sep, note = rest.partition("  ")
            sequences.append(Sequence(seq_name.strip(), note.strip().strip("()")))
            index += 1
            continue
        if not line.startswith("$ "):
            index += 1
            continue
        command = [line[2:]]
        index += 1
        while lines[index] not in ("--stdout--",) and not lines[index].startswith("[exit "):
            command.append(lines[index])
            index += 1
        step = Step("\n".join(command))
        step.blocks = []
        if lines[index] == "--stdout--":
            index += 1
            while lines[index] != "--stderr--":
                step.stdout.append(lines[index])
                index += 1
            index += 1
            while not lines[index].startswith("[exit "):
                step.stderr.append(lines[index])
                index += 1
        step.rc = int(lines[index][6:-1])
        index += 1
        while True:
            while index < len(lines) and lines[index] == "" and index + 1 < len(lines) \
                    and _is_header(lines[index + 1]):
                index += 1
            if index >= len(lines) or not _is_header(lines[index]):
                break
            header = lines[index][4:-4]
            index += 1
            body = []
            while index < len(lines) and not _block_end(lines[index]):
                body.append(lines[index])
                index += 1
            while body and body[-1] == "":
                body.pop()
            step.blocks.append((header, body))
        sequences[-1].steps.append(step)
    return sequences


def vz7_argv(command):
    """argv of a transcript's ``vzctl ...``/``vzlist ...`` line (shell quoting)."""
    import shlex
    return shlex.split(command)
