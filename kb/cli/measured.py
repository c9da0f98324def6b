"""`kb ARGS` in a process kb.bench times: run the command, then write this process's peak RSS to
KB_BENCH_RSS_FILE. kb.bench starts it in a new interpreter (cold start, peak memory), so the
library never imports the CLI."""

from __future__ import annotations

import json
import os
import resource
import sys
from pathlib import Path

from kb.cli import main


def run() -> None:
    code = main(sys.argv[1:])
    report = os.environ.get("KB_BENCH_RSS_FILE")
    if report:
        peak_mb = resource.getrusage(resource.RUSAGE_SELF).ru_maxrss / 1024
        Path(report).write_text(json.dumps({"peak_rss_mb": round(peak_mb, 1)}), encoding="utf-8")
    sys.exit(code)
