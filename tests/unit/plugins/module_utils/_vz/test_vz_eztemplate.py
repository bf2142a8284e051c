"""vz_eztemplate's plan against scripted vzpkg answers: which read-only
questions it asks, which commands it plans, what check mode reports, and
what it refuses before asking anything."""
import pytest

from ansible_collections.openvz.vz.plugins.module_utils._vz import vz_eztemplate
from ansible_collections.openvz.vz.plugins.module_utils._vz.vz_errors import (
    VzInputError, VzStateError, VzToolError)

NAME = "debian-12.0-x86_64-minimal"
LISTED = "debian-12.0-x86_64                 \n%-34s 2026-01-01 10:00:00\n" % NAME


class FakeRunner:
    """vzpkg answers by argv (without the program); every call recorded."""

    def __init__(self, answers):
        self.answers = answers
        self.calls = []

    def run(self, argv, check_rc=True):
        assert argv[0] == "vzpkg" and not check_rc
        self.calls.append(argv[1:])
        rc, out = self.answers.get(tuple(argv[1:]), (0, ""))
        return rc, out, "Error: failed\n" if rc else ""


def _converge(answers, check_mode=False, **args):
    runner = FakeRunner(answers)
    ez = vz_eztemplate.EzTemplates(runner, check_mode=check_mode, globals_={"TEMPLATE": "/nonexistent"})
    return ez.converge(NAME, **args), runner.calls


@pytest.mark.parametrize("check_mode", [False, True])
def test_latest_asks_only_read_only_questions_then_plans(check_mode):
    answers = {("list",): (0, LISTED), ("list", "--available"): (0, "%-34s openvz-os\n" % NAME),
               ("status", NAME): (22, "")}
    result, calls = _converge(answers, check_mode=check_mode, state="latest", cache="latest")
    planned = [["vzpkg", "update", "template", NAME], ["vzpkg", "update", "cache", NAME]]
    assert result["changed"] and result["commands"] == planned
    reads = [["list"], ["list", "--available"], ["status", NAME]]
    assert calls == (reads if check_mode else reads + [argv[1:] for argv in planned] + [["list"]])


def test_nothing_to_do_asks_no_repository_and_changes_nothing():
    result, calls = _converge({("list",): (0, LISTED)}, cache="present")
    assert not result["changed"] and result["commands"] == []
    assert calls == [["list"]]
    assert [t["name"] for t in result["templates"]] == ["debian-12.0-x86_64", NAME]
    assert result["templates"][1]["cached"] and not result["templates"][0]["cached"]


def test_status_is_never_asked_about_a_template_that_is_not_installed():
    # vzpkg status would install it (vztt loads the template with vzup2date allowed)
    answers = {("list",): (0, ""), ("list", "--available"): (0, NAME + " openvz-os\n")}
    result, calls = _converge(answers, check_mode=True, cache="latest")
    assert result["commands"] == [["vzpkg", "install", "template", NAME], ["vzpkg", "create", "cache", NAME]]
    assert ["status", NAME] not in calls


def test_absent_removes_with_force_only_when_asked():
    result, _calls = _converge({("list",): (0, LISTED)}, check_mode=True, state="absent", force=True)
    assert result["commands"] == [["vzpkg", "remove", "template", "-f", NAME]]
    result, calls = _converge({("list",): (0, "")}, state="absent")
    assert not result["changed"] and calls == [["list"]]


def test_unavailable_template_and_bad_combinations_are_refused_before_any_change():
    with pytest.raises(VzStateError, match="neither installed nor available"):
        _converge({("list",): (0, ""), ("list", "--available"): (0, "")})
    with pytest.raises(VzInputError, match="^cache: present needs the template"):
        _converge({}, state="absent", cache="present")
    with pytest.raises(VzInputError, match="^name:"):
        vz_eztemplate.EzTemplates(FakeRunner({}), globals_={}).converge("../x")


def test_a_failing_command_reports_what_ran():
    answers = {("list",): (0, ""), ("list", "--available"): (0, NAME + "\n"),
               ("create", "cache", NAME): (29, "")}
    with pytest.raises(VzToolError) as caught:
        _converge(answers, cache="present")
    result = caught.value.to_result()
    assert result["rc"] == 29 and result["meaning"] == "template cache already exists"
    assert result["executed"] == [["vzpkg", "install", "template", NAME]] and result["changed"]


@pytest.mark.parametrize("option, value", [("src", "/x"), ("url", "http://x"), ("checksum", "md5:0"),
                                           ("download", True), ("remote_src", True)])
def test_legacy_options_are_refused_by_name(option, value):
    with pytest.raises(VzInputError, match="^%s: is for template cache files of legacy OpenVZ" % option) as caught:
        vz_eztemplate.refuse_legacy_options({option: value, "download": value if option == "download" else False})
    assert caught.value.to_result()["legacy_only"] == option


@pytest.mark.parametrize("params, option", [({"cache": "present"}, "cache"), ({"state": "latest"}, "state"),
                                            ({"force": True}, "force")])
def test_vz7_options_are_refused_on_legacy(params, option):
    with pytest.raises(VzInputError, match="^%s: " % option):
        vz_eztemplate.refuse_vz7_options(params)
