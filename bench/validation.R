# Full validation run for the vignette "Validation on toy data" (Piras et al. 2023, figs. 1-3).
# Run from the package root after installing:  Rscript bench/validation.R
# Writes inst/extdata/validation.rds (read by the vignette) and bench/results/validation.txt.
# Sized to about 30 minutes on 2 shared cores: 20 grid points per case at N = 200; calibration
# targets of 500 / 500 / 100 realisations at N = 200 / 2000 / 20000 with a time budget of
# 300 / 500 / 700 s per N (the realisations actually done are recorded); 10 data sets of
# N = 200 with 30 resamples each for the bootstrap comparison.
suppressPackageStartupMessages(library(gmmmi))
source(file.path("inst", "validation", "validation.R"))
res <- validation_run(full = TRUE, verbose = TRUE)
dir.create(file.path("inst", "extdata"), showWarnings = FALSE)
saveRDS(res, file.path("inst", "extdata", "validation.rds"), version = 2)

out <- file.path("bench", "results", "validation.txt")
fmt <- function(d) paste(utils::capture.output(print(d, digits = 4, row.names = FALSE)), collapse = "\n")
g <- res$grid
grid_sum <- do.call(rbind, lapply(split(g, g$case), function(d) data.frame(
  case = d$case[1], points = nrow(d),
  gmm_mean_abs_err = mean(abs(d$gmm - d$truth)), gmm_within_2sd = mean(abs(d$gmm - d$truth) <= 2 * d$gmm_sd),
  ksg1_mean_abs_err = mean(abs(d$ksg1 - d$truth)), t_gmm = stats::median(d$t_gmm), t_ksg = stats::median(d$t_ksg))))
b <- res$bootstrap
writeLines(c(
  sprintf("# bench/validation.R  %s  %s  gmmmi %s  total %.0f s", res$date, res$r_version,
          res$gmmmi_version, res$elapsed),
  sprintf("# settings: n_bootstrap %d, n_mc %g, n_threads %d", res$settings$n_bootstrap,
          res$settings$n_mc, res$settings$n_threads),
  "", "## (a) grid, N = 200", fmt(grid_sum), "", fmt(g[, c("case", "param", "truth", "gmm", "gmm_sd", "K", "ksg1")]),
  "", "## (b) calibration, rho = 0.6", fmt(res$calibration_summary),
  "", "## (c) bootstrap resamples, N = 200, rho = 0.6",
  sprintf("truth %.4f; mean over %d data sets: GMM-MI %.4f, GMM-MI bootstrap mean %.4f; KSG-1 %.4f, on resamples %.4f; KSG-3 %.4f, on resamples %.4f",
          b$truth[1], nrow(b), mean(b$gmm), mean(b$gmm_boot_mean), mean(b$ksg1), mean(b$ksg1_boot_mean),
          mean(b$ksg3), mean(b$ksg3_boot_mean))), out)
cat(readLines(out), sep = "\n")
