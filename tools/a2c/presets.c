/* Settings that come as data rather than as flags: the library's presets
 * (rl-baselines3-zoo's hyperparams/a2c.yml rows, which
 * a2c_config_apply_preset applies), printed for --help, and the zoo's
 * YAML files, read for -conf.
 *
 * A -conf file has the shape of the zoo's hyperparams/a2c.yml:
 *
 *   # comment
 *   CartPole-v1:
 *     n_envs: 8
 *     n_timesteps: !!float 5e5
 *     policy: 'MlpPolicy'
 *     ent_coef: 0.0            # a comment after a value
 *     policy_kwargs: "dict(ortho_init=False)"
 *
 * This file reads that subset of YAML: top-level keys (environment ids),
 * each followed by its settings, "key: value" lines all indented alike;
 * plain, single- or double-quoted values; the !!float, !!int, !!str and
 * !!bool tags; flow values ([64, 64], {...}) kept as text, on one line;
 * comments and blank lines.  Values are handed on as text, as the zoo's
 * YAML loader would give them: quotes and tags removed, YAML 1.1 booleans
 * (true, yes, on, ...) as True or False.
 *
 * What is not YAML at all (a tab in the indentation, an unterminated
 * quote, a line that is not "key: value") is an error wherever it is.
 * YAML this subset does not read (nested lists and mappings, anchors,
 * aliases and merge keys, multi-line values) is an error only in the
 * entry the run uses: the zoo's own a2c.yml has such entries (atari,
 * the pybullet ones), and the CartPole-v1 entry of that file must still
 * work.  Which keys are allowed is train.c's business. */
#include "cli.h"

#include <stdarg.h>
#include <stdlib.h>
#include <string.h>

/* ---- presets ---- */

void print_presets(FILE *fp)
{
    fputs("presets (rl-baselines3-zoo's hyperparams/a2c.yml, from the library), applied\n"
          "before the flags; a -conf file's entry for the environment replaces its preset:\n",
          fp);
    for (size_t k = 0; a2c_preset_name(k); k++) {
        const char *env = a2c_preset_name(k);
        int column = fprintf(fp, "  %-24s", env);
        const char *key, *value;
        for (size_t j = 0; a2c_preset_setting(env, j, &key, &value) == A2C_OK; j++) {
            const int width = (int)(strlen(key) + strlen(value)) + 4; /* " k: v," */
            if (j && column + width > 99) {
                fputs(",\n", fp);
                column = fprintf(fp, "  %-24s", "");
            } else if (j) {
                column += fprintf(fp, ",");
            }
            column += fprintf(fp, " %s: %s", key, value);
        }
        fputc('\n', fp);
    }
}

/* ---- -conf files ---- */

/* The largest -conf file read: the zoo's own a2c.yml is about 3 kB. */
#define CONF_MAX_BYTES (1u << 20)

typedef struct conf_parser {
    conf_file *cf;
    int line;
} conf_parser;

/* What is not YAML: an error wherever it is. */
static _Noreturn void syntax_error(const conf_parser *p, const char *fmt, ...) CLI_PRINTF(2, 3);

static void syntax_error(const conf_parser *p, const char *fmt, ...)
{
    char message[400];
    va_list ap;
    va_start(ap, fmt);
    vsnprintf(message, sizeof message, fmt, ap);
    va_end(ap);
    fail("%s:%d: %s", p->cf->path, p->line, message);
}

/* YAML this reader does not follow: kept with the setting, an error only
 * if the run uses its entry. */
static const char nested_value[] =
    "nested values (lists, mappings) are not supported; write the value on the key's line";
static const char anchors[] = "YAML anchors, aliases and merge keys are not supported";
static const char multi_line[] = "multi-line values are not supported";
static const char continued[] = "a value continued on the next line is not supported";
static const char null_value[] = "the value is null";
static const char not_settings[] =
    "the entry is a single value, not indented 'key: value' settings";

static int is_blank(char c)
{
    return c == ' ' || c == '\t';
}

static char *skip_blanks(char *s)
{
    while (is_blank(*s)) s++;
    return s;
}

