//===- Fragments.cpp - the dsc-fragment pass ------------------------------===//
//
// Splits `@<run>_train` into one function per (stage, pass) the run's
// pipeline runs and ties the pipeline's passes, sends and receives to them.
// Values crossing fragments become arguments and results named by the
// value, so the plan translation can give each its buffer per stage and
// micro-batch slot.
//
//===----------------------------------------------------------------------===//

#include "dsc/Conversion/KernelProgram.h"
#include "dsc/Conversion/Passes.h"
#include "dsc/Run/ResolvedRun.h"
#include "mlir/IR/Builders.h"
#include "mlir/IR/IRMapping.h"
#include "mlir/IR/Verifier.h"
#include "llvm/ADT/MapVector.h"
#include "llvm/ADT/SetVector.h"

#include <map>

namespace dsc {
#define GEN_PASS_DEF_DSCFRAGMENT
#include "dsc/Conversion/Passes.h.inc"
} // namespace dsc

using namespace mlir;
using namespace dsc;

namespace {
using ValueList = llvm::SetVector<Value>;

class FragmentSplitter {
public:
  FragmentSplitter(ModuleOp module, RunOp run, func::FuncOp train,
                   PipelineOp pipeline)
      : module(module), run(run), train(train), pipeline(pipeline),
        rows(run.getMicroBatch() * run.getSeqLen()) {}

  LogicalResult split();

private:
  LogicalResult classify();
  bool inFragment(Operation *op, FragmentKey key) const;
  LogicalResult build(FragmentKey key);
  LogicalResult checkCrossing(FragmentKey key, Value value, Operation *user);
  void findRelays();
  StringAttr nameOf(Value value) {
    return StringAttr::get(run.getContext(), names.lookup(value));
  }
  ArrayAttr namesOf(const ValueList &values) {
    SmallVector<Attribute> list;
    for (Value value : values)
      list.push_back(nameOf(value));
    return ArrayAttr::get(run.getContext(), list);
  }
  FlatSymbolRefAttr symbolOf(FragmentKey key) {
    return FlatSymbolRefAttr::get(
        run.getContext(), (run.getSymName() + "_" + fragmentSuffix(key)).str());
  }
  LogicalResult annotate();
  LogicalResult annotateRank(RankOp rank);

  ModuleOp module;
  RunOp run;
  func::FuncOp train;
  PipelineOp pipeline;
  TensorRows rows;
  llvm::DenseMap<Value, std::string> names;
  /// The loss gradient's seed, rematerialised where it is read.
  llvm::SmallPtrSet<Operation *, 2> seeds;
  /// The losses' sum: it seeded the autodiff, the plan reads each loss.
  llvm::SmallPtrSet<Operation *, 8> dropped;
  /// Stage -> what it receives: activations from the stage before it and
  /// gradients from the stage after it.
  std::map<int64_t, ValueList> activationsIn, gradientsIn;
  /// Stage -> values its forward (activations) or its gradient-producing
  /// backward (gradients) passes through unchanged, for a reader more
  /// than one stage away (the MTP module after the output head).
  std::map<int64_t, ValueList> activationRelays, gradientRelays;
};
} // namespace

LogicalResult FragmentSplitter::classify() {
  Block &body = train.getBody().front();
  names[body.getArgument(0)] = "input_ids";
  names[body.getArgument(1)] = "labels";
  for (BlockArgument argument : body.getArguments())
    rows.setArgument(argument);
  int64_t counter = 0;
  for (Operation &op : body) {
    rows.define(&op);
    for (Value result : op.getResults())
      names[result] = "v" + std::to_string(counter++);
  }
  auto ret = cast<func::ReturnOp>(body.getTerminator());
  SmallVector<Operation *> sums;
  if (Operation *total = ret.getOperand(0).getDefiningOp())
    sums.push_back(total);
  while (!sums.empty()) {
    Operation *op = sums.pop_back_val();
    if (!isa<KAddOp>(op) || passOf(op) != PassKind::forward ||
        !dropped.insert(op).second)
      continue;
    for (Value operand : op->getOperands())
      if (Operation *def = operand.getDefiningOp())
        sums.push_back(def);
  }
  for (Operation &op : body) {
    if (&op == ret || dropped.count(&op))
      continue;
    for (Value result : op.getResults())
      for (Operation *user : result.getUsers())
        if (dropped.count(user) && !isa<KCrossEntropyOp, KBalanceLossOp>(op))
          return op.emitOpError("feeds the sum of the losses but is no loss");
    if (stageOf(&op) >= 0)
      continue;
    if (!isa<KFillOp>(op) || op.getNumOperands() != 0)
      return op.emitOpError("has no '")
             << kStageAttrName << "'; run dsc-lower-to-kernels";
    seeds.insert(&op);
  }
  return success();
}

