/* stratum bin DATA -o DATA.stb: a CSV (or LibSVM) file of any size to a binned file for
 * out-of-core training (st_bin_file). */
#define _POSIX_C_SOURCE 200809L
#include "cli.h"
#include "cli_progress.h"

#include <stdlib.h>
#include <time.h>

static const char bin_help[] =
    "Usage: stratum bin DATA -o DATA.stb [options]\n"
    "\n"
    "Bins a labelled CSV file of any size in bounded memory (two passes over the file; a\n"
    "few blocks of rows, one quantile sketch per numeric column and one dictionary per\n"
    "categorical column in memory, never the whole table) and writes a binned file:\n"
    "each feature's bin codes (1 byte a value, 2 when a feature has more than 255 bins),\n"
    "labels and weights. 'stratum train gbdt DATA.stb' then memory-maps it, so training\n"
    "needs about the binned size in memory, not the CSV's. LibSVM input is streamed the\n"
    "same way, line by line (an absent index:value entry is the value 0).\n"
    "\n"
    "The bins are those in-memory training would make from all rows (its --max-bin and\n"
    "--max-cat-levels rules) while a numeric column has at most --sketch-size distinct\n"
    "values; beyond that its bin bounds come from a quantile sketch, within its stated\n"
    "rank error. 'stratum train gbdt DATA.csv --bins-from DATA.stb' trains in memory on\n"
    "the file's bins, and gives the same model as training on DATA.stb.\n"
    "\n"
    "On a terminal a progress line (pass, MiB read, elapsed, ETA) is redrawn in place\n"
    "(--progress, --no-progress); -q hides it and the summary.\n"
    "\n"
    "Options:\n"
    "  -o, --output FILE      binned file to write (required; replaced atomically; must\n"
    "                         not be DATA)\n"
    "  --max-bin N            bins per feature besides the missing bin, 2 to 65535\n"
    "                         (default: 255)\n"
    "  --max-cat-levels N     categorical columns of more levels are binned as ordered\n"
    "                         level codes; 0 = no limit (default: 255)\n"
    "  --sketch-size N        entries of each numeric column's quantile summary, at least\n"
    "                         16: columns with at most N distinct values are binned\n"
    "                         exactly (default: 8192)\n"
    "  --values               also store the raw feature values (4 bytes a value), for\n"
    "                         streaming logistic regression\n"
    "  --block-rows N         rows coded per block in the second pass (default: 65536)\n"
    "\n";

enum { OPT_MAX_BIN = 7001, OPT_MAX_CAT_LEVELS, OPT_SKETCH_SIZE, OPT_VALUES, OPT_BLOCK_ROWS };

static double now(void)
{
    struct timespec ts;
    clock_gettime(CLOCK_MONOTONIC, &ts);
    return (double)ts.tv_sec + 1e-9 * (double)ts.tv_nsec;
}

