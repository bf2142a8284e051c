"""Replay the transcripts of the real OpenVZ 7 vzctl 7.0.254 against the vz7 stand-in.

transcripts/vz7/*.txt (copied from shared/real-vzctl-7, see its README.md)
hold 92 command sequences, each run on a fresh host.  Every sequence is one
test on a fresh emulated vz7 host.  For every ``vzctl``/``vzlist`` step
stdout, stderr and the exit code must match byte for byte, and so must what
changed: each CT config (``/etc/vz/conf/*.conf``, followed through its
symlink; a diff, a new file's bytes and link target, a removal; nothing else
may change), the name links in ``/etc/vz/names`` and the argv ``vzpkg`` was
called with.  ``$ # setup: MKCT`` steps lay out a stopped ploop CT the way
the transcripts' script did (``mkct``).

The machine behind the transcripts had no ploop kernel and only a fake
vzpkg.  Where that alone made the real tool fail, an emulated host (a real
Virtuozzo host) goes on: those steps are in DEVIATIONS, each with its
reason; docs/openvz-tools.md lists them with their sources.
"""
import json
import os
import re

import pytest

import transcript

MKCT_UUID = "0b6f5d61-0000-4000-8000-%012d"
STUB_LINE = re.compile(r"^Error: no cache for ")
PLOOP_FAIL = re.compile(r"^Failed to read .*/DiskDescriptor\.xml: Error in ploop_open_dd ")
# veth.c generate_mac(): the OUI C4:37:72 and random bytes (FE:37:72 on the
# host side); generate_veth_name(): "veth" + the CT MAC's last four bytes
GENERATED = re.compile(r"(?:C4|FE):37:72:[0-9A-F]{2}:[0-9A-F]{2}:[0-9A-F]{2}|veth72[0-9a-f]{6}")
UUID_LINE = re.compile(r'^UUID="[0-9a-f]{8}-[0-9a-f]{4}-[0-9a-f]{4}-[0-9a-f]{4}-[0-9a-f]{12}"$')

TEMPLATE = "debian-12.0-x86_64-minimal"
SAMPLE_KEYS = 25    # lines of ve-basic.conf-sample / ve-vswap.1024MB.conf-sample


def _sample(name):
    with open(os.path.join(transcript.HERE, "..", "..", "emulator", "vzemu", "data", "vz7",
                           "conf", "ve-%s.conf-sample" % name)) as handle:
        return handle.read().rstrip("\n").split("\n")


def _created(ctid, sample="basic"):
    """What ``vzctl create CTID --ostemplate debian-12.0-x86_64-minimal``
    does on a host with ploop (libvzctl create.c vzctl2_env_create()): the
    image from the cache is resized, mounted for postcreate, unmounted, the
    CT registered; vzpkg is asked for the cache, then (update_vztt_param())
    for technologies, distribution, osrelease and jquota; ve.conf gets
    OSTEMPLATE with the EZ sign "." and what vzpkg answered (the stand-in's
    template metadata, vzemu/provision.py EZ_METADATA)."""
    private = "/vz/private/%s" % ctid
    out = ["Creating Container private area (%s) with applications from config "
           "(ve-%s.conf-sample)" % (TEMPLATE, sample),
           "Resize the image %s.private_temporary/root.hdd to 10485760K" % private,
           "Container is mounted", "Postcreate action done", "Container is unmounted",
           "Container %s was successfully registered" % ctid,
           "Container private area %s created" % private]
    conf = _sample(sample) + [
        'VE_ROOT="/vz/root/$VEID"', 'VE_PRIVATE="/vz/private/$VEID"',
        'OSTEMPLATE=".%s"' % TEMPLATE, 'ORIGIN_SAMPLE="%s"' % sample,
        'TECHNOLOGIES="x86_64 nptl"', 'DISTRIBUTION="debian-12.0"',
        'VEID="%s"' % ctid, 'UUID="%s"' % (ctid if "-" in ctid else "0" * 8 + "-0000-4000-8000-" + "0" * 12)]
    blocks = [("new /etc/vz/conf/%s.conf -> %s/ve.conf" % (ctid, private), conf),
              ("vzpkg was called with", [
                  "vzpkg [info] [-q] [--config] [ve-%s.conf-sample] [--ostemplate] [%s] "
                  "[--vefstype] [ext4]" % (sample, TEMPLATE),
                  "vzpkg [info] [-q] [%s] [technologies]" % TEMPLATE,
                  "vzpkg [info] [-q] [%s] [distribution]" % TEMPLATE,
                  "vzpkg [info] [-q] [%s] [osrelease]" % TEMPLATE,
                  "vzpkg [info] [%s] [-q] [jquota]" % TEMPLATE])]
    return out, [], 0, blocks


