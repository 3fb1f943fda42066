/* stratum-gen: seeded synthetic data for tests and benchmarks.
 *
 *   stratum-gen higgs|clinical --rows N [--seed S] [--format csv|libsvm] [-o FILE]
 *   stratum-gen sparse --rows N [--features F] [--entries K] [--values binary|count] ...
 *   stratum-gen notes --rows N [--words W] [--numeric K] ...
 *
 * Rows are generated and written one at a time, so memory stays small whatever N is. The
 * random numbers come from our own xoshiro256** generator (seeded with splitmix64), never
 * from rand(), so the same seed gives the same file on every machine with IEEE doubles.
 *
 * higgs     28 dense numeric features shaped like the UCI HIGGS data set: 21 kinematic
 *           features (a lepton, missing energy and four jets) and 7 invariant masses
 *           derived from them. The label follows a nonlinear logistic model (mass peaks,
 *           b-tags, angles), about 50% positive.
 * clinical  A hospital-admission table with about 2% positives: 5 categorical columns
 *           (sex, site, admission type, insurance, a diagnosis code with 200 levels),
 *           19 vitals and labs with realistic ranges and missing values, 7 0/1 flags. The
 *           label follows a logistic model with interactions and per-level effects.
 * sparse    Diagnosis-code-like features in LibSVM (gen_sparse.c): memory is a few arrays
 *           of F values, whatever N is.
 * notes     Clinical-note-like free text with a planted signal (gen_notes.c), for the text
 *           featurizer: memory is a fixed vocabulary, whatever N and W are.
 *
 * This program does not use libstratum: it only needs the C library and libm. */
#include <errno.h>
#include <math.h>
#include <stdarg.h>
#include <stdint.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include "gen_notes.h"
#include "gen_rng.h"
#include "gen_sparse.h"

#ifndef M_PI
#define M_PI 3.14159265358979323846
#endif

enum { EXIT_OK = 0, EXIT_FAILED = 1, EXIT_USAGE = 2 };

static const char usage_text[] =
    "Usage: stratum-gen higgs|clinical|sparse|notes --rows N [options]\n"
    "\n"
    "Writes a seeded synthetic data set, one row at a time (constant memory).\n"
    "\n"
    "Data sets:\n"
    "  higgs                  28 numeric features like UCI HIGGS, ~50% positives\n"
    "  clinical               31 mixed columns (vitals, labs with missing values,\n"
    "                         0/1 flags, categorical strings), ~2% positives\n"
    "  sparse                 diagnosis-code-like features in LibSVM (only): each row\n"
    "                         lists --entries distinct features of --features, drawn\n"
    "                         with Zipf-like frequencies (a few codes in many rows, most\n"
    "                         in very few), indices 1-based; the label follows a\n"
    "                         logistic model of one feature in 20 (~10% positives).\n"
    "                         The features' frequencies, indices and effects are the\n"
    "                         same whatever --seed is, so files of two seeds make a\n"
    "                         training and a test set\n"
    "  notes                  clinical-note-like free text (CSV only): columns id, age,\n"
    "                         lab1..labK, note, label; each note is --words words of\n"
    "                         filler sentences with findings put in at random places,\n"
    "                         some negated ('no chest pain'); the label follows a\n"
    "                         logistic model of the findings that are present (10 raise\n"
    "                         the risk, 6 lower it), age and lab1 (~20% positives). The\n"
    "                         vocabulary and the findings' effects are the same whatever\n"
    "                         --seed is\n"
    "\n"
    "Options:\n"
    "  --rows N               number of data rows (required, at least 1)\n"
    "  --seed S               random seed, 0 to 2^64-1 (default: 42)\n"
    "  --format csv|libsvm    output format (default: csv). CSV has a header line with\n"
    "                         'label' last and empty fields for missing values. LibSVM\n"
    "                         writes 'label index:value ...' with 1-based indices in\n"
    "                         the CSV column order; zeros and missing values are left\n"
    "                         out and categorical columns become 0-based level codes.\n"
    "  --positive-rate R      expected share of positive labels, 0 < R < 1\n"
    "                         (default: 0.5 for higgs, 0.02 for clinical, 0.1 for\n"
    "                         sparse, 0.2 for notes)\n"
    "  --features F           sparse: columns (default: 50000, at most 1000000)\n"
    "  --entries K            sparse: entries per row (default: 30, at most F / 2)\n"
    "  --values binary|count  sparse: every entry 1, or counts 1..9 (default: binary)\n"
    "  --words W              notes: words per note (default: 60, at most 1000000)\n"
    "  --numeric K            notes: lab columns beside age (default: 0, at most 100)\n"
    "  -o, --output FILE      write to FILE (default, or '-': standard output; ./- names\n"
    "                         a file called '-')\n"
    "  -h, --help             show this help\n"
    "\n"
    "The same seed gives the same output on every machine.\n"
    "Exit codes: 0 success, 1 I/O failure, 2 usage error.\n";

/* ---- random numbers (gen_rng.h) ---------------------------------------------------------- */

static double uniform_between(rng *r, double lo, double hi) { return lo + (hi - lo) * uniform(r); }

