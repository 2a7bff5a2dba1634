# gmm_mi() (R/gmm_mi.R), the estimator: known truths, invariance, reproducibility, selection
# rule, bad input. (The MI of a given mixture is tested in test-mixture-mi.R.)
# Accuracy tolerance: |estimate - truth| < 4 * std_error + bias allowance (stated per test).
# Smaller n_bootstrap / n_mc than the defaults keep the file fast; the bootstrap sd is still a
# fair (if noisier) error bar.

fast <- function(...) gmm_mi(..., n_bootstrap = 20, n_mc = 2e4, n_threads = 2, progress = FALSE)
within_truth <- function(fit, truth, bias) {
  expect_true(is.finite(fit$estimate))
  expect_gt(fit$std_error, 0)
  expect_lt(abs(fit$estimate - truth), 4 * fit$std_error + bias)
}

test_that("bivariate Gaussian rho = 0.6, N = 2000", {
  set.seed(101)
  n <- 2000
  x <- rnorm(n)
  y <- 0.6 * x + 0.8 * rnorm(n)
  fit <- fast(x, y)
  within_truth(fit, -0.5 * log(1 - 0.36), 0.01)
  expect_s3_class(fit, c("gmm_mi", "gmmmi_estimate"))
  expect_true(all(c("estimate", "std_error", "bootstrap", "point", "n_components", "selection",
                    "model", "unit", "diagnostics") %in% names(fit)))
  expect_length(fit$bootstrap, 20)
  expect_equal(fit$estimate, max(0, 2 * fit$point - mean(fit$bootstrap)))  # bias-corrected (default)
  expect_equal(fit$std_error, sd(fit$bootstrap))
  expect_s3_class(fit$model, "gmm")
  expect_true(fit$n_components >= 1L && fit$n_components <= 4L)
  # gmm_mi(xy) with a two-column matrix is the same call
  set.seed(5); a <- fast(cbind(x, y))
  set.seed(5); b <- fast(x, y)
  expect_identical(a$bootstrap, b$bootstrap)
})

test_that("3-D x 2-D Gaussian with known covariance", {
  set.seed(102)
  A <- matrix(c(1, 0.3, 0, 0.5, 0, 0, 1, 0.2, 0, 0.4, 0, 0, 1, 0, 0, 0, 0, 0, 1, 0.3, 0, 0, 0, 0, 1), 5)
  S <- crossprod(A)
  n <- 2000
  X <- matrix(rnorm(5 * n), n) %*% chol(S)
  truth <- mi_gauss(S, 1:3, 4:5)
  fit <- fast(X[, 1:3], X[, 4:5])
  expect_identical(unname(fit$dims), c(3L, 2L, 0L))
  within_truth(fit, truth, 0.015)
})

test_that("gamma-exponential (log-transformed), alpha = 1", {
  set.seed(103)
  n <- 2000
  x <- rgamma(n, shape = 1)
  y <- rexp(n, rate = x)
  truth <- digamma(2) - log(1)
  fit <- fast(log(x), log(y))
  expect_gt(fit$n_components, 1L)
  within_truth(fit, truth, 0.03)
})

test_that("ordered Weinman exponential (log-transformed), alpha = 1", {
  set.seed(104)
  n <- 2000
  x <- rexp(n, rate = 2)          # scale 0.5
  y <- x + rexp(n, rate = 1)      # scale alpha = 1
  a <- 1
  truth <- log((2 * a - 1) / (2 * a)) + digamma(2 * a / (2 * a - 1)) - digamma(1)
  fit <- fast(log(x), log(y))
  within_truth(fit, truth, 0.03)
})