def _destroyed(ctid):
    return (["Destroying Container private area: /vz/private/%s" % ctid,
             "Container unregistered succesfully", "Container private area was destroyed"],
            [], 0, None)


def _resized(size, old, new):
    """set --diskspace on a ploop CT: vzctl2_resize_disk() resizes the root
    image and sets DISKSPACE="size:size" (lib/disk.c update_DISKSPACE())."""
    return (["Resize the image /vz/private/101/root.hdd to %dK" % size,
             "Saved parameters for Container 101"], [], 0,
            [("config diff /etc/vz/conf/101.conf",
              ["18c18", '< DISKSPACE="%s"' % old, "---", '> DISKSPACE="%s"' % new])])


UUID_CT = "2f4b3d0e-6a1c-4c8e-9d6b-1a2b3c4d5e6f"

# (sequence, command[, occurrence]) -> (stdout, stderr, exit code, blocks or
# None for the transcript's): what a real OpenVZ 7 host does where the
# transcripts' machine failed for want of a ploop kernel (ploop_open_dd,
# exit 162) or a VE cgroup, or showed what no real host shows.  Each: why.
DEVIATIONS = {
    # ploop: the cache's image is resized, mounted for postcreate, registered
    ("create-fakevzpkg", "vzctl create 101 --ostemplate %s" % TEMPLATE): _created("101"),
    ("create-fakevzpkg", "vzctl status 101"): (["VEID 101 exist unmounted down"], [], 0, None),
    ("create-fakevzpkg-vswap-config", "vzctl create 101 --ostemplate %s --config vswap.1024MB" % TEMPLATE):
        _created("101", "vswap.1024MB"),
    ("create-uuid-fakevzpkg", "vzctl create %s --ostemplate %s" % (UUID_CT, TEMPLATE)):
        _created(UUID_CT),
    ("create-uuid-fakevzpkg", "vzctl status %s" % UUID_CT):
        (["VEID %s exist unmounted down" % UUID_CT], [], 0, None),
    # ploop: the image is resized, DISKSPACE set to the new size
    ("set-diskspace", "vzctl set 101 --diskspace 20G --save"):
        _resized(20971520, "10485760:10485760", "20971520:20971520"),
    ("set-diskspace", "vzctl set 101 --diskspace 10G:11G --save"):
        _resized(11534336, "20971520:20971520", "11534336:11534336"),
    ("set-diskspace-bad", "vzctl set 101 --diskspace 2G:1G --save"):
        _resized(1048576, "10485760:10485760", "1048576:1048576"),
    # ploop: the image is resized to the sample's DISKSPACE (the same size)
    ("set-applyconfig", "vzctl set 101 --applyconfig vswap.1024MB --save"):
        (["Resize the image /vz/private/101/root.hdd to 10485760K",
          "Saved parameters for Container 101"], [], 0, None),
    # the errno inet_pton() left alone: EEXIST from something earlier in
    # that process on that machine (the first such command on a fresh host
    # shows none), not a property of the argument
    ("set-ipadd-bad", "vzctl set 101 --ipadd hello --save"):
        ([], ["An incorrect ip address hello", "Bad parameter for --ipadd: hello"], 21, None),
    # ploop: the image mounts (lib/fs.c)
    ("mount-umount-start-stop", "vzctl mount 101"): (["Container is mounted"], [], 0, None),
    ("mount-umount-start-stop", "vzctl umount 101"): (["Container is unmounted"], [], 0, None),
    # ploop and a VE cgroup: the CT starts (lib/env.c: without --wait "start
    # in progress"), and then stops and is unmounted
    ("mount-umount-start-stop", "vzctl start 101"):
        (["Starting Container ...", "Container is mounted", "Container start in progress..."],
         [], 0, None),
    ("mount-umount-start-stop", "vzctl stop 101"):
        (["Stopping the Container ...", "Container was stopped", "Container is unmounted"],
         [], 0, None),
    # ploop: destroy reads the disk without complaint
    ("destroy", "vzctl destroy 101"): _destroyed("101"),
    ("delete-alias", "vzctl delete 101"): _destroyed("101")[:3] + (None,),
    ("destroy-uuid", "vzctl destroy %s" % UUID_CT): _destroyed(UUID_CT),
}


def random_names(lines, ctx):
    """Generated MACs and veth names as <1>, <2> ... in order of appearance
    (``ctx`` keeps the numbering across the blocks of one side); a veth
    name must be the one its CT MAC gives."""
    out = []
    for line in lines:
        for mac in re.findall(r"mac=(C4:37:72:[0-9A-F:]{8}),[^;]*host_ifname=(veth72[0-9a-f]{6})",
                              line):
            want = "veth" + mac[0][6:].replace(":", "").lower()
            if mac[1] != want:
                ctx.setdefault("bad", []).append(mac)
        out.append(GENERATED.sub(lambda m: "<%d>" % ctx.setdefault(m.group(0), len(ctx) + 1), line))
    return out


