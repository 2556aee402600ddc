//===- DscPipelineOps.cpp - per-rank pipeline programs --------------------===//

#include "dsc/IR/DscOps.h"
#include "llvm/ADT/DenseMap.h"
#include "llvm/ADT/DenseSet.h"

using namespace mlir;
using namespace dsc;

//===----------------------------------------------------------------------===//
// PipelineOp
//===----------------------------------------------------------------------===//

LogicalResult PipelineOp::verifyRegions() {
  int64_t stages = getNumStages(), microBatches = getMicroBatches();
  if (stages <= 0 || microBatches <= 0)
    return emitOpError("needs positive stage and micro-batch counts");
  // Passes per (stage, micro-batch): F, B, I, W.
  llvm::DenseMap<std::pair<int64_t, int64_t>, std::array<int, 4>> passes;
  // Sends and receives: (payload, stage, micro-batch, from, to) -> balance.
  llvm::DenseMap<std::tuple<int, int64_t, int64_t, int64_t, int64_t>, int>
      transfers;
  int64_t expectedRank = 0;
  int64_t numRanks =
      std::distance(getBody().front().begin(), getBody().front().end());
  auto checkStage = [&](Operation *op, int64_t stage,
                        int64_t microBatch) -> LogicalResult {
    if (stage < 0 || stage >= stages || microBatch < 0 ||
        microBatch >= microBatches)
      return op->emitOpError("stage ")
             << stage << " micro-batch " << microBatch << " is outside the "
             << stages << " stages and " << microBatches << " micro-batches";
    return success();
  };
  auto countPass = [&](Operation *op, PassKind kind, int64_t stage,
                       int64_t microBatch) -> LogicalResult {
    if (failed(checkStage(op, stage, microBatch)))
      return failure();
    ++passes[{stage, microBatch}][static_cast<int>(kind)];
    return success();
  };
  for (Operation &child : getBody().front()) {
    auto rank = dyn_cast<RankOp>(child);
    if (!rank)
      return child.emitOpError("is not a 'dsc.rank'");
    if (rank.getIndex() != expectedRank++)
      return rank.emitOpError("ranks must be numbered 0, 1, ... in order; "
                              "expected ")
             << expectedRank - 1;
    for (Operation &op : rank.getBody().front()) {
      if (auto pass = dyn_cast<PassOp>(op)) {
        if (failed(countPass(pass, pass.getKind(), pass.getStage(),
                             pass.getMicroBatch())))
          return failure();
      } else if (auto overlap = dyn_cast<OverlapOp>(op)) {
        if (failed(countPass(overlap, PassKind::forward,
                             overlap.getForwardStage(),
                             overlap.getForwardMicroBatch())) ||
            failed(countPass(overlap, PassKind::backward,
                             overlap.getBackwardStage(),
                             overlap.getBackwardMicroBatch())))
          return failure();
      } else if (auto send = dyn_cast<SendOp>(op)) {
        if (failed(checkStage(send, send.getStage(), send.getMicroBatch())))
          return failure();
        if (send.getPeer() < 0 || send.getPeer() >= numRanks)
          return send.emitOpError("peer ")
                 << send.getPeer() << " is not one of the " << numRanks
                 << " ranks";
        ++transfers[{static_cast<int>(send.getPayload()), send.getStage(),
                     send.getMicroBatch(), rank.getIndex(), send.getPeer()}];
      } else if (auto recv = dyn_cast<RecvOp>(op)) {
        if (failed(checkStage(recv, recv.getStage(), recv.getMicroBatch())))
          return failure();
        --transfers[{static_cast<int>(recv.getPayload()), recv.getStage(),
                     recv.getMicroBatch(), recv.getPeer(), rank.getIndex()}];
      }
    }
  }
  for (int64_t stage = 0; stage < stages; ++stage)
    for (int64_t mb = 0; mb < microBatches; ++mb) {
      std::array<int, 4> counts = passes.lookup({stage, mb});
      bool full = counts[1] == 1 && counts[2] == 0 && counts[3] == 0;
      bool split = counts[1] == 0 && counts[2] == 1 && counts[3] == 1;
      if (counts[0] != 1 || !(full || split))
        return emitOpError("stage ")
               << stage << " micro-batch " << mb << " needs one forward and "
               << "one backward (or one backward_input and one "
                  "backward_weight); has "
               << counts[0] << ", " << counts[1] << " (" << counts[2] << ", "
               << counts[3] << ")";
    }
  for (auto &[key, balance] : transfers)
    if (balance != 0) {
      auto [payload, stage, mb, from, to] = key;
      return emitOpError("rank ")
             << from << " sends " << to << " the "
             << stringifyPayload(static_cast<Payload>(payload)) << " of stage "
             << stage << " micro-batch " << mb
             << (balance > 0 ? " without a matching receive"
                             : ": a receive without a send");
    }
  return success();
}

