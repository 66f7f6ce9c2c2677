/* oomsift(1) in man(7) roff, from the command table. */
#include <string.h>

#include "cmd/man.h"

/* One UTF-8 character at p (n bytes left): its code point and length, or
 * U+FFFD and 1 for a byte that starts no valid sequence. */
static unsigned utf8_next(const unsigned char *p, size_t n, size_t *len)
{
	unsigned cp;
	size_t need;

	if (p[0] < 0xc2 || p[0] > 0xf4) {
		*len = 1;
		return 0xfffd;
	}
	need = p[0] < 0xe0 ? 2 : p[0] < 0xf0 ? 3 : 4;
	cp = p[0] & (0x7f >> need);
	for (size_t i = 1; i < need; i++) {
		if (i >= n || (p[i] & 0xc0) != 0x80) {
			*len = 1;
			return 0xfffd;
		}
		cp = (cp << 6) | (p[i] & 0x3f);
	}
	*len = need;
	return cp;
}

/* Text for roff: backslashes, dashes (minus), control characters and
 * everything beyond ASCII escaped; n bytes of s. */
static void roff_text(FILE *f, const char *s, size_t n)
{
	const unsigned char *p = (const unsigned char *)s;

	for (size_t i = 0; i < n && p[i];) {
		size_t len = 1;
		if (p[i] == '\\')
			fputs("\\e", f);
		else if (p[i] == '-')
			fputs("\\-", f);
		else if (p[i] >= 0x80)
			fprintf(f, "\\[u%04X]", utf8_next(p + i, n - i, &len));
		else if (p[i] < 0x20 && p[i] != '\t')
			fputc('?', f);
		else
			fputc(p[i], f);
		i += len;
	}
}

static void roff_str(FILE *f, const char *s)
{
	roff_text(f, s, strlen(s));
}

/* One input line of text: a line that starts with '.' or '\'' would be a
 * request, so it starts with the zero-width \&. */
static void roff_line(FILE *f, const char *s, size_t n)
{
	if (n && (s[0] == '.' || s[0] == '\''))
		fputs("\\&", f);
	roff_text(f, s, n);
	fputc('\n', f);
}

/* Paragraphs: a blank line starts a new one; a line that starts with a space
 * (a list item of --help) starts on a new output line, as in --help. */
static void roff_paragraphs(FILE *f, const char *text)
{
	const char *p = text;

	while (*p) {
		size_t n = strcspn(p, "\n");
		if (n == 0)
			fputs(".PP\n", f);
		else if (p[0] == ' ')
			fputs(".br\n", f);
		if (n)
			roff_line(f, p, n);
		p += n;
		if (*p == '\n')
			p++;
	}
}

static bool is_arg(const cli_opt *o)
{
	return o->kind == CLI_ARG || o->kind == CLI_ARGS;
}

/* The synopsis of one command: bold literals, italic placeholders. */
static void synopsis(FILE *f, const cli_command *c)
{
	fputs(".B oomsift ", f);
	roff_str(f, c->name);
	fputc('\n', f);
	for (const cli_opt *o = c->opts; o->long_name; o++) {
		if (is_arg(o))
			continue;
		fprintf(f, "%s\\fB\\-\\-", o->required ? "" : "[");
		roff_str(f, o->long_name);
		fputs("\\fR", f);
		if (o->kind == CLI_VALUE || o->kind == CLI_VALUES) {
			fputs(" \\fI", f);
			roff_str(f, o->value_name);
			fputs("\\fR", f);
		}
		fprintf(f, "%s%s\n", o->required ? "" : "]", o->kind == CLI_VALUES ? "..." : "");
	}
	for (const cli_opt *o = c->opts; o->long_name; o++) {
		if (!is_arg(o))
			continue;
		fprintf(f, "%s\\fI", o->required ? "" : "[");
		roff_str(f, o->long_name);
		fprintf(f, "\\fR%s%s\n", o->kind == CLI_ARGS ? "..." : "", o->required ? "" : "]");
	}
}

