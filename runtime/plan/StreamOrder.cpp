//===- StreamOrder.cpp - does a rank order its two streams? ---------------===//
//
// The executor runs the compute and the comm stream concurrently and orders
// them only by the plan's events (a wait targets the event's latest
// recording at issue time). This check issues two steps of the rank's
// schedule in order, as the executor does, and finds the first buffer one
// stream touches after the other wrote it (or writes after the other read
// it) with no event in between: on a GPU, or the CPU's comm thread, that
// is a data race. Slots count apart: program run for micro-batch mb uses
// copy mb mod slots.
//
//===----------------------------------------------------------------------===//

#include "StreamOrder.h"

#include <algorithm>
#include <vector>

namespace dsc::plan::detail {
namespace {

constexpr int kStreams = 2;

int streamIndex(Stream s) { return s == Stream::comm ? 1 : 0; }
const char *streamName(int s) { return s == 1 ? "comm" : "compute"; }

struct Access {
  int64_t position = -1; // on its stream; -1: none
  size_t program = 0, instruction = 0;
};

} // namespace

std::string checkStreamOrder(const Rank &rank) {
  // Per (buffer, slot): the last write and read on each stream.
  struct Touches {
    Access write[kStreams], read[kStreams];
  };
  std::vector<std::vector<Touches>> touches(rank.buffers.size());
  // How far each stream has waited for the other, and where each event
  // was last recorded.
  int64_t synced[kStreams] = {-1, -1};
  int64_t issued[kStreams] = {0, 0};
  std::vector<std::pair<int, int64_t>> recorded(rank.numEvents, {-1, -1});

  auto where = [&](size_t p, size_t i) {
    const Program &program = rank.programs[p];
    return "program '" + program.name + "' (#" + std::to_string(p) +
           "), instruction " + std::to_string(i) + " (" +
           opcodeName(program.instructions[i].op) + ")";
  };
  for (int step = 0; step < 2; ++step)
    for (const ScheduleEntry &entry : rank.schedule) {
      size_t p = entry.program;
      const Program &program = rank.programs[p];
      int32_t mb =
          entry.microBatch >= 0 ? entry.microBatch : program.microBatch;
      for (size_t i = 0; i < program.instructions.size(); ++i) {
        const Instruction &inst = program.instructions[i];
        int s = streamIndex(inst.stream), other = 1 - s;
        for (uint32_t e : inst.waitEvents)
          if (e < recorded.size() && recorded[e].first == other)
            synced[s] = std::max(synced[s], recorded[e].second);
        int64_t position = issued[s]++;
        for (bool write : {false, true})
          for (uint32_t id : write ? inst.outputs : inst.inputs) {
            if (id >= rank.buffers.size())
              continue;
            uint32_t slots = std::max<uint32_t>(rank.buffers[id].slots, 1);
            std::vector<Touches> &copies = touches[id];
            if (copies.empty())
              copies.resize(std::min<uint32_t>(slots, 4096));
            Touches &t =
                copies[uint32_t(mb >= 0 ? mb : 0) % slots % copies.size()];
            for (const Access *a :
                 {&t.write[other], write ? &t.read[other] : nullptr}) {
              if (!a || a->position < 0 || a->position <= synced[s])
                continue;
              const Buffer &b = rank.buffers[id];
              return "rank " + std::to_string(rank.rank) + ", " + where(p, i) +
                     " on the " + streamName(s) + " stream " +
                     (write ? "writes" : "reads") + " b" + std::to_string(id) +
                     " '" + b.name + "', which " +
                     where(a->program, a->instruction) + " on the " +
                     streamName(other) + " stream " +
                     (a == &t.write[other] ? "wrote" : "read") +
                     ", without waiting for an event recorded after it";
            }
            (write ? t.write : t.read)[s] = {position, p, i};
          }
        for (uint32_t e : inst.recordEvents)
          if (e < recorded.size())
            recorded[e] = {s, position};
      }
    }
  return "";
}

} // namespace dsc::plan::detail
