/* cli_getopt: getopt_long as every stratum command parses its options. Three habits on
 * top of getopt_long:
 * - no prefix matching: getopt_long would take --num-tree for --num-trees (and a later
 *   option could make it mean something else), so only a whole name is accepted;
 * - LightGBM's spellings: any long option may be written with underscores
 *   (--learning_rate), and the options LightGBM names differently take its names and
 *   aliases (--n_estimators, --eta, ...; the table below), as LightGBM's users type them;
 * - an unknown option gets one line naming it and, when one is close, the option meant.
 * The extra spellings are added to a copy of the command's table on each call (getopt_long
 * keeps no pointer to the table between calls), so no state is kept here. */
#include <string.h>

#include "cli.h"

/* LightGBM's names for stratum's options (LightGBM's Parameters page: the primary name
 * when it differs from ours, then its aliases), accepted as written here. An alias only
 * applies to a command having the option. Left out on purpose: max_iter and lambda
 * (LightGBM aliases of num_iterations and lambda_l2), which stratum's logistic regression
 * uses for its own --max-iter and --lambda; test (for valid), too vague on a command line. */
static const struct { const char *alias, *option; } lightgbm_aliases[] = {
    {"num_iterations", "num-trees"}, {"num_iteration", "num-trees"}, {"n_iter", "num-trees"},
    {"num_tree", "num-trees"}, {"num_round", "num-trees"}, {"num_rounds", "num-trees"},
    {"nrounds", "num-trees"}, {"num_boost_round", "num-trees"}, {"n_estimators", "num-trees"},
    {"shrinkage_rate", "learning-rate"}, {"eta", "learning-rate"},
    {"num_leaf", "num-leaves"}, {"max_leaves", "num-leaves"}, {"max_leaf", "num-leaves"},
    {"max_leaf_nodes", "num-leaves"},
    {"min_data_per_leaf", "min-data-in-leaf"}, {"min_data", "min-data-in-leaf"},
    {"min_child_samples", "min-data-in-leaf"}, {"min_samples_leaf", "min-data-in-leaf"},
    {"min_sum_hessian_per_leaf", "min-sum-hessian-in-leaf"},
    {"min_sum_hessian", "min-sum-hessian-in-leaf"}, {"min_hessian", "min-sum-hessian-in-leaf"},
    {"min_child_weight", "min-sum-hessian-in-leaf"},
    {"min_split_gain", "min-gain-to-split"},
    {"sub_feature", "feature-fraction"}, {"colsample_bytree", "feature-fraction"},
    {"sub_row", "bagging-fraction"}, {"subsample", "bagging-fraction"},
    {"bagging", "bagging-fraction"}, {"subsample_freq", "bagging-freq"},
    {"reg_alpha", "lambda-l1"}, {"l1_regularization", "lambda-l1"},
    {"reg_lambda", "lambda-l2"}, {"l2_regularization", "lambda-l2"},
    {"max_bins", "max-bin"},
    {"early_stopping_round", "early-stopping-rounds"},
    {"early_stopping", "early-stopping-rounds"}, {"n_iter_no_change", "early-stopping-rounds"},
    {"output_freq", "metric-freq"},
    {"valid_data", "valid"}, {"valid_data_file", "valid"}, {"test_data", "valid"},
    {"test_data_file", "valid"}, {"valid_filenames", "valid"},
    {"random_seed", "seed"}, {"random_state", "seed"},
    {"num_threads", "threads"}, {"num_thread", "threads"}, {"nthread", "threads"},
    {"nthreads", "threads"}, {"n_jobs", "threads"},
};
enum { N_ALIASES = sizeof lightgbm_aliases / sizeof lightgbm_aliases[0] };

/* Room for a command's options (the largest, compare, has under 80), their underscore
 * spellings and the aliases; options past MAX_OPTIONS would be unknown, loudly. */
enum { MAX_OPTIONS = 160, MAX_TABLE = 2 * MAX_OPTIONS + N_ALIASES + 1, NAME_ROOM = 8192 };

