//===- CpuElementwiseKernels.cpp - swiglu, add, concat / split, fill ... --===//

#include "CpuKernels.h"
#include "dsc/kernels/cpu/Elementwise.h"
#include "dsc/kernels/cpu/Tokens.h"

#include <cstring>

namespace dsc::exec::detail {
namespace {

namespace k = kernels::cpu;
using plan::Opcode;

/// concat and split_bwd join the inputs into output 0; split and
/// concat_bwd take input 0 apart into the outputs.
void joinParts(const PartsLaunch &d, const KernelArgs &a, bool forward) {
  int64_t n = static_cast<int64_t>(d.parts.size());
  std::vector<const float *> in(size_t(n), nullptr);
  for (int64_t p = 0; p < n; ++p)
    in[size_t(p)] = a.f32(size_t(p));
  if (forward)
    k::concatForward(in.data(), d.parts.data(), n, a.outF32(0), d.whole);
  else
    k::splitBackward(in.data(), d.parts.data(), n, a.outF32(0), d.whole);
}

void takeApart(const PartsLaunch &d, const KernelArgs &a, bool forward) {
  int64_t n = static_cast<int64_t>(d.parts.size());
  std::vector<float *> out(size_t(n), nullptr);
  for (int64_t p = 0; p < n; ++p)
    out[size_t(p)] = a.outF32(size_t(p));
  if (forward)
    k::splitForward(a.f32(0), d.whole, out.data(), d.parts.data(), n);
  else
    k::concatBackward(a.f32(0), d.whole, out.data(), d.parts.data(), n);
}

void fill(const FillLaunch &d, const KernelArgs &a) {
  for (size_t i = 0; i < d.targets.size(); ++i) {
    auto *dst = static_cast<uint8_t *>(a.out[i]);
    const std::vector<uint8_t> &p = d.targets[i].pattern;
    bool zero = true;
    for (uint8_t byte : p)
      zero = zero && byte == 0;
    if (zero) {
      std::memset(dst, 0, p.size() * size_t(d.targets[i].count));
      continue;
    }
    for (int64_t e = 0; e < d.targets[i].count; ++e)
      std::memcpy(dst + e * p.size(), p.data(), p.size());
  }
}

} // namespace

void addCpuElementwiseKernels(KernelTable &t) {
  using N = ElementsLaunch;
  addLaunch<N>(t, Opcode::swiglu_fwd, [](const N &d, const KernelArgs &a) {
    k::swigluForward(a.f32(0), a.f32(1), a.outF32(0), d.n);
  });
  addLaunch<N>(t, Opcode::swiglu_bwd, [](const N &d, const KernelArgs &a) {
    k::swigluBackward(a.f32(0), a.f32(1), a.f32(2), a.outF32(0), a.outF32(1),
                      d.n);
  });
  addLaunch<N>(t, Opcode::add, [](const N &d, const KernelArgs &a) {
    k::addForward(a.f32(0), a.f32(1), a.outF32(0), d.n);
  });
  addLaunch<N>(t, Opcode::add_bwd, [](const N &d, const KernelArgs &a) {
    k::addBackward(a.f32(0), a.outF32(0), a.outF32(1), d.n);
  });
  // copy moves d.n bytes of one dtype (nothing when in place).
  addLaunch<N>(t, Opcode::copy, [](const N &d, const KernelArgs &a) {
    if (a.in[0] != a.out[0])
      std::memmove(a.out[0], a.in[0], size_t(d.n));
  });
  using P = PartsLaunch;
  addLaunch<P>(t, Opcode::concat, [](const P &d, const KernelArgs &a) {
    joinParts(d, a, /*forward=*/true);
  });
  addLaunch<P>(t, Opcode::split_bwd, [](const P &d, const KernelArgs &a) {
    joinParts(d, a, /*forward=*/false);
  });
  addLaunch<P>(t, Opcode::split, [](const P &d, const KernelArgs &a) {
    takeApart(d, a, /*forward=*/true);
  });
  addLaunch<P>(t, Opcode::concat_bwd, [](const P &d, const KernelArgs &a) {
    takeApart(d, a, /*forward=*/false);
  });
  addLaunch<FillLaunch>(t, Opcode::fill, fill);
  using S = ShiftLaunch;
  addLaunch<S>(t, Opcode::shift, [](const S &d, const KernelArgs &a) {
    k::shiftTokens(a.i32(0), a.outI32(0), d.tokens, d.seq, d.offset, d.fillId);
  });
}

} // namespace dsc::exec::detail
