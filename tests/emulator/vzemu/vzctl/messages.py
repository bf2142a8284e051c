"""What vzctl prints, and exits with, where vzctl 4.11 (legacy) and OpenVZ 7's
vzctl (vz7) word the same event differently: one table per flavour, looked
up by key (``Run.msg(key, *args)``, ``Run.rc(key)``).  A branch on the
flavour that does more than pick a text (another log level or stream,
another exit code path) stays in the code; the CT lock's texts are
vzemu/lock.py's ``MESSAGES``.
"""
from .. import host as host_mod

VZ7_USAGE = """vzctl v.7.0.254

Usage:
vzctl destroy | mount | umount | start | stop | status | enter | console
vzctl start <ctid|name> [--wait] [--repair]
vzctl create <ctid|name> [--ostemplate <name>]
\t[--config <name>] [--private <path>] [--root <path>]
\t[--ipadd <addr>] [--hostname <name>] [--skip_app_templates]
\t[--force]
vzctl convert VEID
vzctl console VEID [1|2]
vzctl reinstall <ctid|name> [--skipbackup] [--resetpwdb]
vzctl suspend <ctid|name>
vzctl resume <ctid|name>
vzctl snapshot <ctid|name> [--id <uuid>] [--name <name>] [--description <desc>]
\t[--skip-suspend]
vzctl snapshot-switch <ctid|name> --id <uuid>
vzctl snapshot-delete <ctid|name> --id <uuid>
vzctl snapshot-mount <ctid|name> --id <uuid> --target <path>
vzctl snapshot-umount <ctid|name> --id <uuid>
vzctl snapshot-list <ctid|name> [-H] [-o field[,field...]] [--id <uuid>]
vzctl exec | exec2 | exec3 <ctid|name> <command> [arg ...]
vzctl pause <ctid|name>
vzctl runscript <ctid|name> <script>
vzctl execaction <ctid|name> <action>
vzctl register <path> <ctid> [--force]
vzctl unregister <ctid|name>
vzctl monitor <ctid | 0>
vzctl compact <ctid|name> [--defrag]
vzctl set <ctid|name> [--save] [--ipadd <addr[/mask]> [--ipdel <addr>|all]
   [--hostname <name>] ]
   [--nameserver <addr>] [--searchdomain <name>] [--onboot yes|no]
   [--userpasswd <user>:<passwd> [--crypted]] [--cpuunits <N>] [--cpulimit <N>]
   [--cpus <N>] [--cpumask <{N[,N][.N-N]|all}>] [--nodemask <{N[,N][.N-N]|all}>]
   [--diskspace <soft>[:<hard>]] [--quotaugidlimit <N>] [--jquota <on|of>]
   [--rate <dev>:<class>:<Kbits>] [--ratebound yes|no]
   [--noatime yes|no] [--devnodes device:r|w|rw|none]
   [--pci_add [<domain>:]<bus>:<slot>.<func>] [--pci_del <d:b:s.f>]
   [--applyconfig <name>] [--setmode restart|ignore] [--description <desc>]
   [--netif_add <ifname[,mac,host_ifname,host_mac]]>] [--netif_del <ifname>]
   [--ifname <ifname> [--mac <mac>] [--host_ifname <name>] [--host_mac <mac>]
              [--ipadd <addr>] [--ipdel <addr>] [--gw <addr>] [--gw6 <addr>]
              [--dhcp <yes|no>] [--dhcp6 <yes|no>] [--network <id>]
              [--configure <none|all>]]
   [--bindmount_add [<src>]:<dst>[,nosuid,noexec,nodev]]
   [--bindmount_del <dst|all>] [--name <name>]
   [--netdev_add <name> [--netdev_del <name>]
   [--iptables <name>] [--disabled <yes|no>] [--ioprio <N>]
   [--netfilter <disabled|stateless|stateful|full>]
   [--iolimit <bytes/sec>] [--iopslimit <op/sec>] [--features name:on|off]
   [--mount_opts <opt[,opt]>] [--ha_enable <yes|no>] [--ha_prio <N>]
   [UBC parameters] [--ostemplate <name>] [--distribution <name>]
UBC parameters (N - items, P - pages, B - bytes):
Two numbers divided by colon denote barrier:limit.
In case the limit is not given it is set to the same value as the barrier.
   --numproc N[:N] \t--vmguarpages P[:P]
   --lockedpages P[:P]\t--privvmpages P[:P]
   --shmpages P[:P]\t--numfile N[:N]\t\t--numflock N[:N]
   --numpty N[:N]\t--numsiginfo N[:N]
   --numiptent N[:N]\t--physpages P[:P]\t--avnumproc N[:N]
   --swappages P[:P] --ram N --swap N --memguarantee <auto|N>
   --numnetif N --pagecache-isolation=<yes|no>"""

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
    # src/vz.c Usage(): Version(), then the text (to stdout, also for
    # "vzctl" alone, which exits 20)
    "usage": VZ7_USAGE,
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
