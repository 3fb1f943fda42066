/* The truncated-Newton step solver (logreg_sparse.h) for ridge fits on wide designs:
 * the Newton system of the smooth objective F = L + l2 / 2 ||b||^2,
 *     (H + l2 D) s = -g,   D = diag(0, 1, ..., 1) (the intercept unpenalised),
 * solved inexactly by conjugate gradients preconditioned by the diagonal of H + l2 D, as
 * liblinear's Newton method does (Lin, Weng and Keerthi, "Trust region Newton method for
 * large-scale logistic regression", JMLR 2008; Hsia, Chiang and Lin 2018 for the
 * preconditioner and the line-search variant): the data form supplies H v products, each
 * a pass over the entries, and the matrix is never formed. The driver's line search
 * does most of the work of TRON's trust region; a radius kept from its verdicts
 * (update_radius) does the rest.
 *
 * CG stops as liblinear's newton (2.4x, newton.cpp pcg) does, on the model's value
 * Q(s) = g.s + s.(H + l2 D)s / 2 rather than on the residual: after iteration i, when
 * i (Q_i - Q_(i-1)) >= c Q_i, the last iteration bought less than c / i of the decrease so
 * far (Nash and Sofer's truncation rule), with c = min(TN_EPS_CG, sqrt(|g|_M)), |g|_M the
 * gradient's norm in the preconditioner's metric, smaller near the optimum; or where the
 * step reaches the trust radius (Steihaug), or after a bounded number of products. The
 * residual rule it replaces, |r| <= min(0.1, sqrt(|g|)) |g|, asked for more products than
 * the step was worth: on the 20,000 x 50,010 table 20 products in five steps (9 in the
 * last), 18 with this rule, at the same objective to 1e-9 relative (the fit converges
 * on the duality gap either way). -Q(s) is the step's prediction; it stands for the gap when
 * CG stopped on its rule. */
#include "logreg_sparse.h"

#include <math.h>
#include <string.h>

#include "core/alloc.h"

/* CG iterations per Newton step at most. */
#define TN_MAX_CG 250

/* The CG truncation constant c above at most: liblinear's eps_cg. */
#define TN_EPS_CG 0.5

struct st__lr_tn_step {
    size_t m;                         /* p + 1 unknowns, the intercept first */
    double *g, *s, *r, *dir, *hd, *m_inv;
    double radius;                    /* |s| at most (the trust radius); INFINITY at first */
    double last_norm;                 /* |s| of the last step */
    int hit;                          /* the last step stopped on the radius */
};

/* The radius for this step from how the last one fared: a line search that had to shorten
 * it to t says the model was trusted too far, so the next step is kept within what was
 * accepted (t |s|); a step that stopped on the radius and was taken whole doubles it.
 * Fits whose steps are always taken whole never meet a radius (and so are unchanged by it:
 * the 20,000 x 50,010 table's five steps). Without it, a nearly separable design (the
 * seeded 100,000 x 100,000 x 50 table) spent a third of its CG products on steps the line
 * search then cut to 1/8 to 1/32, as TRON's trust region avoids (Lin, Weng and Keerthi). */
static void update_radius(st__lr_tn_step *tn, const st__lr_point *pt)
{
    if (pt->it == 0)
        return;
    if (pt->last_t < 1)
        tn->radius = pt->last_t * tn->last_norm;
    else if (tn->hit)
        tn->radius *= 2;
}

static double dot(const double *a, const double *b, size_t m)
{
    double s = 0;
    for (size_t k = 0; k < m; k++)
        s += a[k] * b[k];
    return s;
}

/* (H + l2 D) v into out, through the data form. */
static void apply(const st__lr_data *data, double l2, const double *v, double *out, size_t m)
{
    data->hessvec(data->ctx, v, out);
    for (size_t k = 1; k < m; k++)
        out[k] += l2 * v[k];
}

static int tn_wants_certificate(void *ctx, const st__lr_point *pt)
{
    (void)ctx;
    return pt->l2 > 0;
}

