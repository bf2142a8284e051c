"""What vzctl prints, and exits with, where vzctl 4.11 (legacy) and OpenVZ 7's
vzctl (vz7) word the same event differently: one table per flavour, looked
up by key (``Run.msg(key, *args)``, ``Run.rc(key)``).  A branch on the
flavour that does more than pick a text (another log level or stream,
another exit code path) stays in the code; the CT lock's texts are
vzemu/lock.py's ``MESSAGES``.
"""
from .. import host as host_mod

LEGACY = {
    "version": "vzctl version 4.11.1",
    "ctid_missing": "CT ID missing",
    "conf_missing": "Container config file does not exist",
    "create_failed": "Creation of container private area failed",
    "starting": "Starting container...",
    "started": "Container started successfully",
    "restarting": "Restarting container",
    "stop_not_running": "Unable to stop: container is not running",
    "stopping": "Stopping container ...",
    "killing": "Killing container ...",
    "not_mounted": "CT is not mounted",
    "umount_running": "Container is running -- stop it first",
    "destroying": "Destroying container private area: %s",
    "suspend_not_running": "Unable to setup checkpointing: container is not running",
    "exec_no_command": "No command line given for exec",
    "name_conflict": "Conflict: name %s already used by container %s",
    "rc_name": 131,     # VZ_SET_NAME_ERROR
}

VZ7 = {
    "version": "vzctl v.7.0.254",
    "ctid_missing": "ctid is not given",
    "conf_missing": "Container configuration file does not exist",
    "create_failed": "Creation of Container private area failed",
    "starting": "Starting Container ...",
    "started": "Container was started successfully",
    "restarting": "Restart the Container",
    "stop_not_running": "Container is not running",
    "stopping": "Stopping the Container ...",
    "killing": "Stopping the Container ...",        # --fast says the same
    "not_mounted": "Container is not mounted",
    "umount_running": "Container is running",
    "destroying": "Destroying Container private area: %s",
    "suspend_not_running": "Container is not running",
    "exec_no_command": "No command to execute by vzctl exec",
    "name_conflict": "Conflict: name %s already used by Container %s",
    "rc_name": 137,     # VZCTL_E_SET_NAME
}

TABLES = {host_mod.LEGACY: LEGACY, host_mod.VZ7: VZ7}
