//===- ExpertExchange.cpp - expert-parallel routing and regrouping --------===//

#include "dsc/kernels/cpu/ExpertExchange.h"

#include <cstring>
#include <stdexcept>
#include <string>
#include <vector>

namespace dsc::kernels::cpu {

void slotRoute(const int32_t *experts, const int32_t *candidates,
               int32_t *slots, int64_t tokens, int64_t k, int64_t numExperts,
               int64_t width) {
  std::vector<int64_t> count(numExperts, 0);
  for (int64_t e = 0; e < numExperts; ++e)
    while (count[e] < width && candidates[e * width + count[e]] >= 0)
      ++count[e];
  for (int64_t t = 0; t < tokens; ++t)
    for (int64_t j = 0; j < k; ++j) {
      int32_t e = experts[t * k + j];
      if (e < 0 || e >= numExperts || count[e] == 0)
        throw std::out_of_range("slot_route: expert " + std::to_string(e) +
                                " has no slot among the " +
                                std::to_string(numExperts) + " experts");
      slots[t * k + j] = candidates[e * width + t % count[e]];
    }
}

void slotCounts(const int32_t *offsets, int32_t *perSlot, int32_t *perMember,
                int64_t members, int64_t slotsPerMember) {
  for (int64_t g = 0; g < members; ++g) {
    int64_t sum = 0;
    for (int64_t s = 0; s < slotsPerMember; ++s) {
      int64_t i = g * slotsPerMember + s;
      int64_t rows = int64_t(offsets[i + 1]) - offsets[i];
      if (rows < 0)
        throw std::invalid_argument("slot_counts: offsets decrease at " +
                                    std::to_string(i));
      perSlot[i] = int32_t(rows);
      sum += rows;
    }
    perMember[g] = int32_t(sum);
  }
}

namespace {

/// Where each (member, slot) block starts among the received rows and
/// among the local rows; the total.
struct Blocks {
  std::vector<int64_t> received, local;
  int64_t total = 0;
};

Blocks blocks(const int32_t *counts, int64_t rows, int64_t members,
              int64_t slotsPerMember, const char *op) {
  int64_t n = members * slotsPerMember;
  Blocks b;
  b.received.resize(n);
  b.local.resize(n);
  for (int64_t i = 0; i < n; ++i) {
    if (counts[i] < 0)
      throw std::invalid_argument(std::string(op) + ": negative count");
    b.received[i] = b.total;
    b.total += counts[i];
  }
  if (b.total > rows)
    throw std::out_of_range(std::string(op) + ": " + std::to_string(b.total) +
                            " rows arrived, the buffers hold " +
                            std::to_string(rows));
  int64_t at = 0;
  for (int64_t s = 0; s < slotsPerMember; ++s)
    for (int64_t g = 0; g < members; ++g) {
      b.local[g * slotsPerMember + s] = at;
      at += counts[g * slotsPerMember + s];
    }
  return b;
}

} // namespace

void slotPermute(const float *received, const int32_t *slotCounts,
                 float *local, int32_t *offsets, int64_t rows, int64_t hidden,
                 int64_t members, int64_t slotsPerMember) {
  Blocks b = blocks(slotCounts, rows, members, slotsPerMember, "slot_permute");
  for (int64_t i = 0; i < members * slotsPerMember; ++i)
    std::memcpy(local + b.local[i] * hidden, received + b.received[i] * hidden,
                size_t(slotCounts[i]) * hidden * sizeof(float));
  std::memset(local + b.total * hidden, 0,
              size_t(rows - b.total) * hidden * sizeof(float));
  for (int64_t s = 0; s < slotsPerMember; ++s)
    for (int64_t g = 0; g < members; ++g)
      offsets[s * members + g] = int32_t(b.local[g * slotsPerMember + s]);
  offsets[slotsPerMember * members] = int32_t(b.total);
}

void slotUnpermute(const float *local, const int32_t *slotCounts,
                   float *received, int64_t rows, int64_t hidden,
                   int64_t members, int64_t slotsPerMember) {
  Blocks b =
      blocks(slotCounts, rows, members, slotsPerMember, "slot_unpermute");
  for (int64_t i = 0; i < members * slotsPerMember; ++i)
    std::memcpy(received + b.received[i] * hidden, local + b.local[i] * hidden,
                size_t(slotCounts[i]) * hidden * sizeof(float));
  std::memset(received + b.total * hidden, 0,
              size_t(rows - b.total) * hidden * sizeof(float));
}

void scatterRows(const float *x, const int32_t *index, float *y, int64_t rows,
                 int64_t width, int64_t outRows) {
  for (int64_t i = 0; i < rows; ++i) {
    int32_t to = index[i];
    if (to < 0)
      continue;
    if (to >= outRows)
      throw std::out_of_range("scatter_rows: index " + std::to_string(to) +
                              " outside " + std::to_string(outRows) + " rows");
    for (int64_t c = 0; c < width; ++c)
      y[to * width + c] += x[i * width + c];
  }
}

void gatherRows(const float *x, const int32_t *index, float *y, int64_t rows,
                int64_t width, int64_t inRows) {
  for (int64_t i = 0; i < rows; ++i) {
    int32_t from = index[i];
    if (from < 0)
      continue;
    if (from >= inRows)
      throw std::out_of_range("gather_rows: index " + std::to_string(from) +
                              " outside " + std::to_string(inRows) + " rows");
    std::memcpy(y + i * width, x + int64_t(from) * width,
                size_t(width) * sizeof(float));
  }
}

} // namespace dsc::kernels::cpu
