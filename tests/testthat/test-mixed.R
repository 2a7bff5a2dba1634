# The mixed (Ross 2014) estimator mi_mixed() (R/mixed.R; its core is inst/include/gmmmi/mixed.hpp).
# mi_mixed() also appears in test-ksg.R where a block tests it together with the other kNN estimators.

test_that("discrete x with continuous y: floor(L X) has MI log L (Ross 2014)", {
  set.seed(13)
  u <- runif(3000)
  for (L in c(2, 4, 8)) {
    f <- mi_mixed(factor(floor(L * u)), u)
    expect_lt(abs(f$estimate - log(L)), 0.1)
    expect_identical(f$method, "ross")
  }
  # mi_ksg dispatches on a factor or character x (or y); codes and labels give the same value
  a <- mi_ksg(factor(floor(4 * u)), u, std_error = "none")
  expect_identical(a$method, "ross")
  expect_equal(mi_ksg(u, as.character(floor(4 * u)), std_error = "none")$estimate, a$estimate)
  expect_equal(mi_mixed(floor(4 * u), u, std_error = "none")$estimate, a$estimate)
  # multivariate y, Euclidean norm; independent labels give about 0
  y <- cbind(u, rnorm(3000))
  expect_lt(abs(mi_mixed(floor(4 * u), y, norm = "euclidean", std_error = "none")$estimate -
                  log(4)), 0.15)
  expect_lt(abs(mi_mixed(sample(letters[1:3], 3000, TRUE), y, std_error = "none")$estimate), 0.03)
  # singleton classes are dropped with a warning
  lab <- c("solo", rep(c("a", "b"), length.out = 2999))
  expect_warning(f <- mi_mixed(lab, u, std_error = "none"), "single member")
  expect_identical(f$n_dropped, 1L)
})
