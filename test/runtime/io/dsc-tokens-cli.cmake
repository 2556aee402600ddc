# Runs the dsc-tokens executable end to end: encode TEXT, check info,
# decode back (to a file and to stdout) and compare byte for byte; bad
# input exits 1 with one error line and leaves no output file.
# Inputs: TOOL, TEXT, WORK.
file(REMOVE_RECURSE ${WORK})
file(MAKE_DIRECTORY ${WORK})

function(run_ok)
  execute_process(COMMAND ${ARGN} RESULT_VARIABLE rc OUTPUT_VARIABLE out
    ERROR_VARIABLE err)
  if(NOT rc EQUAL 0)
    message(FATAL_ERROR "failed (${rc}): ${ARGN}\n${err}")
  endif()
  set(out "${out}" PARENT_SCOPE)
endfunction()

run_ok(${TOOL} encode ${TEXT} -o ${WORK}/sample.tok)
run_ok(${TOOL} info ${WORK}/sample.tok)
file(SIZE ${TEXT} text_bytes)
math(EXPR tokens "${text_bytes} + 1")
if(NOT out MATCHES "tokens: ${tokens}\n" OR NOT out MATCHES "documents: 1")
  message(FATAL_ERROR "unexpected info output:\n${out}")
endif()
run_ok(${TOOL} decode ${WORK}/sample.tok -o ${WORK}/sample.txt)
execute_process(COMMAND ${CMAKE_COMMAND} -E compare_files ${TEXT}
  ${WORK}/sample.txt RESULT_VARIABLE differ)
if(differ)
  message(FATAL_ERROR "decode -o did not reproduce ${TEXT}")
endif()
execute_process(COMMAND ${TOOL} decode ${WORK}/sample.tok
  OUTPUT_FILE ${WORK}/stdout.txt RESULT_VARIABLE rc)
execute_process(COMMAND ${CMAKE_COMMAND} -E compare_files ${TEXT}
  ${WORK}/stdout.txt RESULT_VARIABLE differ)
if(NOT rc EQUAL 0 OR differ)
  message(FATAL_ERROR "decode to stdout did not reproduce ${TEXT}")
endif()

execute_process(COMMAND ${TOOL} encode ${TEXT} -o ${WORK}/bad.tok --vocab 10
  RESULT_VARIABLE rc OUTPUT_VARIABLE out ERROR_VARIABLE err)
if(NOT rc EQUAL 1 OR NOT out STREQUAL "" OR EXISTS ${WORK}/bad.tok
   OR NOT err MATCHES "^dsc-tokens: error: [^\n]*\n$")
  message(FATAL_ERROR "bad --vocab: rc ${rc}, stderr '${err}'")
endif()
