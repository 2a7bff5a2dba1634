# mi_binned() (R/binned.R): the plug-in histogram MI. mi_gaussian() is tested in test-gaussian.R.

test_that("binned MI equals the hand-computed plug-in value and Miller-Madow correction", {
  # joint counts (3 1 / 1 3), n = 8
  x <- rep(0:1, each = 4)
  y <- c(0, 0, 0, 1, 0, 1, 1, 1)
  plug <- 0.75 * log(1.5) + 0.25 * log(0.5)
  r <- mi_binned(x, y, bins = 2, binning = "equal_width", correction = "none")
  expect_equal(r$estimate, plug, tolerance = 1e-14)
  expect_equal(unname(unclass(r$table)), matrix(c(3, 1, 1, 3), 2))
  # m_x = m_y = 2, m_xy = 4: correction (2 + 2 - 4 - 1) / (2 * 8)
  mm <- mi_binned(x, y, bins = 2, binning = "equal_width")
  expect_equal(mm$estimate, plug - 1 / 16, tolerance = 1e-14)
  expect_equal(mi_binned(x, y, bins = 2)$estimate, plug - 1 / 16, tolerance = 1e-14)
  # delta-method s.e.: g = log(1.5) on 3/4 of the mass, log(0.5) on 1/4
  expect_equal(r$std_error, sqrt((0.75 * log(1.5)^2 + 0.25 * log(0.5)^2 - plug^2) / 8), tolerance = 1e-12)
  expect_equal(mi_binned(x, y, bins = 2, unit = "bit", correction = "none")$estimate, plug / log(2))

  # a 3 x 3 table with empty cells: counts (2 0 0 / 1 1 0 / 0 0 2), n = 6
  x <- c(1, 1, 2, 2, 3, 3)
  y <- c(1, 1, 1, 2, 3, 3)
  p <- matrix(c(2, 1, 0, 0, 1, 0, 0, 0, 2), 3) / 6
  px <- rowSums(p); py <- colSums(p); nz <- p > 0
  plug3 <- sum(p[nz] * log(p[nz] / outer(px, py)[nz]))
  r3 <- mi_binned(x, y, bins = 3, binning = "equal_width", correction = "none")
  expect_equal(r3$estimate, plug3, tolerance = 1e-14)
  # m_x = 3, m_y = 3, m_xy = 4
  expect_equal(mi_binned(x, y, bins = 3, binning = "equal_width")$estimate, plug3 + (3 + 3 - 4 - 1) / 12,
               tolerance = 1e-14)
  # entropies written out: I = H(X) + H(Y) - H(X,Y)
  H <- function(q) -sum(q[q > 0] * log(q[q > 0]))
  expect_equal(plug3, H(px) + H(py) - H(p), tolerance = 1e-14)
})

test_that("binned MI matches a table built with cut(), and its bin rules", {
  set.seed(2)
  x <- rnorm(500); y <- x + rnorm(500)
  r <- mi_binned(x, y, bins = c(7, 5), binning = "equal_width", correction = "none")
  tx <- cut(x, seq(min(x), max(x), length.out = 8), include.lowest = TRUE)
  ty <- cut(y, seq(min(y), max(y), length.out = 6), include.lowest = TRUE)
  p <- table(tx, ty) / 500
  nz <- p > 0
  ref <- sum(p[nz] * log(p[nz] / outer(rowSums(p), colSums(p))[nz]))
  expect_equal(r$estimate, ref, tolerance = 1e-12)
  expect_equal(r$settings$bins_x, 7L)
  expect_equal(r$settings$bins_y, 5L)
  # equal-frequency bins: about n / B points per marginal bin
  ef <- mi_binned(x, y, bins = 10)
  expect_true(all(abs(rowSums(ef$table) - 50) <= 1))
  # default number of bins: max(2, floor(sqrt(n / 5)))
  expect_equal(ef$n, 500L)
  expect_equal(mi_binned(x, y)$settings$bins_x, 10L)
  expect_equal(mi_binned(x[1:10], y[1:10])$settings$bins_x, 2L)
})

test_that("equal-frequency binned MI is invariant to increasing maps, symmetric and order-free", {
  set.seed(3)
  d <- toy_gamma_exp(1000, 1)
  a <- mi_binned(d$x, d$y)
  b <- mi_binned(log(d$x), d$y^3 + 1)
  expect_equal(a$estimate, b$estimate, tolerance = 1e-14)
  expect_equal(mi_binned(d$y, d$x)$estimate, a$estimate, tolerance = 1e-14)
  o <- sample(1000)
  expect_equal(mi_binned(d$x[o], d$y[o])$estimate, a$estimate, tolerance = 1e-14)
})

test_that("binned MI approaches the truth and is near 0 for independent data", {
  set.seed(4)
  d <- toy_gaussian(20000, 0.6)
  r <- mi_binned(d$x, d$y)
  expect_lt(abs(r$estimate - d$mi), 0.03)
  ind <- mi_binned(rnorm(5000), rnorm(5000))
  expect_lt(abs(ind$estimate), 0.01)
  # without correction the plug-in estimate is biased up by about (B - 1)^2 / (2n) at independence
  ind0 <- mi_binned(rnorm(5000), rnorm(5000), correction = "none")
  expect_gt(ind0$estimate, 0.5 * (31 - 1)^2 / (2 * 5000))
})

test_that("bad input gives errors naming the argument", {
  x <- rnorm(20); y <- rnorm(20)
  expect_error(mi_binned(x, y[-1]), "`x` and `y`", class = "gmmmi_error_input")
  expect_error(mi_binned(cbind(x, y), y), "`x`.*one-dimensional", class = "gmmmi_error_input")
  expect_error(mi_binned(x, c(y[-1], NA), na.rm = FALSE), "`y`", class = "gmmmi_error_input")
  expect_error(mi_binned(x, y, bins = 1), "`bins`", class = "gmmmi_error_input")
  expect_error(mi_binned(x, y, bins = c(2, 3, 4)), "`bins`", class = "gmmmi_error_input")
  expect_error(mi_binned(x, y, bins = 2.5), "`bins`", class = "gmmmi_error_input")
  expect_error(mi_binned(x, y, binning = "kmeans"), "`binning`", class = "gmmmi_error_input")
  expect_error(mi_binned(x, y, correction = "jackknife"), "`correction`", class = "gmmmi_error_input")
  expect_error(mi_binned(x, y, unit = "dit"), "`unit`", class = "gmmmi_error_input")
  # discrete variables are not errors any more: their values are the bins (?gmmmi_discrete)
  cat_fit <- mi_binned(factor(x > 0), y, bins = 4)
  expect_identical(cat_fit$treatment, "categorical")
  expect_identical(dim(cat_fit$table), c(2L, 4L))
  expect_identical(mi_binned(x, as.character(round(y)))$treatment, "categorical")
  expect_error(mi_binned(x, list(1)), "`y`", class = "gmmmi_error_input")
  expect_error(mi_binned(1, 1), "at least 2", class = "gmmmi_error_input")
  expect_error(mi_binned(rep(1, 20), y), "`x`.*constant", class = "gmmmi_error_input")
  expect_error(mi_binned(x, y, n_threads = 0), "`n_threads`", class = "gmmmi_error_input")
})
