/* What every a2c command shares: the error contract (one "a2c: " line on
 * stderr, exit status 2, nothing on stdout), the argument reader, number
 * parsing, JSON output, text files and the built-in environments. */
/* stat and access, to check a --save path before training rather than
 * after (the library itself is plain C11). */
#define _POSIX_C_SOURCE 200809L

#include "cli.h"

#include <errno.h>
#include <math.h>
#include <stdarg.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#if defined(__unix__) || defined(__APPLE__)
#include <sys/stat.h>
#include <unistd.h>
#define HAVE_STAT 1
#else
#define HAVE_STAT 0
#endif

/* ---- errors ---- */

#ifdef A2C_CLI_FUZZ
jmp_buf *cli_fail_jump;
char cli_fail_message[512];
#endif

_Noreturn void fail(const char *fmt, ...)
{
    va_list ap;
    va_start(ap, fmt);
#ifdef A2C_CLI_FUZZ
    if (cli_fail_jump) {
        vsnprintf(cli_fail_message, sizeof cli_fail_message, fmt, ap);
        va_end(ap);
        longjmp(*cli_fail_jump, 1);
    }
#endif
    fputs("a2c: ", stderr);
    vfprintf(stderr, fmt, ap);
    fputc('\n', stderr);
    va_end(ap);
    exit(2);
}

const char *library_detail(void)
{
    /* The library keeps a message per thread naming the function and the
     * argument at fault; it is only read right after a failing call, so it
     * belongs to that call. */
    static char detail[512];
    const char *text = a2c_last_error();
    if (!text || !*text) return "";
    snprintf(detail, sizeof detail, " (%s)", text);
    return detail;
}

const char *file_error(a2c_status rc, int saved_errno)
{
    return rc == A2C_E_IO && saved_errno ? strerror(saved_errno) : a2c_strerror(rc);
}

void check_writable(const char *flag, const char *path)
{
    if (!*path) fail("%s needs a file name", flag);
#if HAVE_STAT
    /* The library writes a temporary file beside PATH and renames it over
     * PATH, so what matters is that PATH is not a directory (or another
     * non-file) and that its directory exists and may be written. */
    struct stat st;
    if (stat(path, &st) == 0 && S_ISDIR(st.st_mode))
        fail("%s '%s' is a directory, expected a file name", flag, path);
    if (stat(path, &st) == 0 && !S_ISREG(st.st_mode))
        fail("%s '%s' is not a regular file", flag, path);
    char dir[4096] = ".";
    const char *slash = strrchr(path, '/');
    if (slash) {
        const int len = slash == path ? 1 : (int)(slash - path); /* "/x": "/" */
        if (snprintf(dir, sizeof dir, "%.*s", len, path) >= (int)sizeof dir)
            fail("%s path too long", flag);
    }
    /* named in the message: fopen's "No such file or directory" does not
     * say which part is missing */
    if (stat(dir, &st) != 0)
        fail("cannot write '%s': directory '%s' %s", path, dir,
             errno == ENOENT ? "does not exist" : strerror(errno));
    if (!S_ISDIR(st.st_mode)) fail("cannot write '%s': '%s' is not a directory", path, dir);
    /* asked rather than tried: creating a file of a fixed name to find
     * out would follow a symbolic link planted under that name */
    if (access(dir, W_OK | X_OK) != 0) fail("cannot write '%s': %s", path, strerror(errno));
#else
    char tmp[4096];
    if (snprintf(tmp, sizeof tmp, "%s.tmp", path) >= (int)sizeof tmp)
        fail("%s path too long", flag);
    FILE *fp = fopen(tmp, "wb");
    if (!fp) fail("cannot write '%s': %s", path, strerror(errno));
    fclose(fp);
    remove(tmp);
#endif
}

char *read_text_file(const char *flag, const char *path, size_t max, size_t *size)
{
    if (!*path) fail("%s needs a file name", flag);
    FILE *fp = fopen(path, "rb");
    if (!fp) fail("cannot read %s '%s': %s", flag, path, strerror(errno));
    /* read in pieces rather than sized with fseek: a pipe (-conf
     * <(...)) has no size */
    char *text = malloc(max + 2);
    if (!text) {
        fclose(fp);
        fail("out of memory");
    }
    const size_t n = fread(text, 1, max + 1, fp);
    const int failed = ferror(fp);
    const int saved_errno = errno;
    fclose(fp);
    if (failed || n > max) {
        free(text);
        if (failed) fail("cannot read %s '%s': %s", flag, path, strerror(saved_errno));
        fail("%s '%s' is larger than %zu bytes", flag, path, max);
    }
    text[n] = '\0';
    *size = n;
    return text;
}

/* ---- reading the command line ---- */

/* "--name", "--", or a dash and a letter ("-n", "-conf"); not "-", "-2"
 * or "-.5", which are values. */
static int looks_like_flag(const char *arg)
{
    if (arg[0] != '-') return 0;
    if (arg[1] == '-') return 1;
    return (arg[1] >= 'a' && arg[1] <= 'z') || (arg[1] >= 'A' && arg[1] <= 'Z');
}

int args_want_help(int argc, char **argv, int first)
{
    for (int k = first; k < argc; k++)
        if (!strcmp(argv[k], "--help") || !strcmp(argv[k], "-h")) return 1;
    return 0;
}