bool FragmentSplitter::inFragment(Operation *op, FragmentKey key) const {
  if (isa<func::ReturnOp>(op) || seeds.count(op) || dropped.count(op) ||
      stageOf(op) != key.stage)
    return false;
  PassKind pass = passOf(op);
  if (key.pass == PassKind::backward)
    return pass == PassKind::backward_input ||
           pass == PassKind::backward_weight;
  return pass == key.pass;
}

LogicalResult FragmentSplitter::checkCrossing(FragmentKey key, Value value,
                                              Operation *user) {
  Operation *def = value.getDefiningOp();
  if (!def)
    return success(); // the token ids and labels: on every rank
  int64_t from = stageOf(def);
  if (from == key.stage)
    return success();
  bool forward = passOf(def) == PassKind::forward;
  // Stages in between relay the value (findRelays).
  if (forward ? from > key.stage : from < key.stage) {
    InFlightDiagnostic diag =
        def->emitOpError("computes ")
        << names.lookup(value) << " on stage " << from << ", which stage "
        << key.stage << " reads; a pipeline hands "
        << (forward ? "activations to later" : "gradients to earlier")
        << " stages only, so lay these parts of the model in order "
           "(--partition)";
    diag.attachNote(user->getLoc())
        << "read by '" << user->getName() << "' on stage " << key.stage;
    return diag;
  }
  (forward ? activationsIn : gradientsIn)[key.stage].insert(value);
  return success();
}

void FragmentSplitter::findRelays() {
  for (Operation &op : train.getBody().front()) {
    int64_t stage = stageOf(&op);
    if (stage < 0 || seeds.count(&op) || dropped.count(&op))
      continue;
    for (Value operand : op.getOperands()) {
      Operation *def = operand.getDefiningOp();
      if (!def || seeds.count(def) || stageOf(def) < 0)
        continue;
      int64_t from = stageOf(def);
      bool forward = passOf(def) == PassKind::forward;
      for (int64_t k = std::min(from, stage) + 1; k < std::max(from, stage);
           ++k) {
        (forward ? activationRelays : gradientRelays)[k].insert(operand);
        (forward ? activationsIn : gradientsIn)[k].insert(operand);
      }
    }
  }
}

