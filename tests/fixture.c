#include "fixture.h"

#include "harness.h"

#include <math.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

/* Next token of the file, skipping white space and '#' comments. */
static int next_token(FILE *fp, char *buf, size_t cap)
{
    int c;
    for (;;) {
        c = fgetc(fp);
        if (c == '#') {
            while (c != '\n' && c != EOF) c = fgetc(fp);
        }
        if (c == EOF) return 0;
        if (c != ' ' && c != '\n' && c != '\t' && c != '\r') break;
    }
    size_t n = 0;
    while (c != EOF && c != ' ' && c != '\n' && c != '\t' && c != '\r') {
        if (n + 1 < cap) buf[n++] = (char)c;
        c = fgetc(fp);
    }
    buf[n] = '\0';
    return 1;
}

int fixture_load(fixture *f, const char *file)
{
    char path[4096], tok[128];
    snprintf(path, sizeof path, "%s/tests/fixtures/%s", A2C_SOURCE_DIR, file);
    f->records = NULL;
    f->n = 0;
    FILE *fp = fopen(path, "r");
    if (!fp) {
        printf("fixture: cannot open %s\n", path);
        harness_failed++;
        return 0;
    }
    size_t cap = 0;
    while (next_token(fp, tok, sizeof tok)) {
        if (f->n == cap) {
            cap = cap ? 2 * cap : 32;
            f->records = realloc(f->records, cap * sizeof *f->records);
        }
        fixture_record *r = &f->records[f->n++];
        r->values = NULL;
        if (strlen(tok) >= sizeof r->name) goto bad;
        memcpy(r->name, tok, strlen(tok) + 1);
        if (!next_token(fp, tok, sizeof tok)) goto bad;
        r->count = (size_t)strtoul(tok, NULL, 10);
        r->values = malloc((r->count ? r->count : 1) * sizeof(double));
        for (size_t k = 0; k < r->count; k++) {
            char *end;
            if (!next_token(fp, tok, sizeof tok)) goto bad;
            r->values[k] = strtod(tok, &end);
            if (*end != '\0') goto bad;
        }
    }
    fclose(fp);
    return 1;
bad:
    printf("fixture: %s is malformed near record %zu\n", path, f->n);
    harness_failed++;
    fclose(fp);
    return 0;
}

void fixture_free(fixture *f)
{
    for (size_t k = 0; k < f->n; k++) free(f->records[k].values);
    free(f->records);
    f->records = NULL;
    f->n = 0;
}

static const fixture_record *find(const fixture *f, const char *name)
{
    for (size_t k = 0; k < f->n; k++)
        if (strcmp(f->records[k].name, name) == 0) return &f->records[k];
    return NULL;
}

const double *fixture_get(const fixture *f, const char *name, size_t count)
{
    const fixture_record *r = find(f, name);
    if (!r) {
        printf("fixture: record %s missing\n", name);
        harness_failed++;
        return NULL;
    }
    if (count && r->count != count) {
        printf("fixture: record %s has %zu values, expected %zu\n", name, r->count, count);
        harness_failed++;
        return NULL;
    }
    return r->values;
}

size_t fixture_count(const fixture *f, const char *name)
{
    const fixture_record *r = find(f, name);
    return r ? r->count : 0;
}

size_t fixture_size(const fixture *f, const char *name)
{
    const double *v = fixture_get(f, name, 1);
    return v ? (size_t)*v : 0;
}

float *fixture_floats(const fixture *f, const char *name, size_t count)
{
    const double *v = fixture_get(f, name, count);
    if (!v) return NULL;
    size_t n = count ? count : fixture_count(f, name);
    float *out = malloc((n ? n : 1) * sizeof *out);
    for (size_t k = 0; k < n; k++) out[k] = (float)v[k];
    return out;
}

int check_floats(const char *what, const float *got, const double *want, size_t n, double rtol,
                 double atol)
{
    if (!got || !want) return harness_check(0, __FILE__, __LINE__, what);
    size_t worst = 0;
    double worst_excess = -1.0;
    int ok = 1;
    for (size_t k = 0; k < n; k++) {
        const double err = fabs((double)got[k] - want[k]);
        const double allowed = rtol * fabs(want[k]) + atol;
        const double excess = err - allowed;
        if (!(err <= allowed)) ok = 0;
        if (excess > worst_excess || isnan(err)) {
            worst_excess = isnan(err) ? (double)INFINITY : excess;
            worst = k;
        }
    }
    if (ok) return harness_check(1, __FILE__, __LINE__, what);
    printf("%s: FAILED: element %zu of %zu: %.9g vs reference %.9g (rtol %g, atol %g)\n", what,
           worst, n, (double)got[worst], want[worst], rtol, atol);
    harness_failed++;
    return 0;
}
