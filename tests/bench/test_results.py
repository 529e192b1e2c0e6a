"""A run without the export keeps the export timing of the last run on the same data set.

At 1m the export takes over twenty minutes, so ``bench/run.py --no-export`` carries the
previous timing into the new results (marked with the run that measured it) instead of
dropping it from docs/performance.md; a timing from another data set is never carried.
"""

import json

from bench.run import earlier_export

DATASET = {"commit": "abc1234", "counts": {"events_claim": 10}}
EXPORT = {"seconds": 12.5, "counts": {"claims": 7}, "bytes": 1000}


def write(path, dataset, export=EXPORT):
    previous = {"commit": "def5678", "started": "2026-11-28T11:06:00+00:00"}
    path.write_text(json.dumps({**previous, "dataset": dataset, "export": export}))


def test_keeps_the_timing_of_the_same_data_set_marked_with_its_run(tmp_path):
    output = tmp_path / "1m.json"
    write(output, DATASET)
    kept = earlier_export(output, DATASET)
    assert kept == {
        **EXPORT,
        "timed_at": {"commit": "def5678", "started": "2026-11-28T11:06:00+00:00"},
    }
    # carried once more, it still names the run that measured it
    write(output, DATASET, export=kept)
    assert earlier_export(output, DATASET)["timed_at"]["commit"] == "def5678"


def test_drops_a_timing_from_another_data_set_or_none(tmp_path):
    output = tmp_path / "1m.json"
    assert earlier_export(output, DATASET) is None  # no earlier run
    write(output, {"commit": "abc1234", "counts": {"events_claim": 11}})
    assert earlier_export(output, DATASET) is None
    write(output, {**DATASET, "commit": "0000000"})
    assert earlier_export(output, DATASET) is None
    write(output, DATASET, export=None)
    assert earlier_export(output, DATASET) is None


def test_growth_is_compared_only_between_runs_on_one_machine():
    """Latency at 1m over latency at 10k means nothing when the two ran on different
    hardware: the report says so instead of printing the ratio."""
    from bench.report import growth_section

    machine = {
        "nproc": 2,
        "cpu": "Intel(R) Xeon(R) Processor",
        "postgresql": "15.20 (Debian 15.20-0+deb12u1)",
        "wrk": "wrk 4.1.0",
    }

    def run(cpu, p50):
        endpoints = {"event-list": {"ours": {"1": {"p50_ms": p50, "rps": 900}}}}
        return {"commit": "abc", "machine": {**machine, "cpu": cpu}, "endpoints": endpoints}

    same = growth_section({"10k": run(machine["cpu"], 1.0), "1m": run(machine["cpu"], 1.2)})
    assert "| event-list | 1.0 | 1.2 | 1.20× |" in same
    other = growth_section({"10k": run("AMD EPYC", 2.4), "1m": run(machine["cpu"], 1.0)})
    assert "Not comparable" in other and "AMD EPYC" in other and "| event-list |" not in other


def test_a_missed_cold_target_profiles_a_render_and_a_missed_warm_one_a_hit():
    """``--profile`` explains each miss with the kind of request that missed: a render
    (cache off) for a cold target, a cached answer for a warm one."""
    from bench.profile import missed_kinds

    def point(p50, rps):
        return {"1": {"p50_ms": p50, "p99_ms": 2 * p50, "rps": rps}}

    def endpoint(kind, ours, cold, floor, bytes_floor):
        return {
            "kind": kind,
            "ours": point(ours, 1000 / ours),
            "cold": point(cold, 1000 / cold),
            "floor": point(floor, 1000 / floor),
            "bytes": point(bytes_floor, 1000 / bytes_floor),
            "not_modified": point(0.1, 10_000),
        }

    result = {
        "endpoints": {
            "slow-render": endpoint("list", ours=1.0, cold=10.0, floor=2.0, bytes_floor=0.5),
            "slow-hit": endpoint("detail", ours=3.0, cold=4.0, floor=3.0, bytes_floor=0.5),
            "on-target": endpoint("list", ours=1.0, cold=3.0, floor=2.0, bytes_floor=0.5),
        }
    }
    assert missed_kinds(result) == {"slow-hit": ["hit"], "slow-render": ["render"]}
