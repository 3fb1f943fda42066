/* The penalised quadratic model's coordinate descent (logreg_qmodel.h). */
#include "logreg_qmodel.h"

#include <math.h>
#include <string.h>

#include "logreg_solver.h"


double st__lr_qmodel_sweep(st__lr_qmodel *md, const unsigned char *only)
{
    const size_t m = md->m;
    double dmax = 0;
    for (size_t k = 0; k < m; k++) {
        if (only != NULL && !only[k])
            continue;
        const double *hk = md->h + k * m;
        double a = hk[k], grad = md->hd[k] - md->g[k], delta;
        if (k == 0) {
            if (!(a > 0))
                continue;
            delta = -grad / a;
        } else {
            double c = a + md->l2;
            if (!(c > 0))
                continue;
            double z = md->z[k] + md->d[k];
            delta = st__lr_soft_threshold(a * z - grad, md->l1) / c - z;
            a = c;
        }
        if (delta == 0)
            continue;
        md->d[k] += delta;
        for (size_t r = 0; r < m; r++)
            md->hd[r] += delta * hk[r];
        dmax = fmax(dmax, a * delta * delta);
    }
    return dmax;
}

int st__lr_qmodel_solve(st__lr_qmodel *md, unsigned char *nz, double thr, long max_sweeps)
{
    long sweeps = 0;
    memset(md->d, 0, md->m * sizeof *md->d);
    memset(md->hd, 0, md->m * sizeof *md->hd);
    while (sweeps < max_sweeps) {
        sweeps++;
        if (st__lr_qmodel_sweep(md, NULL) < thr)
            return 0;
        nz[0] = 1;
        for (size_t k = 1; k < md->m; k++)
            nz[k] = md->z[k] + md->d[k] != 0;
        while (sweeps < max_sweeps) {
            sweeps++;
            if (st__lr_qmodel_sweep(md, nz) < thr)
                break;
        }
    }
    return -1;
}
