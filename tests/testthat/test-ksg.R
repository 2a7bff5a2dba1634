# KSG (R/ksg.R), the exact neighbour search (knn.hpp) and the shared kNN plumbing (R/knn.R).
# The mixed (Ross) estimator has test-mixed.R; blocks here that check several kNN estimators at
# once include it.
# Exact values: tools/design/estimators.md (table "Exact values for tests").

X7 <- c(11, 19, 35, 44, 73, 74, 79)
Y7 <- c(0, 26, 72, 39, 70, 94, 57)
ksg_raw <- function(x, y, k, variant = 1) {
  mi_ksg(x, y, k = k, variant = variant, standardize = FALSE, std_error = "none")$estimate
}

test_that("KSG-1 and KSG-2 give the exact fractions of estimators.md on the RAW data", {
  # The table is for the raw (unstandardised) data, i.e. standardize = FALSE.
  ksg1 <- c(29 / 420, 16 / 105, 17 / 420)
  ksg2 <- c(109 / 420, 59 / 420, 27 / 420)
  for (k in 1:3) {
    expect_lt(abs(ksg_raw(X7, Y7, k) - ksg1[k]), 1e-12)
    expect_lt(abs(ksg_raw(X7, Y7, k, 2) - ksg2[k]), 1e-12)
    # the general (multi-column) path gives the same numbers: repeating a column does not
    # change max-norm distances
    expect_lt(abs(ksg_raw(X7, cbind(Y7, Y7), k) - ksg1[k]), 1e-12)
    expect_lt(abs(ksg_raw(cbind(X7, X7), cbind(Y7, Y7), k, 2) - ksg2[k]), 1e-12)
    # the serial 1-D entry point used by sliced MI
    expect_lt(abs(gmmmi:::.ksg_1d_serial(X7, Y7, k, 1L) - ksg1[k]), 1e-12)
    expect_lt(abs(gmmmi:::.ksg_1d_serial(X7, Y7, k, 2L) - ksg2[k]), 1e-12)
  }
  # With standardised columns (the default) the neighbours change: k = 1 gives 59/420.
  expect_lt(abs(mi_ksg(X7, Y7, k = 1, std_error = "none")$estimate - 59 / 420), 1e-12)
})

test_that("KSG-1 equals FNN::mutinfo on tie-free data (raw and standardised)", {
  skip_if_not_installed("FNN")
  set.seed(11)
  x <- rnorm(700)
  y <- x^2 + rnorm(700)
  for (k in c(1, 3, 7)) {
    expect_equal(ksg_raw(x, y, k), FNN::mutinfo(x, y, k), tolerance = 1e-12)
  }
  expect_equal(mi_ksg(x, y, std_error = "none")$estimate,
               FNN::mutinfo(scale(x), scale(y), 3), tolerance = 1e-12)
  xm <- matrix(rnorm(1200), ncol = 3)
  ym <- cbind(xm[, 1] + rnorm(400), rnorm(400))
  expect_equal(ksg_raw(xm, ym, 4), FNN::mutinfo(xm, ym, 4), tolerance = 1e-12)
  expect_equal(ksg_raw(ym, xm[, 2], 2), FNN::mutinfo(ym, xm[, 2], 2), tolerance = 1e-12)
})

test_that("the k-d tree equals brute force under the max-norm and the Euclidean norm, with ties", {
  set.seed(3)
  for (d in 1:6) {
    # rounded coordinates: many tied distances and some repeated points
    x <- matrix(round(rnorm(300 * d), 1), ncol = d)
    for (norm in c("max", "euclidean")) {
      tree <- gmmmi:::.knn_search(x, 6L, norm, 2L, FALSE)
      brute <- gmmmi:::.knn_search(x, 6L, norm, 1L, TRUE)
      expect_identical(tree, brute, info = paste(d, norm))
      # range counts, strict and non-strict, at radii equal to actual neighbour distances
      # measures with the same floating-point operations as the core (max of |diff|, or a
      # left-to-right sum of squares in double precision; R's sum() would use long double)
      dmeas <- matrix(0, nrow(x), nrow(x))
      for (j in seq_len(d)) {
        df <- outer(x[, j], x[, j], "-")
        dmeas <- if (norm == "max") pmax(dmeas, abs(df)) else dmeas + df^2
      }
      # radii: exact measures of actual 4th-neighbour distances (ties on the boundary)
      meas <- dmeas[cbind(seq_len(nrow(x)), brute$index[, 4])]
      for (strict in c(TRUE, FALSE)) {
        ref <- if (strict) rowSums(dmeas < meas) else rowSums(dmeas <= meas)
        expect_identical(gmmmi:::.knn_count(x, meas, strict, norm, 2L), as.integer(ref),
                         info = paste(d, norm, strict))
      }
    }
  }
})