static int bernoulli(rng *r, double p) { return uniform(r) < p; }

/* Standard normal by Box-Muller (one value per call; the second is dropped for simplicity). */
static double normal(rng *r)
{
    double u1 = 1.0 - uniform(r); /* (0, 1]: log is finite */
    double u2 = uniform(r);
    return sqrt(-2.0 * log(u1)) * cos(2.0 * M_PI * u2);
}

static double gaussian(rng *r, double mean, double sd) { return mean + sd * normal(r); }

static double exponential(rng *r, double mean) { return -mean * log(1.0 - uniform(r)); }

/* Log-normal with the given median and log-scale spread. */
static double log_normal(rng *r, double median, double log_sd)
{
    return median * exp(log_sd * normal(r));
}

/* Index drawn from cumulative weights cum[0..n-1] (cum[n-1] is the total). */
static int pick(rng *r, const double *cum, int n)
{
    double u = uniform(r) * cum[n - 1];
    for (int i = 0; i < n - 1; i++)
        if (u < cum[i])
            return i;
    return n - 1;
}

static double sigmoid(double x) { return 1.0 / (1.0 + exp(-x)); }

static double clamp(double x, double lo, double hi) { return x < lo ? lo : (x > hi ? hi : x); }

static double round_to(double x, int decimals)
{
    double scale = pow(10.0, decimals);
    return round(x * scale) / scale;
}

/* ---- intercept calibration ------------------------------------------------------------- */

/* Each data set's label is Bernoulli(sigmoid(intercept + score)). The intercept is chosen
 * so the expected positive rate over a fixed sample of scores is the one asked for. The
 * sample uses its own fixed seed: the model is the same whatever --seed is. */
enum { CALIBRATION_ROWS = 16384 };

typedef double (*score_fn)(rng *r);

static double mean_rate(const double *scores, int n, double intercept)
{
    double sum = 0.0;
    for (int i = 0; i < n; i++)
        sum += sigmoid(intercept + scores[i]);
    return sum / n;
}

static double calibrate_intercept(score_fn sample_score, double positive_rate)
{
    static double scores[CALIBRATION_ROWS];
    rng r;
    rng_seed(&r, UINT64_C(0x5EED0F5CA1AB1E));
    for (int i = 0; i < CALIBRATION_ROWS; i++)
        scores[i] = sample_score(&r);
    double lo = -40.0, hi = 40.0; /* the rate rises with the intercept: bisect */
    for (int it = 0; it < 60; it++) {
        double mid = 0.5 * (lo + hi);
        if (mean_rate(scores, CALIBRATION_ROWS, mid) < positive_rate)
            lo = mid;
        else
            hi = mid;
    }
    return 0.5 * (lo + hi);
}

/* ---- output: one writer for CSV and LibSVM --------------------------------------------- */

typedef struct writer {
    FILE *f;
    int libsvm;
    int column; /* feature columns written in this row: the 1-based LibSVM index of the last */
} writer;

static void write_header(writer *w, const char *const *names, int n)
{
    if (w->libsvm)
        return;
    for (int i = 0; i < n; i++)
        fprintf(w->f, "%s,", names[i]);
    fputs("label\n", w->f);
}

/* CSV puts the label last, LibSVM first. */
static void begin_row(writer *w, int label)
{
    w->column = 0;
    if (w->libsvm)
        fputc(label ? '1' : '0', w->f);
}

static void end_row(writer *w, int label)
{
    if (!w->libsvm)
        fputc(label ? '1' : '0', w->f);
    fputc('\n', w->f);
}

/* v with `decimals` digits after the point, or with %.6g when decimals < 0. */
static void print_value(FILE *f, double v, int decimals)
{
    if (decimals < 0)
        fprintf(f, "%.6g", v);
    else
        fprintf(f, "%.*f", decimals, v);
}

/* The next feature column, a number; NaN is a missing value. */
static void write_number(writer *w, double v, int decimals)
{
    int index = ++w->column;
    if (w->libsvm) { /* sparse: zeros and missing values are left out */
        if (!isnan(v) && v != 0.0) {
            fprintf(w->f, " %d:", index);
            print_value(w->f, v, decimals);
        }
        return;
    }
    if (!isnan(v)) /* CSV: a missing value is an empty field */
        print_value(w->f, v, decimals);
    fputc(',', w->f);
}

/* The next feature column, categorical: its text in CSV, its 0-based level code in LibSVM
 * (left out when 0, like any zero); code < 0 is missing. */
static void write_level(writer *w, const char *text, int code)
{
    int index = ++w->column;
    if (w->libsvm) {
        if (code > 0)
            fprintf(w->f, " %d:%d", index, code);
        return;
    }
    if (code >= 0)
        fputs(text, w->f);
    fputc(',', w->f);
}

/* ---- higgs ----------------------------------------------------------------------------- */

enum { HIGGS_FEATURES = 28, N_JETS = 4 };