/* What may follow a finished scalar: blanks, then the end of the line or
 * a comment. */
static void expect_line_end(const conf_parser *p, char *s, const char *after)
{
    s = skip_blanks(s);
    if (*s && *s != '#') syntax_error(p, "unexpected '%s' after %s", s, after);
}

/* A single- or double-quoted scalar starting at the quote `s`; decodes it
 * in place (the result is never longer) and returns the character after
 * the closing quote. */
static char *quoted_scalar(const conf_parser *p, char *s, char **out)
{
    const char quote = *s;
    char *r = s + 1, *w = s;
    *out = w;
    for (;; r++) {
        if (!*r) {
            syntax_error(p, "unterminated %s-quoted string (a quoted value must end on its line)",
                         quote == '\'' ? "single" : "double");
        }
        if (*r == quote) {
            if (quote == '\'' && r[1] == '\'') { /* '' stands for one quote */
                *w++ = '\'';
                r++;
                continue;
            }
            break;
        }
        if (quote == '"' && *r == '\\') {
            r++;
            switch (*r) {
            case '"': case '\\': case '/': *w++ = *r; break;
            case 'n': *w++ = '\n'; break;
            case 't': *w++ = '\t'; break;
            default:
                syntax_error(p, "unsupported escape '\\%c' in a double-quoted string",
                             *r ? *r : ' ');
            }
            continue;
        }
        *w++ = *r;
    }
    *w = '\0';
    return r + 1;
}

/* The key of a "key: value" line starting at `s`; cut in place.  Returns
 * the text after the ':' and the blanks after it. */
static char *mapping_key(const conf_parser *p, char *s, char **key)
{
    if (*s == '\'' || *s == '"') {
        char *rest = quoted_scalar(p, s, key);
        rest = skip_blanks(rest);
        if (*rest != ':') syntax_error(p, "expected ':' after the key '%s'", *key);
        return skip_blanks(rest + 1);
    }
    char *colon = s;
    while (*colon && !(*colon == ':' && (is_blank(colon[1]) || !colon[1]))) {
        if (*colon == '#' && colon > s && is_blank(colon[-1])) break;
        colon++;
    }
    if (*colon != ':') syntax_error(p, "expected 'key: value', not '%s'", s);
    char *end = colon;
    while (end > s && is_blank(end[-1])) end--;
    *end = '\0';
    *key = s;
    return skip_blanks(colon + 1);
}

/* YAML 1.1's booleans, as PyYAML (the zoo's loader) resolves plain
 * scalars. */
static const char *yaml_bool(const char *s)
{
    static const char *const truths[] = {"true", "True", "TRUE", "yes", "Yes",
                                         "YES",  "on",   "On",   "ON"};
    static const char *const lies[] = {"false", "False", "FALSE", "no", "No",
                                       "NO",    "off",   "Off",   "OFF"};
    for (size_t k = 0; k < sizeof truths / sizeof truths[0]; k++) {
        if (!strcmp(s, truths[k])) return "True";
        if (!strcmp(s, lies[k])) return "False";
    }
    return NULL;
}

static int is_number(const char *s)
{
    char *end;
    if (!*s) return 0;
    (void)strtod(s, &end);
    return *end == '\0';
}

/* Reads the value of a "key: value" line, starting at `s` (after the
 * blanks that follow the ':'), into `out`, decoded in place; or sets
 * out->problem for what this reader does not follow. */
