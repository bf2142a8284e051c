"""Ansible callback: when each task started and when its last result came (make bench only).

The benchmark compares tasks, not ansible-playbook runs: a run's start-up
(loading the collection, parsing the inventory) is the same for both sides
of a comparison and would hide their ratio.
"""

from __future__ import annotations

import json
import os
import time

from ansible.plugins.callback import CallbackBase

DOCUMENTATION = """
name: bench_timing
type: aggregate
short_description: write each task's start and end times as JSON lines (benchmarks only)
description:
  - Appends one JSON object per task (name, start, end, results) to the file
    named by the OPENVZ_BENCH_TIMING_FILE environment variable.
"""


class CallbackModule(CallbackBase):
    CALLBACK_VERSION = 2.0
    CALLBACK_TYPE = "aggregate"
    CALLBACK_NAME = "bench_timing"
    CALLBACK_NEEDS_ENABLED = True

    def __init__(self, *args, **kwargs):
        super().__init__(*args, **kwargs)
        self._path = os.environ.get("OPENVZ_BENCH_TIMING_FILE")
        self._task = None

    def _flush(self):
        if self._task is not None and self._path:
            with open(self._path, "a", encoding="utf-8") as handle:
                handle.write(json.dumps(self._task) + "\n")
        self._task = None

    def v2_playbook_on_task_start(self, task, is_conditional):
        self._flush()
        now = time.monotonic()
        self._task = {"name": task.get_name(), "start": now, "end": now, "results": 0}

    def _result(self, result, *args, **kwargs):
        if self._task is not None:
            self._task["end"] = time.monotonic()
            self._task["results"] += 1

    v2_runner_on_ok = v2_runner_on_failed = v2_runner_on_skipped = v2_runner_on_unreachable = _result

    def v2_playbook_on_stats(self, stats):
        self._flush()
