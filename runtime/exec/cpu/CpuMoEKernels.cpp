//===- CpuMoEKernels.cpp - routing, dispatch, grouped linear, exchange ----===//

#include "CpuKernels.h"
#include "dsc/kernels/cpu/ExpertExchange.h"
#include "dsc/kernels/cpu/MoE.h"

#include <stdexcept>

namespace dsc::exec::detail {
namespace {

namespace k = kernels::cpu;
using plan::Opcode;

k::ScoringFunc scoringFunc(Scoring s) {
  return s == Scoring::Sigmoid ? k::ScoringFunc::Sigmoid
                               : k::ScoringFunc::Softmax;
}

k::RouteAttrs routeAttrs(const RouteLaunch &d) {
  k::RouteAttrs a;
  a.scoring = scoringFunc(d.scoring);
  a.method = d.method == TopkMethod::Greedy ? k::TopkMethod::Greedy
             : d.method == TopkMethod::GroupLimitedGreedy
                 ? k::TopkMethod::GroupLimitedGreedy
                 : k::TopkMethod::NoauxTc;
  a.nGroup = d.nGroup;
  a.topkGroup = d.topkGroup;
  a.k = d.k;
  a.normTopkProb = d.normTopkProb;
  a.routedScalingFactor = d.routedScalingFactor;
  return a;
}

k::BalanceLossAttrs balanceAttrs(const BalanceLossLaunch &d) {
  k::BalanceLossAttrs a;
  a.scoring = scoringFunc(d.scoring);
  a.seqLen = d.seqLen;
  a.weight = d.weight;
  return a;
}

/// Fails (at run time: offsets are data) when the groups end past the
/// rows the plan's buffers hold.
void checkGroupEnd(const int32_t *offsets, const GroupedLinearLaunch &d) {
  if (offsets[d.groups] < 0 || offsets[d.groups] > d.rows)
    throw std::out_of_range("grouped_linear: the offsets end at row " +
                            std::to_string(offsets[d.groups]) +
                            ", the row buffers hold " + std::to_string(d.rows));
}

/// Registers a grouped GEMM whose offsets are input `offsets`: checked
/// against the row buffers first, then `gemm(d, a)`.
template <typename F>
void addGrouped(KernelTable &t, Opcode op, size_t offsets, F gemm) {
  addLaunch<GroupedLinearLaunch>(
      t, op,
      [offsets, gemm](const GroupedLinearLaunch &d, const KernelArgs &a) {
        checkGroupEnd(a.i32(offsets), d);
        gemm(d, a);
      });
}

void addGroupedLinear(KernelTable &t) {
  using G = GroupedLinearLaunch;
  addGrouped(
      t, Opcode::grouped_linear_fwd, 1, [](const G &d, const KernelArgs &a) {
        k::groupedLinearForward(a.f32(0), a.i32(1), a.f32(2), a.outF32(0),
                                d.experts, d.in, d.out, d.blocks);
      });
  addGrouped(t, Opcode::fp8_grouped_linear_fwd, 1,
             [](const G &d, const KernelArgs &a) {
               k::fp8GroupedLinearForward(a.f32(0), a.i32(1), a.f32(2),
                                          a.outF32(0), d.experts, d.in, d.out,
                                          cpuFP8Attrs(d.fp8), d.blocks);
             });
  addGrouped(t, Opcode::grouped_linear_bwd_input, 1,
             [](const G &d, const KernelArgs &a) {
               k::groupedLinearBackwardInput(a.f32(0), a.i32(1), a.f32(2),
                                             a.outF32(0), d.experts, d.in,
                                             d.out, d.blocks);
             });
  addGrouped(t, Opcode::fp8_grouped_linear_bwd_input, 1,
             [](const G &d, const KernelArgs &a) {
               k::fp8GroupedLinearBackwardInput(
                   a.f32(0), a.i32(1), a.f32(2), a.outF32(0), d.experts, d.in,
                   d.out, cpuFP8Attrs(d.fp8), d.blocks);
             });
  addGrouped(t, Opcode::grouped_linear_bwd_weight, 2,
             [](const G &d, const KernelArgs &a) {
               k::groupedLinearBackwardWeight(a.f32(0), a.f32(1), a.i32(2),
                                              a.outF32(0), d.experts, d.in,
                                              d.out, d.blocks);
             });
  addGrouped(t, Opcode::fp8_grouped_linear_bwd_weight, 2,
             [](const G &d, const KernelArgs &a) {
               k::fp8GroupedLinearBackwardWeight(
                   a.f32(0), a.f32(1), a.i32(2), a.outF32(0), d.experts, d.in,
                   d.out, cpuFP8Attrs(d.fp8), d.blocks);
             });
}

void addExpertExchange(KernelTable &t) {
  addLaunch<SlotRouteLaunch>(t, Opcode::slot_route,
                             [](const SlotRouteLaunch &d, const KernelArgs &a) {
                               k::slotRoute(a.i32(0), a.i32(1), a.outI32(0),
                                            d.tokens, d.k, d.experts, d.width);
                             });
  using S = SlotLaunch;
  addLaunch<S>(t, Opcode::slot_counts, [](const S &d, const KernelArgs &a) {
    k::slotCounts(a.i32(0), a.outI32(0), a.outI32(1), d.members, d.slots);
  });
  addLaunch<S>(t, Opcode::slot_permute, [](const S &d, const KernelArgs &a) {
    k::slotPermute(a.f32(0), a.i32(1), a.outF32(0), a.outI32(1), d.rows,
                   d.width, d.members, d.slots);
  });
  addLaunch<S>(t, Opcode::slot_unpermute, [](const S &d, const KernelArgs &a) {
    k::slotUnpermute(a.f32(0), a.i32(1), a.outF32(0), d.rows, d.width,
                     d.members, d.slots);
  });
  using R = RowIndexLaunch;
  addLaunch<R>(t, Opcode::scatter_rows, [](const R &d, const KernelArgs &a) {
    k::scatterRows(a.f32(0), a.i32(1), a.outF32(0), d.rows, d.width,
                   d.tableRows);
  });
  addLaunch<R>(t, Opcode::gather_rows, [](const R &d, const KernelArgs &a) {
    k::gatherRows(a.f32(0), a.i32(1), a.outF32(0), d.rows, d.width,
                  d.tableRows);
  });
}

} // namespace

void addCpuMoEKernels(KernelTable &t) {
  using R = RouteLaunch;
  addLaunch<R>(t, Opcode::route_fwd, [](const R &d, const KernelArgs &a) {
    k::routeForward(a.f32(0), d.bias ? a.f32(1) : nullptr, a.outI32(0),
                    a.outF32(1), a.outF32(2), d.tokens, d.experts,
                    routeAttrs(d));
  });
  addLaunch<R>(t, Opcode::route_bwd, [](const R &d, const KernelArgs &a) {
    k::routeBackward(a.f32(0), a.f32(1), a.i32(2), a.outF32(0), d.tokens,
                     d.experts, routeAttrs(d));
  });
  using B = BalanceLossLaunch;
  addLaunch<B>(
      t, Opcode::balance_loss_fwd, [](const B &d, const KernelArgs &a) {
        k::balanceLossForward(a.f32(0), a.i32(1), a.outF32(0), d.tokens,
                              d.experts, d.k, balanceAttrs(d));
      });
  addLaunch<B>(
      t, Opcode::balance_loss_bwd, [](const B &d, const KernelArgs &a) {
        k::balanceLossBackward(a.f32(0), a.i32(1), a.outF32(0), d.tokens,
                               d.experts, d.k, balanceAttrs(d));
      });
  using X = ExpertRowsLaunch;
  addLaunch<X>(t, Opcode::dispatch_fwd, [](const X &d, const KernelArgs &a) {
    k::dispatchForward(a.f32(0), a.i32(1), a.outF32(0), a.outI32(1), d.tokens,
                       d.hidden, d.k, d.experts);
  });
  addLaunch<X>(t, Opcode::dispatch_bwd, [](const X &d, const KernelArgs &a) {
    k::dispatchBackward(a.f32(0), a.i32(1), a.outF32(0), d.tokens, d.hidden,
                        d.k, d.experts);
  });
  addLaunch<X>(t, Opcode::combine_fwd, [](const X &d, const KernelArgs &a) {
    k::combineForward(a.f32(0), a.f32(1), a.i32(2), a.outF32(0), d.tokens,
                      d.hidden, d.k, d.experts);
  });
  addLaunch<X>(t, Opcode::combine_bwd, [](const X &d, const KernelArgs &a) {
    k::combineBackward(a.f32(0), a.f32(1), a.f32(2), a.i32(3), a.outF32(0),
                       a.outF32(1), d.tokens, d.hidden, d.k, d.experts);
  });
  addGroupedLinear(t);
  addExpertExchange(t);
}

} // namespace dsc::exec::detail