static const char *const higgs_names[HIGGS_FEATURES] = {
    "lepton_pT", "lepton_eta", "lepton_phi", "missing_energy_magnitude", "missing_energy_phi",
    "jet1_pt", "jet1_eta", "jet1_phi", "jet1_btag",
    "jet2_pt", "jet2_eta", "jet2_phi", "jet2_btag",
    "jet3_pt", "jet3_eta", "jet3_phi", "jet3_btag",
    "jet4_pt", "jet4_eta", "jet4_phi", "jet4_btag",
    "m_jj", "m_jjj", "m_lv", "m_jlv", "m_bb", "m_wbb", "m_wwbb"};

typedef struct particle {
    double pt, eta, phi;
} particle;

typedef struct four_vector {
    double e, px, py, pz;
} four_vector;

typedef struct higgs_event {
    particle lepton, met;
    particle jet[N_JETS];
    double btag[N_JETS];
    double m_jj, m_jjj, m_lv, m_jlv, m_bb, m_wbb, m_wwbb;
} higgs_event;

/* Pseudorapidity: normal, redrawn outside the detector's |eta| < 2.5. */
static double detector_eta(rng *r)
{
    double eta;
    do
        eta = normal(r);
    while (fabs(eta) >= 2.5);
    return eta;
}

static double azimuth(rng *r) { return uniform_between(r, -M_PI, M_PI); }

/* The three b-tag levels found in HIGGS. */
static double btag(rng *r)
{
    static const double levels[3] = {0.0, 1.086538, 2.173076};
    static const double cum[3] = {0.55, 0.70, 1.0};
    return levels[pick(r, cum, 3)];
}

static four_vector momentum(particle p)
{
    four_vector v = {p.pt * cosh(p.eta), p.pt * cos(p.phi), p.pt * sin(p.phi),
                     p.pt * sinh(p.eta)};
    return v;
}

static four_vector add(four_vector a, particle p)
{
    four_vector b = momentum(p);
    four_vector s = {a.e + b.e, a.px + b.px, a.py + b.py, a.pz + b.pz};
    return s;
}

/* Invariant mass of massless particles ps[0..n-1]. */
static double invariant_mass(const particle *ps, int n)
{
    four_vector s = {0.0, 0.0, 0.0, 0.0};
    for (int i = 0; i < n; i++)
        s = add(s, ps[i]);
    double m2 = s.e * s.e - s.px * s.px - s.py * s.py - s.pz * s.pz;
    return m2 > 0.0 ? sqrt(m2) : 0.0;
}

/* Jets with pt in decreasing order, as HIGGS lists them. */
static void draw_jets(rng *r, higgs_event *ev)
{
    static const double mean_pt[N_JETS] = {1.0, 0.8, 0.6, 0.45};
    for (int k = 0; k < N_JETS; k++) {
        particle j = {0.25 + exponential(r, mean_pt[k]), detector_eta(r), azimuth(r)};
        double b = btag(r);
        int i = k;
        for (; i > 0 && ev->jet[i - 1].pt < j.pt; i--) {
            ev->jet[i] = ev->jet[i - 1];
            ev->btag[i] = ev->btag[i - 1];
        }
        ev->jet[i] = j;
        ev->btag[i] = b;
    }
}

/* The two jets with the highest b-tags (the earlier, harder jet wins a tie). */
static void b_jets(const higgs_event *ev, particle out[2])
{
    int first = 0, second = 1;
    for (int k = 1; k < N_JETS; k++) {
        if (ev->btag[k] > ev->btag[first]) {
            second = first;
            first = k;
        } else if (k != second && ev->btag[k] > ev->btag[second]) {
            second = k;
        }
    }
    out[0] = ev->jet[first];
    out[1] = ev->jet[second];
}

/* The seven high-level features, scaled to be about 1 like HIGGS's. */
static void derive_masses(higgs_event *ev)
{
    particle lv[2] = {ev->lepton, ev->met};
    particle jlv[3] = {ev->jet[0], ev->lepton, ev->met};
    particle bb[2];
    b_jets(ev, bb);
    particle wbb[3] = {bb[0], bb[1], ev->lepton};
    particle all[N_JETS + 2] = {ev->jet[0], ev->jet[1], ev->jet[2], ev->jet[3], ev->lepton,
                                ev->met};
    ev->m_jj = invariant_mass(ev->jet, 2) / 2.0;
    ev->m_jjj = invariant_mass(ev->jet, 3) / 3.0;
    ev->m_lv = invariant_mass(lv, 2) / 1.5;
    ev->m_jlv = invariant_mass(jlv, 3) / 3.0;
    ev->m_bb = invariant_mass(bb, 2) / 2.0;
    ev->m_wbb = invariant_mass(wbb, 3) / 3.0;
    ev->m_wwbb = invariant_mass(all, N_JETS + 2) / 6.0;
}

static void draw_higgs_event(rng *r, higgs_event *ev)
{
    ev->lepton = (particle){0.3 + exponential(r, 0.7), detector_eta(r), azimuth(r)};
    ev->met = (particle){exponential(r, 1.0), 0.0, azimuth(r)};
    draw_jets(r, ev);
    derive_masses(ev);
}

static double bump(double x, double centre, double width)
{
    double z = (x - centre) / width;
    return exp(-0.5 * z * z);
}

