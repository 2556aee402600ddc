//===- SafeTensorsFuzzer.cpp - fuzz the safetensors reader ----------------===//
//
// Weights and checkpoints: SafeTensorsFile::open validates the header (its
// length, the JSON, dtypes, shapes, offsets tiling the data); every tensor
// it accepts must convert without a fault, FP8 block scales included.
//
//===----------------------------------------------------------------------===//

#include "FuzzInput.h"
#include "dsc/io/Error.h"
#include "dsc/io/SafeTensorsReader.h"

using namespace dsc::io;

static void readTensor(const SafeTensorsFile &file, const TensorInfo &tensor) {
  try {
    if (tensor.dtype == DType::I32 || tensor.dtype == DType::I64) {
      file.readInt64(tensor.name);
      return;
    }
    file.readFloat32(tensor.name);
    if (tensor.dtype == DType::F8_E4M3) {
      Fp8Options blocks;
      blocks.scaling = Fp8Scaling::BlockScaleInv;
      blocks.blockRows = blocks.blockCols = 2;
      file.readFloat32(tensor.name, blocks);
    }
  } catch (const Error &) {
  }
}

extern "C" int LLVMFuzzerTestOneInput(const uint8_t *data, size_t size) {
  static dsc::fuzz::ScratchFile scratch(".safetensors");
  try {
    SafeTensorsFile file = SafeTensorsFile::open(scratch.write(data, size));
    for (const TensorInfo &tensor : file.tensors()) {
      if (file.find(tensor.name) != &tensor)
        __builtin_trap();
      file.view(tensor.name);
      readTensor(file, tensor);
    }
  } catch (const Error &) {
  }
  return 0;
}
