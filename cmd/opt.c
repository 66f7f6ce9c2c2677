#include <stdarg.h>
#include <stdlib.h>
#include <string.h>

#include "cmd/opt.h"

const struct cli_exit_code cli_exit_codes[] = {
    {EXIT_OK, "success, whether or not OOM events were found (explain: an event was found)"},
    {EXIT_NOT_FOUND, "the event asked for does not exist (explain: the input holds no OOM "
                     "report)"},
    {EXIT_USAGE, "usage error"},
    {EXIT_SQL, "an SQL statement failed"},
    {EXIT_PARTIAL, "some inputs could not be read; everything else was stored"},
    {EXIT_STORE, "the store could not be opened, read or written: its disk is full, it is "
                 "read-only, another process kept it locked for 20 s, it is damaged, or it is "
                 "from a newer oomsift (what was committed before stays, sound)"},
    {EXIT_RULES, "a rule file is invalid or cannot be read, or a rule's example failed"},
    {EXIT_INTERNAL, "internal error"},
    {0, NULL},
};

static void cli_verror(const char *fmt, va_list ap)
{
	fputs("oomsift: ", stderr);
	vfprintf(stderr, fmt, ap);
	fputc('\n', stderr);
}

void cli_error(const char *fmt, ...)
{
	va_list ap;

	va_start(ap, fmt);
	cli_verror(fmt, ap);
	va_end(ap);
}

static bool is_arg(const cli_opt *o)
{
	return o->kind == CLI_ARG || o->kind == CLI_ARGS;
}

void cli_usage(FILE *f, const cli_command *cmd)
{
	fprintf(f, "usage: oomsift %s", cmd->name);
	for (const cli_opt *o = cmd->opts; o->long_name; o++) {
		if (is_arg(o))
			continue;
		fputs(o->required ? " " : " [", f);
		if (o->kind == CLI_VALUE || o->kind == CLI_VALUES)
			fprintf(f, "--%s <%s>", o->long_name, o->value_name);
		else
			fprintf(f, "--%s", o->long_name);
		fputs(o->required ? "" : "]", f);
		fputs(o->kind == CLI_VALUES ? "..." : "", f);
	}
	for (const cli_opt *o = cmd->opts; o->long_name; o++) {
		if (!is_arg(o))
			continue;
		fprintf(f, o->required ? " <%s>%s" : " [<%s>%s]", o->long_name,
		        o->kind == CLI_ARGS ? "..." : "");
	}
	fputc('\n', f);
}

void cli_help(FILE *f, const cli_command *cmd)
{
	cli_usage(f, cmd);
	fprintf(f, "\n%s\n", cmd->summary);
	if (cmd->description)
		fprintf(f, "\n%s\n", cmd->description);
	fputs("\noptions:\n", f);
	for (const cli_opt *o = cmd->opts; o->long_name; o++) {
		char left[64];
		if (is_arg(o))
			snprintf(left, sizeof(left), "<%s>%s", o->long_name,
			         o->kind == CLI_ARGS ? "..." : "");
		else if (o->kind == CLI_VALUE || o->kind == CLI_VALUES)
			snprintf(left, sizeof(left), "%s%c%s--%s <%s>", o->short_name ? "-" : "",
			         o->short_name ? o->short_name : ' ', o->short_name ? ", " : " ",
			         o->long_name, o->value_name);
		else
			snprintf(left, sizeof(left), "%s%c%s--%s", o->short_name ? "-" : "",
			         o->short_name ? o->short_name : ' ', o->short_name ? ", " : " ",
			         o->long_name);
		fprintf(f, "  %-24s %s\n", left, o->help);
	}
	fprintf(f, "  %-24s %s\n", "-h, --help", "show this help");
	if (cmd->examples)
		fprintf(f, "\nexamples:\n%s", cmd->examples);
}

static const cli_opt *find_long(const cli_command *cmd, const char *name, size_t len)
{
	for (const cli_opt *o = cmd->opts; o->long_name; o++)
		if (!is_arg(o) && strlen(o->long_name) == len &&
		    strncmp(o->long_name, name, len) == 0)
			return o;
	return NULL;
}

static const cli_opt *find_short(const cli_command *cmd, char c)
{
	for (const cli_opt *o = cmd->opts; o->long_name; o++)
		if (!is_arg(o) && o->short_name == c)
			return o;
	return NULL;
}