test_that("MI is symmetric and invariant to row order", {
  set.seed(5)
  x <- rnorm(3000)
  y <- sin(2 * x) + 0.5 * rnorm(3000)
  o <- sample(3000)
  for (v in 1:2) {
    a <- mi_ksg(x, y, variant = v, std_error = "none")$estimate
    expect_equal(mi_ksg(y, x, variant = v, std_error = "none")$estimate, a, tolerance = 1e-12)
    expect_equal(mi_ksg(x[o], y[o], variant = v, std_error = "none")$estimate, a, tolerance = 1e-12)
  }
  xm <- cbind(x, rnorm(3000))
  ym <- cbind(y, x + rnorm(3000), rnorm(3000))
  a <- mi_ksg(xm, ym, std_error = "none")$estimate
  expect_equal(mi_ksg(ym, xm, std_error = "none")$estimate, a, tolerance = 1e-12)
  expect_equal(mi_ksg(xm[o, ], ym[o, ], std_error = "none")$estimate, a, tolerance = 1e-12)
})

test_that("KSG is close to the closed-form Gaussian MI", {
  set.seed(8)
  n <- 5000
  for (rho in c(0.5, 0.9)) {
    z <- rnorm(n)
    x <- z
    y <- rho * z + sqrt(1 - rho^2) * rnorm(n)
    truth <- -0.5 * log(1 - rho^2)  # 0.1438410 / 0.8303656
    for (v in 1:2) {
      fit <- mi_ksg(x, y, k = 5, variant = v)
      expect_lt(abs(fit$estimate - truth), 0.03)
      expect_lt(abs(fit$estimate - truth), 4 * fit$std_error + 0.01)
    }
  }
  # Y = X + N(0, 1): 0.5 log 2 = 0.3465735903; 2-D x 2-D independent pairs: twice that
  x <- matrix(rnorm(2 * n), ncol = 2)
  y <- x + matrix(rnorm(2 * n), ncol = 2)
  expect_lt(abs(mi_ksg(x[, 1], y[, 1], std_error = "none")$estimate - 0.3465735903), 0.03)
  expect_lt(abs(mi_ksg(x, y, std_error = "none")$estimate - 2 * 0.3465735903), 0.06)
  # independence: close to 0
  expect_lt(abs(mi_ksg(rnorm(n), rnorm(n), std_error = "none")$estimate), 0.02)
})

test_that("the subsampling standard error matches the spread over replications", {
  set.seed(21)
  reps <- replicate(40, {
    x <- rnorm(1000)
    y <- 0.6 * x + 0.8 * rnorm(1000)
    f <- mi_ksg(x, y)
    c(f$estimate, f$std_error)
  })
  ratio <- mean(reps[2, ]) / sd(reps[1, ])
  expect_gt(ratio, 0.6)
  expect_lt(ratio, 1.6)
})

test_that("same seed gives the same result; 1 and 2 threads are bitwise identical", {
  set.seed(2)
  n <- 6000
  x <- rnorm(n)
  y <- x + rnorm(n)
  xm <- matrix(rnorm(3 * n), ncol = 3)
  ym <- xm[, 1:2] + matrix(rnorm(2 * n), ncol = 2)
  lab <- factor(floor(3 * pnorm(x)))
  calls <- list(
    function(nt) mi_ksg(x, y, n_threads = nt),
    function(nt) mi_ksg(x, y, variant = 2, n_threads = nt),
    function(nt) mi_ksg(xm, ym, n_threads = nt),
    function(nt) mi_ksg(xm, ym, variant = 2, n_threads = nt),
    function(nt) mi_mixed(lab, ym, n_threads = nt),
    function(nt) mi_knn_entropy(xm, ym, std_error = "none", n_threads = nt),
    function(nt) entropy_knn(xm, k = 4, n_threads = nt)
  )
  for (f in calls) expect_thread_invariant(f)
  # the seed drives the subsample partition: same seed same SE, another seed another SE
  set.seed(4)
  s1 <- mi_ksg(x, y)$std_error
  set.seed(4)
  expect_identical(mi_ksg(x, y)$std_error, s1)
  set.seed(5)
  expect_false(identical(mi_ksg(x, y)$std_error, s1))
})

