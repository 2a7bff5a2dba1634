# The discrete-data rule (?gmmmi_discrete): detection, treatment per pair, entropy bound,
# overrides; mtcars am-gear, a variable with itself, independent counts, saturated units.

plugin_mm <- function(a, b) {
  # Miller-Madow plug-in MI written from the definition, independently of the package
  tab <- table(a, b)
  n <- sum(tab)
  p <- tab / n
  px <- rowSums(p)
  py <- colSums(p)
  nz <- p > 0
  sum(p[nz] * log(p[nz] / outer(px, py)[nz])) + (sum(px > 0) + sum(py > 0) - sum(nz) - 1) / (2 * n)
}

test_that("columns are classified as discrete, atoms or continuous", {
  set.seed(1)
  expect_identical(gmmmi:::column_kind(mtcars$am), "discrete")
  expect_identical(gmmmi:::column_kind(mtcars$gear), "discrete")
  expect_identical(gmmmi:::column_kind(factor(c("a", "b"))), "discrete")
  expect_identical(gmmmi:::column_kind(c(TRUE, FALSE, TRUE)), "discrete")
  expect_identical(gmmmi:::column_kind(mtcars$mpg), "continuous")
  expect_identical(gmmmi:::column_kind(rnorm(1000)), "continuous")
  expect_identical(gmmmi:::column_kind(rcauchy(5000)), "continuous")  # robust scale: no false atom
  expect_identical(gmmmi:::column_kind(ifelse(runif(1000) < 0.3, 0, rexp(1000))), "atoms")
  expect_identical(gmmmi:::column_kind(pmin(pmax(2 * rnorm(1000), -1), 1)), "atoms")
  expect_identical(gmmmi:::column_kind(rep(1, 50)), "continuous")  # constants: left to the estimators
  expect_identical(gmmmi:::column_kind(1:8), "continuous")         # 8 distinct values in 8 rows
  withr::with_options(list(gmmmi.max_levels = 3), {
    expect_identical(gmmmi:::column_kind(mtcars$carb), "atoms")    # 6 values > 3, 31% on one
  })
})

test_that("mtcars am-gear: every method gives the plug-in estimate, at most H(am)", {
  ref <- plugin_mm(mtcars$am, mtcars$gear)
  h_am <- gmmmi:::entropy_mm(factor(mtcars$am))
  for (m in c("gmm", "ksg", "knn_entropy", "binned", "gaussian", "sliced")) {
    r <- mi(mtcars$am, mtcars$gear, method = m, n_threads = 1)
    expect_identical(r$treatment, "plug-in", info = m)
    expect_equal(r$estimate, ref, tolerance = 1e-12, info = m)
    expect_lte(r$estimate, h_am)
    expect_equal(unname(r$entropy[["x"]]), h_am, tolerance = 1e-12)
  }
  # the same with factors, in bits, and inside mi_matrix (with its treatment recorded)
  expect_equal(gmm_mi(factor(mtcars$am), factor(mtcars$gear), unit = "bit")$estimate, ref / log(2),
               tolerance = 1e-12)
  set.seed(2)
  m <- suppressWarnings(mi_matrix(mtcars[, c("mpg", "cyl", "am", "gear")], method = "ksg", n_threads = 1))
  expect_equal(m$estimate["am", "gear"], ref, tolerance = 1e-12)
  expect_identical(m$treatment["am", "gear"], "plug-in")
  expect_identical(m$treatment["mpg", "gear"], "categorical")
  expect_true(all(m$estimate["mpg", c("cyl", "am", "gear")] <=
                    vapply(mtcars[, c("cyl", "am", "gear")], function(v) gmmmi:::entropy_mm(factor(v)), 1) + 1e-12))
  expect_output(print(m), "Treated as plug-in")
})

test_that("a discrete variable with itself gives its Miller-Madow entropy, not a huge number", {
  set.seed(3)
  v <- sample(1:3, 500, replace = TRUE)
  p <- tabulate(v) / 500
  h_mm <- -sum(p * log(p)) + 2 / (2 * 500)
  for (m in c("gmm", "ksg", "binned")) {
    r <- mi(v, v, method = m, n_threads = 1)
    expect_equal(r$estimate, h_mm, tolerance = 1e-12, info = m)
    expect_lt(r$estimate, log(3) + 1 / 500)
  }
})