/* Log-odds of "signal" before the intercept: mass peaks, b-tags, the lepton-MET angle. */
static double higgs_score(const higgs_event *ev)
{
    int n_btag = 0;
    for (int k = 0; k < N_JETS; k++)
        n_btag += ev->btag[k] > 0.0;
    double dphi = ev->lepton.phi - ev->met.phi;
    return 2.2 * bump(ev->m_bb, 0.9, 0.25) + 1.2 * bump(ev->m_jj, 0.75, 0.2) +
           0.45 * (n_btag - 2) - 0.8 * ev->m_wwbb + 0.6 * cos(dphi) * ev->met.pt -
           0.25 * ev->lepton.eta * ev->lepton.eta + 0.3 * ev->lepton.pt;
}

static double sample_higgs_score(rng *r)
{
    higgs_event ev;
    draw_higgs_event(r, &ev);
    return higgs_score(&ev);
}

static void write_higgs_row(writer *w, const higgs_event *ev, int label)
{
    begin_row(w, label);
    write_number(w, ev->lepton.pt, -1);
    write_number(w, ev->lepton.eta, -1);
    write_number(w, ev->lepton.phi, -1);
    write_number(w, ev->met.pt, -1);
    write_number(w, ev->met.phi, -1);
    for (int k = 0; k < N_JETS; k++) {
        write_number(w, ev->jet[k].pt, -1);
        write_number(w, ev->jet[k].eta, -1);
        write_number(w, ev->jet[k].phi, -1);
        write_number(w, ev->btag[k], -1);
    }
    const double masses[7] = {ev->m_jj, ev->m_jjj, ev->m_lv,  ev->m_jlv,
                              ev->m_bb, ev->m_wbb, ev->m_wwbb};
    for (int i = 0; i < 7; i++)
        write_number(w, masses[i], -1);
    end_row(w, label);
}

static void generate_higgs(writer *w, rng *r, unsigned long long rows, double positive_rate)
{
    double intercept = calibrate_intercept(sample_higgs_score, positive_rate);
    write_header(w, higgs_names, HIGGS_FEATURES);
    for (unsigned long long i = 0; i < rows; i++) {
        higgs_event ev;
        draw_higgs_event(r, &ev);
        int label = bernoulli(r, sigmoid(intercept + higgs_score(&ev)));
        write_higgs_row(w, &ev, label);
    }
}

/* ---- clinical -------------------------------------------------------------------------- */

enum { SEX, SITE, ADMISSION, INSURANCE, DIAGNOSIS, N_CATEGORICAL };

enum {
    AGE, BMI, HEART_RATE, SBP, DBP, RESP_RATE, TEMP_C, SPO2,
    WBC, HEMOGLOBIN, PLATELETS, SODIUM, POTASSIUM, CREATININE, BUN, GLUCOSE, LACTATE,
    ALBUMIN, BILIRUBIN, N_NUMERIC
};

enum { DIABETES, HYPERTENSION, CKD, COPD, CHF, CANCER, PRIOR_ADMISSION, N_FLAGS };

enum { N_SITES = 12, N_DIAGNOSES = 200 };

static const char *const categorical_names[N_CATEGORICAL] = {
    "sex", "site", "admission_type", "insurance", "diagnosis"};

/* Name, digits after the point, plausible range, and share of missing values. */
static const struct numeric_spec {
    const char *name;
    int decimals;
    double lo, hi;
    double missing;
} numeric_specs[N_NUMERIC] = {
    {"age", 0, 18, 100, 0.0},           {"bmi", 1, 14, 70, 0.15},
    {"heart_rate", 0, 30, 220, 0.01},   {"sbp", 0, 60, 240, 0.015},
    {"dbp", 0, 30, 140, 0.015},         {"resp_rate", 0, 6, 50, 0.02},
    {"temp_c", 1, 34, 42, 0.03},        {"spo2", 0, 60, 100, 0.02},
    {"wbc", 1, 0.5, 60, 0.04},          {"hemoglobin", 1, 5, 20, 0.04},
    {"platelets", 0, 10, 900, 0.05},    {"sodium", 0, 115, 165, 0.03},
    {"potassium", 1, 2.2, 7.5, 0.03},   {"creatinine", 2, 0.3, 12, 0.03},
    {"bun", 0, 3, 150, 0.04},           {"glucose", 0, 40, 700, 0.05},
    {"lactate", 1, 0.3, 20, 0.55},      {"albumin", 1, 1.2, 5.5, 0.25},
    {"bilirubin", 1, 0.1, 30, 0.30},
};

static const char *const flag_names[N_FLAGS] = {
    "diabetes", "hypertension", "ckd", "copd", "chf", "cancer", "prior_admission_30d"};

static const char *const sex_levels[2] = {"F", "M"};
static const double sex_cum[2] = {0.52, 1.0};

static const char *const admission_levels[4] = {"emergency", "elective", "urgent", "transfer"};
static const double admission_cum[4] = {0.55, 0.80, 0.95, 1.0};
static const double admission_effect[4] = {0.4, -0.9, 0.1, 0.8};