def sequences():
    params = []
    for name in transcript.VZ7_FILES:
        for seq in transcript.parse_vz7(name):
            marks = []
            if "no vzpkg installed" in seq.note:
                marks.append(pytest.mark.emu_host(vzpkg=False))
            params.append(pytest.param(name, seq, id="%s:%s" % (name[:-4], seq.name), marks=marks))
    return params


def _read(path):
    try:
        with open(path, encoding="utf-8", errors="surrogateescape") as handle:
            return handle.read()
    except (FileNotFoundError, NotADirectoryError):
        return None


def _lines(text):
    if not text:
        return []
    return text[:-1].split("\n") if text.endswith("\n") else text.split("\n")


def conf_state():
    """CT config path -> (symlink target or None, text) for /etc/vz/conf/*.conf (not 0.conf)."""
    state = {}
    for entry in sorted(os.listdir("/etc/vz/conf")):
        if not entry.endswith(".conf") or entry == "0.conf":
            continue
        path = os.path.join("/etc/vz/conf", entry)
        link = os.readlink(path) if os.path.islink(path) else None
        state[path] = (link, _read(path))
    return state


def names_state():
    names = {}
    if os.path.isdir("/etc/vz/names"):
        for entry in sorted(os.listdir("/etc/vz/names")):
            path = os.path.join("/etc/vz/names", entry)
            names[entry] = os.readlink(path) if os.path.islink(path) else None
    return names


def _diff(before, after):
    import subprocess
    import tempfile
    with tempfile.NamedTemporaryFile("w", delete=False) as one, \
            tempfile.NamedTemporaryFile("w", delete=False) as two:
        one.write(before or "")
        two.write(after or "")
    try:
        proc = subprocess.run(["diff", one.name, two.name], capture_output=True, text=True,
                              check=False)
    finally:
        os.unlink(one.name)
        os.unlink(two.name)
    return proc.stdout.split("\n")[:-1] if proc.stdout else []


def mkct(ctid, name=None, extra=()):
    """``# setup: MKCT``: an existing stopped ploop CT as ``vzctl create``
    leaves one (README.md of the transcripts), its disk the emulator's
    ploop stand-in (vzemu/vzctl/create.py make_ploop)."""
    from vzemu.vzctl import create as create_mod
    private = "/vz/private/%s" % ctid
    os.makedirs(private)
    for sub in ("dump", "scripts"):
        os.makedirs(os.path.join(private, sub))
    create_mod.make_ploop_vz7(private, 10485760)
    os.symlink("5", os.path.join(private, ".ve.layout"))
    with open("/etc/vz/conf/ve-basic.conf-sample") as handle:
        text = handle.read()
    number = int(ctid) if ctid.isdigit() else 1
    text += 'VE_ROOT="/vz/root/$VEID"\nVE_PRIVATE="/vz/private/$VEID"\n'
    text += 'OSTEMPLATE=".debian-12.0-x86_64-minimal"\nORIGIN_SAMPLE="basic"\n'
    text += 'VEID="%s"\nUUID="%s"\n' % (ctid, MKCT_UUID % number)
    if name:
        text += 'NAME="%s"\n' % name
    for line in extra:
        text += line + "\n"
    with open(os.path.join(private, "ve.conf"), "w") as handle:
        handle.write(text)
    os.symlink(os.path.join(private, "ve.conf"), "/etc/vz/conf/%s.conf" % ctid)
    if name:
        os.symlink(os.path.join(private, "ve.conf"), "/etc/vz/names/%s" % name)


def run_setup(command):
    words = command[len("# setup: MKCT "):]
    head, _sep, tail = words.partition(" + ")
    parts = head.split()
    ctid = parts[0]
    name = None
    for part in parts[1:]:
        if part.startswith("name="):
            name = part[5:]
    extra = re.findall(r'\w+="(?:[^"\\]|\\.)*"', tail)
    mkct(ctid, name, extra)


