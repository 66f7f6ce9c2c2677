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

# embed_queries(SYMBOL OUT FILE...): writes OUT, a C file that defines
# `const char *const SYMBOL[][2]`: {path relative to the source dir, text} for
# each FILE, ended by {0, 0}.
function(embed_queries symbol out)
  set(rels "")
  foreach(f IN LISTS ARGN)
    file(RELATIVE_PATH rel ${CMAKE_SOURCE_DIR} ${f})
    list(APPEND rels ${rel})
  endforeach()
  string(REPLACE ";" "|" joined "${rels}")
  add_custom_command(
    OUTPUT ${out}
    COMMAND ${CMAKE_COMMAND} -DROOT=${CMAKE_SOURCE_DIR} -DFILES=${joined} -DSYMBOL=${symbol}
            -DOUT=${out} -P ${CMAKE_SOURCE_DIR}/cmake/embed_queries_run.cmake
    DEPENDS ${ARGN} ${CMAKE_SOURCE_DIR}/cmake/embed_queries_run.cmake
    COMMENT "Embedding the named queries"
    VERBATIM)
endfunction()
