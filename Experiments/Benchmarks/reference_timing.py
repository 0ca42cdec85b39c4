"""Timing helpers shared by the PyTorch reference scripts of `make bench`'s tables."""

import platform
import statistics
import time

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