LogicalResult PipelineOp::verifySymbolUses(SymbolTableCollection &symbols) {
  auto run = symbols.lookupNearestSymbolFrom<RunOp>(*this, getRunAttr());
  if (!run)
    return emitOpError("'run' ")
           << getRunAttr() << " does not name a 'dsc.run'";
  // The run's stages are the schedule library's to say; a laid-out run
  // states them.
  std::optional<PipelineLayoutAttr> layout = run.getLayout();
  if (run.getSchedule() != getKind() ||
      (layout && layout->getNumStages() != getNumStages()) ||
      run.getMicroBatches() != getMicroBatches())
    return emitOpError("is a ")
           << stringifyScheduleKind(getKind()) << " program of "
           << getNumStages() << " stages and " << getMicroBatches()
           << " micro-batches but run @" << run.getSymName() << " has "
           << stringifyScheduleKind(run.getSchedule())
           << (layout
                   ? ", " + std::to_string(layout->getNumStages()) + " stages"
                   : std::string())
           << " and " << run.getMicroBatches()
           << " micro-batches; rerun dsc-pipeline-schedule";
  // The fragments the passes call (after dsc-fragment) must exist.
  auto checkFragment = [&](Operation *op,
                           FlatSymbolRefAttr fragment) -> LogicalResult {
    if (fragment && !symbols.lookupNearestSymbolFrom(*this, fragment))
      return op->emitOpError("calls ")
             << fragment << ", which is not defined; rerun dsc-fragment";
    return success();
  };
  WalkResult walked = getBody().walk([&](Operation *op) {
    LogicalResult checked = success();
    if (auto pass = dyn_cast<PassOp>(op))
      checked = checkFragment(op, pass.getFragmentAttr());
    else if (auto overlap = dyn_cast<OverlapOp>(op))
      checked = succeeded(checkFragment(op, overlap.getForwardFragmentAttr()))
                    ? checkFragment(op, overlap.getBackwardFragmentAttr())
                    : failure();
    return failed(checked) ? WalkResult::interrupt() : WalkResult::advance();
  });
  return failure(walked.wasInterrupted());
}

//===----------------------------------------------------------------------===//
// OverlapOp
//===----------------------------------------------------------------------===//

LogicalResult OverlapOp::verify() {
  // Each pass contributes each piece once, on the stream its kind needs.
  llvm::DenseSet<std::pair<int, int>> seen;
  for (Operation &op : getBody().front()) {
    auto chunk = dyn_cast<ChunkOp>(op);
    if (!chunk)
      return op.emitOpError("is not a 'dsc.chunk'");
    if (chunk.getKind() != PassKind::forward &&
        chunk.getKind() != PassKind::backward)
      return chunk.emitOpError("an overlapped pair has forward and backward "
                               "pieces only");
    bool communicates = chunk.getPart() == ChunkPart::dispatch ||
                        chunk.getPart() == ChunkPart::combine;
    if (communicates != (chunk.getStream() == Stream::comm))
      return chunk.emitOpError("runs ")
             << stringifyChunkPart(chunk.getPart()) << " on the "
             << (communicates ? "comm" : "compute") << " stream";
    if (!seen.insert({static_cast<int>(chunk.getKind()),
                      static_cast<int>(chunk.getPart())})
             .second)
      return chunk.emitOpError("repeats the ")
             << stringifyPassKind(chunk.getKind()) << " "
             << stringifyChunkPart(chunk.getPart());
  }
  if (seen.size() != 8)
    return emitOpError("needs the attention, dispatch, mlp and combine "
                       "pieces of both passes");
  return success();
}
