# Sanitizer and fuzzing builds (clang only), for a second build directory
# (scripts/run-fuzz.sh: build-fuzz):
#   -DDSC_SANITIZE=address,undefined  every C/C++ target under ASan and UBSan
#                                     (UBSan aborts on the first report)
#   -DDSC_FUZZ=ON                     our code with libFuzzer's coverage
#                                     (fuzzer-no-link), the fuzz targets linked
#                                     with libFuzzer; no tools, lit tests or
#                                     benchmarks, only what the fuzz targets
#                                     and the runtime tests need
# Debian's LLVM/MLIR libraries stay uninstrumented. Leak reports from Open
# MPI's own allocations are suppressed by test/fuzz/lsan.supp (see
# DSC_SANITIZER_ENV), not by turning leak detection off.
set(DSC_SANITIZE "" CACHE STRING
  "Sanitizers for every C/C++ target (clang), e.g. address,undefined")
option(DSC_FUZZ "Build the fuzz targets with libFuzzer (needs DSC_SANITIZE)"
  OFF)

if(DSC_FUZZ AND NOT DSC_SANITIZE)
  message(FATAL_ERROR "DSC_FUZZ=ON needs DSC_SANITIZE (e.g. address,undefined)")
endif()
if((DSC_SANITIZE OR DSC_FUZZ) AND NOT CMAKE_CXX_COMPILER_ID STREQUAL "Clang")
  message(FATAL_ERROR "DSC_SANITIZE and DSC_FUZZ need clang "
    "(-DCMAKE_CXX_COMPILER=clang++-22; Debian: clang-22 libclang-rt-22-dev)")
endif()

# The environment every test runs under in a sanitizer build.
set(DSC_SANITIZER_ENV "")
if(DSC_SANITIZE)
  set(lang "$<COMPILE_LANGUAGE:C,CXX>")
  add_compile_options("$<${lang}:-fsanitize=${DSC_SANITIZE}>"
    "$<${lang}:-fno-omit-frame-pointer>")
  add_link_options("-fsanitize=${DSC_SANITIZE}")
  if(DSC_SANITIZE MATCHES "undefined")
    add_compile_options("$<${lang}:-fno-sanitize-recover=undefined>")
  endif()
  set(lsan "suppressions=${PROJECT_SOURCE_DIR}/test/fuzz/lsan.supp")
  string(APPEND lsan ":print_suppressions=0")
  set(DSC_SANITIZER_ENV "LSAN_OPTIONS=${lsan}"
    "UBSAN_OPTIONS=print_stacktrace=1:halt_on_error=1"
    "ASAN_OPTIONS=detect_leaks=1")
  # Open MPI is built without frame pointers: only the slow unwinder sees
  # its frames in a leak's stack, and so the suppressions match. Slow on
  # every malloc, so only for the tests that run MPI.
  set(DSC_SANITIZER_MPI_ENV ${DSC_SANITIZER_ENV})
  list(TRANSFORM DSC_SANITIZER_MPI_ENV REPLACE "^LSAN_OPTIONS=.*"
    "LSAN_OPTIONS=${lsan}:fast_unwind_on_malloc=0")
  # The same for scripts (scripts/run-fuzz.sh sources it).
  set(exports "")
  foreach(variable ${DSC_SANITIZER_ENV})
    string(APPEND exports "export ${variable}\n")
  endforeach()
  file(WRITE ${PROJECT_BINARY_DIR}/sanitizer-env.sh "${exports}")
endif()

# Runs the tests named under the sanitizer environment (no-op otherwise);
# MPI: tests that run Open MPI.
function(dsc_sanitizer_env)
  cmake_parse_arguments(ARG "MPI" "" "" ${ARGN})
  set(environment ${DSC_SANITIZER_ENV})
  if(ARG_MPI)
    set(environment ${DSC_SANITIZER_MPI_ENV})
  endif()
  if(environment)
    set_tests_properties(${ARG_UNPARSED_ARGUMENTS}
      PROPERTIES ENVIRONMENT "${environment}")
  endif()
endfunction()

if(DSC_FUZZ)
  add_compile_options("$<${lang}:-fsanitize=fuzzer-no-link>")
endif()
