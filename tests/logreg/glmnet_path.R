# glmnet's lasso/elastic-net/ridge path for tests/logreg/logreg_vs_glmnet.py, for one or more
# problems in one R process (R starts slowly):
#     Rscript glmnet_path.R DATA.csv ALPHA WEIGHT_COLUMN|- OUT_PREFIX [DATA.csv ALPHA ...]
# DATA.csv has numeric feature columns, "label" (0/1), optionally a weight column and an
# "id" column (dropped). Writes OUT_PREFIX.lambda (one lambda per line), OUT_PREFIX.coef
# (one row per lambda: intercept then coefficients) and OUT_PREFIX.devratio.
suppressMessages(library(glmnet))
args <- commandArgs(trailingOnly = TRUE)
# thresh = 1e-14: converged far below the comparison's 1e-4; pmin lowered so that glmnet
# does not clamp fitted probabilities of nearly separated rows at its default 1e-9.
glmnet.control(pmin = 1e-14)
for (i in seq(1, length(args), by = 4)) {
  d <- read.csv(args[i])
  alpha <- as.numeric(args[i + 1])
  wcol <- args[i + 2]
  out <- args[i + 3]
  w <- if (wcol == "-") rep(1, nrow(d)) else d[[wcol]]
  features <- setdiff(names(d), c("id", "label", wcol))
  x <- as.matrix(d[, features])
  f <- glmnet(x, d$label, family = "binomial", alpha = alpha, weights = w, thresh = 1e-14,
              maxit = 1e7)
  write(sprintf("%.17g", f$lambda), paste0(out, ".lambda"), ncolumns = 1)
  write(sprintf("%.17g", f$dev.ratio), paste0(out, ".devratio"), ncolumns = 1)
  coefs <- as.matrix(coef(f))  # (1 + p) x nlambda, intercept first
  write.table(t(coefs), paste0(out, ".coef"), sep = ",", row.names = FALSE,
              col.names = FALSE, quote = FALSE)
}
