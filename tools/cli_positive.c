/* Labels read for a model as it was trained: a model trained with a positive class the
 * default rule would not pick ("died", or "0" after --positive 0) records it
 * (st_model_positive_class), and the commands that read labelled data for that model take
 * it as their --positive, so its metrics are not of the other class. */
#include "cli.h"

#include <string.h>

int cli_positive_from_model(cli_common *c, const char *model_path)
{
    st_model *m = NULL;
    st_error err;
    if (st_model_load(model_path, &m, &err) != ST_OK)
        return EXIT_OK; /* another tool's model, or a bad file: the command's own loading
                           says so, in its words */
    const char *pos = st_model_positive_class(m);
    int status = EXIT_OK;
    if (c->positive == NULL && pos != NULL) {
        const size_t len = strlen(pos) + 1;
        if (len > sizeof c->lists - c->lists_used) {
            fprintf(stderr, "stratum: %s: its positive class's text is too long (%zu bytes)\n",
                    model_path, len - 1);
            status = EXIT_FAILED;
        } else {
            c->positive = memcpy(c->lists + c->lists_used, pos, len);
            c->lists_used += len;
        }
    } else if (c->positive != NULL &&
               !(pos != NULL ? st_label_is_positive(pos, c->positive)
                             : st_label_is_positive(c->positive, NULL))) {
        fprintf(stderr, "stratum: warning: %s was trained with %s%s%s as the positive class, "
                "but --positive %s reads the other class as positive: its scores are for "
                "the class it was trained on\n", model_path, pos ? "'" : "",
                pos ? pos : "1/true/yes", pos ? "'" : "", c->positive);
    }
    st_model_free(m);
    return status;
}
