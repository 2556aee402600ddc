//===- ScheduleReport.cpp - schedules for people and tools ----------------===//

#include "dsc/Report/ScheduleReport.h"
#include "llvm/ADT/StringExtras.h"
#include "llvm/Support/Format.h"
#include <cmath>
#include <map>

using namespace llvm;
using namespace dsc;

Expected<ActionCosts> dsc::parseActionCosts(StringRef text) {
  // Each pass cost is one value for every stage or one per stage
  // ("F=1/1.2"): measured stages are rarely even.
  auto error = [](const Twine &message) {
    return createStringError(inconvertibleErrorCode(), message);
  };
  std::map<std::string, SmallVector<double>> values;
  size_t stages = 1;
  SmallVector<StringRef> items;
  text.split(items, ',', -1, /*KeepEmpty=*/false);
  for (StringRef item : items) {
    auto [nameText, valueText] = item.split('=');
    std::string name = nameText.trim().str();
    if (name != "F" && name != "B" && name != "W" && name != "FB" &&
        name != "comm")
      return error("--costs: unknown cost '" + name +
                   "'; use F, B, W, FB or comm");
    SmallVector<StringRef> parts;
    valueText.split(parts, '/');
    SmallVector<double> &list = values[name];
    list.clear();
    for (StringRef part : parts) {
      double value;
      if (part.trim().getAsDouble(value) || !(value >= 0))
        return error("--costs: '" + item +
                     "' needs numbers >= 0, one or one per stage (a/b/...), "
                     "as in F=1,B=2,W=1,FB=2.5,comm=0.1");
      list.push_back(value);
    }
    if (name == "comm" && list.size() != 1)
      return error("--costs: comm is one latency for every link");
    if (list.size() > 1) {
      if (stages > 1 && list.size() != stages)
        return error("--costs: '" + item + "' gives " + Twine(list.size()) +
                     " stages, another cost " + Twine(stages));
      stages = list.size();
    }
  }
  ActionCosts costs;
  auto at = [&](StringRef name, size_t stage, double otherwise) {
    auto it = values.find(name.str());
    if (it == values.end())
      return otherwise;
    return it->second.size() == 1 ? it->second[0] : it->second[stage];
  };
  costs.forward = at("F", 0, costs.forward);
  costs.backward = at("B", 0, costs.backward);
  costs.weight = at("W", 0, costs.weight);
  if (values.count("FB"))
    costs.forwardBackward = at("FB", 0, 0);
  costs.comm = at("comm", 0, 0);
  for (size_t stage = 0; stages > 1 && stage < stages; ++stage) {
    StageCosts cost{at("F", stage, costs.forward),
                    at("B", stage, costs.backward),
                    at("W", stage, costs.weight), std::nullopt};
    if (values.count("FB"))
      cost.forwardBackward = at("FB", stage, 0);
    costs.stages.push_back(cost);
  }
  for (size_t stage = 0; stage < stages; ++stage) {
    double backward = at("B", stage, costs.backward),
           weight = at("W", stage, costs.weight);
    if (weight > backward)
      return createStringError(inconvertibleErrorCode(),
                               "--costs: W (%g) is part of B (%g) and cannot "
                               "exceed it",
                               weight, backward);
  }
  return costs;
}

json::Value dsc::scheduleToJSON(const ScheduledPipeline &schedule,
                                const SimulationResult &result) {
  json::Array ranks;
  for (size_t rank = 0; rank < schedule.ranks.size(); ++rank) {
    json::Array actions;
    for (const TimedStep &timed : result.timeline[rank])
      actions.push_back(formatStep(timed.step));
    ranks.push_back(
        json::Object{{"rank", int64_t(rank)}, {"actions", std::move(actions)}});
  }
  json::Object object{
      {"kind", scheduleKindName(schedule.kind)},
      {"pp", schedule.numRanks()},
      {"stages", schedule.numStages},
      {"microbatches", schedule.numMicroBatches},
      {"ranks", std::move(ranks)},
      // The simulated pipeline; the step adds the data-parallel exchange
      // and the optimizer when a cost model priced it (`step_time_ms`).
      {"step_time", result.stepTime},
      {"bubble", json::Array(result.bubble)},
      {"peak_activations", json::Array(result.peakActivations)}};
  if (!result.peakActivationBytes.empty())
    object["peak_activation_bytes"] = json::Array(result.peakActivationBytes);
  return object;
}

json::Value dsc::scheduleToTrace(const ScheduledPipeline &schedule,
                                 const SimulationResult &result, double comm) {
  constexpr int64_t Compute = 0, Send = 1; // the tracks (thread ids)
  json::Array events;
  auto metadata = [&](StringRef kind, int64_t rank, std::optional<int64_t> tid,
                      std::string name) {
    json::Object event{{"name", kind},
                       {"ph", "M"},
                       {"pid", rank},
                       {"args", json::Object{{"name", std::move(name)}}}};
    if (tid)
      event["tid"] = *tid;
    events.push_back(std::move(event));
  };
  for (int64_t rank = 0; rank < schedule.numRanks(); ++rank) {
    metadata("process_name", rank, std::nullopt,
             "rank " + std::to_string(rank));
    metadata("thread_name", rank, Compute, "compute");
    metadata("thread_name", rank, Send, "send");
    for (const TimedStep &timed : result.timeline[rank]) {
      events.push_back(
          json::Object{{"name", formatStep(timed.step)},
                       {"cat", "compute"},
                       {"ph", "X"},
                       {"pid", rank},
                       {"tid", Compute},
                       {"ts", timed.start * 1000},
                       {"dur", (timed.finish - timed.start) * 1000}});
      for (const Action *action :
           {&timed.step.first,
            timed.step.overlapped ? &*timed.step.overlapped : nullptr}) {
        if (!action)
          continue;
        if (std::optional<int64_t> to = schedule.receiverOf(*action, rank))
          events.push_back(
              json::Object{{"name", formatStep({*action, std::nullopt}) +
                                        " to rank " + std::to_string(*to)},
                           {"cat", "comm"},
                           {"ph", "X"},
                           {"pid", rank},
                           {"tid", Send},
                           {"ts", timed.finish * 1000},
                           {"dur", comm * 1000}});
      }
    }
  }
  return json::Object{{"traceEvents", std::move(events)},
                      {"displayTimeUnit", "ms"}};
}

void dsc::printScheduleText(const ScheduledPipeline &schedule,
                            const SimulationResult &result, raw_ostream &os) {
  os << format("%s, %lld stages, %lld micro-batches: step %g\n",
               scheduleKindName(schedule.kind).str().c_str(),
               (long long)schedule.numStages,
               (long long)schedule.numMicroBatches, result.stepTime);
  // One character per half time unit, so costs like 0.5 show.
  int64_t width = std::ceil(result.stepTime * 2);
  for (size_t rank = 0; rank < schedule.ranks.size(); ++rank) {
    std::string row(width, '.');
    for (const TimedStep &timed : result.timeline[rank]) {
      char letter = formatStep(timed.step)[0];
      if (timed.step.overlapped)
        letter = '*'; // an overlapped F&B pair
      for (int64_t t = std::llround(timed.start * 2),
                   end = std::llround(timed.finish * 2);
           t < end && t < width; ++t)
        row[t] = letter;
    }
    os << format("rank %2zu |", rank) << row
       << format("| bubble %g, peak activations %lld\n", result.bubble[rank],
                 (long long)result.peakActivations[rank]);
  }
  os << "F forward, B backward, I input-gradient, W weight-gradient, * "
        "overlapped F&B, . idle (two columns per cost unit)\n";
}
