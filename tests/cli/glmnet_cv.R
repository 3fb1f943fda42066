# cv.glmnet for tests/cli/cv_vs_glmnet.py, in one R process:
#     Rscript glmnet_cv.R DATA.csv LAMBDAS.txt OUT_PREFIX MEASURE...
# DATA.csv has numeric feature columns, "label" (0/1), "foldid" (1..k) and an "id" column
# (dropped). LAMBDAS.txt: the lambda sequence, one per line. For each MEASURE (deviance,
# auc) writes OUT_PREFIX.MEASURE (cvm,cvsd per lambda) and OUT_PREFIX.MEASURE.index (the
# 1-based indices of lambda.min and lambda.1se).
suppressMessages(library(glmnet))
args <- commandArgs(trailingOnly = TRUE)
# as in glmnet_path.R: no clamping of nearly separated rows' probabilities at 1e-9
glmnet.control(pmin = 1e-14)
d <- read.csv(args[1])
lam <- scan(args[2], quiet = TRUE)
# alpha 1 (the lasso) unless GLMNET_ALPHA says otherwise (defaults_vs_glmnet.py: ridge)
alpha <- as.numeric(Sys.getenv("GLMNET_ALPHA", "1"))
x <- as.matrix(d[, setdiff(names(d), c("id", "label", "foldid"))])
for (m in args[-(1:3)]) {
  f <- cv.glmnet(x, d$label, family = "binomial", alpha = alpha, lambda = lam,
                 foldid = d$foldid, type.measure = m, thresh = 1e-11, maxit = 1e7)
  write.table(sprintf("%.17g,%.17g", f$cvm, f$cvsd), paste0(args[3], ".", m),
              row.names = FALSE, col.names = FALSE, quote = FALSE)
  write(c(f$index[1], f$index[2]), paste0(args[3], ".", m, ".index"))
}
