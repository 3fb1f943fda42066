# glmnet on a sparse design (Matrix's dgCMatrix, Debian r-cran-matrix), for
# tests/logreg/sparse_vs_oracles.py, several problems in one R process:
#     Rscript glmnet_sparse.R X.mtx Y.txt W.txt ALPHA LAMBDAS OUT [X.mtx Y.txt ...]
# X.mtx: the design in MatrixMarket form; Y.txt, W.txt: labels (0/1) and row weights, one
# a line; LAMBDAS: comma-separated, or "path" for glmnet's own sequence. Writes OUT.lambda
# (one a line) and OUT.coef (one row per lambda: intercept, then the coefficients).
suppressMessages(library(Matrix))
suppressMessages(library(glmnet))
glmnet.control(pmin = 1e-14)
args <- commandArgs(trailingOnly = TRUE)
for (i in seq(1, length(args), by = 6)) {
  x <- as(readMM(args[i]), "CsparseMatrix")
  y <- scan(args[i + 1], quiet = TRUE)
  w <- scan(args[i + 2], quiet = TRUE)
  alpha <- as.numeric(args[i + 3])
  out <- args[i + 5]
  f <- if (args[i + 4] == "path") {
    glmnet(x, y, family = "binomial", alpha = alpha, weights = w, thresh = 1e-14,
           maxit = 1e7, nlambda = 12)
  } else {
    glmnet(x, y, family = "binomial", alpha = alpha, weights = w, thresh = 1e-14,
           maxit = 1e7, lambda = as.numeric(strsplit(args[i + 4], ",")[[1]]))
  }
  write(sprintf("%.17g", f$lambda), paste0(out, ".lambda"), ncolumns = 1)
  write.table(t(as.matrix(coef(f))), paste0(out, ".coef"), sep = ",", row.names = FALSE,
              col.names = FALSE, quote = FALSE)
}
