/*
 * oomsift(1), written from the command table itself (cmd/ only): every
 * command with its usage, options, description and examples, the exit codes,
 * the environment and the files, so that the man page cannot drift from
 * --help. `oomsift --man` prints it; the build writes build/oomsift.1.
 */
#ifndef OOMSIFT_CMD_MAN_H
#define OOMSIFT_CMD_MAN_H

#include <stdio.h>

#include "cmd/opt.h"

/* Writes the page as man(7) roff: ASCII only (other characters as \[uXXXX]),
 * text that could be read as a request escaped. */
void man_print(FILE *f, const cli_program *p, const char *version);

#endif
