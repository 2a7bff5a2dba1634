# The common "gmmmi_estimate" class (R/estimate.R).

test_that("the common estimate class prints, gives coef, confint and a data frame", {
  e <- gmmmi:::new_mi_estimate(0.5, 0.1, "nat", method = "test", n = 100L, settings = list(k = 3))
  expect_s3_class(e, "gmmmi_estimate")
  expect_identical(coef(e), c(mi = 0.5))
  ci <- confint(e, level = 0.95)
  expect_equal(as.vector(ci), 0.5 + c(-1, 1) * qnorm(0.975) * 0.1)
  expect_identical(colnames(ci), c("2.5 %", "97.5 %"))
  expect_output(print(e), "0.5 \\+- 0.1 nat")
  expect_output(print(summary(e)), "k = 3")
  expect_identical(as.data.frame(e)$estimate, 0.5)
  expect_error(confint(e, level = 2), "`level`", class = "gmmmi_error_input")
})

test_that("print() names the variables, the method in words, and why a standard error is missing", {
  expect_output(print(mi_ksg(mtcars$mpg, mtcars$wt)), "KSG, k = 3\\) between mtcars\\$mpg and mtcars\\$wt")
  expect_output(print(mi_ksg(mtcars$mpg, mtcars$wt)), "No standard error: n = 32 is too small")
  expect_output(print(mi_ksg(mtcars$mpg, mtcars$wt, std_error = "none")), "not requested")
  expect_output(print(suppressWarnings(mi_ksg(mtcars$am, mtcars$mpg))), "Ross.s mixed kNN")
})

test_that("every estimator gives the same data frame columns, so results stack", {
  set.seed(3)
  d <- toy_gaussian(400, rho = 0.5)
  res <- list(mi(d$x, d$y, method = "gaussian"), mi(d$x, d$y, method = "ksg"),
              mi(d$x, d$y, method = "binned"), mi(d$x, d$y, method = "knn_entropy"),
              gmm_mi(d$x, d$y, n_bootstrap = 10, n_threads = 1),
              mi_sliced(d$x, d$y, n_slices = 5), gmm_mi(mtcars$am, mtcars$gear))
  dfs <- lapply(res, as.data.frame)
  cols <- c("variables", "method", "quantity", "estimate", "std_error", "conf_low", "conf_high",
            "unit", "n", "uncertainty", "treatment")
  for (df in dfs) expect_identical(names(df), cols)
  all <- do.call(rbind, dfs)
  expect_identical(nrow(all), length(res))
  expect_identical(all$uncertainty, c("delta method", "subsample", "delta method", "subsample",
                                      "bootstrap", "slices (Monte Carlo)", "delta method"))
  expect_identical(all$variables[1], "d$x and d$y")
  expect_identical(nobs(res[[2]]), 400L)
  expect_identical(tidy.gmmmi_estimate(res[[2]]), dfs[[2]])
  g <- glance.gmmmi_estimate(res[[5]])
  expect_identical(nrow(g), 1L)
  expect_true(all(c("n_components", "transform", "point") %in% names(g)))
  skip_if_not_installed("generics")
  expect_identical(generics::tidy(res[[1]]), dfs[[1]])
  expect_identical(nrow(generics::glance(res[[1]])), 1L)
})
