# The reduced chi^2 of gmm_mi()'s defaults at N = 200 (Gaussian rho = 0.6, the data of
# bench/calibration.R's identity rows), over 3000 realisations: bench/calibration.R's 500 to 2000
# leave it uncertain, because a few samples with a low correlation (low estimate, low sd) carry it.
#   Rscript bench/calibration_n200.R     # about 5 minutes on 2 cores
# Writes bench/results/calibration_n200.txt.
suppressPackageStartupMessages(library(gmmmi))
options(gmmmi.progress = FALSE)
N <- 200; R <- 3000
t0 <- proc.time()[["elapsed"]]
res <- as.data.frame(t(sapply(seq_len(R), function(r) {
  set.seed(2 * 1e6 + 1 * 1e4 + r)  # bench/calibration.R's data for N = 200
  d0 <- toy_gaussian(N, 0.6)
  while (min(d0$y) <= -4.9) d0 <- toy_gaussian(N, 0.6)
  f <- gmm_mi(d0$x, d0$y, n_threads = 1, seed = r)
  c(estimate = f$estimate, sd = f$std_error, truth = d0$mi, r = stats::cor(d0$x, d0$y))
})))
z <- (res$estimate - res$truth) / res$sd
sink(file.path("bench", "results", "calibration_n200.txt"), split = TRUE)
cat(sprintf("# bench/calibration_n200.R  %s  gmmmi %s  %.0f s; gmm_mi() defaults, N = %d, %d realisations\n",
            format(Sys.time(), "%Y-%m-%d %H:%M"), as.character(utils::packageVersion("gmmmi")),
            proc.time()[["elapsed"]] - t0, N, R))
for (k in c(500, 1000, 2000, R)) cat(sprintf("first %4d realisations: reduced chi^2 %.3f\n", k, mean(z[seq_len(k)]^2)))
cat(sprintf("all: reduced chi^2 %.3f (se %.3f); coverage of +-1.96 sd %.3f; spread %.5f, mean sd %.5f\n",
            mean(z^2), stats::sd(z^2) / sqrt(R), mean(abs(z) <= 1.96), stats::sd(res$estimate), mean(res$sd)))
cat(sprintf("without the 1%% largest z^2: %.3f; correlation of error and sd: %.2f\n",
            mean(sort(z^2)[seq_len(floor(0.99 * R))]), stats::cor(res$estimate - res$truth, res$sd)))
sink()