static const char *const insurance_levels[4] = {"medicare", "medicaid", "private", "self_pay"};

static const char *const site_levels[N_SITES] = {
    "site_01", "site_02", "site_03", "site_04", "site_05", "site_06",
    "site_07", "site_08", "site_09", "site_10", "site_11", "site_12"};
static const double site_cum[N_SITES] = {0.16, 0.29, 0.40, 0.50, 0.59, 0.67,
                                         0.74, 0.81, 0.87, 0.92, 0.96, 1.0};
static const double site_effect[N_SITES] = {0.0,  0.15, -0.2, 0.3,  -0.1, 0.25,
                                            -0.3, 0.1,  0.4,  -0.15, 0.05, 0.5};

typedef struct patient {
    int level[N_CATEGORICAL]; /* codes; -1 = missing */
    double num[N_NUMERIC];    /* NaN = missing */
    int flag[N_FLAGS];
    double severity;          /* hidden acuity driving vitals and labs */
} patient;

typedef struct diagnosis_table {
    char code[N_DIAGNOSES][8]; /* ICD-10-like, e.g. "I48.3" */
    double cum[N_DIAGNOSES];   /* Zipf-like frequencies */
    double effect[N_DIAGNOSES];
} diagnosis_table;

static diagnosis_table diagnoses;

/* A fixed table, independent of --seed: the codes, how common each is, and its risk. */
static void init_diagnoses(void)
{
    static const char chapters[] = "ACEFIJKNRS";
    uint64_t h = UINT64_C(0xD1A6);
    double total = 0.0;
    for (int k = 0; k < N_DIAGNOSES; k++) {
        snprintf(diagnoses.code[k], sizeof diagnoses.code[k], "%c%02d.%d", chapters[k / 20],
                 10 + (k % 20) * 4, (k * 7) % 10);
        int rank = (k * 73) % N_DIAGNOSES; /* scatter frequent codes across chapters */
        total += 1.0 / pow(rank + 1.0, 1.1);
        diagnoses.cum[k] = total;
        double u = (double)(splitmix64(&h) >> 11) * 0x1.0p-53;
        diagnoses.effect[k] = 1.6 * (u - 0.5) + (k % 37 == 5 ? 1.5 : 0.0);
    }
}

static void draw_categories(rng *r, patient *p)
{
    int age = (int)p->num[AGE];
    p->level[SEX] = pick(r, sex_cum, 2);
    p->level[SITE] = pick(r, site_cum, N_SITES);
    p->level[ADMISSION] = pick(r, admission_cum, 4);
    double medicare = age >= 65 ? 0.80 : 0.12;
    double insurance_cum[4] = {medicare, medicare + 0.12, 0.95, 1.0};
    p->level[INSURANCE] = bernoulli(r, 0.02) ? -1 : pick(r, insurance_cum, 4);
    p->level[DIAGNOSIS] = pick(r, diagnoses.cum, N_DIAGNOSES);
}

static void draw_history(rng *r, patient *p)
{
    double age = clamp(gaussian(r, 62.0, 17.0), 18.0, 100.0);
    double old = (age - 60.0) / 20.0;
    p->num[AGE] = age;
    p->flag[DIABETES] = bernoulli(r, clamp(0.22 + 0.08 * old, 0.02, 0.6));
    p->flag[HYPERTENSION] = bernoulli(r, clamp(0.45 + 0.2 * old, 0.05, 0.9));
    p->flag[CKD] = bernoulli(r, clamp(0.12 + 0.08 * old + 0.08 * p->flag[DIABETES], 0.01, 0.6));
    p->flag[COPD] = bernoulli(r, clamp(0.10 + 0.04 * old, 0.01, 0.5));
    p->flag[CHF] = bernoulli(r, clamp(0.09 + 0.07 * old, 0.01, 0.5));
    p->flag[CANCER] = bernoulli(r, 0.12);
    p->flag[PRIOR_ADMISSION] = bernoulli(r, 0.08 + 0.05 * p->flag[CHF] + 0.05 * p->flag[CANCER]);
}

/* Sicker patients (diagnosis risk, emergency or transfer admission) have worse vitals. */
static void draw_severity(rng *r, patient *p)
{
    p->severity = normal(r) + 0.5 * diagnoses.effect[p->level[DIAGNOSIS]] +
                  0.5 * admission_effect[p->level[ADMISSION]];
}

static void draw_vitals(rng *r, patient *p)
{
    double s = p->severity;
    double *v = p->num;
    v[BMI] = log_normal(r, 27.5, 0.2);
    v[HEART_RATE] = gaussian(r, 84.0 + 8.0 * s, 15.0);
    v[SBP] = gaussian(r, 128.0 - 8.0 * s + 6.0 * p->flag[HYPERTENSION], 19.0);
    v[DBP] = 0.45 * v[SBP] + gaussian(r, 18.0, 8.0);
    v[RESP_RATE] = gaussian(r, 17.0 + 2.0 * s + 2.0 * p->flag[COPD], 3.5);
    v[TEMP_C] = gaussian(r, 36.9 + 0.3 * s, 0.5);
    v[SPO2] = 100.0 - log_normal(r, 2.5 + 1.0 * p->flag[COPD], 0.5 + 0.1 * fabs(s));
}

