# dsc_fuzz_target(NAME SOURCE file LIBS libs... [SEEDS files...]
#                 [SEED_TARGETS targets...] [LLVM])
#
# Builds bin/dsc-fuzz-NAME from SOURCE's LLVMFuzzerTestOneInput: linked with
# libFuzzer when DSC_FUZZ is on, else with test/fuzz/FuzzMain.cpp, a driver
# that runs the files it is given once each. Its seed corpus is one folder,
# test/fuzz/seeds/NAME in the build tree: the SEEDS files copied there, plus
# what the SEED_TARGETS write there (generated seeds). The ctest fuzz.NAME
# runs every regression input (test/fuzz/regressions/NAME) and every seed
# through the target, in every build. LLVM: the target links LLVM/MLIR and
# takes their compile flags.
set(DSC_FUZZ_DIR ${PROJECT_SOURCE_DIR}/test/fuzz)
set(DSC_FUZZ_SEEDS_DIR ${PROJECT_BINARY_DIR}/test/fuzz/seeds)
if(NOT TARGET dsc-fuzz-targets)
  add_custom_target(dsc-fuzz-targets)
endif()

function(dsc_fuzz_target name)
  cmake_parse_arguments(ARG "LLVM" "SOURCE" "LIBS;SEEDS;SEED_TARGETS" ${ARGN})
  set(target dsc-fuzz-${name})
  add_executable(${target} ${ARG_SOURCE})
  target_include_directories(${target} PRIVATE ${DSC_FUZZ_DIR})
  target_link_libraries(${target} PRIVATE ${ARG_LIBS})
  if(ARG_LLVM)
    llvm_update_compile_flags(${target})
  endif()
  if(DSC_FUZZ)
    target_link_options(${target} PRIVATE -fsanitize=fuzzer)
  else()
    target_sources(${target} PRIVATE ${DSC_FUZZ_DIR}/FuzzMain.cpp)
  endif()

  set(seeds ${DSC_FUZZ_SEEDS_DIR}/${name})
  set(copied)
  foreach(seed ${ARG_SEEDS})
    # Folder and name: examples/tiny/config.json becomes tiny-config.json.
    get_filename_component(file ${seed} NAME)
    get_filename_component(folder ${seed} DIRECTORY)
    get_filename_component(folder ${folder} NAME)
    set(base ${folder}-${file})
    add_custom_command(OUTPUT ${seeds}/${base}
      COMMAND ${CMAKE_COMMAND} -E copy ${seed} ${seeds}/${base}
      DEPENDS ${seed})
    list(APPEND copied ${seeds}/${base})
  endforeach()
  add_custom_target(${target}-seeds DEPENDS ${copied})
  foreach(generator ${ARG_SEED_TARGETS})
    add_dependencies(${target}-seeds ${generator})
  endforeach()
  add_dependencies(${target} ${target}-seeds)
  add_dependencies(dsc-fuzz-targets ${target})

  set(inputs ${seeds})
  if(EXISTS ${DSC_FUZZ_DIR}/regressions/${name})
    list(PREPEND inputs ${DSC_FUZZ_DIR}/regressions/${name})
  endif()
  # libFuzzer given folders fuzzes them; -runs=0 only runs what is there.
  set(once)
  if(DSC_FUZZ)
    set(once -runs=0)
  endif()
  add_test(NAME fuzz.${name} COMMAND ${target} ${once} ${inputs})
  set_tests_properties(fuzz.${name} PROPERTIES TIMEOUT 300 LABELS fuzz)
  dsc_sanitizer_env(fuzz.${name})
endfunction()
