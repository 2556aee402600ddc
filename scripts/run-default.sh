#!/usr/bin/env bash
# dsc's main job on the bundled default: set up, build, import DeepSeek-V3 from its
# HuggingFace config.json and describe the model.
set -euo pipefail
root="$(cd "$(dirname "$0")/.." && pwd)"
build="${DSC_BUILD_DIR:-$root/build}"

"$root/scripts/setup.sh"
"$root/scripts/build.sh"

"$build/bin/dsc" import "$root/examples/deepseek-v3/config.json" -o "$build/deepseek-v3.mlir"
echo "wrote $build/deepseek-v3.mlir"
"$build/bin/dsc" describe "$build/deepseek-v3.mlir"