test_that("duplicate rows are reported and handled by seeded jitter", {
  set.seed(6)
  x <- round(rnorm(500), 1)
  y <- round(x + rnorm(500), 1)
  expect_warning(a <- mi_ksg(x, y, std_error = "none"), class = "gmmmi_warning_duplicates")
  expect_gt(a$duplicates, 0L)
  expect_identical(a$settings$jitter, 1e-10)
  expect_identical(a$zero_radius, 0)
  set.seed(1)
  b1 <- suppressWarnings(mi_ksg(x, y, std_error = "none"))
  set.seed(1)
  b2 <- suppressWarnings(mi_ksg(x, y, std_error = "none"))
  expect_identical(b1$estimate, b2$estimate)
  # jitter = 0: no noise, exact tie-aware counts, zero radii reported
  c0 <- expect_silent(mi_ksg(x, y, jitter = 0, k = 1, std_error = "none"))
  expect_gt(c0$zero_radius, 0)
  expect_true(is.finite(c0$estimate))
  # tie-free data: no jitter, no warning
  expect_silent(mi_ksg(rnorm(50), rnorm(50)))
})

test_that("units, result class and settings", {
  set.seed(7)
  x <- rnorm(800)
  y <- x + rnorm(800)
  set.seed(1)
  nat <- mi_ksg(x, y)
  set.seed(1)
  bit <- mi_ksg(x, y, unit = "bit")
  expect_s3_class(nat, "gmmmi_estimate")
  expect_equal(bit$estimate, nat$estimate / log(2), tolerance = 1e-14)
  expect_equal(bit$std_error, nat$std_error / log(2), tolerance = 1e-14)
  expect_identical(bit$unit, "bit")
  expect_identical(nat$n, 800L)
  expect_identical(nat$settings$k, 3L)
  expect_identical(nat$settings$subsample_size, 80L)
  expect_length(nat$subsamples, 10L)
  expect_equal(nat$std_error, sd(nat$subsamples) * sqrt(80 / 800))
  expect_true(is.na(mi_ksg(x[1:60], y[1:60])$std_error))  # too small to subsample
  expect_output(print(nat), "KSG, k = 3")
})

test_that("bad inputs give errors of class gmmmi_error_input naming the argument", {
  x <- rnorm(20)
  y <- rnorm(20)
  e <- "gmmmi_error_input"
  expect_error(mi_ksg(x, y[-1]), "`y`", class = e)
  expect_error(mi_ksg(c(x[-1], NA), y, na.rm = FALSE), "`x`", class = e)
  expect_error(mi_ksg(x, c(y[-1], Inf)), "`y`", class = e)
  expect_error(mi_ksg(x, y, k = 20), "`k`", class = e)
  expect_error(mi_ksg(x, y, k = 0), "`k`", class = e)
  expect_error(mi_ksg(x, y, k = 2.5), "`k`", class = e)
  expect_error(mi_ksg(x, rep(1, 20)), "`y`", class = e)
  expect_error(mi_ksg(x, y, variant = 3), "`variant`", class = e)
  expect_error(mi_ksg(x, y, jitter = -1), "`jitter`", class = e)
  expect_error(mi_ksg(x, y, std_error = "boot"), "`std_error`", class = e)
  expect_error(mi_ksg(x, y, unit = "dit"), "`unit`", class = e)
  expect_error(mi_ksg(x, y, n_threads = 0), "`n_threads`", class = e)
  expect_error(mi_ksg(x, "a"), "`y`", class = e)
  # two discrete variables: the plug-in estimate (?gmmmi_discrete), at most their entropy
  both <- mi_ksg(letters[1:20], letters[1:20])
  expect_identical(both$treatment, "plug-in")
  expect_lte(both$estimate, min(both$entropy) + 1e-12)
  expect_error(mi_mixed(c(1.5, rep(1, 19)), y), "`x`", class = e)
  expect_error(mi_mixed(c(NA, rep(1, 19)), y, na.rm = FALSE), "`x`", class = e)
  expect_error(mi_mixed(rep(1:2, 10), y[-1]), "`y`", class = e)
  expect_error(mi_mixed(1:20, y), "`x`", class = e)
  expect_error(mi_mixed(rep(1:2, 10), y, norm = "l1"), "`norm`", class = e)
  expect_error(entropy_knn(x, k = 20), "`k`", class = e)
  expect_error(entropy_knn(cbind(x, 2 * x), whiten = TRUE), "`x`", class = e)
  expect_error(entropy_knn(x, form = "digamma"), "`form`", class = e)
  expect_error(mi_knn_entropy(x, y[1:5]), "`y`", class = e)
})
