//===- FragmentMemory.cpp - arenas of a run's fragments and slots ---------===//
//
// dsc-plan-memory for a pipelined run (after dsc-fragment). A rank's arena
// holds, one after the other:
//  - the transient tensors of whichever fragment is running (fragments run
//    one at a time, so the largest fragment's arena serves them all);
//  - per stage on the rank, `slots` copies of the stage's slot: the values
//    its fragments hand each other or receive (activations saved for the
//    backward, inputs from the previous stage, gradients from the next),
//    one copy per micro-batch in flight. Micro-batch mb uses copy
//    mb mod slots; the slot count is the most micro-batches the rank's
//    program keeps in flight on that stage, raised until no two micro-batches
//    alive at once share a copy.
//
//===----------------------------------------------------------------------===//

#include "FragmentMemory.h"
#include "dsc/Analysis/ArenaPlanner.h"
#include "dsc/Conversion/KernelProgram.h"
#include "dsc/CostModel/Memory.h"
#include "mlir/IR/Builders.h"
#include "llvm/ADT/MapVector.h"
#include "llvm/Support/FormatVariadic.h"

#include <map>
#include <set>

using namespace mlir;
using namespace dsc;

namespace {
constexpr int64_t kSlotAlignment = 64;

int64_t alignUp(int64_t bytes) {
  return (bytes + kSlotAlignment - 1) / kSlotAlignment * kSlotAlignment;
}

bool isInput(StringRef name) { return name == "input_ids" || name == "labels"; }

/// One fragment's transient tensors in an arena of their own; the values it
/// shares with other fragments go to `slot` (name -> bytes).
int64_t planTransients(func::FuncOp fragment, int64_t tokens, bool floatsAsF32,
                       llvm::MapVector<StringRef, int64_t> &slot) {
  Block &body = fragment.getBody().front();
  TensorRows rows(tokens);
  for (BlockArgument argument : body.getArguments()) {
    rows.setArgument(argument);
    auto name = fragment.getArgAttrOfType<StringAttr>(argument.getArgNumber(),
                                                      kValueAttrName);
    if (name && !isInput(name.getValue()))
      slot[name.getValue()] = rows.bytes(argument, floatsAsF32);
  }
  auto ret = cast<func::ReturnOp>(body.getTerminator());
  DenseMap<Value, StringRef> returned;
  for (auto [index, value] : llvm::enumerate(ret.getOperands()))
    returned[value] =
        fragment.getResultAttrOfType<StringAttr>(index, kValueAttrName)
            .getValue();
  DenseMap<Operation *, int64_t> position;
  int64_t index = 0;
  for (Operation &op : body)
    position[&op] = index++;
  // An exchange runs on the comm stream while the compute after it goes on
  // until something reads what it brought (the plan waits there), so its
  // operands and results (a count nobody reads is still written) keep
  // their bytes to that point.
  DenseMap<Value, int64_t> heldUntil;
  for (Operation &op : body) {
    if (!isa<KAllToAllOp, KAllToAllVOp>(op))
      continue;
    int64_t done = index; // never read: to the fragment's end
    for (Value result : op.getResults())
      for (Operation *user : result.getUsers())
        done = std::min(done, position[user]);
    for (Value operand : op.getOperands())
      heldUntil[operand] = std::max(heldUntil.lookup(operand), done);
    for (Value result : op.getResults())
      heldUntil[result] = std::max(heldUntil.lookup(result), done);
  }
  std::vector<BufferLifetime> lifetimes;
  std::vector<Value> values;
  for (Operation &op : body) {
    rows.define(&op);
    for (Value result : op.getResults()) {
      int64_t bytes = rows.bytes(result, floatsAsF32);
      if (auto it = returned.find(result); it != returned.end()) {
        slot[it->second] = bytes;
        continue;
      }
      int64_t last = std::max(position[&op], heldUntil.lookup(result));
      for (Operation *user : result.getUsers())
        last = std::max(last, position[user]);
      lifetimes.push_back({bytes, position[&op], last});
      values.push_back(result);
    }
  }
  ArenaPlan arena = planArena(lifetimes);
  DenseMap<Value, int64_t> offsets;
  for (auto [value, offset] : llvm::zip(values, arena.offsets))
    offsets[value] = offset;
  Builder builder(fragment.getContext());
  for (Operation &op : body) {
    if (op.getNumResults() == 0)
      continue;
    SmallVector<int64_t> resultOffsets, resultRows;
    for (Value result : op.getResults()) {
      // -1: the value lives in the stage's slot.
      resultOffsets.push_back(offsets.count(result) ? offsets.lookup(result)
                                                    : -1);
      resultRows.push_back(rows.leading(result));
    }
    op.setAttr("dsc.offsets", builder.getDenseI64ArrayAttr(resultOffsets));
    op.setAttr("dsc.rows", builder.getDenseI64ArrayAttr(resultRows));
  }
  return arena.arenaBytes;
}

/// The micro-batches of each stage alive at once on a rank, in its
/// program's order: from the forward to the end of the backward (the
/// weight pass where the backward is split).
struct StageLiveness {
  /// Per stage, (micro-batch, begins) events in program order.
  std::map<int64_t, std::vector<std::pair<int64_t, bool>>> events;

