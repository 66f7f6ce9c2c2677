/* The effective rule set of a command, and the classification summary. */
#include <errno.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <sys/stat.h>

#include "cmd/rules_opts.h"
#include "oomsift/error.h"

void rules_opts_init(rules_opts *ro)
{
	memset(ro, 0, sizeof(*ro));
	ro->files = (cli_args){ro->files_v, 0, RULES_MAX_ARGS};
	ro->disable = (cli_args){ro->disable_v, 0, RULES_MAX_ARGS};
}

const char *rules_user_dir(char *buf, size_t len)
{
	const char *xdg = getenv("XDG_CONFIG_HOME"), *home = getenv("HOME");
	int n;

	/* The XDG base directory spec: a relative $XDG_CONFIG_HOME is ignored. */
	if (xdg && xdg[0] == '/')
		n = snprintf(buf, len, "%s/oomsift/rules.d", xdg);
	else if (home && home[0])
		n = snprintf(buf, len, "%s/.config/oomsift/rules.d", home);
	else
		return NULL;
	return n > 0 && (size_t)n < len ? buf : NULL;
}

/* A rule file that cannot be read is a rule error too (exit 6). */
static int as_rule_error(int rc)
{
	char msg[4096];

	if (rc != OOMSIFT_EIO)
		return rc;
	snprintf(msg, sizeof(msg), "%s", oomsift_error_message());
	return oomsift_error_set(OOMSIFT_ERULE, "%s", msg);
}

static int load_path(oomsift_rules *rs, const char *path)
{
	struct stat st;

	if (stat(path, &st) == 0 && S_ISDIR(st.st_mode))
		return oomsift_rules_load_dir(rs, path, false);
	return oomsift_rules_load_file(rs, path);
}

static int load_all(const rules_opts *ro, oomsift_rules *rs)
{
	char dir[4096];
	const char *user;
	int rc;

	if ((rc = oomsift_rules_load_builtin(rs)) < 0)
		return rc;
	if (!ro->no_user_rules && (user = rules_user_dir(dir, sizeof(dir))) &&
	    (rc = oomsift_rules_load_dir(rs, user, true)) < 0)
		return rc;
	for (int i = 0; i < ro->files.n; i++)
		if ((rc = load_path(rs, ro->files.v[i])) < 0)
			return rc;
	for (int i = 0; i < ro->disable.n; i++)
		if ((rc = oomsift_rules_disable(rs, ro->disable.v[i])) < 0)
			return oomsift_error_set(
			    OOMSIFT_EINVAL, "--disable %s: no rule has that id", ro->disable.v[i]);
	return 0;
}

int rules_opts_load(const rules_opts *ro, oomsift_rules **out)
{
	oomsift_rules *rs;
	int rc;

	if ((rc = oomsift_rules_new(&rs)) < 0)
		return rc;
	if ((rc = load_all(ro, rs)) < 0) {
		oomsift_rules_free(rs);
		return as_rule_error(rc);
	}
	*out = rs;
	return 0;
}

void rules_print_summary(const oomsift_classify_stats *st)
{
	uint64_t evaluated = st->events + st->memory_events;

	fprintf(stderr, "oomsift: %llu event%s", (unsigned long long)st->events,
	        st->events == 1 ? "" : "s");
	if (st->memory_events)
		fprintf(stderr, " and %llu memory event%s", (unsigned long long)st->memory_events,
		        st->memory_events == 1 ? "" : "s");
	fprintf(stderr, " classified (%llu changed)", (unsigned long long)st->changed);
	for (size_t i = 0; i < st->ncauses; i++)
		fprintf(stderr, "%s%s %llu", i ? ", " : ", causes: ", st->causes[i].cause,
		        (unsigned long long)st->causes[i].n);
	if (st->causes_other)
		fprintf(stderr, ", other causes %llu", (unsigned long long)st->causes_other);
	if (evaluated > st->matched)
		fprintf(stderr, ", no cause found %llu",
		        (unsigned long long)(evaluated - st->matched));
	if (st->rules_changed)
		fprintf(stderr, "; the rules changed since the last run");
	fputc('\n', stderr);
}