/* Same name once '-' and '_' are the same letter. */
static int same_spelling(const char *a, const char *b, size_t n_b)
{
    size_t i = 0;
    for (; i < n_b && a[i] != '\0'; i++)
        if (a[i] != b[i] && !((a[i] == '-' || a[i] == '_') && (b[i] == '-' || b[i] == '_')))
            return 0;
    return i == n_b && a[i] == '\0';
}

static const struct option *find_option(const struct option *longopts, const char *name,
                                        size_t n)
{
    for (const struct option *o = longopts; o->name != NULL; o++)
        if (same_spelling(o->name, name, n))
            return o;
    return NULL;
}

/* Optimal string alignment distance (edits: insert, delete, replace, swap two neighbours),
 * '-' and '_' counted as one letter; names longer than 63 count as far. */
static size_t distance(const char *a, size_t na, const char *b)
{
    size_t nb = strlen(b);
    if (na > 63 || nb > 63)
        return 1000;
    size_t d[64][64];
    for (size_t i = 0; i <= na; i++)
        d[i][0] = i;
    for (size_t j = 0; j <= nb; j++)
        d[0][j] = j;
    for (size_t i = 1; i <= na; i++)
        for (size_t j = 1; j <= nb; j++) {
            int same = a[i - 1] == b[j - 1] ||
                       (strchr("-_", a[i - 1]) && strchr("-_", b[j - 1]));
            size_t best = d[i - 1][j - 1] + !same;
            if (d[i - 1][j] + 1 < best)
                best = d[i - 1][j] + 1;
            if (d[i][j - 1] + 1 < best)
                best = d[i][j - 1] + 1;
            if (i > 1 && j > 1 && a[i - 1] == b[j - 2] && a[i - 2] == b[j - 1] &&
                d[i - 2][j - 2] + 1 < best)
                best = d[i - 2][j - 2] + 1;
            d[i][j] = best;
        }
    return d[na][nb];
}

/* The command's option nearest to the unknown `name` (n letters), through its own names
 * and the LightGBM aliases it has; NULL when none is within max(2, n / 3) edits. */
static const char *nearest(const struct option *longopts, const char *name, size_t n)
{
    const char *best = NULL;
    size_t best_d = n / 3 > 2 ? n / 3 : 2;
    for (const struct option *o = longopts; o->name != NULL; o++) {
        size_t d = distance(name, n, o->name);
        if (d <= best_d && (best == NULL || d < best_d))
            best = o->name, best_d = d;
    }
    for (size_t k = 0; k < N_ALIASES; k++) {
        const struct option *o = find_option(longopts, lightgbm_aliases[k].option,
                                             strlen(lightgbm_aliases[k].option));
        size_t d = o != NULL ? distance(name, n, lightgbm_aliases[k].alias) : 1000;
        if (d <= best_d && (best == NULL || d < best_d))
            best = o->name, best_d = d;
    }
    return best;
}

/* The usage error for the long option `text` ("--name" or "--name=value"). */
static int unknown_long(const char *command, const struct option *longopts, const char *text)
{
    const char *name = text + 2;
    size_t n = strcspn(name, "=");
    const char *guess = nearest(longopts, name, n);
    if (guess != NULL)
        cli_usage_error(command, "unknown option '--%.*s'; did you mean '--%s'?", (int)n, name,
                        guess);
    else
        cli_usage_error(command, "unknown option '--%.*s'", (int)n, name);
    return CLI_GETOPT_USAGE;
}

