/* a2c: train and evaluate A2C agents on liba2c's built-in environments.
 *
 *   a2c train --env CartPole-v1 [options]       (train.c)
 *   a2c eval --model FILE --env CartPole-v1 [options]   (eval.c)
 *   a2c export --model FILE --c OUT.c [--prefix NAME]    (export.c)
 *   a2c report RUN [RUN ...] -o FILE [options]           (report.c)
 *
 * This file only checks that the header and the library agree, and
 * dispatches; see cli.h for how the command is laid out. */
#include "cli.h"

#include <stdio.h>
#include <string.h>

static void print_synopsis(FILE *fp)
{
    fputs("usage: a2c train --env ID [options]               train, evaluate, save an agent\n"
          "       a2c eval --model FILE --env ID [options]   evaluate a saved agent\n"
          "       a2c export --model FILE --c OUT.c [--prefix NAME]\n"
          "                                                  a saved policy as C source\n"
          "       a2c report RUN [RUN ...] -o FILE [options] training runs as an HTML page\n"
          "       a2c COMMAND --help                         one command's options\n"
          "       a2c --version | --help\n",
          fp);
}

static void print_help(FILE *fp)
{
    print_synopsis(fp);
    fputc('\n', fp);
    print_train_help(fp);
    fputc('\n', fp);
    print_eval_help(fp);
    fputc('\n', fp);
    print_export_help(fp);
    fputc('\n', fp);
    print_report_help(fp);
    fprintf(fp, "\nbuilt-in environments: %s\n", known_envs());
}

int main(int argc, char **argv)
{
    if (a2c_version_number() != A2C_VERSION_NUMBER)
        fail("built with liba2c %s but running with %s", A2C_VERSION_STRING, a2c_version_string());
    if (argc < 2) {
        print_synopsis(stderr);
        return 2;
    }
    if (!strcmp(argv[1], "--help") || !strcmp(argv[1], "-h") || !strcmp(argv[1], "help")) {
        print_help(stdout);
        return 0;
    }
    if (!strcmp(argv[1], "--version")) {
        printf("a2c (liba2c) %s\n", a2c_version_string());
        return 0;
    }
    if (!strcmp(argv[1], "train")) return cmd_train(argc, argv);
    if (!strcmp(argv[1], "eval")) return cmd_eval(argc, argv);
    if (!strcmp(argv[1], "export")) return cmd_export(argc, argv);
    if (!strcmp(argv[1], "report")) return cmd_report(argc, argv);
    fail("unknown command '%s' (see a2c --help)", argv[1]);
}
