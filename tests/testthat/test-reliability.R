# Issue 13: never a silent wrong number.

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

test_that("seed = leaves the caller's RNG state exactly as it was, including no state", {
  has_seed <- function() exists(".Random.seed", envir = globalenv(), inherits = FALSE)
  xy <- cbind(a = c(1, 3, 2, 5, 4, 7, 6, 9, 8, 10, 12, 11), b = c(2, 1, 4, 3, 6, 5, 8, 7, 10, 9, 11, 12))
  calls <- list(
    function() mi_matrix(xy, method = "gaussian", seed = 1),
    function() info_plane(list(h = list(xy, xy + 1)), xy, xy[, 1], method = "gaussian", noise = 0.1, seed = 1),
    function() info_decomposition(xy, xy, factor(xy[, 1] > 6), method = "ksg", min_class_size = 2,
                                  n_threads = 1, seed = 1),
    function() simulate(gmm_model(1, 0, 1), 5, seed = 1),
    function() smi_gaussian(diag(4), 2, n_slices = 100, seed = 3, method = "monte_carlo"),
    function() mi_true_gmm(c(1, 1), rbind(c(0, 0), c(1, 1)), array(diag(2), c(2, 2, 2)), 1, n_mc = 1000, seed = 2)
  )
  for (f in calls) {
    if (has_seed()) rm(".Random.seed", envir = globalenv())
    suppressWarnings(try(f(), silent = TRUE))
    expect_false(has_seed())
    set.seed(42)
    expect_rng_untouched(suppressWarnings(try(f(), silent = TRUE)))
  }
})

test_that("exactly dependent data and degenerate inputs warn or error instead of returning silently", {
  set.seed(3)
  x <- rnorm(300)
  y <- rnorm(300)
  deg <- "gmmmi_warning_degenerate"
  expect_warning(gmm_mi(x, x, n_bootstrap = 2, n_inits = 1), "infinite", class = deg)
  expect_warning(gmm_mi(x, 2 * x + 1, n_bootstrap = 2, n_inits = 1), "infinite", class = deg)
  expect_warning(mi_ksg(x, x), "infinite", class = deg)
  expect_warning(mi_ksg(cbind(x, y), x - 3 * y), "infinite", class = deg)
  expect_warning(mi_sliced(x, -x, n_slices = 3), "infinite", class = deg)
  expect_warning(mi_gaussian(x, x), "infinite", class = deg)
  expect_warning(mi_matrix(cbind(a = x, b = 2 * x + 1, c = y), method = "ksg", n_threads = 1, seed = 1),
                 "infinite", class = deg)
  expect_warning(mi_knn_entropy(cbind(x, x), y), "linearly dependent", class = deg)
  expect_warning(entropy_knn(cbind(x, 2 * x)), "linearly dependent", class = deg)
  # rounded to many values (continuous with ties; a few values would be discrete, ?gmmmi_discrete)
  expect_warning(mi_knn_entropy(round(20 * x), round(20 * y)), "discrete or rounded", class = deg)
  # independent data: no such warning
  expect_no_warning(mi_ksg(x, y))
  expect_no_warning(gmm_mi(x, y, n_bootstrap = 2, n_inits = 1))

  expect_warning(m <- modularity(matrix(0, 3, 2)), "undefined", class = deg)
  expect_true(is.na(m$score))
  expect_error(mi_sliced(cbind(x, y), y, directions = list(x = matrix(0, 2, 0), y = matrix(0, 1, 0))),
               "at least one slice", class = "gmmmi_error_input")
  expect_equal(mi_true_categorical(c(0.5, 0.5), c(0, 1), 1e-300), log(2))
  expect_equal(mi_true_categorical(c(0.3, 0.7), c(0, 1), 1e-300), -0.3 * log(0.3) - 0.7 * log(0.7))
  expect_equal(mi_true_weinman(1e308), 0)
  expect_equal(mi_true_weinman(1e6), mi_true_weinman(1e6 - 1e-4), tolerance = 1e-6)
})

test_that("an all-NA column gets a correct message", {
  expect_error(gmm_mi(rep(NA_real_, 50), rnorm(50), na.rm = TRUE), "no complete row",
               class = "gmmmi_error_input")
  # too few rows: the dimension count is that of x and y (2), not 3
  expect_error(suppressWarnings(gmm_mi(c(1, 2, NA), c(3, 1, 2), na.rm = TRUE)), "2 dimensions",
               class = "gmmmi_error_input")
})

test_that("gmm objects are validated where built and where used", {
  m <- gmm_model(weights = c(1e308, 1e308), means = c(0, 1), covariances = c(1, 1))
  expect_equal(unname(m$weights), c(0.5, 0.5))
  big <- gmm_model(weights = c(1, 1), means = c(0, 1), covariances = c(1e308, 1))
  expect_true(all(is.finite(big$covariances)))
  f <- gmm_fit(faithful, 2, n_threads = 1)
  bad_mean <- f
  bad_mean$means[1, 1] <- Inf
  asym <- f
  asym$covariances[1, 2, 1] <- 5
  bad_w <- f
  bad_w$weights[] <- c(0.9, 0.9)
  for (obj in list(bad_mean, asym, bad_w)) {
    expect_error(predict(obj, faithful[1:3, ]), class = "gmmmi_error_input")
    expect_error(gmm_density(obj, faithful[1:3, ]), class = "gmmmi_error_input")
    expect_error(simulate(obj, 3), class = "gmmmi_error_input")
  }
  # far points: finite responsibilities that sum to 1 (log-sum-exp on scaled distances)
  z <- predict(f, data.frame(eruptions = c(1e200, 3), waiting = c(-1e200, 70)))
  expect_true(all(is.finite(z)))
  expect_equal(rowSums(z), c(1, 1))
  # equal covariances: the linear terms decide (exact limits: 1, 0 and e^-4 / (1 + e^-4))
  S <- diag(2)
  m <- gmm_model(c(0.5, 0.5), rbind(c(0, 0), c(2, 2)), array(c(S, S), c(2, 2, 2)))
  z <- predict(m, rbind(c(1e200, 1e200), c(-1e200, -1e200), c(1e200, -1e200)))
  expect_equal(unname(z[, 2]), c(1, 0, exp(-4) / (1 + exp(-4))))
  expect_error(info_decomposition(matrix(rnorm(40), 20), matrix(rnorm(40), 20),
                                  decision = matrix(1:2, 20, 2)), "decision", class = "gmmmi_error_input")
})
