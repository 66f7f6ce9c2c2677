# Writes OUT: a C file defining `const char *const SYMBOL[][2]`, pairs of
# {"queries/NAME.sql", text} for each file of FILES ('|'-separated, paths
# relative to ROOT), ended by {0, 0}.
string(REPLACE "|" ";" files "${FILES}")
set(defs "")
set(table "")
set(i 0)
foreach(rel IN LISTS files)
  file(READ ${ROOT}/${rel} hex HEX)
  string(REGEX REPLACE "([0-9a-f][0-9a-f])" "0x\\1," bytes "${hex}")
  string(APPEND defs "static const char q${i}[] = {${bytes}0x00};\n")
  string(APPEND table "    {\"${rel}\", q${i}},\n")
  math(EXPR i "${i} + 1")
endforeach()
get_filename_component(dir ${OUT} DIRECTORY)
file(MAKE_DIRECTORY ${dir})
file(WRITE ${OUT} "/* Generated from the .sql files of queries/; do not edit. */\n${defs}\n"
                  "const char *const ${SYMBOL}[][2] = {\n${table}    {0, 0},\n};\n")
