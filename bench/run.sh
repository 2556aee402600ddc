#!/usr/bin/env bash
# Runs dsc's benchmarks on this machine: the in-process Google Benchmark and the
# end-to-end wall time of the CLI. Figures go to bench/RESULTS.md by hand,
# with date, machine and command.
set -euo pipefail
root="$(cd "$(dirname "$0")/.." && pwd)"
build="${DSC_BUILD_DIR:-$root/build}"

"$root/scripts/build.sh" >/dev/null
"$build/bin/dsc-bench" --benchmark_repetitions=5 \
  --benchmark_report_aggregates_only=true

# End to end, as a user runs it: process start, import, verify, print, write.
python3 - "$build/bin/dsc" "$root/examples/deepseek-v3/config.json" <<'PY'
import statistics, subprocess, sys, tempfile, time, os
dsc, config = sys.argv[1], sys.argv[2]
dsc_opt = os.path.join(os.path.dirname(dsc), "dsc-opt")
out = os.path.join(tempfile.mkdtemp(), "v3.mlir")
fp8 = out.replace("v3.mlir", "v3-fp8.mlir")
subprocess.run([dsc, "import", config, "-o", out], check=True)
def wall(cmd, runs=30):
    times = []
    for _ in range(runs):
        start = time.perf_counter()
        subprocess.run(cmd, check=True, stdout=subprocess.DEVNULL,
                       stderr=subprocess.DEVNULL)
        times.append(time.perf_counter() - start)
    return statistics.median(times), max(times)
report = [dsc, "report", config, "--pp", "16", "--ep", "64", "--recipe", "fp8",
          "--schedule", "dualpipe", "--global-batch", "15360"]
for name, cmd in [("dsc import V3 -o FILE", [dsc, "import", config, "-o", out]),
                  ("dsc describe V3 config", [dsc, "describe", config]),
                  ("dsc report V3 (text)", report),
                  ("dsc report V3 (json)", report + ["--format", "json"]),
                  ("dsc-opt V3 (parse, print)", [dsc_opt, out, "-o", fp8]),
                  ("dsc-opt V3 --dsc-fp8-quantize",
                   [dsc_opt, out, "--dsc-fp8-quantize", "-o", fp8]),
                  ("dsc compile V3 (BF16)",
                   [dsc, "compile", config, "--seq-len", "4096",
                    "--micro-batch", "1", "-o", out + ".plan"]),
                  ("dsc compile V3 (FP8)",
                   [dsc, "compile", fp8, "--seq-len", "4096",
                    "--micro-batch", "1", "-o", out + ".plan"])]:
    median, worst = wall(cmd)
    print(f"{name:28s} median {median*1000:7.1f} ms   max {worst*1000:7.1f} ms   (30 runs)")
PY
