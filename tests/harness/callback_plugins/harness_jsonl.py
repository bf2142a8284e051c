"""Ansible callback: one JSON line per task result, for the test harness.

ansible-core ships no JSON callback (that one lives in ansible.posix), so
the harness enables this one next to the normal stdout callback and reads
the file named by HARNESS_RESULTS_FILE. It runs on every ansible-core the
collection supports (2.16 and newer, see tests/matrix/).
"""

from __future__ import annotations

import json
import os

from ansible.plugins.callback import CallbackBase

DOCUMENTATION = """
name: harness_jsonl
type: aggregate
short_description: write task results as JSON lines (test harness only)
description:
  - Appends one JSON object per task result and one with the play stats
    to the file named by the HARNESS_RESULTS_FILE environment variable.
"""


def _public(result, name):
    """`result.<name>` (host, task, result) of a task result, on any core.

    2.19 hands callbacks a CallbackTaskResult with public `host`, `task` and
    `result` (the underscored names stay, to be deprecated in 2.23); up to
    2.18 a TaskResult has only `_host`, `_task` and `_result`.
    """
    if hasattr(result, name):
        return getattr(result, name)
    return getattr(result, "_" + name)


class CallbackModule(CallbackBase):
    CALLBACK_VERSION = 2.0
    CALLBACK_TYPE = "aggregate"
    CALLBACK_NAME = "harness_jsonl"
    CALLBACK_NEEDS_ENABLED = True

    def __init__(self, *args, **kwargs):
        super().__init__(*args, **kwargs)
        self._path = os.environ.get("HARNESS_RESULTS_FILE")

    def _write(self, record):
        if not self._path:
            return
        # default=str: results may hold objects json does not know.
        with open(self._path, "a", encoding="utf-8") as handle:
            handle.write(json.dumps(record, default=str, sort_keys=True) + "\n")

    def _task_record(self, result, status):
        data = dict(_public(result, "result"))
        task = _public(result, "task")
        self._write({
            "event": "task",
            "status": status,
            "name": task.get_name(),
            "action": task.action,
            "host": _public(result, "host").get_name(),
            "changed": bool(data.get("changed", False)),
            "failed": status in ("failed", "ignored", "unreachable"),
            "skipped": status == "skipped",
            "unreachable": status == "unreachable",
            "result": data,
        })

    def v2_runner_on_ok(self, result):
        self._task_record(result, "ok")

    def v2_runner_on_failed(self, result, ignore_errors=False):
        self._task_record(result, "ignored" if ignore_errors else "failed")

    def v2_runner_on_skipped(self, result):
        self._task_record(result, "skipped")

    def v2_runner_on_unreachable(self, result):
        self._task_record(result, "unreachable")

    def v2_playbook_on_stats(self, stats):
        self._write({
            "event": "stats",
            "stats": {host: stats.summarize(host) for host in sorted(stats.processed)},
        })
