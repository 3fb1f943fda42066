/* stratum drift --fail-on: rules that make the command exit with EXIT_DRIFT (3), for
 * schedulers and pipelines that must stop on drifted data. */
#include <math.h>
#include <stdlib.h>
#include <string.h>

#include "drift.h"

const char drift_fail_help[] =
    "--fail-on RULES: comma-separated rules METRIC OP NUMBER, OP one of > >= < <=; the\n"
    "command exits with 3 when any rule holds for any column (each one that holds is\n"
    "named on stderr). METRIC, per column:\n"
    "  psi              the column's PSI                      e.g. psi>0.25\n"
    "  ks-p             numeric columns: KS p-value            e.g. ks-p<0.001\n"
    "  ks               numeric columns: KS statistic D\n"
    "  chi2-p           categorical columns: chi-square p-value\n"
    "  missing-change   |missing share in NEW - in REFERENCE|  e.g. missing-change>0.05\n"
    "  new-levels       rows of NEW with a level REFERENCE never has\n"
    "and with --model, once: score-psi (the scores' PSI), auc-drop (ROC-AUC on REFERENCE\n"
    "minus on NEW; both files labelled), auc-p (DeLong p-value of the AUC change). A\n"
    "model rule without --model is a usage error (exit 2); one that cannot be checked\n"
    "(a file without labels, or of one class) is named on stderr and the command exits\n"
    "with 1 after writing the report.\n";

static const char *const column_metrics[] = {"psi", "ks-p", "ks", "chi2-p", "missing-change",
                                             "new-levels"};
static const char *const model_metrics[] = {"score-psi", "auc-drop", "auc-p"};

static int known(const char *name, int *is_model)
{
    for (size_t k = 0; k < sizeof column_metrics / sizeof *column_metrics; k++)
        if (strcmp(name, column_metrics[k]) == 0)
            return *is_model = 0, 1;
    for (size_t k = 0; k < sizeof model_metrics / sizeof *model_metrics; k++)
        if (strcmp(name, model_metrics[k]) == 0)
            return *is_model = 1, 1;
    return 0;
}

int drift_rules_parse(drift_rules *rules, const char *arg, int have_model)
{
    (void)have_model;
    const char *s = arg;
    while (*s != '\0') {
        s += strspn(s, " ");
        size_t len = strcspn(s, ",");
        char item[96];
        if (len == 0 || len >= sizeof item || rules->n == sizeof rules->rule / sizeof *rules->rule) {
            cli_usage_error("drift", "--fail-on '%s': expected rules such as psi>0.25 "
                            "separated by commas (at most 16)", arg);
            return 0;
        }
        memcpy(item, s, len);
        item[len] = '\0';
        drift_rule *r = &rules->rule[rules->n];
        size_t m = strcspn(item, "<>");
        const char *op = item + m;
        size_t oplen = op[0] != '\0' && op[1] == '=' ? 2 : 1;
        int is_model;
        double v;
        char name[32];
        size_t nlen = m < sizeof name ? m : sizeof name - 1;
        memcpy(name, item, nlen);
        name[nlen] = '\0';
        while (nlen > 0 && name[nlen - 1] == ' ')
            name[--nlen] = '\0';
        if (*op == '\0' || !known(name, &is_model) ||
            !cli_parse_double(op + oplen + strspn(op + oplen, " "), &v) || !isfinite(v)) {
            cli_usage_error("drift", "--fail-on '%s': expected METRIC OP NUMBER with METRIC "
                            "one of psi, ks-p, ks, chi2-p, missing-change, new-levels, "
                            "score-psi, auc-drop, auc-p and OP one of > >= < <= (e.g. "
                            "psi>0.25)", item);
            return 0;
        }
        memcpy(r->metric, name, nlen + 1);
        memcpy(r->op, op, oplen);
        r->op[oplen] = '\0';
        r->value = v;
        rules->n++;
        s += len + (s[len] == ',');
    }
    return 1;
}

static int holds(const drift_rule *r, double x)
{
    if (isnan(x))
        return 0;
    if (strcmp(r->op, ">") == 0)
        return x > r->value;
    if (strcmp(r->op, ">=") == 0)
        return x >= r->value;
    if (strcmp(r->op, "<") == 0)
        return x < r->value;
    return x <= r->value;
}

static double column_value(const char *metric, const st_drift_feature *f)
{
    if (strcmp(metric, "psi") == 0)
        return f->psi;
    if (strcmp(metric, "ks-p") == 0)
        return f->ks_pvalue;
    if (strcmp(metric, "ks") == 0)
        return f->ks_statistic;
    if (strcmp(metric, "chi2-p") == 0)
        return f->chi2_pvalue;
    if (strcmp(metric, "missing-change") == 0)
        return fabs(f->missing_new - f->missing_reference);
    return (double)f->new_level_rows;
}

const drift_rule *drift_rules_model_rule(const drift_rules *rules)
{
    for (size_t k = 0; k < rules->n; k++) {
        int is_model = 0;
        if (known(rules->rule[k].metric, &is_model) && is_model)
            return &rules->rule[k];
    }
    return NULL;
}

/* The model metric's value; NaN with *why set when it is undefined. */
static double model_value(const char *metric, const st_drift_model_result *m, const char **why)
{
    *why = "it is undefined";
    if (strcmp(metric, "score-psi") == 0)
        return m->score_psi;
    if (!m->labelled_reference || !m->labelled_new) {
        *why = !m->labelled_new ? "NEW has no labels (no label column, or blank label cells)"
                                : "REFERENCE has no labels";
        return NAN;
    }
    const double ref = m->ev_reference.value[ST_METRIC_ROC_AUC];
    const double cur = m->ev_new.value[ST_METRIC_ROC_AUC];
    if (isnan(ref) || isnan(cur)) {
        *why = "the ROC-AUC is undefined (a file holds one class only)";
        return NAN;
    }
    if (strcmp(metric, "auc-drop") == 0)
        return ref - cur;
    return m->auc_p;
}

size_t drift_rules_check(const drift_rules *rules, const st_drift_result *r,
                         const st_drift_model_result *m, const char *where,
                         size_t *unchecked)
{
    *unchecked = 0;
    char at[64] = "";
    if (where != NULL)
        snprintf(at, sizeof at, "%s: ", where);
    size_t n = 0;
    for (size_t k = 0; k < rules->n; k++) {
        const drift_rule *rule = &rules->rule[k];
        int is_model = 0;
        known(rule->metric, &is_model);
        if (is_model) {
            const char *why = "there is no --model";
            double x = m != NULL ? model_value(rule->metric, m, &why) : NAN;
            if (isnan(x)) {
                fprintf(stderr, "stratum: drift: %s--fail-on %s%s%g cannot be checked: %s\n",
                        at, rule->metric, rule->op, rule->value, why);
                (*unchecked)++;
            } else if (holds(rule, x)) {
                fprintf(stderr, "stratum: drift: %s%s%s%g holds: %s = %.6g\n", at, rule->metric,
                        rule->op, rule->value, rule->metric, x);
                n++;
            }
            continue;
        }
        for (size_t j = 0; j < r->n_features; j++) {
            double x = column_value(rule->metric, &r->features[j]);
            if (holds(rule, x)) {
                fprintf(stderr, "stratum: drift: %s%s%s%g holds for column '%s': %s = %.6g\n",
                        at, rule->metric, rule->op, rule->value, r->features[j].name,
                        rule->metric, x);
                n++;
            }
        }
    }
    return n;
}
