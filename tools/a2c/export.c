/* a2c export: writes a saved agent's greedy policy as one C source file
 * that compiles without liba2c (a2c_net_export_c; docs/export.md). */
#include "cli.h"

#include <errno.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

void print_export_help(FILE *fp)
{
    fputs("export options:\n"
          "  --model FILE             the saved agent (from a2c train --save; required)\n"
          "  --c FILE                 the C file to write (required); - for stdout\n"
          "  --prefix NAME            names the file's symbols: NAME_act, NAME_forward, ...\n"
          "                           (a C identifier of up to 32 characters; a2c_policy)\n"
          "  --help, -h               this help, wherever it appears\n",
          fp);
}

/* The whole text through the buffer calls, to standard output. */
static void export_to_stdout(const a2c_net *net, const char *prefix)
{
    size_t size;
    a2c_status rc = a2c_net_export_c_size(net, prefix, &size);
    if (rc != A2C_OK) fail("cannot export: %s%s", a2c_strerror(rc), library_detail());
    char *text = malloc(size);
    if (!text) fail("out of memory");
    size_t len;
    rc = a2c_net_export_c_to_buffer(net, prefix, text, size, &len);
    if (rc != A2C_OK) {
        free(text);
        fail("cannot export: %s%s", a2c_strerror(rc), library_detail());
    }
    const int ok = fwrite(text, 1, len, stdout) == len && fflush(stdout) == 0;
    free(text);
    if (!ok) fail("cannot write the C source to standard output");
}

int cmd_export(int argc, char **argv)
{
    const char *model = NULL, *out = NULL, *prefix = NULL;
    if (args_want_help(argc, argv, 2)) {
        printf("usage: a2c export --model FILE --c OUT.c [--prefix NAME]\n\n");
        print_export_help(stdout);
        return 0;
    }
    arg_reader args;
    args_start(&args, argc, argv, 2, "export");
    while (args_next(&args)) {
        if (args_is(&args, "--help")) args_no_value(&args);
        else if (args_is(&args, "--model")) model = args_value(&args);
        else if (args_is(&args, "--c")) out = args_value(&args);
        else if (args_is(&args, "--prefix")) prefix = args_value(&args);
        else args_unknown(&args);
    }
    if (!model) fail("--model is required");
    if (!out) fail("--c is required (the C file to write, or - for stdout)");
    const int to_stdout = !strcmp(out, "-");
    if (!to_stdout) check_writable("--c", out);
    a2c_net *net = NULL;
    errno = 0;
    a2c_status rc = a2c_net_load(&net, model, NULL);
    if (rc != A2C_OK)
        fail("cannot load model '%s': %s%s", model, file_error(rc, errno), library_detail());
    /* the prefix is checked by the library, which says what is wrong */
    if (to_stdout) {
        export_to_stdout(net, prefix);
    } else {
        errno = 0;
        rc = a2c_net_export_c(net, out, prefix);
        if (rc == A2C_E_INVALID_ARG)
            fail("cannot export: %s%s", a2c_strerror(rc), library_detail());
        if (rc != A2C_OK)
            fail("cannot write '%s': %s%s", out, file_error(rc, errno), library_detail());
        const char *name = prefix ? prefix : "a2c_policy";
        const int box = a2c_net_action_kind(net) == A2C_SPACE_BOX;
        printf("%s: %s_%s for %zu observation floats and %zu %s, from %s\n", out, name,
               box ? "act_box" : "act", a2c_net_obs_dim(net), a2c_net_n_actions(net),
               box ? "action floats" : "actions", model);
    }
    a2c_net_destroy(net);
    return 0;
}