static void mapping_value(const conf_parser *p, char *s, conf_setting *out)
{
    if (!*s || *s == '#') {
        out->problem = nested_value; /* or nothing: either way, no value here */
        return;
    }
    if (*s == '&' || *s == '*') {
        out->problem = anchors;
        return;
    }
    if (*s == '|' || *s == '>') {
        out->problem = multi_line;
        return;
    }
    const char *tag = NULL;
    if (*s == '!') {
        char *end = s;
        while (*end && !is_blank(*end)) end++;
        const size_t len = (size_t)(end - s);
        static const char *const tags[] = {"!!float", "!!int", "!!str", "!!bool"};
        for (size_t k = 0; k < sizeof tags / sizeof tags[0]; k++)
            if (strlen(tags[k]) == len && !strncmp(s, tags[k], len)) tag = tags[k];
        if (!tag)
            syntax_error(p, "unsupported tag '%.*s' (!!float, !!int, !!str and !!bool are read)",
                         (int)len, s);
        s = skip_blanks(end);
        if (!*s || *s == '#') syntax_error(p, "'%s' has a tag but no value", out->key);
    }
    char *value;
    int quoted = 0;
    if (*s == '\'' || *s == '"') {
        expect_line_end(p, quoted_scalar(p, s, &value), "the quoted value");
        quoted = 1;
    } else {
        /* a plain or flow value: up to a comment (a '#' after a blank) */
        const int flow = *s == '[' || *s == '{';
        char *end = s;
        int depth = 0;
        while (*end && !(*end == '#' && is_blank(end[-1]))) {
            if (*end == '[' || *end == '{') depth++;
            if ((*end == ']' || *end == '}') && depth > 0) depth--;
            /* "a: b: c" is not YAML; {'norm_obs': True} is */
            if (!flow && *end == ':' && (is_blank(end[1]) || !end[1]))
                syntax_error(p, "a second ': ' in the value of '%s' (quote the value)", out->key);
            end++;
        }
        while (end > s && is_blank(end[-1])) end--;
        *end = '\0';
        value = s;
        if (flow && depth) {
            out->problem = multi_line;
            return;
        }
    }
    if (tag && (!strcmp(tag, "!!float") || !strcmp(tag, "!!int")) && !is_number(value))
        syntax_error(p, "'%s %s' is not a number", tag, value);
    if (tag && !strcmp(tag, "!!bool")) {
        out->value = yaml_bool(value);
        if (!out->value) syntax_error(p, "'!!bool %s' is not a boolean", value);
        return;
    }
    if (quoted || (tag && !strcmp(tag, "!!str"))) {
        out->value = value;
        return;
    }
    if (!strcmp(value, "~") || !strcmp(value, "null") || !strcmp(value, "Null") ||
        !strcmp(value, "NULL")) {
        out->problem = null_value;
        return;
    }
    const char *b = yaml_bool(value);
    out->value = b ? b : value;
}

void conf_free(conf_file *cf)
{
    free(cf->text);
    free(cf->all);
    free(cf->ids);
    free(cf->first);
    *cf = (conf_file){0};
}

