# Runs `dsc report` for every schedule on pp 2, 4, 8 and 16 ranks of a model:
# a valid run reports (exit 0, its schedule and stage count in the JSON), an
# invalid one says what to change (exit 1, one error naming the option or
# the fix); none crashes.
import json, subprocess, sys

dsc, model, cluster = sys.argv[1:4]
kinds = ["1f1b", "interleaved-1f1b", "zb-h1", "zb-v", "dualpipe", "dualpipev"]
stages_per_rank = {"1f1b": 1, "interleaved-1f1b": 2, "zb-h1": 1, "zb-v": 2,
                   "dualpipe": 1, "dualpipev": 2}
reported = refused = 0
for kind in kinds:
    for pp in [2, 4, 8, 16]:
        command = [dsc, "report", model, "--cluster", cluster, "--pp", str(pp),
                   "--schedule", kind, "--seq-len", "256",
                   "--micro-batches", str(4 * pp), "--format", "json"]
        result = subprocess.run(command, capture_output=True, text=True)
        what = "%s pp %d" % (kind, pp)
        assert result.returncode in (0, 1), (what, result.returncode, result.stderr)
        if result.returncode == 0:
            report = json.loads(result.stdout)
            assert report["schedule"] == kind, what
            assert report["pp"] == pp, what
            assert report["num_stages"] == pp * stages_per_rank[kind], what
            assert len(report["ranks"]) == pp, what
            assert report["step_time_s"] > 0, what
            reported += 1
        else:
            errors = [l for l in result.stderr.splitlines() if "error:" in l]
            assert len(errors) == 1 and result.stdout == "", (what, result.stderr)
            assert "; use" in errors[0] or "choose" in errors[0], (what, errors[0])
            refused += 1
print("reported %d, refused %d" % (reported, refused))