static st_status tn_step(void *ctx, const st__lr_data *data, const st__lr_point *pt,
                         double *d0, double *d, st__lr_step_result *res, st_error *err)
{
    st__lr_tn_step *tn = ctx;
    const size_t m = tn->m, p = m - 1;
    (void)err;
    /* the gradient of F: minus the loss's, plus the ridge term */
    tn->g[0] = -pt->ng0;
    for (size_t k = 0; k < p; k++)
        tn->g[1 + k] = -pt->ng[k] + pt->l2 * pt->b[k];
    data->hess_diag(data->ctx, tn->m_inv);
    for (size_t k = 0; k < m; k++) {
        double a = tn->m_inv[k] + (k > 0 ? pt->l2 : 0);
        tn->m_inv[k] = a > 0 ? 1 / a : 1;
    }
    memset(tn->s, 0, m * sizeof *tn->s);
    for (size_t k = 0; k < m; k++) {
        tn->r[k] = -tn->g[k];
        tn->dir[k] = tn->m_inv[k] * tn->r[k];
    }
    double rz = 0;
    for (size_t k = 0; k < m; k++)
        rz += tn->r[k] * (tn->m_inv[k] * tn->r[k]);
    const double cgtol = fmin(TN_EPS_CG, sqrt(sqrt(rz)));
    double q = 0; /* the model's value at s */
    update_radius(tn, pt);
    tn->hit = 0;
    int it = 0, solved = 0;
    for (; it < TN_MAX_CG; it++) {
        apply(data, pt->l2, tn->dir, tn->hd, m);
        double dhd = dot(tn->dir, tn->hd, m);
        if (!(dhd > 0))
            break; /* no curvature left along dir (rounding): keep s */
        double alpha = rz / dhd;
        if (tn->radius < INFINITY) { /* Steihaug: stop where s + tau dir meets the radius */
            const double ss = dot(tn->s, tn->s, m), sd = dot(tn->s, tn->dir, m);
            const double dd = dot(tn->dir, tn->dir, m), r2 = tn->radius * tn->radius;
            if (ss + alpha * (2 * sd + alpha * dd) >= r2) {
                const double tau = (-sd + sqrt(fmax(sd * sd + dd * (r2 - ss), 0))) / dd;
                for (size_t k = 0; k < m; k++) {
                    tn->s[k] += tau * tn->dir[k];
                    tn->r[k] -= tau * tn->hd[k];
                }
                tn->hit = 1;
                it++;
                break;
            }
        }
        for (size_t k = 0; k < m; k++) {
            tn->s[k] += alpha * tn->dir[k];
            tn->r[k] -= alpha * tn->hd[k];
        }
        /* Q at s, g.s + s.A s / 2 with A = H + l2 D and A s = -g - r: (g.s - s.r) / 2 */
        const double q_new = 0.5 * (dot(tn->g, tn->s, m) - dot(tn->s, tn->r, m));
        if (!(q_new <= 0 && q_new <= q))
            break; /* rounding: the model no longer decreases */
        solved = (it + 1) * (q_new - q) >= cgtol * q_new;
        q = q_new;
        if (solved)
            break;
        double rz_new = 0;
        for (size_t k = 0; k < m; k++)
            rz_new += tn->r[k] * (tn->m_inv[k] * tn->r[k]);
        double beta = rz_new / rz;
        rz = rz_new;
        for (size_t k = 0; k < m; k++)
            tn->dir[k] = tn->m_inv[k] * tn->r[k] + beta * tn->dir[k];
    }
    tn->last_norm = sqrt(dot(tn->s, tn->s, m));
    *d0 = tn->s[0];
    memcpy(d, tn->s + 1, p * sizeof *d);
    /* Q(s) formed afresh (the loop's q is that of the last full CG step) */
    const double gs = dot(tn->g, tn->s, m), sas = -gs - dot(tn->s, tn->r, m);
    const double model = gs + 0.5 * sas;
    res->descent = gs; /* F is smooth here: its slope along s */
    res->predicted = model < 0 ? -model : 0;
    res->trusted = solved;
    res->exact = 1;
    return ST_OK;
}

st__lr_tn_step *st__lr_tn_step_new(size_t p)
{
    st__lr_tn_step *tn = st__calloc(1, sizeof *tn);
    if (tn == NULL)
        return NULL;
    const size_t m = p + 1;
    tn->m = m;
    tn->radius = INFINITY;
    double **bufs[] = {&tn->g, &tn->s, &tn->r, &tn->dir, &tn->hd, &tn->m_inv};
    for (size_t q = 0; q < sizeof bufs / sizeof *bufs; q++)
        if ((*bufs[q] = st__malloc_array(m, sizeof(double))) == NULL) {
            st__lr_tn_step_free(tn);
            return NULL;
        }
    return tn;
}

void st__lr_tn_step_free(st__lr_tn_step *tn)
{
    if (tn == NULL)
        return;
    st__free(tn->g), st__free(tn->s), st__free(tn->r);
    st__free(tn->dir), st__free(tn->hd), st__free(tn->m_inv);
    st__free(tn);
}

st__lr_step st__lr_tn_step_solver(st__lr_tn_step *tn)
{
    st__lr_step st = {.ctx = tn, .iterations = "truncated Newton iterations",
                      .wants_gradient = 1, .wants_certificate = tn_wants_certificate,
                      .step = tn_step};
    return st;
}