test_that("categorical x: 3 classes, Gaussian y; bounded by log C and matches integration", {
  set.seed(105)
  n <- 1500
  p <- c(0.2, 0.3, 0.5)
  lab <- c("lo", "mid", "hi")
  cls <- sample(lab, n, TRUE, p)
  mus <- c(lo = 0, mid = 1.5, hi = 3); sds <- c(lo = 1, mid = 0.7, hi = 1.2)
  y <- rnorm(n, mus[cls], sds[cls])
  pc <- as.vector(table(factor(cls, levels = lab))) / n   # observed frequencies (used by gmm_mi)
  mix <- function(t) rowSums(vapply(1:3, function(c) pc[c] * dnorm(t, mus[c], sds[c]), numeric(length(t))))
  truth <- sum(vapply(1:3, function(c) stats::integrate(function(t) pc[c] * dnorm(t, mus[c], sds[c]) *
    (dnorm(t, mus[c], sds[c], log = TRUE) - log(mix(t))), mus[c] - 12 * sds[c], mus[c] + 12 * sds[c])$value, numeric(1)))
  fit <- fast(factor(cls, levels = lab), y)
  within_truth(fit, truth, 0.015)
  expect_lt(fit$estimate, log(3))
  expect_named(fit$n_components, lab)
  expect_named(fit$model, lab)
  expect_true(all(vapply(fit$model, inherits, logical(1), "gmm")))
  expect_equal(unname(fit$class_prob), pc)
  expect_setequal(unique(fit$selection$class), lab)
  # character labels and 2-D y work too
  fit2 <- gmm_mi(cls, cbind(y, rnorm(n)), n_bootstrap = 5, n_mc = 1e4, n_threads = 2)
  expect_lt(abs(fit2$point - truth), 0.05)
})

test_that("categorical x with well-separated classes gives the class entropy", {
  set.seed(106)
  cls <- sample(c("a", "b"), 600, TRUE, c(0.3, 0.7))
  y <- rnorm(600, ifelse(cls == "a", 0, 40))
  fit <- fast(cls, y)
  pc <- as.vector(table(cls)) / 600
  expect_equal(fit$estimate, -sum(pc * log(pc)), tolerance = 1e-3)
})

test_that("conditional MI of a Gaussian", {
  set.seed(107)
  n <- 3000
  z <- rnorm(n)
  x <- z + rnorm(n)
  y <- 0.5 * x - z + rnorm(n)
  S <- matrix(c(2, 0, 1, 0, 1.25 + 1, -0.5, 1, -0.5, 1), 3)   # cov of (x, y, z)
  S[1, 2] <- S[2, 1] <- 0.5 * 2 - 1                          # cov(x, y) = 0.5 var(x) - cov(x, z)
  S[2, 2] <- 0.25 * 2 + 1 - 2 * 0.5 * 1 + 1                  # var(y)
  S[2, 3] <- S[3, 2] <- 0.5 * 1 - 1                          # cov(y, z)
  truth <- cmi_gauss(S, 1, 2, 3)
  expect_equal(cov(cbind(x, y, z)), S, tolerance = 0.1, ignore_attr = TRUE)
  fit <- fast(x, y, z = z)
  expect_match(fit$quantity, "conditional")
  within_truth(fit, truth, 0.01)
})

