//===- Attention.cpp - causal softmax attention per sequence and head -----===//
//
// Each (sequence, head) pair is an independent task, run on the kernels'
// threads when OpenBLAS is single-threaded (else in order, with OpenBLAS
// threading each GEMM; see Threads.h); inside a task, blocks of query rows go
// through OpenBLAS GEMMs on strided views of the token-major tensors (row
// stride heads * d), so only a [block, seq] score buffer is ever materialised.
// The backward recomputes the probabilities from the saved logsumexp (as
// FlashAttention does) instead of storing them.
//
//===----------------------------------------------------------------------===//

#include "dsc/kernels/cpu/Attention.h"
#include "Blas.h"
#include "Parallel.h"
#include "dsc/kernels/cpu/Threads.h"
#include <algorithm>
#include <cmath>
#include <cstring>
#include <limits>
#include <stdexcept>
#include <vector>

namespace dsc::kernels::cpu {

namespace {

/// Query rows per block: bounds the score buffer to kBlock x seq floats.
constexpr int64_t kBlock = 64;

struct Geometry {
  int64_t tokens, heads, qkDim, vDim, seq;
  int64_t sequences() const { return tokens / seq; }
  int64_t ldqk() const { return heads * qkDim; }
  int64_t ldv() const { return heads * vDim; }
  /// Offsets of task (sequence b, head h) in the [T, heads, d] tensors.
  int64_t qkOffset(int64_t b, int64_t h) const {
    return b * seq * ldqk() + h * qkDim;
  }
  int64_t vOffset(int64_t b, int64_t h) const {
    return b * seq * ldv() + h * vDim;
  }
  /// Tasks worth a thread each: about a million multiply-adds; all of them
  /// when OpenBLAS threads the GEMMs already.
  int64_t grain() const {
    if (blasNumThreads() > 1)
      return sequences() * heads;
    int64_t work = std::max<int64_t>(1, seq * seq * (qkDim + vDim) / 2);
    return std::max<int64_t>(1, (int64_t(1) << 20) / work);
  }
};

Geometry geometry(int64_t tokens, int64_t heads, int64_t qkDim, int64_t vDim,
                  const AttentionAttrs &attrs) {
  if (attrs.seq <= 0 || tokens % attrs.seq != 0)
    throw std::invalid_argument(
        "attention: seq must be positive and divide the token count");
  return {tokens, heads, qkDim, vDim, attrs.seq};
}

/// scores [n, keys] = scale * Q[r0 : r0 + n] K[0 : keys]^T for one task.
void scores(const Geometry &g, const float *q, const float *k, int64_t r0,
            int64_t n, int64_t keys, float scale, float *s) {
  gemm(false, true, n, keys, g.qkDim, scale, q + r0 * g.ldqk(), g.ldqk(), k,
       g.ldqk(), 0.0f, s, keys);
}

} // namespace

void attentionForward(const float *q, const float *k, const float *v, float *o,
                      float *lse, int64_t tokens, int64_t heads, int64_t qkDim,
                      int64_t vDim, const AttentionAttrs &attrs) {
  Geometry g = geometry(tokens, heads, qkDim, vDim, attrs);
  int64_t tasks = g.sequences() * heads;
  parallelFor(tasks, g.grain(), [&](int64_t begin, int64_t end) {
    std::vector<float> s(kBlock * g.seq);
    for (int64_t task = begin; task < end; ++task) {
      int64_t b = task / heads, h = task % heads;
      const float *qt = q + g.qkOffset(b, h), *kt = k + g.qkOffset(b, h);
      const float *vt = v + g.vOffset(b, h);
      float *ot = o + g.vOffset(b, h);
      for (int64_t r0 = 0; r0 < g.seq; r0 += kBlock) {
        int64_t n = std::min(kBlock, g.seq - r0), keys = r0 + n;
        scores(g, qt, kt, r0, n, keys, attrs.scale, s.data());
        for (int64_t i = 0; i < n; ++i) {
          float *row = s.data() + i * keys;
          int64_t visible = r0 + i + 1; // causal: keys 0 ..= query position
          float maxScore = -std::numeric_limits<float>::infinity();
          for (int64_t j = 0; j < visible; ++j)
            maxScore = std::max(maxScore, row[j]);
          double sum = 0;
          for (int64_t j = 0; j < visible; ++j)
            sum += std::exp(double(row[j] - maxScore));
          float rowLse = maxScore + float(std::log(sum));
          for (int64_t j = 0; j < visible; ++j)
            row[j] = std::exp(row[j] - rowLse);
          std::fill(row + visible, row + keys, 0.0f);
          lse[(b * g.seq + r0 + i) * heads + h] = rowLse;
        }
        gemm(false, false, n, vDim, keys, 1.0f, s.data(), keys, vt, g.ldv(),
             0.0f, ot + r0 * g.ldv(), g.ldv());
      }
    }
  });
}

void attentionBackward(const float *dout, const float *q, const float *k,
                       const float *v, const float *o, const float *lse,
                       float *dq, float *dk, float *dv, int64_t tokens,
                       int64_t heads, int64_t qkDim, int64_t vDim,
                       const AttentionAttrs &attrs) {
  Geometry g = geometry(tokens, heads, qkDim, vDim, attrs);
  int64_t tasks = g.sequences() * heads;
  // With P = softmax rows, dV = P^T dO, dP = dO V^T, dS = P (dP - rowsum(dO
  // o)), dQ = scale dS K, dK = scale dS^T Q. dK and dV collect every query
  // block's share in block order.
  parallelFor(tasks, g.grain(), [&](int64_t begin, int64_t end) {
    std::vector<float> p(kBlock * g.seq), dp(kBlock * g.seq);
    for (int64_t task = begin; task < end; ++task) {
      int64_t b = task / heads, h = task % heads;
      int64_t qkOff = g.qkOffset(b, h), vOff = g.vOffset(b, h);
      const float *qt = q + qkOff, *kt = k + qkOff, *vt = v + vOff;
      const float *ot = o + vOff, *dot = dout + vOff;
      float *dqt = dq + qkOff, *dkt = dk + qkOff, *dvt = dv + vOff;
      for (int64_t t = 0; t < g.seq; ++t) {
        std::memset(dkt + t * g.ldqk(), 0, qkDim * sizeof(float));
        std::memset(dvt + t * g.ldv(), 0, vDim * sizeof(float));
      }
      for (int64_t r0 = 0; r0 < g.seq; r0 += kBlock) {
        int64_t n = std::min(kBlock, g.seq - r0), keys = r0 + n;
        scores(g, qt, kt, r0, n, keys, attrs.scale, p.data());
        for (int64_t i = 0; i < n; ++i) {
          float *row = p.data() + i * keys;
          int64_t visible = r0 + i + 1;
          float rowLse = lse[(b * g.seq + r0 + i) * heads + h];
          for (int64_t j = 0; j < visible; ++j)
            row[j] = std::exp(row[j] - rowLse);
          std::fill(row + visible, row + keys, 0.0f);
        }
        const float *doBlock = dot + r0 * g.ldv();
        gemm(true, false, keys, vDim, n, 1.0f, p.data(), keys, doBlock, g.ldv(),
             1.0f, dvt, g.ldv());
        gemm(false, true, n, keys, vDim, 1.0f, doBlock, g.ldv(), vt, g.ldv(),
             0.0f, dp.data(), keys);
        for (int64_t i = 0; i < n; ++i) {
          const float *oRow = ot + (r0 + i) * g.ldv();
          const float *doRow = doBlock + i * g.ldv();
          double delta = 0;
          for (int64_t c = 0; c < vDim; ++c)
            delta += double(doRow[c]) * oRow[c];
          float *pRow = p.data() + i * keys, *dpRow = dp.data() + i * keys;
          // dS in place of dP; masked entries have P = 0 and so dS = 0.
          for (int64_t j = 0; j < keys; ++j)
            dpRow[j] = pRow[j] * (dpRow[j] - float(delta));
        }
        gemm(false, false, n, qkDim, keys, attrs.scale, dp.data(), keys, kt,
             g.ldqk(), 0.0f, dqt + r0 * g.ldqk(), g.ldqk());
        gemm(true, false, keys, qkDim, n, attrs.scale, dp.data(), keys,
             qt + r0 * g.ldqk(), g.ldqk(), 1.0f, dkt, g.ldqk());
      }
    }
  });
}

} // namespace dsc::kernels::cpu