int cli_getopt(const char *command, int argc, char **argv, const char *shortopts,
               const struct option *longopts)
{
    /* the table getopt_long sees: the command's own, each dashed name with underscores,
     * and the aliases of options the command has (unless it has an option so named) */
    struct option table[MAX_TABLE];
    char names[NAME_ROOM];
    size_t n = 0, used = 0, n_own = 0;
    for (const struct option *o = longopts; o->name != NULL && n_own < MAX_OPTIONS;
         o++, n_own++) {
        table[n++] = *o;
        size_t len = strlen(o->name);
        if (strchr(o->name, '-') == NULL || used + len + 1 > NAME_ROOM)
            continue;
        char *u = names + used;
        for (size_t i = 0; i <= len; i++)
            u[i] = o->name[i] == '-' ? '_' : o->name[i];
        used += len + 1;
        table[n] = *o;
        table[n++].name = u;
    }
    for (size_t k = 0; k < N_ALIASES; k++) {
        const char *alias = lightgbm_aliases[k].alias;
        const struct option *o = find_option(longopts, lightgbm_aliases[k].option,
                                             strlen(lightgbm_aliases[k].option));
        if (o != NULL && find_option(longopts, alias, strlen(alias)) == NULL) {
            table[n] = *o;
            table[n++].name = alias;
        }
    }
    table[n] = (struct option){NULL, 0, NULL, 0};
    /* a leading ':' makes getopt_long silent and tell a missing value (':') from an
     * unknown option ('?') */
    char shorts[64] = ":";
    strncat(shorts, shortopts, sizeof shorts - 2);
    opterr = 0;
    int index = -1;
    int code = getopt_long(argc, argv, shorts, table, &index);
    if (code == -1)
        return -1;
    /* The element getopt_long just read: argv[optind - 1], or the one before when a
     * required value came as the next element (getopt_long moves elements only at its
     * next call). */
    const char *text = optind >= 1 && optind <= argc ? argv[optind - 1] : "";
    if (code == ':') {
        if (text[0] == '-' && text[1] == '-')
            return cli_usage_error(command, "unknown option or missing value '%s'", text),
                   CLI_GETOPT_USAGE;
        return cli_usage_error(command, "unknown option or missing value '-%c'", optopt),
               CLI_GETOPT_USAGE;
    }
    if (code == '?') {
        int is_long = text[0] == '-' && text[1] == '-';
        /* optopt is 0 for an unknown long option; else the option's letter or code: an
         * unknown short option, or a long one given a value it does not take */
        if (optopt != 0 && is_long && strchr(text, '=') != NULL) {
            size_t len = strcspn(text + 2, "=");
            int whole = 0;
            for (const struct option *o = table; o->name != NULL; o++)
                whole |= strlen(o->name) == len && strncmp(o->name, text + 2, len) == 0;
            if (whole)
                return cli_usage_error(command, "--%.*s takes no value", (int)len, text + 2),
                       CLI_GETOPT_USAGE;
            return unknown_long(command, longopts, text);
        }
        if (optopt != 0 || !is_long)
            return cli_usage_error(command, "unknown option '-%c'", optopt ? optopt : '?'),
                   CLI_GETOPT_USAGE;
        return unknown_long(command, longopts, text);
    }
    if (index < 0)
        return code; /* a short option */
    if (table[index].has_arg == required_argument && optarg == text && optind >= 2)
        text = argv[optind - 2];
    /* getopt_long also takes a unique prefix; only the whole name counts */
    size_t len = strcspn(text + 2, "=");
    if (strncmp(text, "--", 2) != 0 || strlen(table[index].name) != len ||
        strncmp(text + 2, table[index].name, len) != 0)
        return unknown_long(command, longopts, text);
    return code;
}

void cli_print_spellings(FILE *f, const struct option *longopts)
{
    fprintf(f, "LightGBM's spellings are accepted too: any option with '_' for '-' (--learning_rate\n"
               "for --learning-rate), and LightGBM's own names for these options:\n");
    for (const struct option *o = longopts; o->name != NULL; o++) {
        int shown = 0;
        size_t col = 0;
        for (size_t k = 0; k < N_ALIASES; k++) {
            if (strcmp(lightgbm_aliases[k].option, o->name) != 0 ||
                find_option(longopts, lightgbm_aliases[k].alias,
                            strlen(lightgbm_aliases[k].alias)) != NULL)
                continue;
            if (!shown)
                col = (size_t)fprintf(f, "  --%s:", o->name);
            else
                col += (size_t)fprintf(f, ",");
            if (col + strlen(lightgbm_aliases[k].alias) + 3 > 88)
                col = (size_t)fprintf(f, "\n   ");
            col += (size_t)fprintf(f, " --%s", lightgbm_aliases[k].alias);
            shown = 1;
        }
        if (shown)
            fputc('\n', f);
    }
}
