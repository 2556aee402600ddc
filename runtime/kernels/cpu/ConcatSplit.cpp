//===- ConcatSplit.cpp - concat/split along the last dim, with broadcast --===//

#include "dsc/kernels/cpu/Elementwise.h"
#include <cstring>
#include <stdexcept>
#include <string>

namespace dsc::kernels::cpu {

namespace {

/// One part's place in the whole: for every row (index over all but the last
/// dimension) of the whole, the part's row it reads or writes.
struct PartMap {
  const Shape &whole;
  const Shape &part;

  bool broadcasts() const {
    for (size_t i = 0; i + 1 < whole.size(); ++i)
      if (part[i] != whole[i])
        return true;
    return false;
  }
  int64_t partRow(int64_t wholeRow) const {
    // Decompose the whole's row index innermost first, rebuild it in the
    // part's shape with broadcast dimensions pinned to 0.
    int64_t row = 0, stride = 1;
    for (size_t i = whole.size() - 1; i-- > 0;) {
      int64_t index = wholeRow % whole[i];
      wholeRow /= whole[i];
      if (part[i] != 1)
        row += index * stride;
      stride *= part[i];
    }
    return row;
  }
};

void checkShapes(const Shape &whole, const Shape *parts, int64_t numParts,
                 const char *op) {
  auto fail = [&](const std::string &what) {
    throw std::invalid_argument(std::string(op) + ": " + what);
  };
  if (whole.empty())
    fail("the whole must have rank >= 1");
  int64_t channels = 0;
  for (int64_t p = 0; p < numParts; ++p) {
    if (parts[p].size() != whole.size())
      fail("part " + std::to_string(p) + " has another rank than the whole");
    for (size_t i = 0; i + 1 < whole.size(); ++i)
      if (parts[p][i] != whole[i] && parts[p][i] != 1)
        fail("part " + std::to_string(p) + " dimension " + std::to_string(i) +
             " neither matches the whole nor is 1");
    channels += parts[p].back();
  }
  if (channels != whole.back())
    fail("the parts' last dimensions do not add up to the whole's");
}

/// whole[row, off:off+c] = part[partRow(row), :] for every part.
void scatterParts(const float *const *parts, const Shape *partShapes,
                  int64_t numParts, float *whole, const Shape &wholeShape,
                  const char *op) {
  checkShapes(wholeShape, partShapes, numParts, op);
  int64_t width = wholeShape.back();
  int64_t rows = numElements(wholeShape) / (width ? width : 1);
  if (width == 0)
    return;
  int64_t offset = 0;
  for (int64_t p = 0; p < numParts; ++p) {
    PartMap map{wholeShape, partShapes[p]};
    int64_t c = partShapes[p].back();
    for (int64_t r = 0; r < rows; ++r)
      std::memcpy(whole + r * width + offset, parts[p] + map.partRow(r) * c,
                  c * sizeof(float));
    offset += c;
  }
}

/// part[partRow(row), :] (+)= whole[row, off:off+c]; a broadcast part sums
/// its rows in the whole's row order.
void gatherParts(const float *whole, const Shape &wholeShape,
                 float *const *parts, const Shape *partShapes, int64_t numParts,
                 const char *op) {
  checkShapes(wholeShape, partShapes, numParts, op);
  int64_t width = wholeShape.back();
  if (width == 0)
    return;
  int64_t rows = numElements(wholeShape) / width;
  int64_t offset = 0;
  for (int64_t p = 0; p < numParts; ++p) {
    PartMap map{wholeShape, partShapes[p]};
    int64_t c = partShapes[p].back();
    float *part = parts[p];
    if (!map.broadcasts()) {
      for (int64_t r = 0; r < rows; ++r)
        std::memcpy(part + r * c, whole + r * width + offset,
                    c * sizeof(float));
    } else {
      std::memset(part, 0, numElements(partShapes[p]) * sizeof(float));
      for (int64_t r = 0; r < rows; ++r) {
        float *dst = part + map.partRow(r) * c;
        const float *src = whole + r * width + offset;
        for (int64_t i = 0; i < c; ++i)
          dst[i] += src[i];
      }
    }
    offset += c;
  }
}

} // namespace

void concatForward(const float *const *parts, const Shape *partShapes,
                   int64_t numParts, float *whole, const Shape &wholeShape) {
  scatterParts(parts, partShapes, numParts, whole, wholeShape, "concat");
}

void concatBackward(const float *dwhole, const Shape &wholeShape,
                    float *const *dparts, const Shape *partShapes,
                    int64_t numParts) {
  gatherParts(dwhole, wholeShape, dparts, partShapes, numParts, "concat");
}

void splitForward(const float *whole, const Shape &wholeShape,
                  float *const *parts, const Shape *partShapes,
                  int64_t numParts) {
  gatherParts(whole, wholeShape, parts, partShapes, numParts, "split");
}

void splitBackward(const float *const *dparts, const Shape *partShapes,
                   int64_t numParts, float *dwhole, const Shape &wholeShape) {
  scatterParts(dparts, partShapes, numParts, dwhole, wholeShape, "split");
}

} // namespace dsc::kernels::cpu
