# Bitwise identity of the package's results across a refactor: a fixed set of calls covering
# every exported estimator, run from fixed seeds; their results (call, timing and environments
# stripped) are saved, or compared with a saved run.
#   R_LIBS=<lib of the old code> Rscript tools/identity_check.R save  <file.rds>
#   R_LIBS=<lib of the new code> Rscript tools/identity_check.R check <file.rds>
# `check` prints one line per case and exits with status 1 if any result differs in any bit.
suppressPackageStartupMessages(library(gmmmi))
options(gmmmi.progress = FALSE, warn = 1)
args <- commandArgs(trailingOnly = TRUE)
if (length(args) != 2L || !args[1] %in% c("save", "check")) stop("usage: identity_check.R save|check <file.rds>")

# the parts of a result that are not results: timings, calls, closures, environments
strip <- function(v) {
  if (is.function(v) || is.environment(v) || inherits(v, "formula")) return(NULL)
  if (is.list(v)) {
    nm <- names(v)
    drop <- !is.null(nm) & nm %in% c("call", "timing", "elapsed", "time", "seconds", "times")
    v <- v[!drop]
    for (i in seq_along(v)) if (!is.null(v[[i]])) v[[i]] <- strip(v[[i]])
  }
  v
}
run <- function(seed, expr) {
  set.seed(seed)
  val <- tryCatch(expr, error = function(e) paste("error:", conditionMessage(e)))
  list(value = strip(unclass(val)), rng_after = .Random.seed)
}

set.seed(1)
xg <- rnorm(600); yg <- 0.6 * xg + 0.8 * rnorm(600)
xm <- matrix(rnorm(900), ncol = 3); ym <- xm %*% matrix(c(0.5, 0.2, 0, 0.1, 0.4, 0.3), 3) + matrix(rnorm(600), ncol = 2)
cls <- factor(sample(c("a", "b", "c"), 600, TRUE)); yc <- rnorm(600, c(a = 0, b = 1, c = 2.5)[as.character(cls)])
zc <- rnorm(600); xz <- zc + rnorm(600); yz <- zc + 0.5 * xz + rnorm(600)
gexp <- toy_gamma_exp(2000, 1)
cases <- list(
  gmm_mi_default = function() gmm_mi(xg, yg, n_bootstrap = 20, n_mc = 2e4, n_threads = 2),
  gmm_mi_raw_k = function() gmm_mi(gexp$x, gexp$y, transform = "none", n_bootstrap = 10, n_mc = 2e4, n_threads = 2),
  gmm_mi_reference = function() gmm_mi(gexp$x, gexp$y, preset = "reference", n_bootstrap = 10, n_mc = 2e4, n_threads = 2),
  gmm_mi_multivariate = function() gmm_mi(xm, ym, n_bootstrap = 10, n_mc = 2e4, n_threads = 2),
  gmm_mi_bic = function() gmm_mi(xm, ym, select = "bic", n_bootstrap = 5, n_mc = 2e4, n_threads = 1),
  gmm_mi_categorical = function() gmm_mi(cls, yc, n_bootstrap = 10, n_mc = 2e4, n_threads = 2),
  gmm_mi_conditional = function() gmm_mi(xz, yz, z = zc, n_bootstrap = 10, n_mc = 2e4, n_threads = 2),
  gmm_mi_cond_categorical = function() gmm_mi(cls, yc + zc, z = zc, n_bootstrap = 5, n_mc = 2e4, n_threads = 2),
  gmm_mi_strata = function() gmm_mi(xg, yg, z = rep(1:2, 300), n_bootstrap = 5, n_mc = 2e4, n_threads = 2),
  gmm_mi_indep = function() gmm_mi(rexp(800), rexp(800), n_bootstrap = 5, n_mc = 2e4, n_threads = 2),
  gmm_fit = function() gmm_fit(cbind(gexp$x, gexp$y), 4, n_threads = 2),
  gmm_fit_weights = function() gmm_fit(xm, 2, weights = rep(1:2, 150), init = "random", n_threads = 1),
  gmm_density = function() gmm_density(gmm_fit(faithful, 3, n_threads = 1), as.matrix(faithful)[1:50, ]),
  mi_true_gmm = function() mi_true_gmm(c(0.3, 0.7), rbind(c(0, 0), c(1, 2)), list(diag(2), matrix(c(1, 0.5, 0.5, 1), 2)), dx = 1, n_mc = 1e4),
  mi_ksg = function() mi_ksg(xm, ym, k = 3, n_threads = 2),
  mi_ksg_cmi = function() mi_ksg(xz, yz, z = zc, k = 3, n_threads = 2),
  mi_mixed = function() mi_mixed(cls, yc, k = 3, n_threads = 2),
  entropy_knn = function() entropy_knn(xm, k = 3, n_threads = 2),
  mi_knn_entropy = function() mi_knn_entropy(xg, yg, n_threads = 2),
  mi_binned = function() mi_binned(xg, yg),
  mi_gaussian = function() mi_gaussian(xm, ym),
  mi_dispatch = function() mi(xg, yg, method = "ksg"),
  mi_sliced = function() mi_sliced(xm, ym, n_slices = 20, base = "ksg", n_threads = 2),
  smi_gaussian = function() smi_gaussian(diag(5) * 0.5 + 0.5, dx = 2, n_slices = 2000, method = "monte_carlo"),
  mi_test_gmm = function() mi_test(xg[1:200], yg[1:200], n_permutations = 9, n_threads = 2),
  mi_test_ksg = function() mi_test(xg[1:200], yg[1:200], method = "ksg", n_permutations = 9, n_threads = 2),
  mi_matrix = function() mi_matrix(mtcars[, c("mpg", "cyl", "wt", "am")], n_threads = 2),
  toys = function() list(toy_gaussian(50, 0.3), toy_gmm(50, c(0.5, 0.5), rbind(c(0, 0), c(2, 2)), list(diag(2), diag(2)), dx = 1),
                         mi_task("student-t-dof2-2x2", 50)),
  mig = function() mig(mi_matrix(data.frame(z1 = xg, z2 = yg), data.frame(f1 = cut(xg, 3), f2 = cut(yg, 4)), n_threads = 1))
)
res <- lapply(seq_along(cases), function(i) run(1000 + i, cases[[i]]()))
names(res) <- names(cases)
if (args[1] == "save") {
  saveRDS(res, args[2], version = 2)
  cat(sprintf("saved %d cases to %s\n", length(res), args[2]))
} else {
  old <- readRDS(args[2])
  bad <- 0L
  for (nm in union(names(old), names(res))) {
    same <- identical(old[[nm]], res[[nm]])
    if (!same) bad <- bad + 1L
    cat(sprintf("%-26s %s\n", nm, if (same) "identical" else "DIFFERS"))
  }
  cat(sprintf("%d of %d cases differ\n", bad, length(union(names(old), names(res)))))
  quit(status = as.integer(bad > 0L))
}
