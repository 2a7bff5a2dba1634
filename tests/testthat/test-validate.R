# The argument validators (R/validate.R): limits on counts, missing values, columns named in
# errors, extreme scales, renamed arguments.

test_that("validators name the argument and coerce", {
  expect_error(gmmmi:::check_count(-1, "k", min = 1), "`k`", class = "gmmmi_error_input")
  expect_error(gmmmi:::check_number(NA_real_, "tol"), "`tol`", class = "gmmmi_error_input")
  expect_error(gmmmi:::check_choice("x", c("a", "b"), "init"), "`init`", class = "gmmmi_error_input")
  expect_identical(gmmmi:::check_unit(c("nat", "bit")), "nat")
  expect_error(gmmmi:::check_unit("nats"), "`unit`", class = "gmmmi_error_input")
  m <- gmmmi:::as_data_matrix(data.frame(a = 1:3, b = c(2, 5, 1)), "x")
  expect_identical(dim(m), c(3L, 2L))
  expect_identical(typeof(m), "double")
  expect_error(gmmmi:::as_data_matrix(letters, "x"), "`x` must be a numeric", class = "gmmmi_error_input")
  expect_error(gmmmi:::as_data_matrix(data.frame(a = 1, b = "u"), "x"), "'b'", class = "gmmmi_error_input")
  expect_error(gmmmi:::as_data_matrix(c(1, Inf), "y"), "infinite", class = "gmmmi_error_input")
  expect_error(gmmmi:::as_data_matrix(c(1, NA), "y", allow_na = FALSE), "missing", class = "gmmmi_error_input")
  expect_error(gmmmi:::check_not_constant(cbind(1:5, 2), "x"), "constant column", class = "gmmmi_error_input")
  s <- gmmmi:::standardise(cbind(c(1, 2, 3, 4), c(10, 0, 5, 5)))
  expect_equal(unname(colMeans(s)), c(0, 0))
  expect_equal(unname(apply(s, 2, sd)), c(1, 1))
})

test_that("one missing-value policy: every estimator drops incomplete rows with a warning, or stops", {
  set.seed(6)
  x <- rnorm(300)
  y <- x + rnorm(300)
  xn <- replace(x, c(3, 50), NA)
  for (m in c("ksg", "knn_entropy", "binned", "gaussian", "gmm", "sliced")) {
    extra <- switch(m, gmm = list(n_bootstrap = 5, n_threads = 1), sliced = list(n_slices = 3), list())
    expect_warning(r <- do.call(mi, c(list(xn, y, method = m), extra)), "2 incomplete row", info = m)
    expect_identical(r$n, 298L, info = m)
  }
  expect_equal(suppressWarnings(mi_ksg(xn, y))$estimate, mi_ksg(x[-c(3, 50)], y[-c(3, 50)])$estimate)
  expect_error(mi_ksg(xn, y, na.rm = FALSE), "`x` contains missing", class = "gmmmi_error_input")
  expect_error(mi_gaussian(x, replace(y, 1, NA), na.rm = FALSE), "`y` contains missing",
               class = "gmmmi_error_input")
  # mi_matrix: pairwise deletion, like cor(use = "pairwise.complete.obs")
  d <- data.frame(a = xn, b = y, c = replace(rnorm(300), 7, NA))
  m <- mi_matrix(d, method = "gaussian")
  expect_identical(m$n_complete["a", "b"], 298L)
  expect_identical(m$n_complete["b", "c"], 299L)
  expect_identical(m$n_complete["a", "c"], 297L)
  expect_equal(m$estimate["a", "b"], mi_gaussian(x[-c(3, 50)], y[-c(3, 50)])$estimate, tolerance = 1e-12)
})

test_that("errors name columns by name, not by position", {
  d <- data.frame(mpg = mtcars$mpg, wt = mtcars$wt)
  k <- data.frame(hp = mtcars$hp, flat = 1)
  expect_error(gmm_mi(d, k), "`y` has constant column `flat`", class = "gmmmi_error_input")
  expect_error(mi_gaussian(d, k), "`y` has constant column `flat`", class = "gmmmi_error_input")
  bad <- d
  bad$wt[3] <- Inf
  expect_error(gmm_mi(bad, k$hp), "infinite values \\(1, in column `wt`\\)", class = "gmmmi_error_input")
  expect_error(mi_ksg(bad, k$hp), "in column `wt`", class = "gmmmi_error_input")
  # without names: by position
  expect_error(gmm_mi(cbind(mtcars$mpg, 1), mtcars$wt), "constant column 2", class = "gmmmi_error_input")
  expect_error(gmm_mi(mtcars$mpg, rep(1, 32)), "`y` is constant", class = "gmmmi_error_input")
})

