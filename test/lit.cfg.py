# -*- Python -*-
import os
import shutil

import lit.formats
from lit.llvm import llvm_config

config.name = "DSC"
config.test_format = lit.formats.ShTest(not llvm_config.use_lit_shell)
config.suffixes = [".mlir", ".test"]
# fuzz/regressions holds fuzz inputs (run by ctest), not lit tests.
config.excludes = ["CMakeLists.txt", "lit.cfg.py", "lit.site.cfg.py", "Inputs",
                   "regressions"]
config.test_source_root = os.path.dirname(__file__)
config.test_exec_root = os.path.join(config.dsc_obj_root, "test")

config.substitutions.append(("%examples", os.path.join(config.dsc_src_root, "examples")))
# The bundled sample text encoded at build time (target dsc-sample-tokens).
config.substitutions.append(("%sample_tokens", os.path.join(
    config.dsc_obj_root, "examples", "data", "sample.tok")))

llvm_config.use_default_substitutions()
llvm_config.with_environment("PATH", config.dsc_tools_dir, append_path=True)
llvm_config.with_environment("PATH", config.llvm_tools_dir, append_path=True)
tool_dirs = [config.dsc_tools_dir, config.llvm_tools_dir]
llvm_config.add_tool_substitutions(["dsc", "dsc-opt", "dsc-translate"], tool_dirs)

# GPU tests declare `REQUIRES: cuda` and are skipped without a usable GPU.
if config.dsc_cuda_enabled and shutil.which("nvidia-smi") and \
        os.system("nvidia-smi -L > /dev/null 2>&1") == 0:
    config.available_features.add("cuda")

# Multi-process tests declare `REQUIRES: mpi` and run `%mpiexec -n N ...`
# (oversubscribed: CI has 2 cores; as root: CI runs as root).
if config.dsc_have_mpi and config.mpiexec and os.path.exists(config.mpiexec):
    config.available_features.add("mpi")
    config.substitutions.append(("%mpiexec", config.mpiexec +
                                 " --oversubscribe --allow-run-as-root"))

# Tests of a full disk declare `REQUIRES: small-fs` and mount a tiny tmpfs
# in a private mount namespace (root or user namespaces needed).
if shutil.which("unshare") and os.system(
        "unshare -m sh -c 'mount -t tmpfs -o size=16k tmpfs /mnt' "
        "> /dev/null 2>&1") == 0:
    config.available_features.add("small-fs")