static void draw_labs(rng *r, patient *p)
{
    double s = p->severity;
    double *v = p->num;
    v[WBC] = log_normal(r, 8.0 * exp(0.15 * s), 0.35);
    v[HEMOGLOBIN] = gaussian(r, 12.9 + 1.4 * p->level[SEX] - 0.6 * p->flag[CKD], 1.6);
    v[PLATELETS] = log_normal(r, 240.0, 0.3);
    v[SODIUM] = gaussian(r, 139.0 - 0.8 * s, 3.5);
    v[POTASSIUM] = gaussian(r, 4.2 + 0.4 * p->flag[CKD], 0.45);
    v[CREATININE] = log_normal(r, 0.95 * exp(0.7 * p->flag[CKD] + 0.1 * s), 0.3);
    v[BUN] = log_normal(r, 15.0 * exp(0.6 * p->flag[CKD] + 0.1 * s), 0.35);
    v[GLUCOSE] = log_normal(r, 105.0 * exp(0.3 * p->flag[DIABETES]), 0.25);
    v[LACTATE] = log_normal(r, 1.3 * exp(0.25 * s), 0.4);
    v[ALBUMIN] = gaussian(r, 3.9 - 0.25 * s - 0.3 * p->flag[CANCER], 0.45);
    v[BILIRUBIN] = log_normal(r, 0.7, 0.5);
}

/* Values as printed: within range and rounded to the shown digits. */
static void tidy_numbers(patient *p)
{
    for (int i = 0; i < N_NUMERIC; i++)
        p->num[i] = round_to(clamp(p->num[i], numeric_specs[i].lo, numeric_specs[i].hi),
                             numeric_specs[i].decimals);
}

static void draw_patient(rng *r, patient *p)
{
    draw_history(r, p);
    draw_categories(r, p);
    draw_severity(r, p);
    draw_vitals(r, p);
    draw_labs(r, p);
    tidy_numbers(p);
}

/* Log-odds of the outcome before the intercept. Uses the true values, including those that
 * will be hidden as missing, as a real outcome would. */
static double clinical_score(const patient *p)
{
    const double *v = p->num;
    const int *f = p->flag;
    int emergency = p->level[ADMISSION] == 0, male = p->level[SEX] == 1;
    double z = 0.035 * (v[AGE] - 62.0) + 0.7 * log(v[LACTATE] / 1.3) +
               0.5 * log(v[CREATININE] / 0.95) + 0.6 * (v[HEART_RATE] > 110.0) +
               0.8 * (v[SBP] < 90.0) + 0.7 * (v[SPO2] < 92.0) - 0.5 * (v[ALBUMIN] - 3.9) +
               0.4 * (v[WBC] > 12.0 || v[WBC] < 4.0) + 0.02 * fabs(v[TEMP_C] - 37.0) * 10.0;
    z += 0.3 * f[CHF] + 0.25 * f[CKD] + 0.5 * f[CANCER] + 0.4 * f[PRIOR_ADMISSION];
    z += 0.6 * f[CKD] * (v[AGE] > 75.0) + 0.6 * emergency * (v[LACTATE] > 2.0) +
         0.4 * male * f[CHF] - 0.3 * f[DIABETES] * (v[GLUCOSE] < 140.0);
    z += diagnoses.effect[p->level[DIAGNOSIS]] + site_effect[p->level[SITE]] +
         admission_effect[p->level[ADMISSION]];
    return z;
}

static double sample_clinical_score(rng *r)
{
    patient p;
    draw_patient(r, &p);
    return clinical_score(&p);
}

/* Labs are missing more often when the patient looks well (they were not ordered). */
static void hide_missing(rng *r, patient *p)
{
    for (int i = 0; i < N_NUMERIC; i++) {
        double share = numeric_specs[i].missing;
        if (i == LACTATE)
            share = clamp(share - 0.15 * p->severity, 0.1, 0.95);
        if (share > 0.0 && bernoulli(r, share))
            p->num[i] = NAN;
    }
}

static const char *level_text(int column, int code)
{
    switch (column) {
    case SEX: return sex_levels[code];
    case SITE: return site_levels[code];
    case ADMISSION: return admission_levels[code];
    case INSURANCE: return insurance_levels[code];
    default: return diagnoses.code[code];
    }
}

static void write_clinical_row(writer *w, const patient *p, int label)
{
    begin_row(w, label);
    for (int c = 0; c < N_CATEGORICAL; c++) {
        int code = p->level[c];
        write_level(w, code >= 0 ? level_text(c, code) : "", code);
    }
    for (int i = 0; i < N_NUMERIC; i++)
        write_number(w, p->num[i], numeric_specs[i].decimals);
    for (int i = 0; i < N_FLAGS; i++)
        write_number(w, p->flag[i], 0);
    end_row(w, label);
}