void args_start(arg_reader *r, int argc, char **argv, int first, const char *command)
{
    r->argc = argc;
    r->argv = argv;
    r->next = first;
    r->command = command;
    r->flag = NULL;
    r->joined_value = NULL;
}

int args_next(arg_reader *r)
{
    if (r->next >= r->argc) return 0;
    char *arg = r->argv[r->next++];
    if (!looks_like_flag(arg))
        fail("unexpected argument '%s' (see a2c %s --help)", arg, r->command);
    /* "--flag=value": the argument strings are the program's to modify
     * (C11 5.1.2.2.1), so the flag is cut off in place and stays a plain
     * string for messages. */
    char *equals = strchr(arg, '=');
    r->joined_value = NULL;
    if (equals) {
        *equals = '\0';
        r->joined_value = equals + 1;
    }
    r->flag = arg;
    return 1;
}

int args_is(const arg_reader *r, const char *flag)
{
    return strcmp(r->flag, flag) == 0;
}

const char *args_value(arg_reader *r)
{
    if (r->joined_value) return r->joined_value;
    /* A following flag is not taken as the value: "--seed --json" is a
     * forgotten value far more often than a seed spelt "--json". */
    if (r->next >= r->argc) fail("%s needs a value", r->flag);
    const char *next = r->argv[r->next];
    if (looks_like_flag(next)) {
        if (next[1] != '-')
            fail("%s needs a value (for one that starts with '-', write %s=%s)", r->flag,
                 r->flag, next);
        fail("%s needs a value", r->flag);
    }
    r->next++;
    return next;
}

const char *args_list_item(arg_reader *r)
{
    if (r->next >= r->argc || r->argv[r->next][0] == '-') return NULL;
    return r->argv[r->next++];
}

void args_no_value(const arg_reader *r)
{
    if (r->joined_value) fail("%s takes no value", r->flag);
}

_Noreturn void args_unknown(const arg_reader *r)
{
    fail("unknown option '%s' (see a2c %s --help)", r->flag, r->command);
}

/* ---- numbers and JSON ---- */

/* Digits, optionally in exponent form ("5e5"); no sign, no spaces, no hex.
 * Plain digits are read exactly (seeds use all 64 bits); exponent forms
 * must be exact in a double. */
uint64_t parse_count(const char *what, const char *text)
{
    const char *p = text;
    int digits = 0;
    while (*p >= '0' && *p <= '9') p++, digits++;
    if (digits && *p == '\0') {
        errno = 0;
        const unsigned long long v = strtoull(text, NULL, 10);
        if (errno) fail("%s is out of range: '%s'", what, text);
        return (uint64_t)v;
    }
    if (*p == '.') {
        p++;
        while (*p >= '0' && *p <= '9') p++, digits++;
    }
    if (digits && (*p == 'e' || *p == 'E')) {
        p++;
        if (*p == '+') p++;
        if (!(*p >= '0' && *p <= '9')) digits = 0;
        while (*p >= '0' && *p <= '9') p++;
    }
    char *end;
    const double v = digits && *p == '\0' ? strtod(text, &end) : -1.0;
    if (!(v >= 0) || v > 9007199254740992.0 || v != floor(v))
        fail("%s expects a whole number, not '%s'", what, text);
    return (uint64_t)v;
}

uint64_t parse_count_in_bounds(const char *what, const char *text, a2c_param param)
{
    const uint64_t n = parse_count(what, text);
    double lo, hi;
    if (a2c_param_bounds(param, &lo, &hi) != A2C_OK) fail("no bounds for %s", what);
    if ((double)n < lo || (double)n > hi) {
        if (hi - lo == 1.0) fail("%s must be %.0f or %.0f", what, lo, hi);
        fail("%s must be between %.0f and %.0f", what, lo, hi);
    }
    return n;
}

void print_json_string(const char *s)
{
    putchar('"');
    for (const unsigned char *c = (const unsigned char *)s; *c; c++) {
        if (*c == '"' || *c == '\\') printf("\\%c", *c);
        else if (*c < 0x20) printf("\\u%04x", *c);
        else putchar(*c);
    }
    putchar('"');
}

void print_json_number(double v, int digits)
{
    if (isfinite(v)) printf("%.*g", digits, v);
    else printf("null");
}

/* ---- environments ---- */

const char *known_envs(void)
{
    static char list[256];
    list[0] = '\0';
    for (size_t k = 0; a2c_env_name(k); k++) {
        if (k) strncat(list, ", ", sizeof list - strlen(list) - 1);
        strncat(list, a2c_env_name(k), sizeof list - strlen(list) - 1);
    }
    return list;
}

void check_env(const char *id)
{
    if (!id) fail("--env is required (built-ins: %s)", known_envs());
    for (size_t k = 0; a2c_env_name(k); k++)
        if (strcmp(a2c_env_name(k), id) == 0) return;
    fail("unknown environment '%s' (built-ins: %s)", id, known_envs());
}

a2c_env *make_env(const char *id, uint32_t n)
{
    check_env(id);
    a2c_env *env = NULL;
    const a2c_status rc = a2c_env_make(&env, id, n, NULL);
    if (rc != A2C_OK)
        fail("cannot create environment '%s': %s%s", id, a2c_strerror(rc), library_detail());
    return env;
}
