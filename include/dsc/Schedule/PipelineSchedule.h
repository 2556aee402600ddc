//===- PipelineSchedule.h - per-rank pipeline programs ----------*- C++ -*-===//
//
// A pipeline schedule is, for every rank, the ordered list of compute
// actions it runs: F (forward), B (full backward), I (backward for inputs)
// and W (backward for weights) of a global pipeline stage on a micro-batch,
// or two of them overlapped (DualPipe's F&B pairs). Generators build the
// published schedules; the simulator (PipelineSimulator.h) runs any of them.
// Plain C++ on the dialect's ScheduleKind enum (header only): the resolved
// run, `dsc schedule` and the benchmarks share it. `pp` is always the number
// of pipeline ranks; a schedule's stages follow from its shape.
//
//===----------------------------------------------------------------------===//

#ifndef DSC_SCHEDULE_PIPELINESCHEDULE_H
#define DSC_SCHEDULE_PIPELINESCHEDULE_H

#include "dsc/IR/DscEnums.h"
#include "llvm/ADT/StringRef.h"
#include "llvm/Support/Error.h"
#include <cstdint>
#include <optional>
#include <string>
#include <vector>

namespace dsc {

enum class ActionKind { F, B, I, W };

struct Action {
  ActionKind kind = ActionKind::F;
  int64_t stage = 0;
  int64_t microBatch = 0;

  bool operator==(const Action &other) const {
    return kind == other.kind && stage == other.stage &&
           microBatch == other.microBatch;
  }
};

/// One slot of a rank's program: an action, or two overlapped ones.
struct Step {
  Action first;
  std::optional<Action> overlapped;
};

/// `1f1b`, `interleaved-1f1b`, `zb-h1`, `zb-v`, `dualpipe`, `dualpipev`:
/// the spelling of options and JSON (the IR spells ODS's keywords).
llvm::StringRef scheduleKindName(ScheduleKind kind);
/// Either spelling: `zb-v` or `zb_v`, `1f1b` or `one_f_one_b`.
std::optional<ScheduleKind> parseScheduleKind(llvm::StringRef name);
/// "1f1b, interleaved-1f1b, zb-h1, zb-v, dualpipe or dualpipev".
std::string scheduleKindList();

/// How a schedule lays stages on ranks: the one place that knows.
struct PipelineShape {
  ScheduleKind kind = ScheduleKind::one_f_one_b;
  /// Pipeline ranks (`pp`).
  int64_t ranks = 1;
  /// Global pipeline stages: ranks for 1F1B, ZB-H1 and DualPipe, 2 ranks
  /// for the V shapes (ZB-V, DualPipeV), virtual stages x ranks for
  /// interleaved 1F1B.
  int64_t stages = 1;
  /// Stages whose parameters a rank holds: 2 for DualPipe (its own and its
  /// mirror's, DeepSeek-V3 Table 2) and the V shapes, the virtual stages
  /// for interleaved 1F1B, else 1.
  int64_t stagesPerRank = 1;
};

/// The shape of `kind` on `pp` ranks; `virtualStages` only for interleaved
/// 1F1B (at least 2; nullopt: 2).
llvm::Expected<PipelineShape>
pipelineShape(ScheduleKind kind, int64_t pp,
              std::optional<int64_t> virtualStages = std::nullopt);

struct ScheduledPipeline {
  ScheduleKind kind = ScheduleKind::one_f_one_b;
  int64_t numStages = 0;
  int64_t numMicroBatches = 0;
  /// stageRank[direction][stage]: the rank running `stage` for micro-batches
  /// of that direction (one direction except for DualPipe).
  std::vector<std::vector<int64_t>> stageRank;
  /// Micro-batches [0, m/2) flow in direction 0, the rest in direction 1
  /// for DualPipe; all in direction 0 otherwise.
  int64_t directionOf(int64_t microBatch) const;
  std::vector<std::vector<Step>> ranks;

  int64_t numRanks() const { return static_cast<int64_t>(ranks.size()); }
  /// The rank that `action`, run on `rank`, sends its output to (the next
  /// stage's input for F, the previous stage's gradient for B and I), or
  /// nullopt when that stage is on `rank` too or there is none.
  std::optional<int64_t> receiverOf(const Action &action, int64_t rank) const;
  /// The rank that produced `action`'s input (the previous stage's forward
  /// for F, the next stage's backward for B and I), or nullopt when that
  /// stage is on `rank` too or there is none.
  std::optional<int64_t> senderOf(const Action &action, int64_t rank) const;
};

/// What a schedule is asked for; `virtualStages` (model chunks per rank)
/// only matters for interleaved 1F1B.
struct ScheduleRequest {
  /// The largest pipelines a schedule is built for. A schedule holds
  /// stages x micro-batches steps per pass, so these bound its memory and
  /// the simulator's time (DeepSeek-V3 runs 16 stages x 32 micro-batches).
  static constexpr int64_t kMaxStages = 4096;
  static constexpr int64_t kMaxMicroBatches = 65536;
  static constexpr int64_t kMaxStageMicroBatches = int64_t(1) << 20;

