#!/usr/bin/env python3
"""Writes RUNS synthetic run directories of CELLS cells each, shaped like
`kmatrix run` output (run.json + cells.jsonl, no evidence files), for
benchmarking `kmatrix ingest/report/compare` on a large history.

Cells vary user, processes x size, killer on/off and kernel (two kernels);
each cell has a fixed per-cell hang probability, so some are flaky across
runs. Deterministic for a given --seed.

usage: synthetic_runs.py OUT_DIR [--runs 1000] [--cells 500] [--seed 1]
"""
import argparse
import hashlib
import json
import os
import random

KERNELS = [("debian:bookworm", "6.1.0-56-amd64"), ("/boot/vmlinuz-5.10", "5.10.0-30-amd64")]


def cell_parameters(i, kernel_spec):
    procs = [1, 8, 40, 80, 160, 320, 640, 1280][i % 8]
    size = [1, 4, 8, 16, 64][(i // 8) % 5] << 20
    uid = [0, 1000][(i // 40) % 2]
    killer_off = (i // 80) % 3 == 0
    return {
        "run": {"kernel": kernel_spec, "modules_dir": "", "guest_memory": 536870912, "cpus": 2,
                "boot_timeout_ms": 180000, "heartbeat_timeout_ms": 15000, "workload_timeout_ms": 60000},
        "container": {"cgroup": ["v1", "v2"][(i // 240) % 2], "limit": 100663296, "memsw_limit": 134217728,
                      "oom_kill_disable": killer_off, "pid_namespace": True},
        "workload": {"procs": procs, "size": size, "hold_ms": 3000 + 10 * i, "uid": uid},
        "guest": {"swap": 67108864, "sysctl": {}, "cmdline": ""},
        "fault": {"freeze_vm_after_ms": 0},
    }


def make_cells(n_cells):
    cells = []
    for i in range(n_cells):
        spec, release = KERNELS[i % 2]
        params = cell_parameters(i // 2, spec)
        cid = hashlib.sha256(json.dumps(params, sort_keys=True, separators=(",", ":")).encode()).hexdigest()[:16]
        w = params["workload"]
        demand = w["procs"] * w["size"]
        name = f"{'root' if w['uid'] == 0 else 'nonroot'}-{w['procs']}x{w['size'] >> 20}M-{i // 2}-k{release.split('-')[0]}"
        if demand <= params["container"]["limit"]:
            base = "completed"
        elif params["container"]["oom_kill_disable"]:
            base = "container-hang"
        else:
            base = "oom-killed"
        hang_p = 0.0 if base != "oom-killed" else (0.3 if w["uid"] == 0 and w["procs"] >= 640 else 0.02)
        cells.append((cid, name, spec, release, params, base, hang_p))
    return cells


def record(cell, rng):
    cid, name, spec, release, params, base, hang_p = cell
    outcome = "container-hang" if rng.random() < hang_p else base
    victims = []
    if outcome == "oom-killed":
        for k in range(rng.randint(1, 12)):
            victims.append({"pid": 90 + k, "comm": "wlchild", "score": 670, "uid": params["workload"]["uid"],
                            "workload_child": True, "constraint": "memcg"})
    workload_ms = 60000 if outcome == "container-hang" else int(rng.gauss(4000, 300))
    return {
        "accel": "tcg",
        "agent": {"cpu_ticks": {"idle": 713, "sys": 324, "user": 0}, "ctinit": "alive", "failcnt": 0,
                  "finished": 8, "killed": len(victims), "live": 0, "oom_kills": len(victims),
                  "peak_usage": 35127296, "rejected_lines": 0, "started": 8, "under_oom": 0, "usage": 35127296,
                  "wlparent": "exit:0"},
        "cell_id": cid, "detail": f"{len(victims)} OOM kills, all wlchild" if victims else "",
        "evidence": f"cells/{cid}", "expect": None, "flags": [],
        "kernel": {"guest_release": release, "release": release, "sha256": "0" * 64, "spec": spec,
                   "version": release + " #1 SMP"},
        "name": name, "oom_scores": [f"{90 + k}:wlchild:1000:670" for k in range(len(victims))],
        "outcome": outcome, "parameters": params,
        "timings": {"boot_ms": 19948, "cell_ms": workload_ms + 20000, "longest_stall_ms": 0,
                    "verdict_ms": workload_ms + 19990, "workload_ms": workload_ms},
        "victims": victims,
    }


def main():
    ap = argparse.ArgumentParser(description=__doc__, formatter_class=argparse.RawDescriptionHelpFormatter)
    ap.add_argument("out")
    ap.add_argument("--runs", type=int, default=1000)
    ap.add_argument("--cells", type=int, default=500)
    ap.add_argument("--seed", type=int, default=1)
    a = ap.parse_args()
    rng = random.Random(a.seed)
    cells = make_cells(a.cells)
    for r in range(a.runs):
        d = os.path.join(a.out, f"run-{r:04d}")
        os.makedirs(d, exist_ok=True)
        started = f"2026-{1 + r // 300:02d}-{1 + (r // 10) % 28:02d}T{r % 10:02d}:00:00Z"
        info = {"accel": "tcg", "cells_done": a.cells, "cells_total": a.cells, "ended": started,
                "host": "bench x86_64", "kmatrix_version": "0.1.0",
                "matrix": {"file": "/bench/matrix.toml", "sha256": f"{r:064x}"},
                "qemu_version": "QEMU emulator version 7.2", "started": started, "status": "finished"}
        with open(os.path.join(d, "run.json"), "w") as f:
            json.dump(info, f, indent=2)
        with open(os.path.join(d, "cells.jsonl"), "w") as f:
            for c in cells:
                f.write(json.dumps(record(c, rng), separators=(",", ":")) + "\n")


if __name__ == "__main__":
    main()