void conf_parse(conf_file *cf, const char *path, char *text, size_t size, const char *env_id)
{
    *cf = (conf_file){.path = path, .text = text};
    conf_parser p = {cf, 0};
    if (strlen(text) != size) {
        p.line = 1;
        for (const char *c = text; *c; c++) p.line += *c == '\n';
        syntax_error(&p, "a NUL byte: this is not a text file");
    }
    size_t n_lines = 1;
    for (const char *c = text; *c; c++) n_lines += *c == '\n';
    /* at most one setting per line, and one entry per line */
    cf->all = malloc(n_lines * sizeof *cf->all);
    cf->ids = malloc(n_lines * sizeof *cf->ids);
    size_t *first = cf->first = malloc((n_lines + 1) * sizeof *first);
    if (!cf->all || !cf->ids || !first) fail("out of memory");
    size_t n_all = 0;
    int entry_indent = 0, documents = 0;
    conf_setting *previous = NULL; /* the entry's last setting, for nested lines */

    char *s = text;
    if (!strncmp(s, "\xEF\xBB\xBF", 3)) s += 3; /* a UTF-8 byte order mark */
    while (*s) {
        char *line = s;
        char *eol = strchr(s, '\n');
        s = eol ? eol + 1 : s + strlen(s);
        if (eol) *eol = '\0';
        if (eol && eol > line && eol[-1] == '\r') eol[-1] = '\0';
        p.line++;

        char *c = line;
        while (*c == ' ') c++;
        if (!*c || *c == '#') continue;
        const int indent = (int)(c - line);
        if (*c == '\t' && (!previous || indent <= entry_indent))
            syntax_error(&p, "a tab in the indentation (YAML indents with spaces)");
        if (indent == 0) {
            if (!strncmp(c, "---", 3) && (!c[3] || is_blank(c[3]))) {
                if (documents++ || cf->n_ids)
                    syntax_error(&p, "a second YAML document ('---') is not supported");
                expect_line_end(&p, c + 3, "'---'");
                continue;
            }
            if (*c == '-' && (is_blank(c[1]) || !c[1]))
                syntax_error(&p, "expected 'EnvId:' at the top level, not a list");
            char *key;
            char *rest = mapping_key(&p, c, &key);
            first[cf->n_ids] = n_all;
            cf->ids[cf->n_ids++] = key;
            entry_indent = 0;
            previous = NULL;
            if (*rest && *rest != '#') /* "Id: &anchor", or "Id: value" */
                cf->all[n_all++] = (conf_setting){
                    .key = key, .line = p.line,
                    .problem = *rest == '&' || *rest == '*' ? anchors : not_settings};
            continue;
        }
        if (!cf->n_ids) syntax_error(&p, "an indented line before the first environment id");
        if (!entry_indent) entry_indent = indent;
        /* lines deeper than the settings belong to the last one: a nested
         * list or mapping if it had no value (a list may also sit at the
         * settings' own indentation), else a continued value */
        const int list_item = *c == '-' && (is_blank(c[1]) || !c[1]);
        if (previous && (indent > entry_indent || (list_item && indent == entry_indent &&
                                                   previous->problem == nested_value))) {
            if (!previous->problem) previous->problem = continued;
            continue;
        }
        if (indent != entry_indent)
            syntax_error(&p, "inconsistent indentation (%d where the entry's settings have %d)",
                         indent, entry_indent);
        if (list_item) syntax_error(&p, "a list item where a 'key: value' setting belongs");
        conf_setting *cs = &cf->all[n_all++];
        *cs = (conf_setting){.line = p.line};
        char *key;
        char *rest = mapping_key(&p, c, &key);
        cs->key = key;
        if (!strcmp(key, "<<")) cs->problem = anchors;
        else mapping_value(&p, rest, cs);
        previous = cs;
    }
    first[cf->n_ids] = n_all;
    if (!cf->n_ids) fail("-conf file '%s' has no environment entries ('EnvId:' lines)", path);
    size_t chosen = cf->n_ids;
    for (size_t k = 0; k < cf->n_ids; k++)
        if (!strcmp(cf->ids[k], env_id)) chosen = k; /* the last one wins, as in PyYAML */
    if (chosen == cf->n_ids) {
        char list[1024] = "";
        size_t len = 0;
        for (size_t k = 0; k < cf->n_ids; k++) {
            int seen = 0;
            for (size_t j = 0; j < k && !seen; j++) seen = !strcmp(cf->ids[j], cf->ids[k]);
            if (seen) continue;
            const size_t need = strlen(cf->ids[k]) + 2;
            if (len + need + sizeof ", ..." > sizeof list) { /* thousands of ids */
                strcpy(list + len, ", ...");
                break;
            }
            len += (size_t)sprintf(list + len, "%s%s", len ? ", " : "", cf->ids[k]);
        }
        fail("-conf file '%s' has no entry for %s (it has: %s)", path, env_id, list);
    }
    cf->settings = cf->all + first[chosen];
    cf->n_settings = first[chosen + 1] - first[chosen];
}

#ifdef A2C_CLI_FUZZ
const char *cli_fuzz_conf;
size_t cli_fuzz_conf_size;
#endif

void conf_load(conf_file *cf, const char *path, const char *env_id)
{
    size_t size;
#ifdef A2C_CLI_FUZZ
    if (!cli_fuzz_conf) fail("-conf '%s' is not read while fuzzing", path);
    size = cli_fuzz_conf_size;
    char *text = malloc(size + 1);
    if (!text) fail("out of memory");
    memcpy(text, cli_fuzz_conf, size);
    text[size] = '\0';
#else
    char *text = read_text_file("-conf file", path, CONF_MAX_BYTES, &size);
#endif
    conf_parse(cf, path, text, size, env_id);
}