test_that("a discrete y with a continuous x uses the categorical form, swapped", {
  set.seed(4)
  u <- runif(3000)
  cls <- floor(4 * u)                         # I(cls; u) = log 4
  g <- gmm_mi(u, cls, n_bootstrap = 10, n_threads = 1)
  expect_identical(g$treatment, "categorical")
  expect_true(g$swapped)
  expect_lte(g$estimate, g$entropy[["x"]] + 1e-12)
  expect_equal(g$estimate, log(4), tolerance = 0.1)
  k <- mi_ksg(u, cls)
  expect_identical(k$method, "ross")
  expect_equal(k$estimate, log(4), tolerance = 0.1)
  ke <- mi_knn_entropy(cls, u)
  expect_identical(ke$treatment, "categorical")
  expect_equal(ke$estimate, log(4), tolerance = 0.1)
  expect_error(mi_gaussian(u, cls), "no form", class = "gmmmi_error_discrete")
  # overriding the detection: the code is then a continuous variable with ties
  expect_identical(mi_ksg(u, cls, discrete = c(y = FALSE))$treatment, "dequantised")
  expect_error(mi_ksg(u, cls, discrete = c(w = TRUE)), "`discrete`", class = "gmmmi_error_input")
  expect_error(mi_ksg(u, cls, discrete = "yes"), "`discrete`", class = "gmmmi_error_input")
  # a logical is discrete everywhere
  expect_identical(gmm_mi(u > 0.5, u, n_bootstrap = 5, n_threads = 1)$treatment, "categorical")
})

test_that("independent counts show no dependence and are not significant", {
  set.seed(5)
  x <- rpois(2000, 3)
  y <- rnbinom(2000, size = 1, mu = 5)
  g <- gmm_mi(x, y, n_bootstrap = 20, n_threads = 1)
  expect_true(g$treatment %in% c("plug-in", "dequantised", "categorical"))
  expect_lt(g$estimate, 0.01)
  t <- suppressWarnings(mi_test(x, y, method = "ksg", n_permutations = 99, seed = 1, n_threads = 1))
  expect_gt(t$p_value, 0.01)
})

test_that("saturated units (atoms at +-1) are dequantised and estimated near the truth", {
  # h = clip(z + 0.5 e, -1, 1): a mixed variable with atoms at +-1. Its MI with z by Monte Carlo
  # of the exact densities (atoms by their probabilities, the interior by densities).
  s <- 0.5
  set.seed(6)
  zz <- rnorm(4e5)
  ww <- zz + s * rnorm(4e5)
  hh <- pmin(pmax(ww, -1), 1)
  sw <- sqrt(1 + s^2)
  lc <- ifelse(hh == 1, pnorm((zz - 1) / s, log.p = TRUE), ifelse(hh == -1, pnorm((-1 - zz) / s, log.p = TRUE),
               dnorm((hh - zz) / s, log = TRUE) - log(s)))
  lm <- ifelse(hh == 1, pnorm(-1 / sw, log.p = TRUE), ifelse(hh == -1, pnorm(-1 / sw, log.p = TRUE),
               dnorm(hh / sw, log = TRUE) - log(sw)))
  truth <- mean(lc - lm)
  set.seed(7)
  z <- rnorm(3000)
  h <- pmin(pmax(z + s * rnorm(3000), -1), 1)
  expect_gt(mean(abs(h) == 1), 0.3)
  g <- gmm_mi(z, h, n_bootstrap = 30, n_threads = 1)
  expect_identical(g$treatment, "dequantised")
  expect_lt(abs(g$estimate - truth), 4 * g$std_error + 0.03)
  k <- mi_ksg(z, h)
  expect_lt(abs(k$estimate - truth), 0.05)
})

test_that("detected discrete variables with rare values are dequantised and capped at their entropy", {
  set.seed(8)
  x <- rpois(400, 2)
  y <- x + rnorm(400)
  g <- gmm_mi(x, y, n_bootstrap = 10, n_threads = 1)
  expect_identical(g$treatment, "dequantised")
  expect_lte(g$estimate, g$entropy[["x"]] + 1e-12)
  # declared discrete: the categorical form insists on enough rows per class
  expect_error(gmm_mi(x, y, discrete = c(x = TRUE)), "fewer than", class = "gmmmi_error_input")
})

test_that("kNN entropies stop on atoms instead of returning entropies of -Inf", {
  set.seed(9)
  x <- ifelse(runif(500) < 0.4, 0, rexp(500))
  y <- rnorm(500)
  expect_error(mi_knn_entropy(x, y), "atoms", class = "gmmmi_error_discrete")
  k <- mi_ksg(x, y)
  expect_identical(k$treatment, "dequantised")
  expect_lt(abs(k$estimate), 3 * k$std_error + 0.01)
})