  void pass(PassKind kind, int64_t stage, int64_t mb) {
    if (kind == PassKind::forward)
      events[stage].push_back({mb, true});
    else if (kind != PassKind::backward_input)
      events[stage].push_back({mb, false});
  }
  /// The fewest copies such that micro-batches alive together never share
  /// copy mb mod slots.
  int64_t slots(int64_t stage) const {
    const auto &list = events.at(stage);
    for (int64_t slots = 1;; ++slots) {
      std::set<int64_t> used;
      bool clash = false;
      for (auto [mb, begins] : list) {
        if (!begins) {
          used.erase(mb % slots);
          continue;
        }
        if (!used.insert(mb % slots).second) {
          clash = true;
          break;
        }
      }
      if (!clash)
        return slots;
    }
  }
};
} // namespace

LogicalResult dsc::planFragmentMemory(ModuleOp module, const ResolvedRun &setup,
                                      PipelineOp pipeline, bool floatsAsF32) {
  RunOp run = setup.run;
  int64_t tokens = setup.microBatchTokens();
  int64_t numStages = pipeline.getNumStages();
  // Transients per fragment, the slot's values per stage.
  llvm::StringMap<int64_t> transient;
  std::map<int64_t, llvm::MapVector<StringRef, int64_t>> slotValues;
  SmallVector<func::FuncOp> fragments;
  for (func::FuncOp func : module.getOps<func::FuncOp>()) {
    std::optional<FragmentKey> key = fragmentKeyOf(func);
    if (!key || lookupFragment(module, run, *key) != func)
      continue;
    fragments.push_back(func);
    transient[func.getSymName()] =
        planTransients(func, tokens, floatsAsF32, slotValues[key->stage]);
  }
  // Interleaved pairs run a forward and a backward fragment at once: the
  // backward fragments' transients then lie after the largest forward's.
  bool interleaves = false;
  if (interleavesPairs(setup))
    pipeline.getBody().walk([&](OverlapOp) { interleaves = true; });
  if (interleaves) {
    int64_t forward = 0;
    for (func::FuncOp func : fragments)
      if (fragmentKeyOf(func)->pass == PassKind::forward)
        forward = std::max(forward, transient[func.getSymName()]);
    int64_t base = alignUp(forward);
    Builder builder(module.getContext());
    for (func::FuncOp func : fragments) {
      if (fragmentKeyOf(func)->pass == PassKind::forward)
        continue;
      transient[func.getSymName()] += base;
      func.walk([&](Operation *op) {
        auto offsets = op->getAttrOfType<DenseI64ArrayAttr>("dsc.offsets");
        if (!offsets)
          return;
        SmallVector<int64_t> moved(offsets.asArrayRef());
        for (int64_t &offset : moved)
          if (offset >= 0)
            offset += base;
        op->setAttr("dsc.offsets", builder.getDenseI64ArrayAttr(moved));
      });
    }
  }
  // Each stage's slot: its values one after the other.
  std::map<int64_t, llvm::StringMap<int64_t>> slotOffsets;
  std::map<int64_t, int64_t> slotBytes;
  for (auto &[stage, values] : slotValues) {
    int64_t offset = 0;
    for (auto &[name, bytes] : values) {
      slotOffsets[stage][name] = offset;
      offset += alignUp(bytes);
    }
    slotBytes[stage] = offset;
  }
  Builder builder(module.getContext());
  for (func::FuncOp func : fragments) {
    int64_t stage = fragmentKeyOf(func)->stage;
    auto mark = [&](StringAttr name, auto setAttr) {
      if (name && !isInput(name.getValue()))
        setAttr(builder.getI64IntegerAttr(
            slotOffsets[stage].lookup(name.getValue())));
    };
    for (unsigned i = 0; i < func.getNumArguments(); ++i)
      mark(func.getArgAttrOfType<StringAttr>(i, kValueAttrName),
           [&](Attribute a) { func.setArgAttr(i, kSlotOffsetAttrName, a); });
    for (unsigned i = 0; i < func.getNumResults(); ++i)
      mark(func.getResultAttrOfType<StringAttr>(i, kValueAttrName),
           [&](Attribute a) { func.setResultAttr(i, kSlotOffsetAttrName, a); });
    func->setAttr("dsc.arena_bytes",
                  builder.getDenseI64ArrayAttr({transient[func.getSymName()]}));
    func->setAttr("dsc.slot_bytes",
                  builder.getI64IntegerAttr(slotBytes[stage]));
    func->setAttr("dsc.storage",
                  builder.getStringAttr(floatsAsF32 ? "f32" : "model"));
  }

  // Per rank: the slots its program keeps, and its arena.
  ParameterCountAnalysis params(setup.model);
  MemoryAnalysis memory(setup, params);
  for (RankOp rank : pipeline.getBody().getOps<RankOp>()) {
    StageLiveness liveness;
    int64_t largestTransient = 0;
    auto calls = [&](FlatSymbolRefAttr fragment) {
      if (fragment)
        largestTransient =
            std::max(largestTransient, transient.lookup(fragment.getValue()));
    };
    for (Operation &op : rank.getBody().front()) {
      if (auto pass = dyn_cast<PassOp>(op)) {
        liveness.pass(pass.getKind(), pass.getStage(), pass.getMicroBatch());
        calls(pass.getFragmentAttr());
      } else if (auto overlap = dyn_cast<OverlapOp>(op)) {
        liveness.pass(PassKind::forward, overlap.getForwardStage(),
                      overlap.getForwardMicroBatch());
        liveness.pass(PassKind::backward, overlap.getBackwardStage(),
                      overlap.getBackwardMicroBatch());
        calls(overlap.getForwardFragmentAttr());
        calls(overlap.getBackwardFragmentAttr());
      }
    }
    SmallVector<int64_t> slots(numStages, 0), slotBase(numStages, 0);
    int64_t arena = alignUp(largestTransient);
    std::string perStage;
    for (auto &[stage, list] : liveness.events) {
      slots[stage] = liveness.slots(stage);
      slotBase[stage] = arena;
      arena += slots[stage] * slotBytes[stage];
      perStage += llvm::formatv("{0}stage {1}: {2} x {3:F2} MiB",
                                perStage.empty() ? "" : ", ", stage,
                                slots[stage], slotBytes[stage] / 1048576.0)
                      .str();
    }
    rank->setAttr("dsc.slots", builder.getDenseI64ArrayAttr(slots));
    rank->setAttr("dsc.slot_base", builder.getDenseI64ArrayAttr(slotBase));
    rank->setAttr("dsc.arena_bytes", builder.getI64IntegerAttr(arena));
    int64_t index = rank.getIndex();
    double estimate = index < int64_t(memory.stages().size())
                          ? double(memory.stages()[index].activations)
                          : 0.0;
    run.emitRemark(
        llvm::formatv("dsc-plan-memory: @{0} rank {1}: arena {2:F2} MiB: "
                      "transients {3:F2} MiB, slots per micro-batch in "
                      "flight ({4}); the memory analysis estimates {5:F2} "
                      "MiB of activations",
                      pipeline.getSymName(), index, arena / 1048576.0,
                      largestTransient / 1048576.0, perStage,
                      estimate / 1048576.0)
            .str());
  }
  return success();
}

bool dsc::callsFragments(PipelineOp pipeline) {
  bool calls = false;
  pipeline.getBody().walk(
      [&](PassOp pass) { calls |= static_cast<bool>(pass.getFragmentAttr()); });
  return calls;
}
