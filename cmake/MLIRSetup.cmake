# Finds Debian's LLVM/MLIR 22 and sets up TableGen, lit and the LLVM build flags
# for the compiler half of dsc (as in MLIR's examples/standalone).
find_package(MLIR REQUIRED CONFIG)
message(STATUS "Using MLIRConfig.cmake in: ${MLIR_DIR}")
message(STATUS "Using LLVMConfig.cmake in: ${LLVM_DIR}")

list(APPEND CMAKE_MODULE_PATH "${MLIR_CMAKE_DIR}" "${LLVM_CMAKE_DIR}")
set(LLVM_RUNTIME_OUTPUT_INTDIR ${CMAKE_BINARY_DIR}/bin)
set(LLVM_LIBRARY_OUTPUT_INTDIR ${CMAKE_BINARY_DIR}/lib)
set(MLIR_BINARY_DIR ${CMAKE_BINARY_DIR})

include(TableGen)
include(AddLLVM)
include(AddMLIR)
include(HandleLLVMOptions)

# Debian's LLVMConfig names an llvm-lit that does not exist.
set(LLVM_EXTERNAL_LIT /usr/lib/llvm-22/bin/lit CACHE FILEPATH "lit" FORCE)
set(LLVM_LIT_ARGS "-sv" CACHE STRING "lit arguments")

include_directories(SYSTEM ${LLVM_INCLUDE_DIRS} ${MLIR_INCLUDE_DIRS})
include_directories(${PROJECT_SOURCE_DIR}/include ${PROJECT_SOURCE_DIR}/dialects)
include_directories(${PROJECT_BINARY_DIR}/include ${PROJECT_BINARY_DIR}/dialects)
link_directories(${LLVM_BUILD_LIBRARY_DIR})
separate_arguments(DSC_LLVM_DEFINITIONS NATIVE_COMMAND "${LLVM_DEFINITIONS}")
add_definitions(${DSC_LLVM_DEFINITIONS})
