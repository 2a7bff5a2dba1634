# Exact sliced MI of the isotropic Gaussian (tools/design/estimators.md): series in r^2
# (independent of smi_gaussian(), which the package computes by its own code).
smi_series <- function(r, D, terms = 400) {
  n <- seq_len(terms)
  0.5 * sum(r^(2 * n) / n * exp(lgamma(0.5 + n) - lgamma(0.5) - lgamma(D / 2 + n) + lgamma(D / 2)))
}
iso_gaussian <- function(n, D, r) {
  x <- matrix(rnorm(n * D), n)
  list(x = x, y = r * x + sqrt(1 - r^2) * matrix(rnorm(n * D), n))
}

test_that("the reference series reproduces the table of estimators.md", {
  # the table gives 8 decimals: agreement to its rounding (5e-9)
  expect_lt(abs(smi_series(0.8, 2) - 0.22314355), 5e-9)
  expect_lt(abs(smi_series(0.8, 5) - 0.07587448), 5e-9)
  expect_lt(abs(smi_series(0.8, 10) - 0.03506226), 5e-9)
  expect_lt(abs(smi_series(0.8, 1) - (-0.5 * log(1 - 0.64))), 1e-12)
})

test_that("sliced KSG is within 3 Monte Carlo standard errors of the exact value (D = 2, 5, 10)", {
  for (D in c(2, 5, 10)) {
    set.seed(100 + D)
    d <- iso_gaussian(2000, D, 0.8)
    s <- mi_sliced(d$x, d$y, n_slices = 200)
    expect_lt(abs(s$estimate - smi_series(0.8, D)), 3 * s$std_error)
    expect_equal(s$std_error, sd(s$slices) / sqrt(200))
  }
})

test_that("sliced MI of independent data is near 0", {
  set.seed(7)
  x <- matrix(rnorm(2000 * 4), 2000)
  y <- matrix(rnorm(2000 * 3), 2000)
  s <- mi_sliced(x, y, n_slices = 200)
  expect_lt(abs(s$estimate), 3 * s$std_error + 0.01)
  g <- mi_sliced(x, y, n_slices = 500, base = "gaussian")
  expect_lt(g$estimate, 0.005)
})

test_that("the Gaussian base estimator equals the closed form of each slice", {
  set.seed(3)
  d <- iso_gaussian(500, 3, 0.6)
  s <- mi_sliced(d$x, d$y, n_slices = 5, base = "gaussian", keep_directions = TRUE)
  direct <- vapply(1:5, function(j) {
    r <- cor(d$x %*% s$directions$x[, j], d$y %*% s$directions$y[, j])
    -0.5 * log(1 - r^2)
  }, numeric(1))
  expect_equal(s$slices, direct, tolerance = 1e-10)
})

test_that("k-sliced MI with full-rank frames equals the MI itself (Gaussian base)", {
  set.seed(4)
  d <- iso_gaussian(1000, 2, 0.7)
  s <- mi_sliced(d$x, d$y, n_slices = 10, slice_dim = 2, base = "gaussian")
  S <- cov(cbind(d$x, d$y))
  mi <- 0.5 * (log(det(S[1:2, 1:2])) + log(det(S[3:4, 3:4])) - log(det(S)))
  expect_equal(s$slices, rep(mi, 10), tolerance = 1e-8)
  # and the exact value is approached
  expect_lt(abs(mi - (-log(1 - 0.7^2))), 0.08)
})

test_that("same seed gives the same result, and threads do not change it", {
  set.seed(5)
  d <- iso_gaussian(800, 3, 0.5)
  set.seed(11); a <- mi_sliced(d$x, d$y, n_slices = 64, n_threads = 1)
  set.seed(11); b <- mi_sliced(d$x, d$y, n_slices = 64, n_threads = 2)
  expect_identical(a$slices, b$slices)
  expect_identical(a$estimate, b$estimate)
  set.seed(12); c <- mi_sliced(d$x, d$y, n_slices = 64)
  expect_false(identical(a$slices, c$slices))
})

test_that("directions can be reused, and rotating x with its directions changes nothing", {
  set.seed(6)
  d <- iso_gaussian(600, 3, 0.6)
  s <- mi_sliced(d$x, d$y, n_slices = 30, keep_directions = TRUE)
  again <- mi_sliced(d$x, d$y, directions = s)
  expect_identical(again$slices, s$slices)
  expect_identical(mi_sliced(d$x, d$y, directions = s$directions)$slices, s$slices)
  q <- qr.Q(qr(matrix(rnorm(9), 3)))
  rotated <- mi_sliced(d$x %*% q, d$y, directions = list(x = crossprod(q, s$directions$x), y = s$directions$y))
  expect_equal(rotated$slices, s$slices, tolerance = 1e-9)
  # with fresh directions, the rotated data give the same value within Monte Carlo error
  fresh <- mi_sliced(d$x %*% q, d$y, n_slices = 200)
  ref <- mi_sliced(d$x, d$y, n_slices = 200)
  expect_lt(abs(fresh$estimate - ref$estimate), 3 * sqrt(fresh$std_error^2 + ref$std_error^2))
})

