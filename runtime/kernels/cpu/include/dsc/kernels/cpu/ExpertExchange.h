//===- ExpertExchange.h - expert-parallel routing and regrouping -*- C++ -*-===//
//
// The local halves of an expert-parallel MoE layer (the exchanges are
// all_to_all / all_to_all_v of the communicator): slot routing from logical
// experts to the physical slots of the ep group, the counts the exchange
// needs, and the regrouping of received rows by local slot.
//
// Physical slots are numbered over the ep group: member g owns slots
// [g * S, (g + 1) * S). A received block from member g holds, for each of
// the receiver's S slots in order, the rows member g routed to it; the
// counts of such blocks are `slotCounts` [G, S] (source-major).
//
//===----------------------------------------------------------------------===//

#ifndef DSC_KERNELS_CPU_EXPERTEXCHANGE_H
#define DSC_KERNELS_CPU_EXPERTEXCHANGE_H

#include <cstdint>

namespace dsc::kernels::cpu {

/// experts [T, k] (logical ids in [0, E)) -> slots [T, k]: each copy goes
/// to one of its expert's candidate slots, candidates [E, width] listing
/// them first (-1 after the last). With several candidates, token t takes
/// candidate t mod count, which spreads the load evenly over them.
void slotRoute(const int32_t *experts, const int32_t *candidates,
               int32_t *slots, int64_t tokens, int64_t k, int64_t numExperts,
               int64_t width);

/// offsets [G * S + 1] of a dispatch by slot -> rows per slot [G * S] and
/// per member [G] (its S slots' rows summed).
void slotCounts(const int32_t *offsets, int32_t *perSlot, int32_t *perMember,
                int64_t members, int64_t slotsPerMember);

/// The rows that arrived [rows, hidden] (member-major, each block by slot)
/// -> local [rows, hidden] grouped by local slot (within a slot, by source
/// member), and the offsets of those (slot, member) blocks [S * G + 1]
/// (grouped_linear's blocks per expert). Rows past the total are zeroed.
/// Throws when the counts exceed `rows`.
void slotPermute(const float *received, const int32_t *slotCounts,
                 float *local, int32_t *offsets, int64_t rows, int64_t hidden,
                 int64_t members, int64_t slotsPerMember);

/// The inverse: local rows grouped by slot -> member-major blocks.
void slotUnpermute(const float *local, const int32_t *slotCounts,
                   float *received, int64_t rows, int64_t hidden,
                   int64_t members, int64_t slotsPerMember);

/// y[index[i]] += x[i] for every row i with index[i] >= 0; y has `outRows`.
void scatterRows(const float *x, const int32_t *index, float *y, int64_t rows,
                 int64_t width, int64_t outRows);

/// y[i] = x[index[i]] for every row i with index[i] >= 0 (other rows of y
/// kept); x has `inRows`.
void gatherRows(const float *x, const int32_t *index, float *y, int64_t rows,
                int64_t width, int64_t inRows);

} // namespace dsc::kernels::cpu

#endif // DSC_KERNELS_CPU_EXPERTEXCHANGE_H