int cmd_bin(int argc, char **argv)
{
    static const struct option options[] = {
        CLI_COMMON_OPTIONS,
        {"output", required_argument, NULL, 'o'},
        {"max-bin", required_argument, NULL, OPT_MAX_BIN},
        {"max-cat-levels", required_argument, NULL, OPT_MAX_CAT_LEVELS},
        {"sketch-size", required_argument, NULL, OPT_SKETCH_SIZE},
        {"values", no_argument, NULL, OPT_VALUES},
        {"block-rows", required_argument, NULL, OPT_BLOCK_ROWS},
        {NULL, 0, NULL, 0}};
    cli_common common;
    cli_common_init(&common);
    st_bin_options bo = st_bin_options_default();
    const char *out_path = NULL;
    int code;
    long v;
    optind = 1;
    while ((code = cli_getopt("bin", argc, argv, "qho:", options)) != -1) {
        if (code == CLI_GETOPT_USAGE)
            return EXIT_USAGE;
        int handled = cli_common_option(&common, code, optarg);
        if (handled < 0)
            return EXIT_USAGE;
        if (handled)
            continue;
        switch (code) {
        case 'o':
            out_path = optarg;
            break;
        case 'h':
            printf("%s%s", bin_help, cli_common_help);
            return EXIT_OK;
        case OPT_MAX_BIN:
            if (!cli_parse_int(optarg, 2, 65535, &v))
                return cli_usage_error("bin", "--max-bin '%s': expected an integer from 2 to "
                                       "65535", optarg);
            bo.max_bin = (int)v;
            break;
        case OPT_MAX_CAT_LEVELS:
            if (!cli_parse_int(optarg, 0, 2147483647L, &v))
                return cli_usage_error("bin", "--max-cat-levels '%s': expected an integer >= 0",
                                       optarg);
            bo.max_cat_levels = (int)v;
            break;
        case OPT_SKETCH_SIZE:
            if (!cli_parse_int(optarg, 16, 1L << 26, &v))
                return cli_usage_error("bin", "--sketch-size '%s': expected an integer from 16 "
                                       "to 67108864", optarg);
            bo.sketch_size = (size_t)v;
            break;
        case OPT_VALUES:
            bo.store_values = 1;
            break;
        case OPT_BLOCK_ROWS:
            if (!cli_parse_int(optarg, 1, 1L << 24, &v))
                return cli_usage_error("bin", "--block-rows '%s': expected an integer from 1 "
                                       "to 16777216", optarg);
            bo.block_rows = (size_t)v;
            break;
        default:
            return cli_usage_error("bin", "unknown option");
        }
    }
    if (optind != argc - 1)
        return cli_usage_error("bin", "expected one DATA file, got %d", argc - optind);
    if (cli_common_check("bin", &common) != EXIT_OK)
        return EXIT_USAGE;
    if (common.format == FORMAT_CSV || common.format == FORMAT_MARKDOWN)
        return cli_usage_error("bin", "--format %s: the binning report is text or json",
                               common.format == FORMAT_CSV ? "csv" : "markdown");
    if (out_path == NULL)
        return cli_usage_error("bin", "-o FILE is required");
    const char *data_path = cli_data_path(argv[optind]);
    const cli_file in[] = {{"DATA", data_path}, {"--weight-file", common.weight_file}};
    const cli_file out[] = {{"-o", out_path}};
    const int checked = cli_check_files(in, 2, out, 1);
    if (checked != EXIT_OK)
        return checked;
    st_read_options opt = cli_read_options(&common);
    opt.label_required = 1;
    st_bin_report rep;
    st_error err;
    const double t0 = now();
    if (cli_progress_on()) {
        cli_progress_begin("bin", 0, "MiB");
        bo.progress = cli_progress_bin;
    }
    st_status rc = st_bin_file(data_path, &opt, &bo, out_path, &rep, &err);
    cli_progress_end();
    if (rc != ST_OK)
        return cli_fail(&err, rc);
    cli_warn_binned(&rep, data_path);
    const double secs = now() - t0;
    if (common.format == FORMAT_JSON) {
        printf("{\"rows\": %zu, \"features\": %zu, \"bins\": %zu, \"inexact_features\": %zu, "
               "\"max_rank_error\": %.6g, \"rows_skipped\": %zu, \"bytes_read\": %llu, \"bytes_written\": %llu, "
               "\"passes\": %d, \"seconds\": %.3f}\n",
               rep.n_rows, rep.n_features, rep.total_bins, rep.n_inexact, rep.max_rank_error,
               rep.rows_skipped,
               (unsigned long long)rep.bytes_read, (unsigned long long)rep.bytes_written,
               rep.passes, secs);
    } else if (!common.quiet) {
        fprintf(stderr, "binned %zu rows x %zu features (%zu bins; %zu numeric feature%s "
                "binned from an approximate sketch) in %.2f s, %d passes reading %llu bytes in all; "
                "wrote %s (%llu bytes)\n",
                rep.n_rows, rep.n_features, rep.total_bins, rep.n_inexact,
                rep.n_inexact == 1 ? "" : "s", secs, rep.passes,
                (unsigned long long)rep.bytes_read, out_path,
                (unsigned long long)rep.bytes_written);
        if (rep.n_inexact > 0)
            fprintf(stderr, "approximate bins: every bin boundary is within %.3g%% of the "
                    "rows of its exact place (the sketches' largest rank error; --sketch-size "
                    "%zu)\n", 100 * rep.max_rank_error, bo.sketch_size);
        if (rep.rows_skipped > 0)
            fprintf(stderr, "skipped %zu rows without a label\n", rep.rows_skipped);
    }
    return EXIT_OK;
}