test_that("conditional MI with a categorical x: per-class mixtures over (z, y)", {
  set.seed(120)
  n <- 3000
  cl <- factor(sample(c("a", "b"), n, TRUE))
  mu <- ifelse(cl == "a", -1, 1)
  # y = z + mu_class + noise with z independent of the class: I(X; Y | Z) = I(X; mu + noise),
  # the MI of a class with an equal mixture of N(-1, 1) and N(1, 1), by quadrature
  z <- rnorm(n)
  y <- z + mu + rnorm(n)
  dens <- function(u) 0.5 * dnorm(u, -1) + 0.5 * dnorm(u, 1)
  truth <- integrate(function(u) -dens(u) * log(dens(u)), -30, 30)$value - 0.5 * log(2 * pi * exp(1))
  fit <- fast(cl, y, z = z)
  expect_match(fit$quantity, "conditional")
  expect_true(fit$categorical)
  expect_identical(unname(fit$dims), c(1L, 1L, 1L))
  expect_identical(colnames(fit$model$a$means), c("z", "y"))
  within_truth(fit, truth, 0.02)
  # x depends on z and y on z only: I(X; Y | Z) = 0 although I(X; Y) is large
  z2 <- rnorm(n) + mu
  y2 <- z2 + rnorm(n)
  expect_gt(fast(cl, y2)$estimate, 0.1)
  f0 <- fast(cl, y2, z = z2)
  expect_lt(abs(f0$estimate), 4 * f0$std_error + 0.005)
  # invariant to strictly increasing maps of y and z (normal scores: the same fit, bit for bit)
  set.seed(3); a <- fast(cl, y, z = z, transform = "normal_scores")
  set.seed(3); b <- fast(cl, exp(y), z = z^3, transform = "normal_scores")
  expect_identical(a$estimate, b$estimate)
  # a numeric y with a discrete x on the right swaps into the same problem
  set.seed(4); s1 <- fast(cl, y, z = z)
  set.seed(4); s2 <- fast(y, cl, z = z)
  expect_identical(s1$estimate, s2$estimate)
  expect_true(s2$swapped)
  # pointwise conditional MI: its mean under the fit is the full-data estimate (Monte Carlo aside)
  png(tf <- tempfile(fileext = ".png"))
  p <- plot(fit, type = "pmi")
  dev.off()
  expect_equal(mean(p), fit$point, tolerance = 0.1)
})

test_that("conditional MI given a discrete z: the frequency-weighted sum over strata", {
  set.seed(121)
  n <- 2400
  zf <- sample(c("u", "v", "w"), n, TRUE, prob = c(0.5, 0.3, 0.2))
  rho <- c(u = 0.9, v = 0.3, w = 0)[zf]
  x <- rnorm(n)
  y <- rho * x + sqrt(1 - rho^2) * rnorm(n)
  truth <- sum(table(zf) / n * -0.5 * log(1 - c(u = 0.81, v = 0.09, w = 0)))
  set.seed(9)
  fit <- fast(x, y, z = zf)
  expect_identical(fit$treatment, "stratified")
  expect_match(fit$quantity, "conditional")
  within_truth(fit, truth, 0.02)
  expect_identical(fit$strata$stratum, c("u", "v", "w"))
  expect_equal(sum(fit$strata$weight), 1)
  # exactly the definition: the same per-stratum fits, drawn in the same order from the same seed
  set.seed(9)
  per <- lapply(c("u", "v", "w"), function(s) {
    fast(x[zf == s], y[zf == s], discrete = c(x = FALSE, y = FALSE), na.rm = FALSE)
  })
  est <- vapply(per, `[[`, 0, "estimate")
  se <- vapply(per, `[[`, 0, "std_error")
  w <- as.vector(table(zf)) / n
  expect_identical(fit$estimate, sum(w * est))
  expect_equal(fit$std_error, sqrt(sum(w^2 * se^2) + max(0, sum(w * est^2) - sum(w * est)^2) / n))
  # a stratum where x is constant contributes 0; a factor z through the formula keeps its name
  x2 <- ifelse(zf == "w", 1, x)
  set.seed(10)
  f2 <- mi(y ~ x | g, data.frame(x = x2, y = y, g = zf), n_bootstrap = 5, n_mc = 1e4, progress = FALSE)
  expect_identical(f2$strata$treatment[3], "constant")
  expect_identical(f2$strata$estimate[3], 0)
  expect_output(print(f2), "discrete z \\(g\\): conditional MI within each of its 3 strata")
  # mixed z: stratify on the factor, condition on the numeric column within each stratum
  zc <- rnorm(n)
  f3 <- fast(x + zc, y + zc, z = data.frame(g = zf, c = zc))
  expect_true(all(vapply(f3$fits, function(f) f$dims[["dz"]], 0) == 1))
  # a stratum too small for GMM-MI: the error names it
  expect_error(mi(mpg ~ wt | cyl, mtcars), "stratum cyl = \"6\" \\(7 rows\\)", class = "gmmmi_error_input")
})

