//===- RMSNorm.cpp - root-mean-square normalisation -----------------------===//

#include "Parallel.h"
#include "dsc/kernels/cpu/Dense.h"
#include <cmath>
#include <vector>

namespace dsc::kernels::cpu {

// Rows per thread below which spawning threads costs more than it saves.
static constexpr int64_t kRowGrain = 256;

void rmsNormForward(const float *x, const float *w, float *y, float *rstd,
                    int64_t rows, int64_t dim, float eps) {
  parallelFor(rows, kRowGrain, [&](int64_t begin, int64_t end) {
    for (int64_t r = begin; r < end; ++r) {
      const float *xr = x + r * dim;
      double sumSq = 0;
      for (int64_t c = 0; c < dim; ++c)
        sumSq += double(xr[c]) * xr[c];
      float s = float(1.0 / std::sqrt(sumSq / double(dim) + double(eps)));
      rstd[r] = s;
      float *yr = y + r * dim;
      for (int64_t c = 0; c < dim; ++c)
        yr[c] = xr[c] * s * w[c];
    }
  });
}

void rmsNormBackward(const float *dy, const float *x, const float *w,
                     const float *rstd, float *dx, float *dw, int64_t rows,
                     int64_t dim) {
  // y_c = x_c s w_c, s = (mean(x^2) + eps)^-1/2, ds/dx_c = -s^3 x_c / dim:
  // dx_c = s (g_c - x_c s^2 sum_i(g_i x_i) / dim) with g = dy * w.
  if (dx) {
    parallelFor(rows, kRowGrain, [&](int64_t begin, int64_t end) {
      for (int64_t r = begin; r < end; ++r) {
        const float *xr = x + r * dim, *gr = dy + r * dim;
        double dot = 0;
        for (int64_t c = 0; c < dim; ++c)
          dot += double(gr[c]) * w[c] * xr[c];
        float s = rstd[r];
        float coef = float(dot / double(dim)) * s * s;
        float *dxr = dx + r * dim;
        for (int64_t c = 0; c < dim; ++c)
          dxr[c] = s * (gr[c] * w[c] - xr[c] * coef);
      }
    });
  }
  if (dw) {
    // Column pieces sum over rows in row order: independent of the split.
    parallelFor(dim, 64, [&](int64_t begin, int64_t end) {
      std::vector<double> acc(end - begin, 0.0);
      for (int64_t r = 0; r < rows; ++r) {
        const float *xr = x + r * dim, *gr = dy + r * dim;
        float s = rstd[r];
        for (int64_t c = begin; c < end; ++c)
          acc[c - begin] += double(gr[c]) * xr[c] * s;
      }
      for (int64_t c = begin; c < end; ++c)
        dw[c] += float(acc[c - begin]);
    });
  }
}

} // namespace dsc::kernels::cpu
