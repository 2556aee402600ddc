//===- ParameterTensors.cpp - a plan parameter's checkpoint tensors -------===//

#include "dsc/exec/ParameterTensors.h"
#include "FloatStorage.h"

namespace dsc::exec {

std::vector<ParameterTensor>
parameterTensors(const plan::Parameter &parameter) {
  int64_t numel = plan::numElements(parameter.shape).value_or(0);
  if (!parameter.experts || parameter.shape.empty())
    return {{parameter.name, parameter.shape, 0, numel}};
  const plan::ExpertSlice &slice = *parameter.experts;
  std::vector<int64_t> shape(parameter.shape.begin() + 1,
                             parameter.shape.end());
  int64_t each = plan::numElements(shape).value_or(0);
  std::string name = parameter.name;
  size_t marker = name.find("{e}");
  std::vector<ParameterTensor> tensors;
  for (int32_t i = 0; i < slice.count; ++i) {
    std::string expert = std::to_string(slice.expert(i));
    std::string tensorName =
        marker == std::string::npos
            ? name + "." + expert // the validator requires the marker
            : name.substr(0, marker) + expert + name.substr(marker + 3);
    tensors.push_back({tensorName, shape, i * each, each});
  }
  return tensors;
}

} // namespace dsc::exec

namespace dsc::exec {

void writeParameter(const plan::Plan &plan, const plan::Rank &rank,
                    BufferSet &buffers, int32_t parameter,
                    const std::vector<float> &values) {
  for (uint32_t id = 0; id < rank.buffers.size(); ++id) {
    const plan::Buffer &b = rank.buffers[id];
    if (b.parameter != parameter)
      continue;
    bool master = b.role == plan::BufferRole::optimizer_state &&
                  b.state == plan::OptimizerState::master_weight;
    if (b.role != plan::BufferRole::parameter && !master)
      continue;
    // The validated plan puts every shard's rank in its group; the padding
    // stays zero from the allocation.
    plan::ShardRange range =
        plan.shardRange(rank.rank, b)
            .value_or(plan::ShardRange{0, static_cast<int64_t>(values.size())});
    std::vector<uint8_t> stored(size_t(range.count) *
                                plan::dtypeBytes(b.dtype));
    detail::storeFloat(b.dtype, values.data() + range.begin, stored.data(),
                       range.count);
    buffers.write(id, 0, stored.data(), stored.size());
  }
}

} // namespace dsc::exec
