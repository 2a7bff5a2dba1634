# mi_gaussian() (R/gaussian.R): the Gaussian MI of the sample covariance.

test_that("mi_gaussian equals the log-determinant formula on a constructed sample", {
  set.seed(5)
  z <- matrix(rnorm(300 * 5), 300) %*% matrix(runif(25, -1, 1), 5)
  x <- z[, 1:2]; y <- z[, 3:5]
  S <- cov(z)
  ref <- mi_gauss(S, 1:2, 3:5)
  r <- mi_gaussian(x, y)
  expect_equal(r$estimate, ref, tolerance = 1e-10)
  expect_equal(r$method, "gaussian")
  expect_equal(r$n, 300L)
  # canonical correlations reproduce it, and give the delta-method s.e.
  cc <- r$canonical_correlations
  expect_length(cc, 2L)
  expect_equal(-0.5 * sum(log(1 - cc^2)), ref, tolerance = 1e-10)
  expect_equal(r$std_error, sqrt(sum(cc^2) / 300), tolerance = 1e-12)
  # affine invariance, symmetry, data frames, bits
  a <- matrix(c(2, 1, 0, 3), 2)
  expect_equal(mi_gaussian(x %*% a + 7, -4 * y)$estimate, ref, tolerance = 1e-10)
  expect_equal(mi_gaussian(y, x)$estimate, ref, tolerance = 1e-10)
  expect_equal(mi_gaussian(as.data.frame(x), y)$estimate, ref, tolerance = 1e-10)
  expect_equal(mi_gaussian(x, y, unit = "bit")$estimate, ref / log(2), tolerance = 1e-10)
  # 1-D: -0.5 log(1 - r^2) with r the sample correlation, s.e. |r| / sqrt(n)
  r1 <- mi_gaussian(z[, 1], z[, 4])
  rr <- cor(z[, 1], z[, 4])
  expect_equal(r1$estimate, -0.5 * log(1 - rr^2), tolerance = 1e-12)
  expect_equal(r1$std_error, abs(rr) / sqrt(300), tolerance = 1e-12)
})

test_that("mi_gaussian approaches the truth and its s.e. matches the spread of estimates", {
  set.seed(6)
  s <- matrix(c(2, .6, .3, .6, 1, .5, .3, .5, 1.5), 3)
  d <- toy_mvn(50000, s, dx = 1)
  r <- mi_gaussian(d$x, d$y)
  expect_lt(abs(r$estimate - 0.0992254694), 4 * r$std_error)
  # 400 replicates at n = 500, rho = 0.6: sd of estimates vs the formula 0.6 / sqrt(500) = 0.0268
  est <- replicate(400, { g <- toy_gaussian(500, 0.6); mi_gaussian(g$x, g$y)$estimate })
  expect_lt(abs(sd(est) / (0.6 / sqrt(500)) - 1), 0.15)
  expect_lt(abs(mean(est) - mi_true_gaussian(0.6)), 0.005)
})

test_that("bad input to mi_gaussian gives errors naming the argument", {
  x <- rnorm(20); y <- rnorm(20)
  expect_error(mi_gaussian(x, y[-1]), "`x` and `y`", class = "gmmmi_error_input")
  expect_error(mi_gaussian(cbind(x, 2 * x), y), "`x`.*linearly dependent", class = "gmmmi_error_input")
  expect_error(mi_gaussian(x, cbind(y, 1)), "`y`.*constant", class = "gmmmi_error_input")
  expect_error(mi_gaussian(x[1:2], y[1:2]), "more rows", class = "gmmmi_error_input")
  expect_error(mi_gaussian(c(x[-1], Inf), y), "`x`", class = "gmmmi_error_input")
  expect_error(mi_gaussian(x, y, unit = "dit"), "`unit`", class = "gmmmi_error_input")
  expect_warning(r <- mi_gaussian(x, 2 * x + 1), "infinite", class = "gmmmi_warning")
  expect_identical(r$estimate, Inf)
})
