/* Asking the kernel for transparent huge pages on a large buffer about to be filled. A
 * freshly allocated 320 MB design takes 80,000 page faults at 4 KB a page; with 2 MB pages,
 * 160. Advice only: where it is not available nothing changes but the speed. From 4 MB
 * on: a million doubles (7.6 MB, each of a logistic-regression fit's per-row vectors) take
 * 1,950 faults at 4 KB; advised, its 2 MB-aligned interior one a page, its ends 4 KB ones.
 * Only where malloc hands out fresh pages does it matter (a Python process; the CLI keeps
 * the memory it frees, tools/stratum.c). Aligning the buffers themselves to 2 MB
 * (aligned_alloc) removed the ends' faults too, but broke the reuse of freed memory under
 * the CLI's malloc settings (116 huge-page faults and 0.4 s of system time per 1M-row fit,
 * against none). */
#define _DEFAULT_SOURCE
#include "alloc.h"

#include <stdint.h>

#if defined(__linux__)
#include <sys/mman.h>
#endif

#define HUGE_PAGE ((uintptr_t)2 << 20)

void st__advise_huge_pages(void *p, size_t size)
{
#if defined(__linux__) && defined(MADV_HUGEPAGE)
    if (p == NULL || size < 2 * HUGE_PAGE)
        return;
    uintptr_t lo = ((uintptr_t)p + HUGE_PAGE - 1) & ~(HUGE_PAGE - 1);
    uintptr_t hi = ((uintptr_t)p + size) & ~(HUGE_PAGE - 1);
    if (hi > lo)
        (void)madvise((void *)lo, hi - lo, MADV_HUGEPAGE);
#else
    (void)p, (void)size;
#endif
}