class Replay(object):
    def __init__(self, host, file_name, seq):
        self.host = host
        self.file = file_name
        self.seq = seq
        self.failures = []
        self.checked = 0
        self.got_names = {}
        self.want_names = {}
        self.seen = {}

    def vzpkg_calls(self):
        return [c["argv"] for c in self.host.calls() if c.get("tool") == "vzpkg"]

    def run(self):
        for step in self.seq.steps:
            cmd = step.command
            if cmd.startswith("# setup: MKCT "):
                run_setup(cmd)
                continue
            self.run_step(step)

    def run_step(self, step):
        cmd = step.command
        argv = transcript.vz7_argv(cmd)
        self.seen[cmd] = self.seen.get(cmd, 0) + 1
        key = (self.seq.name, cmd)
        if self.seen[cmd] > 1:
            key = key + (self.seen[cmd],)
        confs, names = conf_state(), names_state()
        pkg_before = len(self.vzpkg_calls())
        result = self.host.host.run(argv)
        # the fake vzpkg's own line (README.md); vzpkg -q says nothing there
        exp = (list(step.stdout), [l for l in step.stderr if not STUB_LINE.search(l)],
               step.rc)
        blocks = step.blocks
        if key in DEVIATIONS:
            exp = DEVIATIONS[key][:3]
            if DEVIATIONS[key][3] is not None:
                blocks = DEVIATIONS[key][3]
        got = (_lines(result.stdout), _lines(result.stderr), result.returncode)
        self.expect(cmd, got, exp)
        self.check_blocks(cmd, blocks, confs, names, pkg_before)

    def check_blocks(self, cmd, blocks, confs, names, pkg_before):
        after, names_after = conf_state(), names_state()
        expected_names = names
        changed = set(p for p in set(confs) | set(after) if confs.get(p) != after.get(p))
        shown = set()
        pkg = None
        for header, body in blocks:
            if header.startswith("config diff "):
                path = header[len("config diff "):]
                shown.add(path)
                before_text = confs.get(path, (None, None))[1]
                after_text = after.get(path, (None, None))[1]
                self.expect(cmd + " [diff %s]" % path,
                            random_names(_diff(before_text, after_text), self.got_names),
                            random_names(body, self.want_names))
            elif header.startswith("new "):
                spec = header[4:]
                path, _sep, link = spec.partition(" -> ")
                shown.add(path)
                got_link, got_text = after.get(path, (None, None))
                self.expect(cmd + " [link %s]" % path, got_link, link or None)
                got_lines = _lines(got_text)
                while got_lines and got_lines[-1] == "":
                    got_lines.pop()
                want = list(body)
                if len(got_lines) == len(want):
                    # UUIDs are random per run unless the command gave one
                    for index, line in enumerate(want):
                        if line.startswith('UUID="') and line[6:-1] not in cmd \
                                and UUID_LINE.match(got_lines[index]):
                            got_lines[index] = line
                self.expect(cmd + " [new %s]" % path, random_names(got_lines, self.got_names),
                            random_names(want, self.want_names))
                if confs.get(path, (None, None))[1] is not None:
                    self.failures.append("%s: %s existed before" % (cmd, path))
            elif header.endswith(" removed"):
                path = header[:-len(" removed")]
                shown.add(path)
                self.expect(cmd + " [removed %s]" % path, after.get(path), None)
            elif header.startswith("/etc/vz/names: "):
                expected_names = json.loads(header[len("/etc/vz/names: "):])
            elif header == "vzpkg was called with":
                pkg = [[a[1:-1] for a in re.findall(r"\[[^\]]*\]", line)] for line in body]
            else:
                self.failures.append("%s: unknown block %r" % (cmd, header))
        self.expect(cmd + " [configs changed]", sorted(changed), sorted(shown))
        for path in sorted(changed - shown):
            self.failures.append("%s: unexpected change of %s:\n  %s" % (
                cmd, path, "\n  ".join(_diff(confs.get(path, (None, None))[1],
                                             after.get(path, (None, None))[1]))))
        self.expect(cmd + " [veth names from MACs]", self.got_names.get("bad"), None)
        self.expect(cmd + " [names]", names_after, expected_names)
        self.expect(cmd + " [vzpkg]", self.vzpkg_calls()[pkg_before:], pkg or [])

    def expect(self, what, got, expected):
        self.checked += 1
        if got != expected:
            self.failures.append("%s\n  expected: %r\n  got:      %r" % (what, expected, got))


@pytest.mark.parametrize("flavour", ["vz7"])
@pytest.mark.parametrize("file_name,seq", sequences())
def test_replay_real_vzctl7_transcript(emu_host, file_name, seq):
    replay = Replay(emu_host, file_name, seq)
    replay.run()
    assert not replay.failures, "\n\n".join(replay.failures)


def test_vz7_parser_sees_every_sequence():
    seqs = [s for name in transcript.VZ7_FILES for s in transcript.parse_vz7(name)]
    assert len(seqs) == 92
    commands = [st for s in seqs for st in s.steps if not st.command.startswith("# setup")]
    assert len(commands) == 236
    set_name = [s for s in seqs if s.name == "set-description"][0]
    multi = [st for st in set_name.steps if "line1" in st.command][0]
    assert transcript.vz7_argv(multi.command)[4] == "line1\nline2"
