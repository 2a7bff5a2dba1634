# The sliced-MI experiment of Goldfeld & Greenewald (2021), reproduced for the vignette
# "Sliced mutual information": Gaussian x, y of dimension d with true MI on a grid from 0 to 4
# nats (split equally across coordinates, then each side randomly rotated), n = 2000. For each d,
# the correlation between the true MI and (a) direct KSG, (b) direct weighted Kozachenko-Leonenko
# (entropy form), (c) sliced MI with the KSG base; and SMI against its exact value.
#
#   Rscript bench/sliced_experiment.R          # full run (about 10 minutes on 2 cores)
#   GMMMI_FAST=true Rscript bench/sliced_experiment.R   # a quick smoke run
# Writes inst/extdata/sliced_experiment.rds (used by the vignette) and bench/results/sliced_experiment.txt.
suppressPackageStartupMessages(library(gmmmi))
fast <- identical(Sys.getenv("GMMMI_FAST"), "true")
dims <- if (fast) c(1, 5) else c(1, 2, 5, 10, 20, 50, 100)
grid <- if (fast) seq(0, 4, length.out = 4) else seq(0, 4, length.out = 12)
n <- if (fast) 500 else 2000
n_proj <- if (fast) 100 else 1000

rotation <- function(d) if (d == 1) matrix(1) else qr.Q(qr(matrix(rnorm(d * d), d)))
one_case <- function(d, mi) {
  r <- sqrt(1 - exp(-2 * mi / d))
  z <- matrix(rnorm(n * d), n)
  x <- z
  y <- r * z + sqrt(1 - r^2) * matrix(rnorm(n * d), n)
  x <- x %*% rotation(d)
  y <- y %*% rotation(d)
  t0 <- proc.time()[["elapsed"]]
  ksg <- mi_ksg(x, y, k = 3, std_error = "none")$estimate
  t1 <- proc.time()[["elapsed"]]
  wkl <- tryCatch(suppressWarnings(mi_knn_entropy(x, y, k = max(3, min(2 * d, 50)), weighted = TRUE,
                                                  std_error = "none")$estimate),
                  error = function(e) NA_real_)
  t2 <- proc.time()[["elapsed"]]
  smi <- mi_sliced(x, y, n_slices = n_proj)
  t3 <- proc.time()[["elapsed"]]
  data.frame(d = d, true_mi = mi, exact_smi = smi_gaussian_isotropic(r, d), ksg = ksg, weighted_kl = wkl,
             smi = smi$estimate, smi_se = smi$std_error,
             seconds_ksg = t1 - t0, seconds_wkl = t2 - t1, seconds_smi = t3 - t2)
}

set.seed(2021)
rows <- list()
for (d in dims) for (mi in grid) {
  rows[[length(rows) + 1]] <- one_case(d, mi)
  cat(sprintf("d = %3d  MI = %.2f  ksg = %.3f  wkl = %.3f  smi = %.4f (exact %.4f)\n", d, mi,
              utils::tail(rows, 1)[[1]]$ksg, utils::tail(rows, 1)[[1]]$weighted_kl,
              utils::tail(rows, 1)[[1]]$smi, utils::tail(rows, 1)[[1]]$exact_smi))
}
res <- do.call(rbind, rows)
summary_tab <- do.call(rbind, lapply(split(res, res$d), function(s) {
  cr <- function(v) if (sum(is.finite(v)) > 2 && stats::sd(v, na.rm = TRUE) > 0) stats::cor(s$true_mi, v, use = "complete.obs") else NA_real_
  data.frame(d = s$d[1], cor_ksg = cr(s$ksg), cor_weighted_kl = cr(s$weighted_kl), cor_smi = cr(s$smi),
             max_abs_smi_error = max(abs(s$smi - s$exact_smi)), mean_smi_se = mean(s$smi_se))
}))
out <- list(results = res, summary = summary_tab, n = n, n_projections = n_proj, grid = grid,
            fast = fast, date = format(Sys.time(), "%Y-%m-%d"))
if (!fast) {
  dir.create(file.path("inst", "extdata"), showWarnings = FALSE, recursive = TRUE)
  saveRDS(out, file.path("inst", "extdata", "sliced_experiment.rds"), version = 2)
}
lines <- c(sprintf("# bench/sliced_experiment.R  %s  n = %d, %d projections, fast = %s", out$date, n, n_proj, fast),
           "# correlation between true MI and the estimate, per dimension d (published: direct near 1 at d <= 2,",
           "# collapsing for d >= 6-8; sliced near 0.98 up to d = 10, fading by d = 50-100)",
           utils::capture.output(print(summary_tab, row.names = FALSE, digits = 3)))
writeLines(lines)
if (!fast) writeLines(lines, file.path("bench", "results", "sliced_experiment.txt"))
