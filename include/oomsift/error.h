/*
 * Error convention of liboomsift.
 *
 * Every fallible function returns an int: 0 on success, one of the negative
 * codes below on failure. The human-readable message of the last failure is
 * kept in a thread-local slot; the CLI prints it once. Library code never
 * prints and never exits.
 */
#ifndef OOMSIFT_ERROR_H
#define OOMSIFT_ERROR_H

enum oomsift_error_code {
	OOMSIFT_OK = 0,
	OOMSIFT_ENOMEM = -1,    /* allocation failed */
	OOMSIFT_EIO = -2,       /* a file could not be opened or read */
	OOMSIFT_EINVAL = -3,    /* bad argument or malformed input */
	OOMSIFT_ELIMIT = -4,    /* a hard cap (line, report, rows) was reached */
	OOMSIFT_ESTORE = -5,    /* SQLite failed: busy, corrupt, full, read-only */
	OOMSIFT_ESQL = -6,      /* a user-supplied SQL statement failed */
	OOMSIFT_ENOTFOUND = -7, /* the requested object does not exist */
	OOMSIFT_ESCHEMA = -8,   /* the store has a schema this build cannot use */
	OOMSIFT_EABORT = -9,    /* a callback asked to stop */
	OOMSIFT_ERULE = -10,    /* a rule file is invalid (the message has file:line:column) */
};

/* Records a formatted message for `code` in this thread's slot; returns `code`. */
int oomsift_error_set(int code, const char *fmt, ...) __attribute__((format(printf, 2, 3)));

/* The message of the last oomsift_error_set() in this thread, or "" when none.
 * The pointer stays valid until the next oomsift_error_set() in this thread. */
const char *oomsift_error_message(void);

#endif
