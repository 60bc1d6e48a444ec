/* libFuzzer target: the a2c train command line, and the -conf YAML files.
 *
 * The input is cut at every NUL byte into arguments, which follow "a2c
 * train" in argv, and train_parse (tools/a2c/train.c) reads them as the
 * command would: flags, values, --hyperparams, the preset or -conf entry,
 * the configuration.  An input that starts with '#' (a YAML comment) is a
 * -conf file first: the text up to the first NUL is what conf_load
 * (tools/a2c/presets.c) reads for any -conf path, and the arguments
 * follow; if they name no -conf, "-conf fuzz.yml" is added, and "--env
 * CartPole-v1" if they name no --env, so that the file is always parsed.
 * Nothing is trained and no file is touched.  The CLI is built with
 * A2C_CLI_FUZZ, so its fail() jumps back here instead of exiting; a
 * failure must come with a message.  A command line that parses must give
 * a configuration whose settings are inside the library's bounds and a
 * known environment.
 *
 * Uses the public header and the CLI's own header, tools/a2c/cli.h. */
#include "cli.h"

#include <math.h>
#include <setjmp.h>
#include <stdint.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

/* Static, not local: train_parse fills it between setjmp and longjmp. */
static train_request req;

static void die(const char *what)
{
    fprintf(stderr, "fuzz_cli_flags: %s\n", what);
    abort();
}

/* Parses one command line and checks what came out; in a function of its
 * own so that nothing local lives across the setjmp. */
static void parse(int argc, char **argv)
{
    jmp_buf back;
    cli_fail_message[0] = '\0';
    cli_fail_jump = &back;
    if (setjmp(back) == 0) {
        train_parse(argc, argv, &req);
        cli_fail_jump = NULL;
        if (!req.help) {
            if (!req.cfg || !req.env_id) die("parsed without a config or an --env");
            if (req.n_envs < 1 || req.threads < 1 || req.threads > 256)
                die("parsed with n_envs or threads out of range");
            if (req.eval_freq && !req.eval_freq_episodes)
                die("parsed --eval-freq without evaluation episodes");
            if (req.save_freq && !req.save) die("parsed --save-freq without --save");
            for (size_t k = 0; a2c_param_name((a2c_param)(A2C_PARAM_LEARNING_RATE + k)); k++) {
                const a2c_param param = (a2c_param)(A2C_PARAM_LEARNING_RATE + k);
                double v, lo, hi;
                if (a2c_config_get_double(req.cfg, param, &v) != A2C_OK ||
                    a2c_param_bounds(param, &lo, &hi) != A2C_OK || !isfinite(v) || v < lo ||
                    v > hi)
                    die("a parameter out of its bounds after parsing");
            }
            a2c_env *env = NULL;
            if (a2c_env_make(&env, req.env_id, 1, NULL) != A2C_OK)
                die("parsed with an --env the library does not know");
            a2c_env_close(env);
        }
    } else {
        cli_fail_jump = NULL;
        if (!cli_fail_message[0]) die("fail() without a message");
    }
}

int LLVMFuzzerTestOneInput(const uint8_t *data, size_t size);

int LLVMFuzzerTestOneInput(const uint8_t *data, size_t size)
{
    /* One writable copy: args_next cuts "--flag=value" in place, as the
     * command does with its own argv. */
    char *text = malloc(size + 1);
    if (!text) abort();
    memcpy(text, data, size);
    text[size] = '\0';
    const char *args = text;
    size_t args_size = size;
    cli_fuzz_conf = NULL;
    if (size > 0 && text[0] == '#') {
        const size_t conf_size = strlen(text); /* up to the first NUL */
        cli_fuzz_conf = text;
        cli_fuzz_conf_size = conf_size;
        args = conf_size < size ? text + conf_size + 1 : text + size;
        args_size = conf_size < size ? size - conf_size - 1 : 0;
    }
    int argc = 2 + 4; /* room for "-conf fuzz.yml --env CartPole-v1" */
    for (size_t k = 0; k < args_size; k++) argc += args[k] == '\0';
    if (args_size > 0) argc++; /* the piece after the last NUL */
    char **argv = malloc(((size_t)argc + 1) * sizeof *argv);
    if (!argv) abort();
    static char prog[] = "a2c", command[] = "train";
    static char conf_flag[] = "-conf", conf_name[] = "fuzz.yml";
    static char env_flag[] = "--env", env_name[] = "CartPole-v1";
    argv[0] = prog;
    argv[1] = command;
    int n = 2;
    if (args_size > 0) {
        char *a = text + (args - text);
        argv[n++] = a;
        for (size_t k = 0; k < args_size; k++)
            if (a[k] == '\0') argv[n++] = a + k + 1;
    }
    if (cli_fuzz_conf) {
        int has_conf = 0, has_env = 0;
        for (int k = 2; k < n; k++) {
            has_conf |= !strncmp(argv[k], "-conf", 5) || !strncmp(argv[k], "--conf-file", 11);
            has_env |= !strncmp(argv[k], "--env", 5);
        }
        if (!has_conf) {
            argv[n++] = conf_flag;
            argv[n++] = conf_name;
        }
        if (!has_env) {
            argv[n++] = env_flag;
            argv[n++] = env_name;
        }
    }
    argv[n] = NULL;

    parse(n, argv);
    train_request_free(&req);
    cli_fuzz_conf = NULL;
    free(argv);
    free(text);
    return 0;
}
