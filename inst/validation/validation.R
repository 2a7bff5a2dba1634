# Validation of GMM-MI on toy data with known mutual information (Piras et al. 2023, figs. 1-3).
# Shared by bench/validation.R (full run, stored in inst/extdata/validation.rds) and by the
# vignette "Validation on toy data" (fast run during R CMD check). Plain R; needs gmmmi.

validation_settings <- function(full = FALSE) {
  if (full) {
    list(mode = "full", n_grid = 20L, grid_n = 200L,
         calib_n = c(200L, 2000L, 20000L), calib_reps = c(500L, 500L, 100L),
         calib_budget = c(300, 500, 700),          # seconds per N (stops early, counts recorded)
         boot_n = 200L, boot_reps = 10L, boot_b = 30L,
         n_bootstrap = 50L, n_mc = 1e5, n_threads = 2L, gmm_args = list(preset = "reference"))
  } else {
    list(mode = "fast", n_grid = 6L, grid_n = 200L,
         calib_n = c(200L, 1000L), calib_reps = c(12L, 6L),
         calib_budget = c(25, 15),
         boot_n = 200L, boot_reps = 3L, boot_b = 20L,
         n_bootstrap = 20L, n_mc = 2e4, n_threads = 2L, gmm_args = list(preset = "reference"))
  }
}

validation_gmm <- function(x, y, s) {
  # s$gmm_args: the paper's settings (preset = "reference") for the reproduction; list() for
  # the package's defaults
  args <- c(list(x, y, n_bootstrap = s$n_bootstrap, n_mc = s$n_mc, n_threads = s$n_threads,
                 progress = FALSE), s$gmm_args)
  t <- system.time(f <- do.call(gmmmi::gmm_mi, args))[["elapsed"]]
  list(estimate = f$estimate, sd = f$std_error, K = f$n_components[1], time = t, fit = f)
}

validation_ksg <- function(x, y, k, s) {
  t <- system.time(e <- suppressWarnings(gmmmi::mi_ksg(x, y, k = k, std_error = "none",
                                                        n_threads = s$n_threads)))[["elapsed"]]
  list(estimate = e$estimate, time = t)
}

# (a) MI against the truth over a parameter grid, N = 200 (fig. 1)
validation_grid <- function(s, seed = 1L) {
  cases <- list(
    gaussian = list(par = seq(-0.99, 0.99, length.out = s$n_grid),
                    gen = function(n, p) gmmmi::toy_gaussian(n, p)),
    gamma_exp = list(par = 10^seq(-1, 2, length.out = s$n_grid),
                     gen = function(n, p) gmmmi::toy_transform(gmmmi::toy_gamma_exp(n, p), "log")),
    weinman = list(par = 10^seq(-1, 2, length.out = s$n_grid),
                   gen = function(n, p) gmmmi::toy_transform(gmmmi::toy_weinman(n, p), "log")))
  rows <- list()
  for (nm in names(cases)) {
    cs <- cases[[nm]]
    for (i in seq_along(cs$par)) {
      set.seed(seed * 1000L + i)
      d <- cs$gen(s$grid_n, cs$par[i])
      g <- validation_gmm(d$x, d$y, s)
      k1 <- validation_ksg(d$x, d$y, 1L, s)
      rows[[length(rows) + 1L]] <- data.frame(
        case = nm, param = cs$par[i], truth = d$mi, gmm = g$estimate, gmm_sd = g$sd, K = g$K,
        ksg1 = k1$estimate, t_gmm = g$time, t_ksg = k1$time)
    }
  }
  do.call(rbind, rows)
}

# (b) bias and calibration: rho = 0.6, several N, three transforms (fig. 2). Realisations run
# round-robin over the transforms until the target count or the time budget for that N is reached.
validation_calibration <- function(s, rho = 0.6, seed = 2L) {
  tr <- c("identity", "log5", "cubic")
  rows <- list()
  for (j in seq_along(s$calib_n)) {
    n <- s$calib_n[j]
    start <- proc.time()[["elapsed"]]
    for (r in seq_len(s$calib_reps[j])) {
      if (proc.time()[["elapsed"]] - start > s$calib_budget[j]) break
      for (t in tr) {
        set.seed(seed * 1e6 + j * 1e4 + r)          # same base data for the three transforms
        d0 <- gmmmi::toy_gaussian(n, rho)
        while (min(d0$y) <= -4.9) d0 <- gmmmi::toy_gaussian(n, rho)   # log(y + 5) needs y > -5
        d <- gmmmi::toy_transform(d0, x = "identity", y = t)
        g <- validation_gmm(d$x, d$y, s)
        k1 <- validation_ksg(d$x, d$y, 1L, s)
        k3 <- validation_ksg(d$x, d$y, 3L, s)
        rows[[length(rows) + 1L]] <- data.frame(
          N = n, transform = t, rep = r, truth = d$mi, gmm = g$estimate, gmm_sd = g$sd, K = g$K,
          ksg1 = k1$estimate, ksg3 = k3$estimate, t_gmm = g$time, t_ksg1 = k1$time, t_ksg3 = k3$time)
      }
    }
  }
  do.call(rbind, rows)
}