LogicalResult FragmentSplitter::build(FragmentKey key) {
  Block &body = train.getBody().front();
  SmallVector<Operation *> ops;
  llvm::SmallPtrSet<Operation *, 32> members;
  for (Operation &op : body)
    if (inFragment(&op, key)) {
      ops.push_back(&op);
      members.insert(&op);
    }
  ValueList imports, exports;
  for (Operation *op : ops) {
    for (Value operand : op->getOperands()) {
      Operation *def = operand.getDefiningOp();
      if ((def && (members.count(def) || seeds.count(def))))
        continue;
      if (failed(checkCrossing(key, operand, op)))
        return failure();
      imports.insert(operand);
    }
    for (Value result : op->getResults())
      for (Operation *user : result.getUsers())
        if (!members.count(user) && !dropped.count(user) &&
            !isa<func::ReturnOp>(user))
          exports.insert(result);
  }
  // Values this fragment hands on unchanged: the forward relays
  // activations, the pass that makes input gradients relays gradients.
  ValueList *relays = nullptr;
  if (key.pass == PassKind::forward)
    relays = &activationRelays[key.stage];
  else if (key.pass != PassKind::backward_weight)
    relays = &gradientRelays[key.stage];
  if (relays)
    for (Value value : *relays) {
      imports.insert(value);
      exports.insert(value);
    }

  OpBuilder builder(train);
  builder.setInsertionPointAfter(train);
  SmallVector<Type> argTypes, resultTypes;
  for (Value value : imports)
    argTypes.push_back(value.getType());
  for (Value value : exports)
    resultTypes.push_back(value.getType());
  Location loc = ops.empty() ? run.getLoc() : ops.front()->getLoc();
  auto func =
      func::FuncOp::create(builder, loc, symbolOf(key).getValue(),
                           builder.getFunctionType(argTypes, resultTypes));
  func->setAttr(kStageAttrName, builder.getI64IntegerAttr(key.stage));
  func->setAttr(kPassAttrName,
                PassKindAttr::get(builder.getContext(), key.pass));
  Block *entry = func.addEntryBlock();
  IRMapping mapping;
  for (auto [index, value] : llvm::enumerate(imports)) {
    mapping.map(value, entry->getArgument(index));
    func.setArgAttr(index, kValueAttrName, nameOf(value));
    func.setArgAttr(index, kRowsAttrName,
                    builder.getI64IntegerAttr(rows.leading(value)));
  }
  for (auto [index, value] : llvm::enumerate(exports))
    func.setResultAttr(index, kValueAttrName, nameOf(value));
  builder.setInsertionPointToStart(entry);
  for (Operation *op : ops) {
    for (Value operand : op->getOperands())
      if (Operation *def = operand.getDefiningOp();
          def && seeds.count(def) && !mapping.contains(operand))
        builder.clone(*def, mapping);
    builder.clone(*op, mapping);
  }
  SmallVector<Value> returned;
  for (Value value : exports)
    returned.push_back(mapping.lookupOrDefault(value));
  func::ReturnOp::create(builder, loc, returned);
  return mlir::verify(func);
}

LogicalResult FragmentSplitter::annotateRank(RankOp rank) {
  Block &program = rank.getBody().front();
  int64_t self = rank.getIndex();
  MLIRContext *context = run.getContext();
  using TransferKey = std::tuple<int, int64_t, int64_t>;
  std::map<TransferKey, RecvOp> recvs;
  // Passes producing (payload, stage, micro-batch), for local hand-overs.
  std::map<TransferKey, Operation *> producers;
  for (Operation &op : program) {
    if (auto recv = dyn_cast<RecvOp>(op))
      recvs[{int(recv.getPayload()), recv.getStage(), recv.getMicroBatch()}] =
          recv;
    auto produce = [&](PassKind kind, int64_t stage, int64_t mb) {
      if (kind != PassKind::backward_weight)
        producers[{int(kind == PassKind::forward ? Payload::activation
                                                 : Payload::gradient),
                   stage, mb}] = &op;
    };
    if (auto pass = dyn_cast<PassOp>(op)) {
      pass.setFragmentAttr(symbolOf({pass.getStage(), pass.getKind()}));
      produce(pass.getKind(), pass.getStage(), pass.getMicroBatch());
    } else if (auto overlap = dyn_cast<OverlapOp>(op)) {
      overlap.setForwardFragmentAttr(
          symbolOf({overlap.getForwardStage(), PassKind::forward}));
      overlap.setBackwardFragmentAttr(
          symbolOf({overlap.getBackwardStage(), PassKind::backward}));
      produce(PassKind::forward, overlap.getForwardStage(),
              overlap.getForwardMicroBatch());
      produce(PassKind::backward, overlap.getBackwardStage(),
              overlap.getBackwardMicroBatch());
    }
  }
  // What each receive and send carries: the consumer stage's imports.
  auto carried = [&](Payload payload, int64_t producer) -> ValueList & {
    return payload == Payload::activation ? activationsIn[producer + 1]
                                          : gradientsIn[producer - 1];
  };
  for (Operation &op : program) {
    if (auto recv = dyn_cast<RecvOp>(op))
      recv.setValuesAttr(namesOf(carried(recv.getPayload(), recv.getStage())));
    else if (auto send = dyn_cast<SendOp>(op))
      send.setValuesAttr(namesOf(carried(send.getPayload(), send.getStage())));
  }
  // A pass whose inputs come from a stage on this same rank: the producer
  // sends them to itself, the pass receives them.
  SmallVector<std::tuple<Operation *, Payload, int64_t, int64_t>> local;
  for (Operation &op : program) {
    auto consume = [&](PassKind kind, int64_t stage, int64_t mb) {
      if (kind == PassKind::backward_weight)
        return;
      Payload payload =
          kind == PassKind::forward ? Payload::activation : Payload::gradient;
      int64_t producer = payload == Payload::activation ? stage - 1 : stage + 1;
      if (producer < 0 || producer >= pipeline.getNumStages() ||
          carried(payload, producer).empty() ||
          recvs.count({int(payload), producer, mb}))
        return;
      local.push_back({&op, payload, producer, mb});
    };
    if (auto pass = dyn_cast<PassOp>(op))
      consume(pass.getKind(), pass.getStage(), pass.getMicroBatch());
    else if (auto overlap = dyn_cast<OverlapOp>(op)) {
      consume(PassKind::forward, overlap.getForwardStage(),
              overlap.getForwardMicroBatch());
      consume(PassKind::backward, overlap.getBackwardStage(),
              overlap.getBackwardMicroBatch());
    }
  }
  OpBuilder builder(context);
  for (auto [consumer, payload, producer, mb] : local) {
    auto source = producers.find({int(payload), producer, mb});
    if (source == producers.end())
      return consumer->emitOpError("reads the ")
             << stringifyPayload(payload) << " of stage " << producer
             << " micro-batch " << mb
             << ", which neither runs on this rank nor arrives by a "
                "receive";
    ArrayAttr values = namesOf(carried(payload, producer));
    builder.setInsertionPointAfter(source->second);
    SendOp::create(builder, consumer->getLoc(), payload, producer, mb, self,
                   values);
    builder.setInsertionPoint(consumer);
    RecvOp::create(builder, consumer->getLoc(), payload, producer, mb, self,
                   values);
  }
  return success();
}