test_that("independent variables give MI near 0", {
  set.seed(108)
  fit <- fast(rnorm(1500), rnorm(1500))
  expect_lt(abs(fit$estimate), 4 * fit$std_error + 0.005)
})

test_that("a monotone transform of y changes the estimate by less than its sd", {
  set.seed(109)
  n <- 2000
  x <- rnorm(n)
  y <- 0.6 * x + 0.8 * rnorm(n)
  set.seed(1); a <- fast(x, y)
  set.seed(1); b <- fast(x, log(y + 5))
  expect_lt(abs(a$estimate - b$estimate), max(a$std_error, b$std_error))
  # per-column affine maps are exact invariances (columns are standardised)
  set.seed(1); c <- fast(3 * x + 2, -y / 7)
  expect_equal(c$estimate, a$estimate, tolerance = 1e-6)
})

test_that("same seed gives the same result, and 1 vs 2 threads are identical", {
  set.seed(110)
  x <- rgamma(800, 2)
  y <- rexp(800, x)
  run <- function(nt) {
    set.seed(42)
    gmm_mi(log(x), log(y), n_bootstrap = 8, n_mc = 1e4, n_threads = nt)
  }
  a <- run(1); b <- run(2); a2 <- run(1)
  strip <- function(f) f[setdiff(names(f), c("timing", "call", "settings"))]
  expect_identical(strip(a), strip(b))
  expect_identical(strip(a), strip(a2))
  set.seed(43)
  d <- gmm_mi(log(x), log(y), n_bootstrap = 8, n_mc = 1e4, n_threads = 1)
  expect_false(identical(a$bootstrap, d$bootstrap))
  cls <- rep(c("u", "v"), 200)
  yc <- rnorm(400, ifelse(cls == "u", 0, 1))
  ca <- withr::with_seed(7, gmm_mi(cls, yc, n_bootstrap = 6, n_mc = 1e4, n_threads = 1))
  cb <- withr::with_seed(7, gmm_mi(cls, yc, n_bootstrap = 6, n_mc = 1e4, n_threads = 2))
  expect_identical(strip(ca), strip(cb))
})

# the stopping rule of the spec, applied to the scores of a selection table
expected_stop <- function(scores, threshold, patience, higher = TRUE) {
  best <- scores[1]; bad <- 0L
  for (k in seq_along(scores)[-1]) {
    imp <- if (higher) scores[k] > best + threshold else scores[k] < best - threshold
    if (imp) { best <- scores[k]; bad <- 0L } else bad <- bad + 1L
    if (bad >= patience) return(k)
  }
  length(scores)
}

