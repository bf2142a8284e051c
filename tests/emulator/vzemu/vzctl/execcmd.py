"""exec / exec2 / exec3 / enter / console / runscript (vzctl 4.x
src/vzctl-actions.c exec(), enter(); the command runs chrooted into VE_ROOT
with /bin/bash, or /bin/sh when the CT has no bash)."""
import os
import subprocess
import sys

from . import fsops

CT_ENV = {"HOME": "/", "TERM": os.environ.get("TERM", "linux"),
          "PATH": "/bin:/sbin:/usr/bin:/usr/sbin:/usr/local/bin:/usr/local/sbin:"}


def parse_exec(run):
    if len(run.argv) < 1:
        run.log.raw_err(run.msg("exec_no_command"))
        return 20
    if not run.legacy:
        run.log.verbose = -1
    return 0


def parse_enter(run):
    if run.argv:
        if run.argv[0] == "--exec":
            if len(run.argv) == 1 or run.argv[1] == "":
                run.log.raw_err("No command line given for --exec")
                return 20
        else:
            run.log.raw_err("Invalid option '%s'" % run.argv[0])
            return 20
    return 0


def parse_runscript(run):
    if len(run.argv) < 1:
        run.log.raw_err("Script not specified")
        return 20
    return 0


def _shell(root):
    for shell in ("/bin/bash", "/bin/sh"):
        if os.path.exists(os.path.join(root, shell.lstrip("/"))):
            return shell
    return "/bin/sh"


def _not_running(run, rc):
    run.log.error("Container is not running")
    return rc


def exec_(run):
    root = run.gparam.root
    action = run.action
    if not root:
        run.log.error("VE_ROOT is not set")
        return 22
    if not fsops.is_running(run.veid):
        return _not_running(run, 8 if action == "exec" else 31)
    args = run.argv
    text = "".join(("%s " % a) if a else "'' " for a in args)
    run.log.log(1, "Executing command: %s" % text)
    shell = _shell(root)
    sys.stdout.flush()
    if action == "exec3":
        argv = ["chroot", root] + list(args)
    elif args and args[0] != "-":
        argv = ["chroot", root, shell, "-c", text]
    else:
        argv = ["chroot", root, shell]
    try:
        proc = subprocess.run(argv, env=CT_ENV, cwd="/", check=False)
        rc = proc.returncode
    except OSError as exc:
        run.log.error("Unable to execute %s" % argv[2], exc.errno)
        rc = 3
    if rc < 0:
        rc = 3
    if action == "exec" and rc:
        return 8
    return rc


def enter(run):
    root = run.gparam.root
    if not root:
        run.log.error("VE_ROOT is not set")
        return 22
    if not fsops.is_running(run.veid):
        return _not_running(run, 31)
    run.log.log(1, "Entering CT")
    args = run.argv[1:] if run.argv else []
    argv = ["chroot", root] + (list(args) if args else [_shell(root), "-i"])
    proc = subprocess.run(argv, env=CT_ENV, cwd="/", check=False)
    return proc.returncode if proc.returncode >= 0 else 3


def console(run):
    if not fsops.is_running(run.veid):
        return _not_running(run, 31)
    run.log.error("Console is not available in the emulator")
    return 3


def runscript(run):
    script = run.argv[0]
    root = run.gparam.root
    if not os.path.exists(script):
        run.log.error("Script not found: %s" % script)
        return 11
    if not fsops.is_running(run.veid):
        return _not_running(run, 31)
    with open(script, "rb") as handle:
        body = handle.read()
    proc = subprocess.run(["chroot", root, _shell(root)], input=body, env=CT_ENV, cwd="/",
                          check=False)
    return proc.returncode if proc.returncode >= 0 else 3