validation_calibration_summary <- function(calib) {
  key <- unique(calib[, c("N", "transform")])
  out <- lapply(seq_len(nrow(key)), function(i) {
    d <- calib[calib$N == key$N[i] & calib$transform == key$transform[i], ]
    truth <- d$truth[1]
    data.frame(N = key$N[i], transform = key$transform[i], reps = nrow(d),
               bias = mean(d$gmm) - truth,
               bias_se = stats::sd(d$gmm) / sqrt(nrow(d)),
               spread = stats::sd(d$gmm), mean_sd = mean(d$gmm_sd),
               chi2_red = sum((d$gmm - truth)^2 / d$gmm_sd^2) / (nrow(d) - 1),
               ksg1_bias = mean(d$ksg1) - truth, ksg1_spread = stats::sd(d$ksg1),
               ksg3_bias = mean(d$ksg3) - truth, ksg3_spread = stats::sd(d$ksg3),
               ratio_ksg3 = stats::sd(d$ksg3) / stats::sd(d$gmm),
               t_gmm = stats::median(d$t_gmm), t_ksg1 = stats::median(d$t_ksg1),
               t_ksg3 = stats::median(d$t_ksg3))
  })
  do.call(rbind, out)
}

# (c) KSG on bootstrap resamples vs GMM-MI on them (fig. 3)
validation_bootstrap <- function(s, rho = 0.6, seed = 3L) {
  rows <- list()
  for (r in seq_len(s$boot_reps)) {
    set.seed(seed * 1000L + r)
    d <- gmmmi::toy_gaussian(s$boot_n, rho)
    g <- validation_gmm(d$x, d$y, s)               # GMM-MI's own bootstrap replicates
    k_orig <- c(validation_ksg(d$x, d$y, 1L, s)$estimate, validation_ksg(d$x, d$y, 3L, s)$estimate)
    kb <- t(vapply(seq_len(s$boot_b), function(b) {
      i <- sample.int(s$boot_n, replace = TRUE)
      c(validation_ksg(d$x[i], d$y[i], 1L, s)$estimate, validation_ksg(d$x[i], d$y[i], 3L, s)$estimate)
    }, numeric(2)))
    rows[[r]] <- data.frame(rep = r, truth = d$mi, gmm = g$estimate, gmm_point = g$fit$point,
                            gmm_boot_mean = mean(g$fit$bootstrap),
                            gmm_boot_sd = stats::sd(g$fit$bootstrap),
                            ksg1 = k_orig[1], ksg3 = k_orig[2],
                            ksg1_boot_mean = mean(kb[, 1]), ksg3_boot_mean = mean(kb[, 2]),
                            ksg1_boot_sd = stats::sd(kb[, 1]), ksg3_boot_sd = stats::sd(kb[, 2]))
  }
  do.call(rbind, rows)
}

validation_run <- function(full = FALSE, verbose = FALSE) {
  s <- validation_settings(full)
  old <- options(gmmmi.progress = FALSE)
  on.exit(options(old))
  t0 <- proc.time()[["elapsed"]]
  step <- function(name, expr) {
    t <- system.time(v <- expr)[["elapsed"]]
    if (verbose) message(sprintf("%s: %.1f s", name, t))
    v
  }
  grid <- step("grid", validation_grid(s))
  boot <- step("bootstrap", validation_bootstrap(s))
  calib <- step("calibration", validation_calibration(s))
  list(mode = s$mode, settings = s, grid = grid, calibration = calib,
       calibration_summary = validation_calibration_summary(calib), bootstrap = boot,
       elapsed = proc.time()[["elapsed"]] - t0, date = format(Sys.time(), tz = "UTC", usetz = TRUE),
       r_version = R.version.string, gmmmi_version = as.character(utils::packageVersion("gmmmi")))
}