test_that("K selection: 3 clusters give K = 3; patience resets; the best K is chosen", {
  set.seed(111)
  n <- 600
  k <- sample(3, n, TRUE)
  ctr <- rbind(c(0, 0), c(6, 0), c(0, 6))
  X <- ctr[k, ] + matrix(rnorm(2 * n), n) %*% diag(c(1, 0.6))
  fit <- gmm_mi(X[, 1], X[, 2], n_bootstrap = 0, n_threads = 2)
  expect_identical(fit$n_components, 3L)
  expect_true(is.na(fit$std_error))
  expect_equal(fit$estimate, fit$point)
  sel <- fit$selection
  expect_identical(sel$K, seq_len(nrow(sel)))
  expect_identical(sel$K[sel$chosen], sel$K[which.max(sel$score)])
  expect_equal(nrow(sel), expected_stop(sel$score, 1e-5, 1L))
  # patience 3 on a curved data set: the table must stop exactly where the resetting rule says
  set.seed(112)
  x <- rgamma(1500, 1); y <- rexp(1500, x)
  f3 <- gmm_mi(log(x), log(y), patience = 3, n_bootstrap = 0, n_threads = 2)
  s3 <- f3$selection
  expect_equal(nrow(s3), expected_stop(s3$score, 1e-5, 3L))
  expect_identical(f3$n_components, s3$K[which.max(s3$score)])
  expect_gte(nrow(s3), f3$n_components + 3L)  # ran `patience` K beyond the best
  # a non-resetting counter would have stopped at the third non-improvement overall
  # AIC / BIC
  fb <- gmm_mi(X[, 1], X[, 2], select = "bic", n_bootstrap = 0, n_threads = 2)
  expect_identical(fb$n_components, 3L)
  expect_true("bic" %in% names(fb$selection))
  expect_identical(fb$selection$K[fb$selection$chosen], fb$selection$K[which.min(fb$selection$bic)])
  fa <- gmm_mi(X[, 1], X[, 2], select = "aic", n_bootstrap = 0, n_threads = 2)
  expect_equal(nrow(fa$selection), expected_stop(fa$selection$aic, 1e-5, 1L, higher = FALSE))
  # fixed K, and the cap
  expect_identical(gmm_mi(X, n_components = 2, n_bootstrap = 0)$n_components, 2L)
  expect_warning(fc <- gmm_mi(X, max_components = 2, n_bootstrap = 0, transform = "none"), "max_components")
  expect_true(fc$diagnostics$k_at_cap)
  expect_match(paste(capture.output(print(fc)), collapse = "\n"), "Warning")
})

test_that("units, methods and plots", {
  set.seed(113)
  x <- rnorm(500); y <- x + rnorm(500)
  set.seed(1); a <- gmm_mi(x, y, n_bootstrap = 10, n_mc = 1e4)
  set.seed(1); b <- gmm_mi(x, y, n_bootstrap = 10, n_mc = 1e4, unit = "bit")
  expect_equal(b$estimate, a$estimate / log(2))
  expect_equal(b$bootstrap, a$bootstrap / log(2))
  expect_identical(b$unit, "bit")
  expect_output(print(a), "nat")
  expect_output(print(summary(a)), "Model selection")
  expect_equal(unname(coef(a)), a$estimate)
  ci <- confint(a, level = 0.9)
  # the basic interval for the bias-corrected estimate; plain percentiles for the bootstrap mean
  expect_equal(as.vector(ci), pmax(0, 2 * a$point - rev(unname(quantile(a$bootstrap, c(0.05, 0.95))))))
  expect_true(ci[1] <= a$estimate && a$estimate <= ci[2])
  am <- a
  am$settings$estimate <- "bootstrap_mean"
  expect_equal(as.vector(confint(am, level = 0.9)), unname(quantile(a$bootstrap, c(0.05, 0.95))))
  cn <- confint(a, type = "normal")
  expect_equal(as.vector(cn), a$estimate + c(-1, 1) * qnorm(0.975) * a$std_error)
  df <- as.data.frame(a)
  expect_identical(nrow(df), 1L)
  expect_equal(df$estimate, a$estimate)
  expect_true(all(c("selection", "full_fit", "bootstrap") %in% names(a$timing)))
  grDevices::pdf(NULL)
  on.exit(grDevices::dev.off())
  for (t in c("bootstrap", "selection", "model")) expect_invisible(plot(a, type = t))
  p <- plot(a, type = "pmi")
  expect_length(p, 500)
  expect_equal(mean(p), a$point, tolerance = 0.1)
  cls <- rep(c("a", "b"), 100)
  fc <- gmm_mi(cls, rnorm(200, cls == "a"), n_bootstrap = 4, n_mc = 1e4)
  for (t in c("bootstrap", "selection", "model", "pmi")) expect_no_error(plot(fc, type = t))
  expect_error(plot(a, type = "nope"), class = "gmmmi_error_input")
  expect_error(confint(a, type = "nope"), class = "gmmmi_error_input")
})

