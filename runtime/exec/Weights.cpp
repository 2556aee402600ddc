//===- Weights.cpp - parameters from a safetensors file -------------------===//

#include "dsc/exec/Weights.h"
#include "dsc/exec/ExecError.h"
#include "dsc/exec/ParameterTensors.h"
#include "dsc/io/Error.h"
#include "dsc/io/SafeTensorsReader.h"

#include <set>

namespace dsc::exec {

void loadWeights(const std::string &path, const plan::Plan &plan,
                 const plan::Rank &rank, BufferSet &buffers) {
  std::set<int32_t> held;
  for (const plan::Buffer &b : rank.buffers)
    if (b.role == plan::BufferRole::parameter)
      held.insert(b.parameter);
  try {
    io::SafeTensorsFile file = io::SafeTensorsFile::open(path);
    io::Fp8Options fp8;
    fp8.scaling = io::Fp8Scaling::BlockScaleInv;
    // Check every tensor first, so one run reports every problem.
    std::string problems;
    for (int32_t p : held)
      for (const ParameterTensor &t : parameterTensors(plan.parameters[p])) {
        const io::TensorInfo *info = file.find(t.name);
        if (!info)
          problems += "\n  missing tensor '" + t.name + "' (expected shape " +
                      io::formatShape(t.shape) + ")";
        else if (info->shape != t.shape)
          problems += "\n  tensor '" + t.name + "' has shape " +
                      io::formatShape(info->shape) + ", the plan expects " +
                      io::formatShape(t.shape);
        else if (info->dtype == io::DType::I32 || info->dtype == io::DType::I64)
          problems += "\n  tensor '" + t.name + "' is " +
                      io::dtypeName(info->dtype) +
                      ", a parameter needs a floating dtype";
      }
    if (!problems.empty())
      throw ExecError(path + ": the weights do not fit the plan:" + problems);
    for (int32_t p : held) {
      const plan::Parameter &param = plan.parameters[p];
      std::vector<float> values(plan::numElements(param.shape).value_or(0));
      for (const ParameterTensor &t : parameterTensors(param))
        file.readFloat32Into(t.name, values.data() + t.offset,
                             static_cast<size_t>(t.numel), fp8);
      writeParameter(plan, rank, buffers, p, values);
    }
  } catch (const io::Error &e) {
    throw ExecError(e.what());
  }
}

} // namespace dsc::exec
