# Benchmark: mi_matrix() on 10 latents x 6 factors at n = 5000 (60 pairs), with method "gmm"
# (default settings: CV choice of K, 50 bootstrap replicates, 1e5 Monte Carlo draws) and "ksg"
# (k = 3, subsampling standard errors); wall time with 1 and 2 threads per estimator (pairs
# sequential), and for ksg also with future::plan(multisession, workers = 2) (pairs in two
# processes, 1 thread each). Checks that every configuration gives the identical matrix.
# Run from the package root with the package installed:
#   Rscript bench/representations.R            (writes bench/results/representations.txt)
suppressPackageStartupMessages(library(gmmmi))
options(gmmmi.progress = FALSE)

set.seed(2023)
n <- 5000
# A linear-Gaussian generative model, so that every cell has a closed-form truth:
# factors v ~ N(0, I_6), latents z = v %*% A + noise (sd 0.7): z1-z6 each follow one factor,
# z7 mixes v1 and v2, z8 mixes v3-v5, z9-z10 are pure noise.
A <- matrix(0, 6, 10)
A[cbind(1:6, 1:6)] <- c(1, 0.8, 0.6, 0.4, 0.3, 0.2)
A[1:2, 7] <- c(0.7, -0.7)
A[3:5, 8] <- 0.5
factors <- matrix(stats::rnorm(n * 6), n, dimnames = list(NULL, paste0("v", 1:6)))
latents <- factors %*% A + 0.7 * matrix(stats::rnorm(n * 10), n)
colnames(latents) <- paste0("z", 1:10)
# truth: corr(z_i, v_j) = A[j, i] / sqrt(sum(A[, i]^2) + 0.49)
truth <- t(-0.5 * log(1 - (A / rep(sqrt(colSums(A^2) + 0.49), each = 6))^2))
dimnames(truth) <- list(colnames(latents), colnames(factors))
# Note: gmm_mi() at its defaults costs about 1-2 min per *nonlinear* pair at n = 5000 on this
# machine (K = 4-10, 50 bootstrap refits with 1e5 Monte Carlo draws each); Gaussian pairs select
# K = 1, whose MI has a closed form, so this benchmark measures the machinery, not EM.

cores <- RcppParallel::defaultNumThreads()
timed <- function(label, expr) {
  gc()
  t <- system.time(res <- expr)[["elapsed"]]
  cat(sprintf("%-48s %8.2f s\n", label, t))
  list(label = label, seconds = t, result = res)
}
runs <- list()
set.seed(1)
runs$ksg1 <- timed("ksg, 1 thread, sequential pairs", mi_matrix(latents, factors, method = "ksg", n_threads = 1, seed = 7))
runs$ksg2 <- timed("ksg, 2 threads, sequential pairs", mi_matrix(latents, factors, method = "ksg", n_threads = 2, seed = 7))
if (requireNamespace("future.apply", quietly = TRUE)) {
  future::plan(future::multisession, workers = 2)
  invisible(future.apply::future_lapply(1:2, function(i) requireNamespace("gmmmi")))  # start workers
  runs$ksgF <- timed("ksg, multisession 2 workers x 1 thread", mi_matrix(latents, factors, method = "ksg", seed = 7))
  future::plan(future::sequential)
}
runs$gmm1 <- timed("gmm (defaults), 1 thread, sequential pairs", mi_matrix(latents, factors, method = "gmm", n_threads = 1, seed = 7))
runs$gmm2 <- timed("gmm (defaults), 2 threads, sequential pairs", mi_matrix(latents, factors, method = "gmm", n_threads = 2, seed = 7))

same <- function(a, b) identical(a$result$estimate, b$result$estimate) && identical(a$result$std_error, b$result$std_error)
lines <- c(
  sprintf("# bench/representations.R, %s, R %s, %d cores reported by RcppParallel", format(Sys.time(), "%Y-%m-%d %H:%M UTC", tz = "UTC"),
          getRversion(), cores),
  "# mi_matrix(latents, factors): 10 latents x 6 continuous factors = 60 pairs, n = 5000, linear-Gaussian model",
  "# (machine shared with other jobs: compare ratios, not absolute times)",
  sprintf("%-48s %8s", "configuration", "wall s"),
  vapply(runs, function(r) sprintf("%-48s %8.2f", r$label, r$seconds), character(1)),
  sprintf("ksg identical across 1/2 threads: %s; and under multisession: %s", same(runs$ksg1, runs$ksg2),
          if (is.null(runs$ksgF)) "not run" else same(runs$ksg1, runs$ksgF)),
  sprintf("gmm identical across 1/2 threads: %s", same(runs$gmm1, runs$gmm2)),
  sprintf("speed-up 2 vs 1 thread: ksg %.2f, gmm %.2f", runs$ksg1$seconds / runs$ksg2$seconds, runs$gmm1$seconds / runs$gmm2$seconds),
  "", "# gmm estimates (standard errors), nats:",
  utils::capture.output(print(runs$gmm1$result, digits = 2)),
  "", "# ksg estimates (standard errors), nats:",
  utils::capture.output(print(runs$ksg1$result, digits = 2)),
  sprintf("largest |estimate - truth| (nats): gmm %.4f, ksg %.4f; largest |estimate - truth| / std_error: gmm %.2f, ksg %.2f",
          max(abs(runs$gmm1$result$estimate - truth)), max(abs(runs$ksg1$result$estimate - truth)),
          max(abs(runs$gmm1$result$estimate - truth) / runs$gmm1$result$std_error),
          max(abs(runs$ksg1$result$estimate - truth) / runs$ksg1$result$std_error)),
  "", sprintf("MIG from gmm: %.3f; from ksg: %.3f (factors continuous: gaps normalised by entropy 1 nat, i.e. raw gaps)",
              mig(runs$gmm1$result, entropy = rep(1, 6))$score, mig(runs$ksg1$result, entropy = rep(1, 6))$score))
dir.create("bench/results", showWarnings = FALSE, recursive = TRUE)
writeLines(lines, "bench/results/representations.txt")
cat(lines, sep = "\n")
