#include "harness.h"

int harness_passed, harness_failed;