test_that("orthogonal blocks are orthonormal and frames for k > 1 are orthonormal", {
  set.seed(8)
  x <- matrix(rnorm(300 * 4), 300)
  y <- x[, 1:3] + matrix(rnorm(300 * 3), 300)
  s <- mi_sliced(x, y, n_slices = 10, orthogonal = TRUE, base = "gaussian", keep_directions = TRUE)
  expect_equal(crossprod(s$directions$x[, 1:4]), diag(4), tolerance = 1e-12)
  expect_equal(crossprod(s$directions$y[, 1:3]), diag(3), tolerance = 1e-12)
  expect_equal(colSums(s$directions$x^2), rep(1, 10))
  k2 <- mi_sliced(x, y, n_slices = 5, slice_dim = 2, base = "gaussian", keep_directions = TRUE)
  for (j in 1:5) expect_equal(crossprod(k2$directions$x[, , j]), diag(2), tolerance = 1e-12)
})

test_that("units: bits are nats divided by log 2", {
  set.seed(9)
  d <- iso_gaussian(400, 2, 0.5)
  set.seed(1); a <- mi_sliced(d$x, d$y, n_slices = 20)
  set.seed(1); b <- mi_sliced(d$x, d$y, n_slices = 20, unit = "bit")
  expect_equal(b$estimate, a$estimate / log(2))
  expect_identical(b$unit, "bit")
})

test_that("print and plot work", {
  set.seed(10)
  d <- iso_gaussian(300, 2, 0.5)
  s <- mi_sliced(d$x, d$y, n_slices = 20, base = "gaussian")
  expect_output(print(s), "20 slices")
  pdf(NULL)
  on.exit(dev.off())
  expect_identical(plot(s), s)
})

test_that("bad input gives clear errors", {
  x <- matrix(rnorm(200), 100)
  y <- matrix(rnorm(300), 100)
  expect_error(mi_sliced(x, y, slice_dim = 3), "`slice_dim`", class = "gmmmi_error_input")
  expect_error(mi_sliced(x, y[, 1], slice_dim = 2), "`slice_dim`", class = "gmmmi_error_input")
  expect_error(mi_sliced(x, y, n_slices = 0), "`n_slices`", class = "gmmmi_error_input")
  expect_error(mi_sliced(x, y[-1, ]), "same number of rows", class = "gmmmi_error_input")
  expect_error(mi_sliced(x, y, base = "mine"), "`base`", class = "gmmmi_error_input")
  expect_error(mi_sliced(x, y, slice_dim = 2, base = "binned"), "binned", class = "gmmmi_error_input")
  expect_error(mi_sliced(letters[rep(1:2, 50)], y, base = "gaussian"), "continuous", class = "gmmmi_error_input")
  expect_error(mi_sliced(x, y, directions = list(x = diag(3), y = diag(3))), "directions\\$x", class = "gmmmi_error_input")
  expect_error(mi_sliced(x, y, base_args = list(3)), "named list", class = "gmmmi_error_input")
  expect_error(mi_sliced(x, y, base_args = list(kk = 3)), "`kk`", class = "gmmmi_error_input")
  s <- mi_sliced(x, y, n_slices = 3, base = "gaussian")
  expect_error(mi_sliced(x, y, directions = s), "keep_directions", class = "gmmmi_error_input")
  xna <- x; xna[1, 1] <- NA
  expect_warning(mi_sliced(xna, y, n_slices = 3, base = "gaussian"), "Dropped 1")
  expect_error(mi_sliced(xna, y, na.rm = FALSE), "incomplete", class = "gmmmi_error_input")
})

test_that("the old argument names still work, with a deprecation warning, and give the same result", {
  x <- matrix(rnorm(300), 100)
  y <- x[, 1:2] + matrix(rnorm(200), 100)
  dep <- function(expr) expect_warning(expr, class = "gmmmi_warning_deprecated")
  set.seed(3); new <- mi_sliced(x, y, n_slices = 7, slice_dim = 2, base = "gaussian")
  set.seed(3); dep(old <- mi_sliced(x, y, n_projections = 7, k = 2, estimator = "gaussian"))
  expect_identical(old$slices, new$slices)
  expect_identical(c(old$n_slices, old$slice_dim), c(7L, 2L))
  expect_warning(mi_sliced(x, y, n_slices = 3, k = 1, base = "gaussian"), "neighbours go in `base_args",
                 class = "gmmmi_warning_deprecated")
  set.seed(4); a <- mi_sliced(x, y, n_slices = 5, base_args = list(k = 5))
  set.seed(4); dep(b <- mi_sliced(x, y, n_slices = 5, estimator_args = list(k = 5)))
  expect_identical(a$slices, b$slices)
  # seed = fixes the directions without touching the caller's stream
  set.seed(9)
  s1 <- expect_rng_untouched(mi_sliced(x, y, n_slices = 5, base = "gaussian", seed = 42))
  expect_identical(mi_sliced(x, y, n_slices = 5, base = "gaussian", seed = 42)$slices, s1$slices)
  # through mi(): `base` is not taken by mi()'s own `method`
  set.seed(5); m <- mi(x, y, method = "sliced", base = "gaussian", n_slices = 5)
  set.seed(5); expect_identical(m$slices, mi_sliced(x, y, base = "gaussian", n_slices = 5)$slices)
})

test_that("mi_sliced aggregates the warnings of its slices into one", {
  w <- character()
  withCallingHandlers(mi_sliced(iris$Species, iris[, 1:4], n_slices = 50, n_threads = 1),
                      warning = function(cnd) {
                        w <<- c(w, conditionMessage(cnd))
                        invokeRestart("muffleWarning")
                      })
  expect_lte(length(w), 2L)
  expect_true(any(grepl("of 50 slice estimates raised warnings", w)))
})
