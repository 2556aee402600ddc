//===- Launch.h - what a kernel launch needs besides operands ---*- C++ -*-===//
//
// Binding an instruction (OpBinding.h) checks every shape against the plan's
// operand specs (OpInfo) once, backend-neutrally, and distils the result
// into a launch description: the kernel's sizes and attributes as plain
// values, no pointers and nothing of a particular backend. A backend's
// kernel table (KernelTable.h) turns a description and the operands'
// memory into a call of its own kernels.
//
// One description type serves the ops that share their sizes (forward and
// backward, linear and fp8_linear); the opcode says which kernel.
//
//===----------------------------------------------------------------------===//

#ifndef DSC_EXEC_LAUNCH_H
#define DSC_EXEC_LAUNCH_H

#include <cstdint>
#include <variant>
#include <vector>

namespace dsc::exec {

/// The optimizer step being taken (1-based) and its learning rate, which
/// the trainer sets before each optimizer program; AdamW reads it at run
/// time, so it is handed to the launch rather than fixed in the description.
struct OptimizerClock {
  int64_t step = 1;
  double lr = 0;
};

/// DeepSeek-V3's FP8 recipe of fp8_linear_* / fp8_grouped_linear_*.
struct FP8Recipe {
  int64_t tile = 128; // activations and gradients: 1 x tile (tile x 1 in Wgrad)
  int64_t block = 128; // weights: block x block
  bool ue8m0 = false;  // scales rounded up to powers of two
  /// fp8_grouped_linear_fwd: the rows already are FP8 values on their
  /// 1 x tile grid (an FP8 dispatch delivered them), read as they are.
  bool quantizedInput = false;
};

enum class Scoring { Sigmoid, Softmax };
enum class TopkMethod { Greedy, GroupLimitedGreedy, NoauxTc };

struct EmbeddingLaunch {
  int64_t tokens, vocab, hidden;
};
struct RmsNormLaunch {
  int64_t rows, dim;
  float eps = 0;
};
/// linear_* and fp8_linear_* (`fp8` used by the latter).
struct LinearLaunch {
  int64_t rows, in, out;
  FP8Recipe fp8;
};
struct RopeLaunch {
  int64_t tokens, heads, dim;
  int64_t seq, ropeDim;
  float theta, factor;
  int64_t originalMaxPositions;
  float betaFast, betaSlow, mscale, mscaleAllDim;
};
struct AttentionLaunch {
  int64_t tokens, heads, qkDim, vDim, seq;
  float scale;
};
/// swiglu and add: elements of every operand; copy: bytes.
struct ElementsLaunch {
  int64_t n;
};
/// concat, split and their backwards: the whole and its parts along the
/// last dimension.
struct PartsLaunch {
  std::vector<int64_t> whole;
  std::vector<std::vector<int64_t>> parts;
};
/// fill: per output, one element's bytes in its dtype and the element count.
struct FillLaunch {
  struct Target {
    std::vector<uint8_t> pattern;
    int64_t count;
  };
  std::vector<Target> targets;
};
struct ShiftLaunch {
  int64_t tokens, seq, offset;
  int32_t fillId;
};
struct RouteLaunch {
  int64_t tokens, experts;
  bool bias; // route_fwd's optional input 1
  Scoring scoring;
  TopkMethod method;
  int64_t nGroup, topkGroup, k;
  bool normTopkProb;
  float routedScalingFactor;
};
struct BalanceLossLaunch {
  int64_t tokens, experts, k;
  Scoring scoring;
  int64_t seqLen;
  float weight;
};
/// dispatch_* and combine_*: T tokens of `hidden`, k choices among experts.
struct ExpertRowsLaunch {
  int64_t tokens, hidden, k, experts;
};
/// grouped_linear_* and fp8_grouped_linear_*: `groups` = experts x blocks
/// offsets' groups over `rows` rows.
struct GroupedLinearLaunch {
  int64_t experts, in, out, groups, blocks, rows;
  FP8Recipe fp8;
};
/// quantize_fp8 / dequantize_fp8: rows x cols, 1 x tile scales (UE8M0
/// bytes or FP32).
struct FP8RowsLaunch {
  int64_t rows = 0, cols = 0, tile = 128;
  bool ue8m0 = false;
};

struct SlotRouteLaunch {
  int64_t tokens, k, experts, width;
};
/// slot_counts, slot_permute, slot_unpermute (rows x width of the data;
/// members x slots of the counts).
struct SlotLaunch {
  int64_t rows, width, members, slots;
};
/// scatter_rows / gather_rows: `rows` indexed rows of `width`, into or out
/// of a table of `tableRows`.
struct RowIndexLaunch {
  int64_t rows, width, tableRows;
};
struct CrossEntropyLaunch {
  int64_t tokens, vocab;
  float weight;
};
/// AdamW's hyperparameters as the kernel takes them; lr and step come from
/// the OptimizerClock at run time (lr times lrScale).
struct AdamWLaunch {
  int64_t n;
  bool bf16Moments, master;
  float beta1, beta2, eps, weightDecay;
  double lrScale;
};
struct ExpertBiasLaunch {
  int64_t experts;
  float gamma;
};

using LaunchDesc =
    std::variant<EmbeddingLaunch, RmsNormLaunch, LinearLaunch, RopeLaunch,
                 AttentionLaunch, ElementsLaunch, PartsLaunch, FillLaunch,
                 ShiftLaunch, RouteLaunch, BalanceLossLaunch, ExpertRowsLaunch,
                 GroupedLinearLaunch, SlotRouteLaunch, SlotLaunch,
                 RowIndexLaunch, CrossEntropyLaunch, AdamWLaunch,
                 ExpertBiasLaunch, FP8RowsLaunch>;

} // namespace dsc::exec

#endif // DSC_EXEC_LAUNCH_H