  ScheduleKind kind = ScheduleKind::one_f_one_b;
  int64_t pp = 0; // pipeline ranks
  int64_t microBatches = 0;
  std::optional<int64_t> virtualStages;
  /// Megatron's combined 1F1B (1F1B and interleaved 1F1B only): each
  /// steady-state backward runs overlapped with the forward after it, so
  /// an expert-parallel rank hides one pass's all-to-all under the other's
  /// compute (combinePasses).
  bool combined = false;
};

/// Pairs each full backward with the forward right after it on the same
/// rank, backward first: B(i) F(j) becomes one overlapped step, as
/// Megatron's combined 1F1B runs them. The dependencies stay those of the
/// two passes (each pair needs both inputs and gives both outputs), so the
/// 1F1B order cannot deadlock: rank r's pair (B(i), F(j)) waits for the
/// pair that produced F(j) on rank r - 1, whose backward is B(i - 1).
void combinePasses(ScheduledPipeline &schedule);

/// The request field a rejected request should change, so that a tool can
/// name its own option for it.
enum class ScheduleParameter { PP, MicroBatches, VirtualStages, Combined };

/// A builder precondition that failed: which parameter, and a message that
/// says what to use instead.
class ScheduleRequestError : public llvm::ErrorInfo<ScheduleRequestError> {
public:
  static char ID;
  ScheduleRequestError(ScheduleParameter parameter, std::string message)
      : parameter(parameter), message(std::move(message)) {}
  void log(llvm::raw_ostream &os) const override;
  std::error_code convertToErrorCode() const override {
    return llvm::inconvertibleErrorCode();
  }

  ScheduleParameter parameter;
  std::string message;
};

/// Builds any kind; the one entry point for tools and passes.
llvm::Expected<ScheduledPipeline> buildSchedule(const ScheduleRequest &request);

/// `F0.3`, `B15.2`, `F0.7&B15.2`.
std::string formatStep(const Step &step);

/// Every builder takes `pp`, the pipeline ranks.
///
/// 1F1B: pp ranks, warm-up forwards, steady one-forward-one-backward,
/// cool-down backwards.
llvm::Expected<ScheduledPipeline> buildOneFOneB(int64_t pp,
                                                int64_t microBatches);

/// Interleaved 1F1B (Megatron's virtual pipeline): pp * virtualStages
/// stages on pp = R ranks, rank r running stages r, r + R, r + 2R, ... .
/// Forwards go in groups of R micro-batches per chunk; rank r warms up with
/// (R - r - 1) * 2 + (v - 1) * R forwards (all of them when m == R), then
/// alternates, then drains. Needs m to be a multiple of R, as Megatron does.
/// With per-stage (per-chunk) costs F and B its bubble is (R - 1)(F + B) on
/// every rank: that of 1F1B on the same R ranks running their v chunks as
/// one stage, (R - 1) v (F + B), divided by v.
llvm::Expected<ScheduledPipeline>
buildInterleavedOneFOneB(int64_t pp, int64_t virtualStages,
                         int64_t microBatches);

/// ZB-H1 (Qi et al., Zero Bubble Pipeline Parallelism, 2023): 1F1B's
/// warm-up, B split into I and W, rank r deferring r weight passes into the
/// cool-down. Keeps 1F1B's pp activations on every rank. For m >= pp the
/// simulated bubble is (pp - 1)(F + I - min(F, I, W)) on every rank, i.e.
/// DeepSeek-V3 Table 2's (PP - 1)(F + B - 2W) with B = I + W exactly when
/// W <= F and W <= I; a longer W no longer fits the gaps it fills.
llvm::Expected<ScheduledPipeline> buildZeroBubbleH1(int64_t pp,
                                                    int64_t microBatches);

/// ZB-V (same authors): 2 pp stages on pp ranks in a V (rank r runs stages
/// r and 2 pp - 1 - r, like DualPipeV), B split into I and W. Keeps 2 pp
/// stage activations per rank, like 1F1B's first rank. With F = I = W and
/// m >= 2 pp - 1 its bubble is (pp - 1) F per rank, all of it before the
/// rank's first pass and after its last; unequal passes leave gaps inside
/// (the published order is tuned for equal ones).
llvm::Expected<ScheduledPipeline> buildZeroBubbleV(int64_t pp,
                                                   int64_t microBatches);

/// DualPipe (DeepSeek-V3 §3.2.1): rank r runs stage r for micro-batches in
/// one direction and stage pp - 1 - r for the other, in eight phases of
/// forwards, overlapped forward-backward pairs and zero-bubble backwards.
/// Needs an even pp and an even micro-batch count of at least 2 * pp.
llvm::Expected<ScheduledPipeline> buildDualPipe(int64_t pp,
                                                int64_t microBatches);

/// DualPipeV (DualPipe cut in half): pp ranks, rank r running stages r
/// and 2 pp - 1 - r of one V-shaped pipeline, in DualPipe's phases. Needs
/// at least 2 pp micro-batches (one per stage).
llvm::Expected<ScheduledPipeline> buildDualPipeV(int64_t pp,
                                                 int64_t microBatches);

} // namespace dsc

#endif // DSC_SCHEDULE_PIPELINESCHEDULE_H