static int usage_error(const cli_command *cmd, int *exit_code, const char *fmt, ...)
    __attribute__((format(printf, 3, 4)));

static int usage_error(const cli_command *cmd, int *exit_code, const char *fmt, ...)
{
	va_list ap;

	va_start(ap, fmt);
	cli_verror(fmt, ap);
	va_end(ap);
	cli_usage(stderr, cmd);
	*exit_code = EXIT_USAGE;
	return -1;
}

static int take_positional(const cli_command *cmd, const char *arg, int *exit_code)
{
	for (const cli_opt *o = cmd->opts; o->long_name; o++) {
		if (o->kind == CLI_ARG && !*(const char **)o->target) {
			*(const char **)o->target = arg;
			return 0;
		}
		if (o->kind == CLI_ARGS) {
			cli_args *a = o->target;
			a->v[a->n++] = arg;
			return 0;
		}
	}
	return usage_error(cmd, exit_code, "unexpected argument '%s'", arg);
}

/* One more value of a repeatable option. */
static int add_value(const cli_command *cmd, const cli_opt *o, const char *value, int *exit_code)
{
	cli_args *a = o->target;

	if (a->n >= a->cap)
		return usage_error(cmd, exit_code, "--%s is given more than %d times", o->long_name,
		                   a->cap);
	a->v[a->n++] = value;
	return 0;
}

int cli_parse_year(const char *arg, int *year)
{
	char *end;
	long y;

	if (!arg)
		return 0;
	y = strtol(arg, &end, 10);
	if (*end || y < 1970 || y > 9999) {
		cli_error("--year takes a year such as 2026, not '%s'", arg);
		return -1;
	}
	*year = (int)y;
	return 0;
}

int cli_parse(const cli_command *cmd, int argc, char **argv, int *exit_code)
{
	bool options_done = false;

	/* CLI_ARGS arrays point into argv: no copy, no allocation. */
	for (const cli_opt *o = cmd->opts; o->long_name; o++)
		if (o->kind == CLI_ARGS) {
			static const char *args_storage[4096];
			cli_args *a = o->target;
			a->v = args_storage;
			a->n = 0;
			a->cap = 4096;
		}
	if (argc > 4096)
		return usage_error(cmd, exit_code, "%s", "too many arguments");

	for (int i = 1; i < argc; i++) {
		const char *arg = argv[i];
		const cli_opt *o = NULL;
		const char *value = NULL;

		if (options_done || arg[0] != '-' || strcmp(arg, "-") == 0) {
			if (take_positional(cmd, arg, exit_code) < 0)
				return -1;
			continue;
		}
		if (strcmp(arg, "--") == 0) {
			options_done = true;
			continue;
		}
		if (strcmp(arg, "-h") == 0 || strcmp(arg, "--help") == 0) {
			cli_help(stdout, cmd);
			*exit_code = EXIT_OK;
			return -1;
		}
		if (arg[1] == '-') {
			const char *eq = strchr(arg + 2, '=');
			size_t len = eq ? (size_t)(eq - arg - 2) : strlen(arg + 2);
			o = find_long(cmd, arg + 2, len);
			if (eq)
				value = eq + 1;
		} else if (arg[2] == '\0') {
			o = find_short(cmd, arg[1]);
		}
		if (!o)
			return usage_error(cmd, exit_code, "unknown option '%s'", arg);
		if (o->kind == CLI_SWITCH) {
			if (value)
				return usage_error(cmd, exit_code, "option '%s' takes no value",
				                   arg);
			*(bool *)o->target = true;
			continue;
		}
		if (!value) {
			if (i + 1 >= argc)
				return usage_error(cmd, exit_code, "option '%s' needs a value",
				                   arg);
			value = argv[++i];
		}
		if (o->kind == CLI_VALUES) {
			if (add_value(cmd, o, value, exit_code) < 0)
				return -1;
			continue;
		}
		*(const char **)o->target = value;
	}
	for (const cli_opt *o = cmd->opts; o->long_name; o++) {
		bool missing = (o->kind == CLI_ARG || o->kind == CLI_VALUE)
		                   ? !*(const char **)o->target
		                   : (o->kind == CLI_ARGS || o->kind == CLI_VALUES) &&
		                         ((cli_args *)o->target)->n == 0;
		if (o->required && missing)
			return usage_error(cmd, exit_code, "missing <%s>", o->long_name);
	}
	return 0;
}
