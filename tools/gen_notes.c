/* stratum-gen notes: rows of clinical-note-like free text with a planted signal, for the
 * text featurizer's tests and benchmarks at any size (docs/text.md).
 *
 * What is fixed whatever --seed is (so two seeds make a training and a test file):
 *   - the filler vocabulary: 60 common clinical words, then 4,000 made-up words of two or
 *     three syllables; word rank r is drawn with weight 1 / (r + 5), Zipf-like;
 *   - the findings: 16 phrases, each with an effect on the log-odds of the label (10 raise
 *     it, as "chest pain" +2.4; 6 lower it, as "discharged home" -1.8).
 * Each row draws its age (18..95, +0.02 log-odds a year from 55), its lab values (normal;
 * lab1 +0.4 a unit, the others nothing) and each finding: present with probability 0.15 (a
 * mention, "chest pain"), else negated with probability 0.12 ("no chest pain", "denies
 * chest pain", "negative for chest pain", "without chest pain"), which carries no effect.
 * Its label is Bernoulli(sigmoid(b + the effects of its present findings, age and lab1)),
 * b set so that the expected positive rate over 16,384 rows drawn with a fixed seed is the
 * one asked for. The note is exactly --words words: filler words in sentences of 5 to 14
 * words (a capital first letter, a full stop), the mentions put at random places, now and
 * then a number ("12") or a dose ("20mg") as a word. Text is ASCII, without quotes. */
#include "gen_notes.h"

#include <math.h>
#include <stdlib.h>
#include <string.h>

#include "gen_rng.h"

enum { N_COMMON = 60, N_MADE_UP = 4000, N_FILLER = N_COMMON + N_MADE_UP, N_FINDINGS = 16,
       CALIBRATION_ROWS = 16384, MAX_WORD = 32 };

static const char *const common_words[N_COMMON] = {
    "patient", "the", "was", "with", "and", "of", "to", "in", "on", "for", "is", "at",
    "history", "reports", "noted", "given", "exam", "today", "follow", "up", "plan",
    "continue", "medication", "daily", "admitted", "seen", "by", "team", "family", "home",
    "left", "right", "mild", "moderate", "normal", "review", "labs", "imaging", "ct", "mri",
    "ward", "night", "morning", "nurse", "doctor", "dose", "oral", "iv", "hours", "days",
    "stable", "unchanged", "improved", "clinic", "referral", "consult", "bed", "rest", "fluids",
    "monitor"};

static const char *const syllables[20] = {"ka", "lo", "mi", "re", "tu", "san", "vel", "or",
                                          "pi", "den", "ga", "ru", "ze", "hol", "ny", "ber",
                                          "cu", "fa", "li", "mon"};

typedef struct finding {
    const char *phrase;
    double effect;
} finding;

static const finding findings[N_FINDINGS] = {
    {"chest pain", 2.4},          {"shortness of breath", 1.6},  {"troponin elevated", 3.0},
    {"st elevation", 2.8},        {"diaphoresis", 1.4},          {"syncope", 1.2},
    {"hypotension", 1.8},         {"tachycardia", 1.0},          {"sepsis", 2.2},
    {"lactate elevated", 2.0},    {"ambulating independently", -1.6},
    {"tolerating diet", -1.2},    {"afebrile", -1.0},            {"vital signs stable", -1.4},
    {"discharged home", -1.8},    {"pain controlled", -0.8}};

static const char *const negations[4] = {"no", "denies", "negative for", "without"};

typedef struct vocab {
    double cum[N_FILLER]; /* cumulative weights by rank */
    char made_up[N_MADE_UP][MAX_WORD];
} vocab;

static void build_vocab(vocab *v)
{
    double total = 0;
    for (int r = 0; r < N_FILLER; r++) {
        total += 1.0 / (r + 5.0);
        v->cum[r] = total;
    }
    for (int k = 0; k < N_MADE_UP; k++) { /* syllables from k's digits in base 20 */
        int n = k < 400 ? 2 : 3, x = k;
        v->made_up[k][0] = '\0';
        for (int s = 0; s < n; s++, x /= 20)
            strcat(v->made_up[k], syllables[(x + 7 * s) % 20]);
    }
}

static const char *filler_word(const vocab *v, rng *r)
{
    double u = uniform(r) * v->cum[N_FILLER - 1];
    int lo = 0, hi = N_FILLER - 1;
    while (lo < hi) {
        int mid = (lo + hi) / 2;
        if (v->cum[mid] < u)
            lo = mid + 1;
        else
            hi = mid;
    }
    return lo < N_COMMON ? common_words[lo] : v->made_up[lo - N_COMMON];
}

/* One row's draws: age, labs, findings (1 present, -1 negated, 0 not mentioned), and the
 * log-odds without b. */
typedef struct row_draw {
    int age;
    int state[N_FINDINGS];
    double score;
} row_draw;

static double normal(rng *r)
{
    double u1 = 1.0 - uniform(r);
    double u2 = uniform(r);
    return sqrt(-2.0 * log(u1)) * cos(2.0 * 3.14159265358979323846 * u2);
}

static void draw_row(rng *r, row_draw *d, double *labs, unsigned long n_labs)
{
    d->age = 18 + (int)(uniform(r) * 78.0);
    d->score = 0.02 * (d->age - 55);
    for (unsigned long k = 0; k < n_labs; k++) {
        labs[k] = normal(r);
        if (k == 0)
            d->score += 0.4 * labs[k];
    }
    for (int k = 0; k < N_FINDINGS; k++) {
        double u = uniform(r);
        d->state[k] = u < 0.15 ? 1 : u < 0.15 + 0.85 * 0.12 ? -1 : 0;
        if (d->state[k] == 1)
            d->score += findings[k].effect;
    }
}