test_that("bad input gives clear errors naming the argument", {
  set.seed(114)
  x <- rnorm(100); y <- x + rnorm(100)
  err <- function(expr, pat) expect_error(expr, pat, class = "gmmmi_error_input")
  err(gmm_mi(x, y[-1]), "`y` has 99 rows")
  err(gmm_mi(x, y, z = rnorm(50)), "`z` has 50 rows")
  err(gmm_mi(x), "two columns")
  err(gmm_mi(cbind(x, y, y)), "two columns")
  err(gmm_mi(c(x[-1], Inf), y), "infinite")
  err(gmm_mi(rep(1, 100), y), "constant")
  err(gmm_mi(x, rep(2, 100)), "constant")
  err(gmm_mi(x[1:3], y[1:3]), "complete rows")
  err(gmm_mi(x, y, n_bootstrap = -1), "n_bootstrap")
  err(gmm_mi(x, y, n_bootstrap = 2.5), "n_bootstrap")
  err(gmm_mi(x, y, select = "loo"), "select")
  err(gmm_mi(x, y, init = "magic"), "init")
  err(gmm_mi(x, y, n_folds = 1), "n_folds")
  err(gmm_mi(x, y, n_components = 0), "n_components")
  err(gmm_mi(x, y, n_components = 80), "n_components")
  err(gmm_mi(x, y, unit = "dit"), "unit")
  err(gmm_mi(x, y, n_mc = 10), "n_mc")
  err(gmm_mi(x, y, tol = 0), "tol")
  err(gmm_mi(x, rep(letters, length.out = 100)), "`y`: class")  # a discrete y is the classes; too few rows each
  err(gmm_mi(rep("a", 100), y), "single class")
  err(gmm_mi(c(rep("a", 97), rep("b", 3)), y), "fewer than")
  err(gmm_mi(rep(c("a", "b"), 50)), "`y` is missing")
  expect_error(gmm_mi(rep(c("a", "b"), 50), rep(c("u", "v"), each = 50), z = x), "both discrete",
               class = "gmmmi_error_discrete")
  # missing values: dropped with a warning that says how many, or an error
  xn <- x; xn[c(3, 7)] <- NA
  expect_warning(f <- gmm_mi(xn, y, n_bootstrap = 2, n_mc = 1e3), "Dropped 2 incomplete")
  expect_identical(f$n, 98L)
  expect_identical(f$diagnostics$n_dropped_rows, 2L)
  err(gmm_mi(xn, y, na.rm = FALSE), "missing")
  cn <- rep(c("a", "b"), 50); cn[5] <- NA
  expect_warning(gmm_mi(cn, y, n_bootstrap = 2, n_mc = 1e3), "Dropped 1")
})

test_that("the progress display runs through every phase without changing the result", {
  set.seed(115)
  x <- rnorm(300); y <- x + rnorm(300)
  set.seed(1); a <- gmm_mi(x, y, n_bootstrap = 6, n_mc = 1e3, progress = FALSE)
  withr::local_options(gmmmi.progress = TRUE)
  out <- capture.output(b <- withr::with_seed(1, gmm_mi(x, y, n_bootstrap = 6, n_mc = 1e3, progress = TRUE)))
  expect_true(any(grepl("Choosing K", out)))
  expect_true(any(grepl("Bootstrap", out)))
  expect_identical(a$bootstrap, b$bootstrap)
})

