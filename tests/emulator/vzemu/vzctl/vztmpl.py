"""How OpenVZ 7's libvzctl asks vzpkg about EZ templates (lib/vztmpl.c):
the argv of each question, what becomes of its answer.

vzpkg is /usr/sbin/vzpkg there; on an emulated host it is the stand-in
``vzpkg`` on PATH (bin/vzpkg, vzemu/vzpkg.py), and a host provisioned with
``vzpkg: false`` has none: every call then says ``executable
/usr/sbin/vzpkg not found`` (vzctl2_wrap_exec_script()/vzctl_popen()) and
reads as an empty answer, as the transcripts show.
"""
import shutil
import subprocess
import sys

VZPKG = "/usr/sbin/vzpkg"

# include/vztt_error.h
VZT_TMPL_NOT_CACHED = 23
VZT_TMPL_NOT_FOUND = 24


def _exe(run):
    if not run.host.vzpkg:
        return None
    return shutil.which("vzpkg")


def call(run, argv, capture=True):
    """Run vzpkg ``argv`` (without the program); (exit code, stdout lines).
    Its stderr is the caller's (DONT_REDIRECT_ERR2OUT)."""
    exe = _exe(run)
    if exe is None:
        run.log.error("executable %s not found" % VZPKG)
        return 0, []
    sys.stdout.flush()
    sys.stderr.flush()
    proc = subprocess.run([exe] + list(argv), stdout=subprocess.PIPE if capture else None,
                          check=False)
    text = proc.stdout.decode("utf-8", "surrogateescape") if capture and proc.stdout else ""
    return proc.returncode, [line for line in text.split("\n") if line] if text else []


def last_line(run, argv):
    """get_last_line(): (exit code, the last line vzpkg printed or "")."""
    rc, lines = call(run, argv)
    return rc, (lines[-1] if lines else "")


def full_ostmpl(ostmpl):
    """get_full_ostmpl(): "-x86_64" appended to a name without "-x86"."""
    return ostmpl if "-x86" in ostmpl else ostmpl + "-x86_64"


def appcache_tarball(run, config, ostmpl, fstype):
    """vztmpl_get_appcache_tarball(): (exit code, tarball, apps) of
    ``vzpkg info -q [--config C] --ostemplate T [--vefstype F]``."""
    argv = ["info", "-q"]
    if config is not None:
        argv += ["--config", config]
    argv += ["--ostemplate", full_ostmpl(ostmpl)]
    if fstype is not None:
        argv += ["--vefstype", fstype]
    rc, lines = call(run, argv)
    return rc, (lines[0] if lines else ""), lines[1:]


def cache_tarball(run, config, ostmpl, fstype):
    """vztmpl_get_cache_tarball() for create: (0, tarball, ostmpl) or
    (VZCTL_E_FS_NEW_VE_PRVT, None, ostmpl) having said why."""
    log = run.log
    if ostmpl.startswith("/"):
        return 0, ostmpl, ostmpl
    rc, tarball, _apps = appcache_tarball(run, config, ostmpl, fstype)
    if rc == 0:
        return 0, tarball, ostmpl
    if rc != VZT_TMPL_NOT_CACHED:
        if rc == VZT_TMPL_NOT_FOUND:
            log.error("Error: Unable to find ostemplate: %s" % ostmpl)
        else:
            log.error("Unable to get appcache tarball name for %s with ostemplate %s"
                      % (config, ostmpl))
        return 48, None, ostmpl
    log.info("Cached package set '%s' is not found, run create cache utility..." % ostmpl)
    argv = ["create", "cache"]
    if run.log.quiet:
        argv.append("-q")
    argv += [ostmpl] + (["--vefstype", fstype] if fstype else [])
    rc, _lines = call(run, argv, capture=False)
    if rc:
        return 48, None, ostmpl
    rc, name = last_line(run, ["info", "-q", ostmpl, "name"])
    if rc:
        log.error("Unable to get full ostemplate name for %s" % ostmpl)
        return 48, None, ostmpl
    rc, tarball, _apps = appcache_tarball(run, config, name, fstype)
    if rc:
        log.error("Unable to get appcache tarball name for '%s' with ostemplate %s"
                  % (config or "", name))
        return 48, None, name
    return 0, tarball, name


def field(run, ostmpl, name):
    """vztmpl_get_technologies()/_distribution()/_osrelease(): (exit code,
    the answer) of ``vzpkg info -q T FIELD``."""
    return last_line(run, ["info", "-q", ostmpl, name])


def jquota(run, ostmpl):
    """vztmpl_is_jquota_supported(): -1 (no answer), 0 or 1."""
    rc, line = last_line(run, ["info", ostmpl, "-q", "jquota"])
    if rc:
        return -1
    return 1 if line.startswith("yes") else 0
