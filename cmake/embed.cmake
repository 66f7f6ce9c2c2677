# embed_file(SRC SYMBOL OUT): writes OUT, a C file that defines
# `const char SYMBOL[]` holding the bytes of SRC and a terminating NUL.
function(embed_file src symbol out)
  add_custom_command(
    OUTPUT ${out}
    COMMAND ${CMAKE_COMMAND} -DSRC=${src} -DSYMBOL=${symbol} -DOUT=${out}
            -P ${CMAKE_SOURCE_DIR}/cmake/embed_run.cmake
    DEPENDS ${src} ${CMAKE_SOURCE_DIR}/cmake/embed_run.cmake
    COMMENT "Embedding ${src}")
endfunction()