static void option(FILE *f, const cli_opt *o)
{
	fputs(".TP\n", f);
	if (is_arg(o)) {
		fputs("\\fI", f);
		roff_str(f, o->long_name);
		fprintf(f, "\\fR%s\n", o->kind == CLI_ARGS ? "..." : "");
	} else {
		if (o->short_name)
			fprintf(f, "\\fB\\-%c\\fR, ", o->short_name);
		fputs("\\fB\\-\\-", f);
		roff_str(f, o->long_name);
		fputs("\\fR", f);
		if (o->kind == CLI_VALUE || o->kind == CLI_VALUES) {
			fputs(" \\fI", f);
			roff_str(f, o->value_name);
			fputs("\\fR", f);
		}
		fputc('\n', f);
	}
	roff_line(f, o->help, strlen(o->help));
}

/* Example lines of --help ("  oomsift …\n"), without their indent. */
static void examples(FILE *f, const char *text)
{
	const char *p = text;

	fputs(".PP\nExamples:\n.PP\n.RS 4\n.nf\n", f);
	while (*p) {
		size_t n = strcspn(p, "\n");
		size_t lead = strspn(p, " ");
		if (lead > n)
			lead = n;
		roff_line(f, p + lead, n - lead);
		p += n;
		if (*p == '\n')
			p++;
	}
	fputs(".fi\n.RE\n", f);
}

static void command(FILE *f, const cli_command *c)
{
	fputs(".SS \"oomsift ", f);
	roff_str(f, c->name);
	fputs("\"\n", f);
	synopsis(f, c);
	fputs(".PP\n", f);
	roff_line(f, c->summary, strlen(c->summary));
	if (c->description) {
		fputs(".PP\n", f);
		roff_paragraphs(f, c->description);
	}
	if (c->opts->long_name) {
		fputs(".PP\nOptions:\n", f);
		for (const cli_opt *o = c->opts; o->long_name; o++)
			option(f, o);
	}
	fputs(".TP\n\\fB\\-h\\fR, \\fB\\-\\-help\\fR\nshow the command's help\n", f);
	if (c->examples)
		examples(f, c->examples);
}

static void entries(FILE *f, const char *section, const cli_entry *e)
{
	fprintf(f, ".SH %s\n", section);
	for (; e->name; e++) {
		fputs(".TP\n.B ", f);
		roff_str(f, e->name);
		fputc('\n', f);
		roff_line(f, e->text, strlen(e->text));
	}
}

void man_print(FILE *f, const cli_program *p, const char *version)
{
	fprintf(f, ".\\\" oomsift(1): written by 'oomsift --man' from its command table\n");
	fprintf(f, ".TH OOMSIFT 1 \"\" \"oomsift %s\" \"User Commands\"\n", version);
	/* left-aligned, unhyphenated: option names and paths stay whole */
	fputs(".ad l\n.nh\n", f);
	fputs(".SH NAME\noomsift \\- ", f);
	roff_line(f, p->summary, strlen(p->summary));
	fputs(".SH SYNOPSIS\n.B oomsift\n.I command\n.RI [ options ]\n.RI [ args ]\n.br\n"
	      ".B oomsift\n.I command\n.B \\-\\-help\n.br\n.B oomsift \\-\\-help\n"
	      ".br\n.B oomsift \\-\\-version\n",
	      f);
	fputs(".SH DESCRIPTION\n", f);
	roff_paragraphs(f, p->description);
	fputs(".SH COMMANDS\n", f);
	for (const cli_command *const *c = p->commands; *c; c++)
		command(f, *c);
	fputs(".SH EXIT STATUS\n", f);
	for (const struct cli_exit_code *e = cli_exit_codes; e->meaning; e++) {
		fprintf(f, ".TP\n.B %d\n", e->code);
		roff_line(f, e->meaning, strlen(e->meaning));
	}
	entries(f, "ENVIRONMENT", p->environment);
	entries(f, "FILES", p->files);
	entries(f, "SEE ALSO", p->see_also);
}
