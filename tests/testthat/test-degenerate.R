# Warnings and errors for degenerate data (R/degenerate.R): exactly dependent or rank-deficient
# variables, rounded data, and degenerate inputs of the other functions.

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
