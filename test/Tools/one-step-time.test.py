# Compares the step times of one-step-time.test's three outputs.
import json, re, sys

report = json.load(open(sys.argv[1]))
schedule = json.load(open(sys.argv[2]))
remark = re.search(r'layout "([^"]*)": simulated step ([0-9.]+) ms', open(sys.argv[3]).read())
assert remark, "no partition remark"
assert report["layout"] == schedule["layout"] == remark.group(1), (
    report["layout"], schedule["layout"], remark.group(1))
report_ms = report["step_time_s"] * 1e3
assert abs(report_ms - schedule["step_time_ms"]) <= 1e-9 * report_ms, (
    report_ms, schedule["step_time_ms"])
assert abs(report_ms - float(remark.group(2))) <= 5e-4, (report_ms, remark.group(2))
print("one step time: %.3f ms" % report_ms)
