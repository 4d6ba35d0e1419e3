/* onoma: the command line. One subcommand per file (cmd_*.c). */
#include <stdio.h>
#include <string.h>

#include "cli/cli.h"

typedef struct command {
    const char *name;
    int (*run)(int argc, char **argv);
    const char *summary;
} command;

static const command commands[] = {
    {"normalize", cmd_normalize, "rewrite variant spellings of known names to their canonical form"},
    {"translit", cmd_translit, "transliterate text and names into Latin script by a published scheme"},
    {"check", cmd_check, "report spellings of names that differ from a house style (and fix them)"},
    {"lsp", cmd_lsp, "a Language Server Protocol server: check documents in an editor"},
    {"lookup", cmd_lookup, "look names up in the tables"},
    {"compile", cmd_compile, "check text tables and compile them into one binary table"},
    {"tables", cmd_tables, "list the loaded tables and styles"},
};

static void usage(FILE *f)
{
    fprintf(f, "Usage: onoma COMMAND [OPTIONS] [FILE...]\n\n"
               "Multilingual name normalization and transliteration.\n\nCommands:\n");
    for (size_t i = 0; i < sizeof commands / sizeof *commands; i++)
        fprintf(f, "  %-10s %s\n", commands[i].name, commands[i].summary);
    fprintf(f, "\nRun 'onoma COMMAND --help' for a command's options.\n"
               "  --version   print the program, table-format and ICU/Unicode versions\n"
               "  --help      print this help\n"
               "Exit status: 0 ok, 1 findings or a data error, 2 usage error.\n");
}

int main(int argc, char **argv)
{
    if (argc < 2) {
        usage(stderr);
        return EXIT_USAGE;
    }
    const char *cmd = argv[1];
    if (strcmp(cmd, "--version") == 0 || strcmp(cmd, "-V") == 0) {
        printf("onoma %s\ntable format %d\nAPI %d\nICU %s (Unicode %s)\n", onoma_version(),
               onoma_table_format_version(), onoma_api_version(), onoma_icu_version(), onoma_unicode_version());
        return fclose(stdout) == 0 ? 0 : EXIT_FINDINGS;
    }
    if (strcmp(cmd, "--help") == 0 || strcmp(cmd, "-h") == 0 || strcmp(cmd, "help") == 0) {
        usage(stdout);
        return fclose(stdout) == 0 ? 0 : EXIT_FINDINGS;
    }
    for (size_t i = 0; i < sizeof commands / sizeof *commands; i++)
        if (strcmp(cmd, commands[i].name) == 0)
            return commands[i].run(argc - 1, argv + 1);
    if (cmd[0] == '-')
        return cli_usage(NULL, "unknown option '%s'", cmd);
    return cli_usage(NULL, "unknown command '%s'", cmd);
}
