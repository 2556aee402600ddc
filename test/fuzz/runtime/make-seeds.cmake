# Writes the runtime fuzz targets' generated seeds with the project's own
# tools, so no binary seed is committed: the toy plans (dsc-toy-plan), token
# files of 2- and 4-byte ids (dsc-tokens) and the safetensors checkpoint of one
# training step of the one-rank toy plan (dsc-run), and its manifest.
# Inputs: TOY_PLAN, TOKENS, RUN (the tools), OUT (the seeds folder), STAMP.
set(work ${OUT}/work)
file(REMOVE_RECURSE ${work})
file(MAKE_DIRECTORY ${work} ${OUT}/plan ${OUT}/tokens ${OUT}/safetensors
  ${OUT}/checkpoint)

function(run)
  execute_process(COMMAND ${ARGN} RESULT_VARIABLE rc OUTPUT_VARIABLE out
    ERROR_VARIABLE err)
  if(NOT rc EQUAL 0)
    message(FATAL_ERROR "failed (${rc}): ${ARGN}\n${out}${err}")
  endif()
endfunction()

# The toy plans' vocabulary: the byte tokenizer's 259 ids and a few more.
set(vocab 300)
foreach(layout one-rank data-parallel pipeline)
  run(${TOY_PLAN} ${layout} ${vocab} ${OUT}/plan/${layout}.plan)
endforeach()

file(WRITE ${work}/text.txt "The quick brown fox\njumps over the lazy dog.\n")
run(${TOKENS} encode ${work}/text.txt -o ${OUT}/tokens/vocab-${vocab}.tok
  --vocab ${vocab})
run(${TOKENS} encode ${work}/text.txt -o ${OUT}/tokens/vocab-70000.tok
  --vocab 70000)

run(${RUN} ${OUT}/plan/one-rank.plan --init 1
  --data ${OUT}/tokens/vocab-${vocab}.tok --steps 1 --comm local
  --checkpoint ${work}/checkpoint)
file(COPY ${work}/checkpoint/model.safetensors
  ${work}/checkpoint/optimizer.safetensors DESTINATION ${OUT}/safetensors)
file(COPY ${work}/checkpoint/manifest.json DESTINATION ${OUT}/checkpoint)
file(REMOVE_RECURSE ${work})
file(TOUCH ${STAMP})
