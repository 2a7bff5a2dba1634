# Calibration of gmm_mi()'s default settings (Piras et al. 2023, fig. 2 design): bivariate
# Gaussian rho = 0.6, transforms identity / log(y + 5) / y + 0.5 y^3, N = 200 / 2000 / 20000.
# Reports bias, spread, mean reported sd, reduced chi^2 and the coverage of the 95% percentile
# and normal intervals. Writes inst/extdata/calibration_defaults.rds (read by the validation
# vignette) and bench/results/calibration.txt.
#   Rscript bench/calibration.R [--reps=2000,500,100] [--budget=1200,900,1200]
# (2000 realisations at N = 200: the reduced chi^2 there is driven by a few low estimates with
# small standard deviations, so 500 realisations leave it uncertain by about +-0.08)
suppressPackageStartupMessages(library(gmmmi))
source(file.path("inst", "validation", "validation.R"))
args <- commandArgs(trailingOnly = TRUE)
num <- function(name, default) {
  a <- grep(paste0("^--", name, "="), args, value = TRUE)
  if (length(a)) as.numeric(strsplit(sub(paste0("^--", name, "="), "", a), ",")[[1]]) else default
}
s <- validation_settings(full = TRUE)
s$gmm_args <- list()                                   # the package's defaults
s$n_bootstrap <- eval(formals(gmm_mi)$n_bootstrap)      # (validation_gmm passes these two)
s$n_mc <- eval(formals(gmm_mi)$n_mc)
s$calib_reps <- as.integer(num("reps", c(2000, 500, 100)))
s$calib_budget <- num("budget", c(1200, 900, 1200))
options(gmmmi.progress = FALSE)
t0 <- proc.time()[["elapsed"]]
calib <- validation_calibration(s)
summ <- validation_calibration_summary(calib)
cover <- do.call(rbind, lapply(split(calib, list(calib$N, calib$transform), drop = TRUE), function(d) {
  data.frame(N = d$N[1], transform = d$transform[1],
             cover95_normal = mean(abs(d$gmm - d$truth) <= stats::qnorm(0.975) * d$gmm_sd))
}))
summ <- merge(summ, cover, by = c("N", "transform"), sort = FALSE)
res <- list(date = format(Sys.time()), elapsed = proc.time()[["elapsed"]] - t0, settings = s,
            calibration = calib, calibration_summary = summ,
            gmmmi_version = as.character(utils::packageVersion("gmmmi")))
dir.create(file.path("inst", "extdata"), showWarnings = FALSE)
saveRDS(res, file.path("inst", "extdata", "calibration_defaults.rds"), version = 2)
sink(file.path("bench", "results", "calibration.txt"), split = TRUE)
cat(sprintf("# bench/calibration.R  %s  gmmmi %s  total %.0f s; gmm_mi() defaults, n_bootstrap %d, n_mc %g\n",
            res$date, res$gmmmi_version, res$elapsed, s$n_bootstrap, s$n_mc))
print(summ[, c("N", "transform", "reps", "bias", "spread", "mean_sd", "chi2_red", "cover95_normal",
               "t_gmm")], digits = 4, row.names = FALSE)
sink()