test_that("data with atoms (ties, saturated values) are flagged in the diagnostics", {
  set.seed(11)
  cls <- factor(sample(c("a", "b"), 1000, replace = TRUE))
  y <- pmin(pmax(rnorm(1000, ifelse(cls == "a", -0.3, 0.3)), -0.8), 0.8)  # about 21% at each bound
  f <- gmm_mi(cls, y, n_components = 2, n_bootstrap = 2, n_mc = 2000, transform = "none", n_threads = 1)
  expect_named(f$diagnostics$atoms, "y")
  expect_gt(f$diagnostics$atoms[["y"]], 0.15)
  expect_true(any(grepl("atom", f$diagnostics$messages)))
  expect_output(print(f), "atom")
  # the default dequantises the ties (normal scores): the atoms are recorded, without a warning,
  # and the estimate stays below the entropy of the classes
  fa <- gmm_mi(cls, y, n_bootstrap = 2, n_mc = 2000, n_threads = 1)
  expect_identical(fa$transform, "normal_scores")
  expect_named(fa$diagnostics$atoms, "y")
  expect_false(any(grepl("atom", fa$diagnostics$messages)))
  expect_lt(fa$estimate, log(2))
  # continuous data: no flag (for Gaussian data the fraction is about 0.0004 + a few / n)
  tg <- toy_gaussian(2000, 0.6)
  g <- gmm_mi(tg$x, tg$y, n_components = 1, n_bootstrap = 2, n_threads = 1)
  expect_length(g$diagnostics$atoms, 0)
  expect_lt(gmmmi:::atom_fraction(rnorm(1e4)), 0.005)
  # values rounded to a grid (faithful: whole minutes, 6% at the mode) are not atoms
  expect_gt(gmmmi:::atom_fraction(faithful$waiting), 0.05)
  expect_length(gmmmi:::atom_columns(list(x = as.matrix(faithful[1]), y = as.matrix(faithful[2]),
                                          from_xy = TRUE)), 0)
  expect_equal(gmmmi:::atom_fraction(c(rep(0, 30), rnorm(70))), 0.3, tolerance = 0.02)
  expect_named(gmmmi:::atom_columns(list(x = matrix(rnorm(100)), y = matrix(rep(1:2, 50)), from_xy = TRUE)),
               "column 2 of x")
})

test_that("estimate = bias-corrected (default), bootstrap mean (reference preset) or full-data fit", {
  set.seed(130)
  x <- rnorm(400); y <- rnorm(400)   # independent: the fitted MI is biased upward
  # (without the independence check, which may set all three to 0 here)
  set.seed(1); bc <- fast(x, y, independence = FALSE)
  set.seed(1); bm <- fast(x, y, estimate = "bootstrap_mean", independence = FALSE)
  set.seed(1); ff <- fast(x, y, estimate = "full_fit", independence = FALSE)
  set.seed(1); ic <- fast(x, y)
  expect_true(ic$independence$tested)
  expect_identical(ic$independence$estimate_joint, bc$estimate)
  expect_identical(ic$estimate, if (ic$independence$chosen) 0 else bc$estimate)
  expect_identical(bc$bootstrap, bm$bootstrap)
  expect_identical(bm$estimate, mean(bm$bootstrap))
  expect_identical(ff$estimate, ff$point)
  expect_identical(bc$estimate, max(0, 2 * bc$point - mean(bc$bootstrap)))
  expect_lt(bc$estimate, bm$estimate)
  expect_identical(bc$std_error, bm$std_error)
  expect_output(print(bc), "bias-corrected \\+- bootstrap sd")
  set.seed(1); ref <- gmm_mi(x, y, preset = "reference", n_bootstrap = 10, n_mc = 2e4, progress = FALSE)
  expect_identical(ref$settings$estimate, "bootstrap_mean")
  expect_error(fast(x, y, estimate = "median"), "`estimate`", class = "gmmmi_error_input")
})

test_that("a Gaussian sample gives no false alarm about `tol` (K = 1 is closed form)", {
  set.seed(2)
  r <- gmm_mi(rnorm(5000), rnorm(5000), n_bootstrap = 5, n_threads = 1)
  expect_false(r$diagnostics$all_cv_fits_short)
  expect_false(any(grepl("tol", r$diagnostics$messages)))
})
