# cmake -DBIN=oomsift -DOUT=oomsift.1 -P man_run.cmake: writes the man page
# the binary prints with --man, and fails when it cannot.
execute_process(COMMAND ${BIN} --man OUTPUT_FILE ${OUT}.tmp RESULT_VARIABLE rc)
if(NOT rc EQUAL 0)
  file(REMOVE ${OUT}.tmp)
  message(FATAL_ERROR "${BIN} --man failed: ${rc}")
endif()
file(RENAME ${OUT}.tmp ${OUT})