static void write_clinical_header(writer *w)
{
    const char *names[N_CATEGORICAL + N_NUMERIC + N_FLAGS];
    int n = 0;
    for (int i = 0; i < N_CATEGORICAL; i++)
        names[n++] = categorical_names[i];
    for (int i = 0; i < N_NUMERIC; i++)
        names[n++] = numeric_specs[i].name;
    for (int i = 0; i < N_FLAGS; i++)
        names[n++] = flag_names[i];
    write_header(w, names, n);
}

static void generate_clinical(writer *w, rng *r, unsigned long long rows, double positive_rate)
{
    init_diagnoses();
    double intercept = calibrate_intercept(sample_clinical_score, positive_rate);
    write_clinical_header(w);
    for (unsigned long long i = 0; i < rows; i++) {
        patient p;
        draw_patient(r, &p);
        int label = bernoulli(r, sigmoid(intercept + clinical_score(&p)));
        hide_missing(r, &p);
        write_clinical_row(w, &p, label);
    }
}

/* ---- command line ---------------------------------------------------------------------- */

typedef enum dataset_kind {
    DATASET_NONE,
    DATASET_HIGGS,
    DATASET_CLINICAL,
    DATASET_SPARSE,
    DATASET_NOTES
} dataset_kind;

typedef struct options {
    dataset_kind dataset;
    unsigned long long rows;
    uint64_t seed;
    int libsvm;
    const char *output;
    double positive_rate; /* <= 0: the data set's default */
    int format_given;     /* --format was given */
    unsigned long long features, entries; /* sparse; 0: the defaults */
    int counts;           /* sparse: --values count */
    unsigned long long words, numeric; /* notes; words 0: the default */
    int numeric_given;
} options;

static void usage_error(const char *fmt, ...)
{
    va_list ap;
    va_start(ap, fmt);
    fputs("stratum-gen: ", stderr);
    vfprintf(stderr, fmt, ap);
    fputs(" (see stratum-gen --help)\n", stderr);
    va_end(ap);
    exit(EXIT_USAGE);
}

/* A whole decimal number without sign, or exit with a usage error. */
static unsigned long long parse_count(const char *option, const char *text)
{
    char *end;
    errno = 0;
    unsigned long long v = strtoull(text, &end, 10);
    if (text[0] < '0' || text[0] > '9' || *end != '\0' || errno == ERANGE)
        usage_error("%s needs a whole number, got '%s'", option, text);
    return v;
}

static double parse_rate(const char *text)
{
    char *end;
    double v = strtod(text, &end);
    if (end == text || *end != '\0' || !(v > 0.0 && v < 1.0))
        usage_error("--positive-rate needs a number between 0 and 1 (exclusive), got '%s'",
                    text);
    return v;
}

static int parse_values(const char *text)
{
    if (strcmp(text, "binary") != 0 && strcmp(text, "count") != 0)
        usage_error("unknown --values '%s'; expected binary or count", text);
    return strcmp(text, "count") == 0;
}

static int is_option(const char *arg, const char *name) { return strcmp(arg, name) == 0; }

/* The value of an option: "--name=value" or the next argument. */
static const char *option_value(int argc, char **argv, int *i, const char *name)
{
    const char *eq = strchr(argv[*i], '=');
    if (eq != NULL)
        return eq + 1;
    if (*i + 1 >= argc)
        usage_error("%s needs a value", name);
    return argv[++*i];
}

static void set_dataset(options *o, const char *name)
{
    if (o->dataset != DATASET_NONE)
        usage_error("one data set only, got a second: '%s'", name);
    if (strcmp(name, "higgs") == 0)
        o->dataset = DATASET_HIGGS;
    else if (strcmp(name, "clinical") == 0)
        o->dataset = DATASET_CLINICAL;
    else if (strcmp(name, "sparse") == 0)
        o->dataset = DATASET_SPARSE;
    else if (strcmp(name, "notes") == 0)
        o->dataset = DATASET_NOTES;
    else
        usage_error("unknown data set '%s'; expected higgs, clinical, sparse or notes", name);
}

static void set_format(options *o, const char *name)
{
    o->format_given = 1;
    if (strcmp(name, "csv") == 0)
        o->libsvm = 0;
    else if (strcmp(name, "libsvm") == 0)
        o->libsvm = 1;
    else
        usage_error("unknown format '%s'; expected csv or libsvm", name);
}

/* Handles argv[*i], an option; returns 0 when it is not one we know. */
static int parse_option(options *o, int argc, char **argv, int *i)
{
    char name[32];
    snprintf(name, sizeof name, "%.*s", (int)strcspn(argv[*i], "="), argv[*i]);
    if (is_option(name, "--rows"))
        o->rows = parse_count("--rows", option_value(argc, argv, i, name));
    else if (is_option(name, "--seed"))
        o->seed = parse_count("--seed", option_value(argc, argv, i, name));
    else if (is_option(name, "--format"))
        set_format(o, option_value(argc, argv, i, name));
    else if (is_option(name, "--positive-rate"))
        o->positive_rate = parse_rate(option_value(argc, argv, i, name));
    else if (is_option(name, "--features"))
        o->features = parse_count("--features", option_value(argc, argv, i, name));
    else if (is_option(name, "--entries"))
        o->entries = parse_count("--entries", option_value(argc, argv, i, name));
    else if (is_option(name, "--values"))
        o->counts = parse_values(option_value(argc, argv, i, name));
    else if (is_option(name, "--words")) {
        o->words = parse_count("--words", option_value(argc, argv, i, name));
        if (o->words == 0)
            usage_error("--words 0: a note has at least 1 word");
    }
    else if (is_option(name, "--numeric")) {
        o->numeric = parse_count("--numeric", option_value(argc, argv, i, name));
        o->numeric_given = 1;
    } else if (is_option(name, "-o") || is_option(name, "--output")) {
        o->output = option_value(argc, argv, i, name);
        if (strcmp(o->output, "-") == 0) /* standard output, the default */
            o->output = NULL;
    }
    else
        return 0;
    return 1;
}

