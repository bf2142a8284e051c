"""vzemu.getopt, the one glibc getopt_long port vzctl and vzlist share."""
import pytest

from vzemu import getopt as g

LONG = [g.LongOpt("uuid", g.REQ_ARG, "GUID"), g.LongOpt("uuid-alias", g.REQ_ARG, "GUID"),
        g.LongOpt("umask", g.REQ_ARG, "UMASK"), g.LongOpt("quiet", g.NO_ARG, "q")]


def run(argv, optstring="ab:", prog="vzctl"):
    errs = []
    getter = g.Getopt(argv, LONG, errs.append, optstring, prog)
    try:
        opts = [(o if isinstance(o, str) else o.key, v, s) for o, v, s in getter]
    except g.GetoptError:
        return None, None, errs
    return opts, getter.rest, errs


def test_options_come_one_at_a_time():
    getter = iter(g.Getopt(["--quiet", "--bogus"], LONG, lambda line: None))
    assert next(getter)[0].key == "q"      # the caller acts on it before the error
    with pytest.raises(g.GetoptError):
        next(getter)


def test_permutation_clusters_and_attached_values():
    assert run(["x", "-ab1", "--uu=7", "y", "-b", "2", "--", "-a"]) == (
        [("a", None, "-a"), ("b", "1", "-b"), ("GUID", "7", "--uuid"), ("b", "2", "-b")],
        ["x", "y", "-a"], [])


def test_posixly_correct_stops_at_the_first_non_option(monkeypatch):
    monkeypatch.setenv("POSIXLY_CORRECT", "1")
    assert run(["-a", "x", "-a"]) == ([("a", None, "-a")], ["x", "-a"], [])


def test_aliases_of_the_first_match_are_not_ambiguous():
    # "--uu" matches uuid and uuid-alias, both GUID: the first one, no complaint
    assert run(["--uu", "1"])[0] == [("GUID", "1", "--uuid")]


def test_ambiguity_lists_the_first_match_and_those_that_differ():
    # glibc process_long_option(): uuid-alias returns what uuid returns, so it is
    # not in the list
    assert run(["--u=1"])[2] == [
        "vzctl: option '--u=1' is ambiguous; possibilities: '--uuid' '--umask'"]


@pytest.mark.parametrize("argv,message", [
    (["-z"], "vzlist: invalid option -- 'z'"),
    (["-b"], "vzlist: option requires an argument -- 'b'"),
    (["--x=1"], "vzlist: unrecognized option '--x=1'"),
    (["--quiet=yes"], "vzlist: option '--quiet' doesn't allow an argument"),
    (["--umask"], "vzlist: option '--umask' requires an argument"),
])
def test_glibc_messages(argv, message):
    assert run(argv, prog="vzlist") == (None, None, [message])
