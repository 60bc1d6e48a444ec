/* Reader for the PyTorch reference fixtures (tests/reference/README.md):
 * whitespace-separated records "<name> <count> <values...>", '#' comments. */
#ifndef A2C_TEST_FIXTURE_H
#define A2C_TEST_FIXTURE_H

#include <stddef.h>

typedef struct fixture_record {
    char name[64];
    size_t count;
    double *values;
} fixture_record;

typedef struct fixture {
    fixture_record *records;
    size_t n;
} fixture;

/* Loads tests/fixtures/<file> from the source tree; 0 on failure (printed). */
int fixture_load(fixture *f, const char *file);
void fixture_free(fixture *f);
/* The record's values (NULL, with a printed failure, if missing or if its
 * count differs from `count`; count 0 accepts any). */
const double *fixture_get(const fixture *f, const char *name, size_t count);
size_t fixture_count(const fixture *f, const char *name);
/* A scalar record as a size (0 if missing). */
size_t fixture_size(const fixture *f, const char *name);
/* Copies a record to a new float array (free() it); NULL if missing. */
float *fixture_floats(const fixture *f, const char *name, size_t count);

/* Compares `n` floats with the reference: counts as one check, reporting
 * the worst element.  Passes when |got - want| <= rtol * |want| + atol for
 * every element. */
int check_floats(const char *what, const float *got, const double *want, size_t n, double rtol,
                 double atol);

#endif