static options parse_args(int argc, char **argv)
{
    options o = {DATASET_NONE, 0, 42, 0, NULL, 0.0, 0, 0, 0, 0, 0, 0, 0};
    for (int i = 1; i < argc; i++) {
        const char *arg = argv[i];
        if (is_option(arg, "-h") || is_option(arg, "--help")) {
            fputs(usage_text, stdout);
            exit(EXIT_OK);
        }
        if (arg[0] != '-') {
            set_dataset(&o, arg);
            continue;
        }
        if (!parse_option(&o, argc, argv, &i))
            usage_error("unknown option '%s'", arg);
    }
    if (o.dataset == DATASET_NONE)
        usage_error("expected a data set name, higgs, clinical, sparse or notes");
    if (o.rows == 0)
        usage_error("--rows N is required, with N at least 1");
    if (o.dataset != DATASET_SPARSE && (o.features || o.entries || o.counts))
        usage_error("--features, --entries and --values are for the sparse data set");
    if (o.dataset != DATASET_NOTES && (o.words || o.numeric_given))
        usage_error("--words and --numeric are for the notes data set");
    if (o.dataset == DATASET_NOTES) {
        if (o.libsvm)
            usage_error("the notes data set is written as CSV only");
        o.words = o.words ? o.words : 60;
        if (o.words > 1000000)
            usage_error("--words %llu: at most 1000000", o.words);
        if (o.numeric > 100)
            usage_error("--numeric %llu: at most 100", o.numeric);
    }
    if (o.dataset == DATASET_SPARSE) {
        if (o.format_given && !o.libsvm)
            usage_error("the sparse data set is written as LibSVM only");
        o.libsvm = 1;
        o.features = o.features ? o.features : 50000;
        o.entries = o.entries ? o.entries : 30;
        if (o.features > 1000000)
            usage_error("--features %llu: at most 1000000 (the LibSVM readers' largest "
                        "index)", o.features);
        if (o.entries > o.features / 2)
            usage_error("--entries %llu: at most half of --features (%llu)", o.entries,
                        o.features / 2);
    }
    return o;
}

/* ---- main ------------------------------------------------------------------------------ */

static int finish(FILE *f, const char *name)
{
    int failed = ferror(f) != 0;
    failed |= f != stdout ? fclose(f) != 0 : fflush(f) != 0;
    if (failed) {
        fprintf(stderr, "stratum-gen: could not write %s: %s\n", name, strerror(errno));
        return EXIT_FAILED;
    }
    return EXIT_OK;
}

int main(int argc, char **argv)
{
    static char buffer[1 << 16];
    options o = parse_args(argc, argv);
    FILE *f = stdout;
    const char *name = o.output != NULL ? o.output : "standard output";
    if (o.output != NULL && (f = fopen(o.output, "w")) == NULL) {
        fprintf(stderr, "stratum-gen: cannot open %s for writing: %s\n", o.output,
                strerror(errno));
        return EXIT_FAILED;
    }
    setvbuf(f, buffer, _IOFBF, sizeof buffer);
    writer w = {f, o.libsvm, 0};
    rng r;
    rng_seed(&r, o.seed);
    if (o.dataset == DATASET_SPARSE) {
        const sparse_spec spec = {o.rows, (unsigned long)o.features, (unsigned long)o.entries,
                                  o.counts, o.positive_rate > 0.0 ? o.positive_rate : 0.1,
                                  o.seed};
        if (generate_sparse(f, &spec) != 0) {
            fprintf(stderr, "stratum-gen: out of memory for %llu features\n", o.features);
            return EXIT_FAILED;
        }
    } else if (o.dataset == DATASET_NOTES) {
        const notes_spec spec = {o.rows, (unsigned long)o.words, (unsigned long)o.numeric,
                                 o.positive_rate > 0.0 ? o.positive_rate : 0.2, o.seed};
        if (generate_notes(f, &spec) != 0) {
            fprintf(stderr, "stratum-gen: out of memory\n");
            return EXIT_FAILED;
        }
    } else if (o.dataset == DATASET_HIGGS)
        generate_higgs(&w, &r, o.rows, o.positive_rate > 0.0 ? o.positive_rate : 0.5);
    else
        generate_clinical(&w, &r, o.rows, o.positive_rate > 0.0 ? o.positive_rate : 0.02);
    return finish(f, name);
}