static double sigmoid(double z) { return 1.0 / (1.0 + exp(-z)); }

/* b such that the mean of sigmoid(b + score) over the calibration rows is rate. */
static double calibrate(double rate, unsigned long n_labs)
{
    static double score[CALIBRATION_ROWS];
    double labs[1];
    rng r;
    rng_seed(&r, UINT64_C(0x0A7E5CA1B0A7E));
    for (int i = 0; i < CALIBRATION_ROWS; i++) {
        row_draw d;
        draw_row(&r, &d, labs, n_labs > 0 ? 1 : 0);
        score[i] = d.score;
    }
    double lo = -30, hi = 30;
    for (int it = 0; it < 100; it++) {
        double b = 0.5 * (lo + hi), mean = 0;
        for (int i = 0; i < CALIBRATION_ROWS; i++)
            mean += sigmoid(b + score[i]);
        if (mean / CALIBRATION_ROWS < rate)
            lo = b;
        else
            hi = b;
    }
    return 0.5 * (lo + hi);
}

/* Writes a word, capitalised at the start of a sentence, separated from the last one. */
static void put_word(FILE *f, const char *w, unsigned long *written, int *sentence_start)
{
    if (*written > 0)
        fputc(' ', f);
    if (*sentence_start && w[0] >= 'a' && w[0] <= 'z') {
        fputc(w[0] - 'a' + 'A', f);
        fputs(w + 1, f);
    } else {
        fputs(w, f);
    }
    *sentence_start = 0;
    ++*written;
}

/* A phrase's words, while the note has room for them. */
static void put_phrase(FILE *f, const char *phrase, unsigned long *written,
                       unsigned long words, int *sentence_start)
{
    char w[MAX_WORD];
    while (*phrase != '\0' && *written < words) {
        size_t n = strcspn(phrase, " ");
        memcpy(w, phrase, n);
        w[n] = '\0';
        put_word(f, w, written, sentence_start);
        phrase += n + (phrase[n] == ' ');
    }
}

static int compare_ulong(const void *a, const void *b)
{
    unsigned long x = *(const unsigned long *)a, y = *(const unsigned long *)b;
    return (x > y) - (x < y);
}

/* The note: filler sentences with the mentions at random word offsets. */
static void write_note(FILE *f, const vocab *v, rng *r, const row_draw *d,
                       unsigned long words)
{
    int mention[N_FINDINGS], n_mentions = 0;
    unsigned long at[N_FINDINGS];
    for (int k = 0; k < N_FINDINGS; k++)
        if (d->state[k] != 0) {
            /* not in the last four words: a mention is seldom cut short */
            at[n_mentions] = (unsigned long)(uniform(r) * (double)(words > 8 ? words - 4 : 1));
            mention[n_mentions++] = k;
        }
    qsort(at, (size_t)n_mentions, sizeof *at, compare_ulong); /* findings in random order */
    for (int m = n_mentions - 1; m > 0; m--) {
        int j = (int)(uniform(r) * (m + 1)), t = mention[m];
        mention[m] = mention[j], mention[j] = t;
    }
    unsigned long written = 0, sentence_left = 0;
    int next = 0, sentence_start = 1;
    char num[MAX_WORD];
    fputc('"', f);
    while (written < words) {
        if (sentence_left == 0) {
            if (written > 0)
                fputc('.', f);
            sentence_left = 5 + (unsigned long)(uniform(r) * 10.0);
            sentence_start = 1;
        }
        if (next < n_mentions && written >= at[next]) {
            const finding *fd = &findings[mention[next]];
            if (d->state[mention[next]] < 0)
                put_phrase(f, negations[(int)(uniform(r) * 4.0)], &written, words,
                           &sentence_start);
            put_phrase(f, fd->phrase, &written, words, &sentence_start);
            next++;
        } else {
            double u = uniform(r);
            if (u < 0.03) {
                snprintf(num, sizeof num, u < 0.015 ? "%d" : "%dmg",
                         1 + (int)(uniform(r) * 200.0));
                put_word(f, num, &written, &sentence_start);
            } else {
                put_word(f, filler_word(v, r), &written, &sentence_start);
            }
        }
        sentence_left--;
    }
    fputs(".\"", f);
}

int generate_notes(FILE *f, const notes_spec *spec)
{
    vocab *v = malloc(sizeof *v);
    double *labs = malloc((spec->numeric + 1) * sizeof *labs);
    if (v == NULL || labs == NULL) {
        free(v);
        free(labs);
        return -1;
    }
    build_vocab(v);
    double b = calibrate(spec->positive_rate, spec->numeric);
    fputs("id,age", f);
    for (unsigned long k = 0; k < spec->numeric; k++)
        fprintf(f, ",lab%lu", k + 1);
    fputs(",note,label\n", f);
    rng r;
    rng_seed(&r, spec->seed);
    for (unsigned long long i = 0; i < spec->rows && !ferror(f); i++) {
        row_draw d;
        draw_row(&r, &d, labs, spec->numeric);
        int label = uniform(&r) < sigmoid(b + d.score);
        fprintf(f, "%llu,%d", i + 1, d.age);
        for (unsigned long k = 0; k < spec->numeric; k++)
            fprintf(f, ",%.2f", labs[k]);
        fputc(',', f);
        write_note(f, v, &r, &d, spec->words);
        fprintf(f, ",%d\n", label);
    }
    free(v);
    free(labs);
    return 0;
}