test_that("renamed arguments: the old names work with a deprecation warning and give the same value", {
  set.seed(8)
  x <- rnorm(300); y <- x + rnorm(300)
  dep <- function(expr) expect_warning(expr, "is deprecated", class = "gmmmi_warning_deprecated")
  dep(a <- mi_binned(x, y, method = "equal_width"))
  expect_identical(a$estimate, mi_binned(x, y, binning = "equal_width")$estimate)
  expect_identical(a$settings$binning, "equal_width")
  # mi() reaches the binning rule now that it is not called `method`
  expect_identical(mi(x, y, method = "binned", binning = "equal_width")$estimate, a$estimate)
  dep(b <- smi_gaussian_isotropic(r = 0.8, D = 2))
  expect_identical(b, smi_gaussian_isotropic(rho = 0.8, D = 2))
  # seed = everywhere randomness is drawn: fixes the result, leaves the caller's stream alone
  set.seed(1)
  expect_rng_untouched(g1 <- gmm_mi(x, y, n_bootstrap = 3, n_mc = 1e3, seed = 7, progress = FALSE))
  g2 <- gmm_mi(x, y, n_bootstrap = 3, n_mc = 1e3, seed = 7, progress = FALSE)
  expect_identical(g1$bootstrap, g2$bootstrap)
  expect_error(gmm_mi(x, y, seed = -1), "`seed`", class = "gmmmi_error_input")
  for (f in list(function(s) mi_ksg(x, y, seed = s)$subsamples, function(s) mi_mixed(x > 0, y, seed = s)$subsamples,
                 function(s) entropy_knn(y, seed = s)$subsamples, function(s) mi_knn_entropy(x, y, seed = s)$subsamples,
                 function(s) mi(x, y, method = "sliced", n_slices = 5, seed = s)$slices)) {
    set.seed(2)
    a <- expect_rng_untouched(f(11))
    expect_identical(f(11), a)
    expect_false(identical(f(12), a))
  }
})

test_that("counts above the integer range or a documented limit are classed errors naming the limit", {
  x <- c(-1.2, 0.3, 1.1, -0.4, 2.0, 0.8, -1.7, 0.1, 1.4, -0.6, 0.5, -0.9)
  y <- x + c(0.2, -0.1, 0.4, 0.3, -0.5, 0.1, 0.2, -0.3, 0.1, 0.6, -0.2, 0.1)
  no_warning_error <- function(expr, pattern) {
    expect_no_warning(expect_error(expr, pattern, class = "gmmmi_error_input"))
  }
  no_warning_error(gmm_mi(x, y, max_iter = 1e10), "max_iter.*1e\\+06")
  no_warning_error(gmm_mi(x, y, patience = 2^31), "patience.*2147483647")
  no_warning_error(gmm_mi(x, y, n_components = Inf), "n_components")
  no_warning_error(gmm_fit(faithful, 2, max_iter = 1e10), "max_iter")
  no_warning_error(gmm_fit(faithful, Inf), "n_components")
  no_warning_error(gmmmi_threads(1e10), "n_threads")
  no_warning_error(mi_ksg(x, y, n_subsamples = 1e10), "n_subsamples")
  no_warning_error(simulate(gmm_model(1, 0, 1), nsim = 1e10), "nsim")
  no_warning_error(mi_binned(x, y, bins = 1e10), "bins")
  no_warning_error(mi_binned(x, y, bins = c(5, 1e7)), "bins")
  no_warning_error(toy_gaussian(n = 1e10, rho = 0.5), "`n`")
  no_warning_error(toy_mvn(n = 1e8, diag(2), 1), "`n`.*1e\\+07")
  no_warning_error(mi_true_gmm(c(1, 1), rbind(c(0, 0), c(1, 1)), array(diag(2), c(2, 2, 2)), 1,
                               n_mc = 2^31 - 1), "n_mc")
  no_warning_error(smi_gaussian(diag(4), 2, n_slices = 9.9e8), "n_slices")
})

test_that("MI does not depend on the scale of the data, down to 1e-300 and up to 1e200", {
  set.seed(1)
  x <- rnorm(400)
  y <- x + rnorm(400)
  for (f in list(function(x, y) mi_ksg(x, y), function(x, y) mi_gaussian(x, y),
                 function(x, y) mi_sliced(x, y, n_slices = 10),
                 function(x, y) mi_sliced(cbind(x, rev(x)), y, n_slices = 10, base = "gaussian"),
                 function(x, y) gmm_mi(x, y, n_bootstrap = 3, n_inits = 1))) {
    set.seed(2)
    a <- f(x, y)$estimate
    set.seed(2)
    b <- f(1e200 * x, 1e-300 * y)$estimate
    set.seed(2)
    c <- f(1e-300 * x, 1e154 * y)$estimate
    expect_equal(b, a, tolerance = 1e-10)
    expect_equal(c, a, tolerance = 1e-10)
  }
  # ordinary data: bitwise the same column statistics as before (power-of-two rescaling is exact)
  st <- gmmmi:::.col_stats(cbind(x, 1e200 * x))
  expect_equal(st$sd[2], 1e200 * st$sd[1], tolerance = 1e-14)
  expect_equal(st$sd[1], sd(x), tolerance = 1e-15)
  # gmm_fit works in the data's units: unrepresentable spreads are refused, not mis-fitted
  expect_error(gmm_fit(cbind(x, y) * 1e-150, 2), "outside", class = "gmmmi_error_input")
  # representable but tiny: the absolute reg_covar would dominate the fit, and says so
  expect_warning(gmm_fit(cbind(x, y) * 1e-8, 2, n_threads = 1), "reg_covar", class = "gmmmi_warning_reg_covar")
})

test_that("an all-NA column gets a correct message", {
  expect_error(gmm_mi(rep(NA_real_, 50), rnorm(50), na.rm = TRUE), "no complete row",
               class = "gmmmi_error_input")
  # too few rows: the dimension count is that of x and y (2), not 3
  expect_error(suppressWarnings(gmm_mi(c(1, 2, NA), c(3, 1, 2), na.rm = TRUE)), "2 dimensions",
               class = "gmmmi_error_input")
})
