"""Timing helpers shared by the PyTorch reference scripts of `make bench`'s tables.

Every script lists its cases as (id, label, make_step), where make_step() builds the model and
returns one step to time, and ends with `run_cases(cases)`:

    python3 <script>                     # every case, as a Markdown table
    python3 <script> --case ID --json    # one case, as one JSON line (what `make bench` reads)
"""

import argparse
import json
import platform
import statistics
import time

import torch

WARMUP, MIN_SECONDS, MIN_RUNS = 3, 3.0, 3


def median_ms(step):
    """Median wall time (ms) of `step()` after WARMUP calls, over at least MIN_SECONDS and MIN_RUNS."""
    for _ in range(WARMUP):
        step()
    times, start = [], time.perf_counter()
    while time.perf_counter() - start < MIN_SECONDS or len(times) < MIN_RUNS:
        t = time.perf_counter()
        step()
        times.append((time.perf_counter() - t) * 1000)
    return statistics.median(times)


def cpu_name():
    """The processor's model name from /proc/cpuinfo (else what `platform` knows)."""
    try:
        with open("/proc/cpuinfo") as f:
            return next(line.split(":", 1)[1].strip() for line in f if line.startswith("model name"))
    except (OSError, StopIteration):
        return platform.processor() or platform.machine()


def run_cases(cases, threads=2):
    """Times the cases named on the command line (all by default) with `threads` threads."""
    parser = argparse.ArgumentParser()
    parser.add_argument("--case", action="append", help="a case id (repeatable); default: every case")
    parser.add_argument("--json", action="store_true", help="one JSON line per case instead of a table")
    parser.add_argument("--list", action="store_true", help="print the case ids and exit")
    args = parser.parse_args()
    if args.list:
        print("\n".join(case_id for case_id, _, _ in cases))
        return
    known = {case_id for case_id, _, _ in cases}
    unknown = [case_id for case_id in args.case or [] if case_id not in known]
    if unknown:
        parser.error(f"unknown case {unknown}; the cases are {sorted(known)}")
    torch.set_num_threads(threads)
    selected = [case for case in cases if not args.case or case[0] in args.case]
    if not args.json:
        print(f"PyTorch {torch.__version__}, {torch.get_num_threads()} threads, {cpu_name()}\n")
        print("| case | ms |\n|---|---:|")
    for case_id, label, make_step in selected:
        torch.manual_seed(0)
        step = make_step()
        ms = median_ms(step)
        note = getattr(step, "note", "")  # e.g. the parameter count, to compare with the Swift model
        if args.json:
            print(json.dumps({"case": case_id, "ms": ms, "note": note, "torch": torch.__version__,
                              "threads": torch.get_num_threads(), "cpu": cpu_name()}), flush=True)
        else:
            print(f"| {label}{f' ({note})' if note else ''} | {ms:.2f} |", flush=True)
