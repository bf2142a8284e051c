"""Two plays converging one container at once end with one play's state, never a mix.

The module reads the container before vzctl takes its lock, so it sets lists
whole (``--ipdel all``, ``--netif_del all``) in one ``vzctl set``: the lock
serialises the two calls and the later one wins whole.
"""
import json
import threading

import pytest

ROUNDS = 20
WANTS = {
    "a": {"ip_addresses": ["192.0.2.1"], "netifs": [{"ifname": "eth0", "bridge": "br0"}],
          "nameservers": ["192.0.2.53"], "hostname": "a.example.com"},
    "b": {"ip_addresses": ["192.0.2.2", "192.0.2.3"], "netifs": [{"ifname": "eth1", "bridge": "br1"}],
          "nameservers": ["192.0.2.54"], "hostname": "b.example.com"},
}
STATES = {
    "a": {"IP_ADDRESS": ["192.0.2.1"], "NETIF": ["eth0"], "NAMESERVER": ["192.0.2.53"],
          "HOSTNAME": ["a.example.com"]},
    "b": {"IP_ADDRESS": ["192.0.2.2", "192.0.2.3"], "NETIF": ["eth1"], "NAMESERVER": ["192.0.2.54"],
          "HOSTNAME": ["b.example.com"]},
}


def _play(args):
    return json.dumps([{"hosts": "localhost", "gather_facts": False, "tasks": [
        {"name": "converge", "openvz.vz.container": dict({"ctid": "101"}, **args), "ignore_errors": True}]}], indent=1)


def _state(conf_text):
    values = {}
    for line in conf_text.splitlines():
        key, _sep, value = line.partition("=")
        values[key] = value.strip('"')
    netifs = [entry.split(",")[0].partition("=")[2] for entry in values.get("NETIF", "").split(";") if entry]
    return {"IP_ADDRESS": sorted(values.get("IP_ADDRESS", "").split()), "NETIF": sorted(netifs),
            "NAMESERVER": values.get("NAMESERVER", "").split(), "HOSTNAME": [values.get("HOSTNAME", "")]}


@pytest.mark.parametrize("openvz_host", ["legacy"], indirect=True)
def test_two_plays_at_once_leave_one_plays_state(openvz_host, ansible_env):
    made = openvz_host.run(["vzctl", "create", "101", "--ostemplate", "debian-12.0-x86_64-minimal"])
    assert made.returncode == 0, made.stderr
    books = {key: ansible_env.playbook_path(_play(args)) for key, args in WANTS.items()}
    for number in range(ROUNDS):
        order = sorted(books, reverse=bool(number % 2))
        results = {}
        threads = [threading.Thread(target=lambda k=key: results.__setitem__(k, ansible_env.run_playbook(books[k])))
                   for key in order]
        for thread in threads:
            thread.start()
        for thread in threads:
            thread.join()
        state = _state(openvz_host.conf_text(101))
        assert state in STATES.values(), (state, {k: str(r) for k, r in results.items()})
        # A play that met the other's lock fails with vzctl's "locked" (9), nothing else.
        for result in results.values():
            task = result.task("converge")
            assert not task["failed"] or task["result"].get("rc") == 9, str(result)