LogicalResult FragmentSplitter::split() {
  if (failed(classify()))
    return failure();
  findRelays();
  // The fragments the pipeline calls, in stage and pass order.
  std::map<std::pair<int64_t, int>, FragmentKey> keys;
  auto need = [&](int64_t stage, PassKind pass) {
    keys[{stage, int(pass)}] = FragmentKey{stage, pass};
  };
  pipeline.getBody().walk([&](Operation *op) {
    if (auto pass = dyn_cast<PassOp>(op))
      need(pass.getStage(), pass.getKind());
    else if (auto overlap = dyn_cast<OverlapOp>(op)) {
      need(overlap.getForwardStage(), PassKind::forward);
      need(overlap.getBackwardStage(), PassKind::backward);
    }
  });
  // Later stages first, so that the functions read in stage order.
  for (auto &[index, key] : llvm::reverse(keys)) {
    if (func::FuncOp old = lookupFragment(module, run, key))
      old.erase();
    if (failed(build(key)))
      return failure();
  }
  for (RankOp rank : pipeline.getBody().getOps<RankOp>())
    if (failed(annotateRank(rank)))
      return failure();
  return mlir::verify(pipeline);
}

namespace {
struct FragmentPass : public dsc::impl::DscFragmentBase<FragmentPass> {
  using DscFragmentBase::DscFragmentBase;

  void runOnOperation() override {
    ModuleOp module = getOperation();
    FailureOr<SmallVector<RunOp>> runs =
        selectRuns(module, runName, "dsc-fragment");
    if (failed(runs))
      return signalPassFailure();
    for (RunOp run : *runs) {
      std::string name = run.getSymName().str();
      auto train = module.lookupSymbol<func::FuncOp>(name + "_train");
      auto pipeline = module.lookupSymbol<PipelineOp>(name + "_pipeline");
      if (!train || !pipeline) {
        if (!runName.empty()) {
          run.emitError("dsc-fragment: run @")
              << name << " needs @" << name << "_train (dsc-kernel-autodiff) "
              << "and @" << name << "_pipeline (dsc-pipeline-schedule)";
          return signalPassFailure();
        }
        continue;
      }
      if (failed(FragmentSplitter(module, run, train, pipeline).split()))
        return signalPassFailure();
    }
  }
};
} // namespace
