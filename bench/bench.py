#!/usr/bin/env python3
"""Benchmarks arcfleet: hyperfine for wall time, GNU time for peak memory and CPU use.

    python3 bench/bench.py           # the full run behind the README's Performance table
    python3 bench/bench.py --quick   # fewer repetitions, for a quick look

Needs cargo, hyperfine, GNU time (/usr/bin/time) and python3 with PyYAML built with libyaml
(Debian: `apt-get install hyperfine time`, then `pip install pyyaml`). Inputs are generated
with `cargo run -p xtask` into target/bench (or --work DIR); the table is printed and written
to results.md there.
"""

import argparse
import json
import os
import platform
import re
import shlex
import shutil
import subprocess
import sys
import tempfile
from pathlib import Path

ROOT = Path(__file__).resolve().parent.parent
CORPUS_SIZES = (100, 1_000, 10_000)
FLEET_SIZES = (10, 100, 1_000)


def run(cmd, **kwargs):
    return subprocess.run(cmd, check=True, **kwargs)


def require_tools():
    missing = [tool for tool in ("cargo", "hyperfine") if shutil.which(tool) is None]
    if not Path("/usr/bin/time").exists():
        missing.append("/usr/bin/time (GNU time)")
    try:
        import yaml

        if not yaml.__with_libyaml__:
            missing.append("PyYAML with libyaml")
    except ImportError:
        missing.append("PyYAML (pip install pyyaml)")
    if missing:
        sys.exit("bench.py needs: " + ", ".join(missing))


def build():
    run(["cargo", "build", "--release", "--quiet", "-p", "arcfleet", "-p", "xtask"], cwd=ROOT)
    release = ROOT / "target" / "release"
    return release / "arcfleet", release / "xtask"


def generate(xtask, work):
    """Corpora of 100, 1,000 and 10,000 files and fleet specs of 10, 100 and 1,000 sets."""
    corpora = {}
    for files in CORPUS_SIZES:
        folder = work / f"corpus-{files}"
        shutil.rmtree(folder, ignore_errors=True)
        run([xtask, "corpus", "--files", str(files), "--out", folder], stdout=subprocess.DEVNULL)
        paths = [p for p in folder.rglob("*.yaml") if p.is_file()]
        corpora[files] = (folder, len(paths), sum(p.stat().st_size for p in paths))
    fleets = {}
    for sets in FLEET_SIZES:
        spec = work / f"fleet-{sets}.yaml"
        run([xtask, "fleet", "--sets", str(sets), "--out", spec])
        fleets[sets] = spec
    return corpora, fleets


def hyperfine(cmd, runs, warmup, prepare=None):
    """Mean and standard deviation of the wall time, in seconds."""
    with tempfile.NamedTemporaryFile(suffix=".json") as export:
        args = ["hyperfine", "-N", "--style", "none", "--warmup", str(warmup)]
        args += ["--runs", str(runs), "--export-json", export.name]
        if prepare:
            args += ["--prepare", prepare]
        run(args + [shlex.join(map(str, cmd))], stdout=subprocess.DEVNULL)
        result = json.load(open(export.name))["results"][0]
    # A single run has no spread (hyperfine reports null).
    return result["mean"], result["stddev"] or 0.0


def peak(cmd, prepare=None):
    """Peak resident memory (MB) and CPU use (percent of one core) of one run."""
    if prepare:
        run(shlex.split(prepare))
    done = subprocess.run(
        ["/usr/bin/time", "-v", *map(str, cmd)],
        stdout=subprocess.DEVNULL,
        stderr=subprocess.PIPE,
        text=True,
    )
    rss = re.search(r"Maximum resident set size \(kbytes\): (\d+)", done.stderr)
    cpu = re.search(r"Percent of CPU this job got: (\d+)%", done.stderr)
    return (int(rss.group(1)) / 1024 if rss else 0.0), (int(cpu.group(1)) if cpu else 0)


def machine():
    model = ""
    if Path("/proc/cpuinfo").exists():
        found = re.search(r"model name\s*:\s*(.+)", Path("/proc/cpuinfo").read_text())
        model = found.group(1).strip() if found else ""
    rustc = run(["rustc", "--version"], capture_output=True, text=True).stdout.strip()
    return f"{os.cpu_count()} cores ({model}), {platform.system()} {platform.release()}, {rustc}"


def fmt_time(seconds, stddev):
    if seconds < 0.1:
        return f"{seconds * 1000:.1f} ms ± {stddev * 1000:.1f}"
    return f"{seconds * 1000:.0f} ms ± {stddev * 1000:.0f}"


def main():
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("--quick", action="store_true", help="fewer repetitions")
    parser.add_argument("--work", type=Path, default=ROOT / "target" / "bench")
    args = parser.parse_args()
    require_tools()
    args.work.mkdir(parents=True, exist_ok=True)
    arcfleet, xtask = build()
    corpora, fleets = generate(xtask, args.work)
    runs = 3 if args.quick else 10
    floor_runs = 1 if args.quick else 3

    rows = []

    def measure(what, input_desc, cmd, runs, warmup, prepare=None, throughput=lambda mean: ""):
        """One table row; `throughput` turns the mean wall time into the last column."""
        mean, stddev = hyperfine(cmd, runs, warmup, prepare)
        memory, cpu = peak(cmd, prepare)
        row = (fmt_time(mean, stddev), f"{memory:.0f} MB", f"{cpu}%", throughput(mean))
        rows.append((what, input_desc, *row))
        print(f"  {what:34} {input_desc:32} {fmt_time(mean, stddev)}", file=sys.stderr)
        return mean

    measure("process start (`--version`)", "", [arcfleet, "--version"], 200, 20)
    for files, (folder, count, size) in corpora.items():
        desc = f"{count:,} files, {size / 1e6:.1f} MB"
        floor = measure(
            "parse floor (PyYAML CSafeLoader)",
            desc,
            ["python3", ROOT / "bench" / "parse_floor.py", folder],
            floor_runs,
            0,
            throughput=lambda mean: f"{size / 1e6 / mean:.1f} MB/s",
        )
        measure(
            "`validate`",
            desc,
            [arcfleet, "validate", folder],
            runs,
            1,
            throughput=lambda mean: f"{size / 1e6 / mean:.1f} MB/s, {floor / mean:.1f}× the floor",
        )
    for sets, spec in fleets.items():
        measure("`render --stdout`", f"{sets:,} sets", [arcfleet, "render", spec, "--stdout"], runs, 2)
    out = args.work / "out-1000"
    measure(
        "`render --out` (empty folder)",
        "1,000 sets",
        [arcfleet, "render", fleets[1000], "--out", out],
        runs,
        1,
        prepare=f"rm -rf {shlex.quote(str(out))}",
    )
    measure("`render --out` (up to date)", "1,000 sets", [arcfleet, "render", fleets[1000], "--out", out], runs, 1)
    measure("`check`", "1,000 sets", [arcfleet, "check", fleets[1000], "--out", out], runs, 1)

    lines = [
        f"Machine: {machine()}.",
        "",
        "| what | input | wall time (mean ± σ) | peak memory | CPU | throughput |",
        "| --- | --- | --- | --- | --- | --- |",
    ]
    lines += ["| " + " | ".join(row) + " |" for row in rows]
    table = "\n".join(lines) + "\n"
    (args.work / "results.md").write_text(table)
    print(table)


if __name__ == "__main__":
    main()
