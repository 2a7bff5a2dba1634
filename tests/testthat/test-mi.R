# mi() (R/mi.R), the one front door: the formula interface and errors that show the user's call.

test_that("mi() takes a formula y ~ x (and y ~ x | z) with data", {
  r <- mi(mpg ~ wt, mtcars, method = "ksg")
  expect_equal(r$estimate, mi_ksg(mtcars$wt, mtcars$mpg)$estimate, tolerance = 1e-12)
  r2 <- mi(mpg ~ wt + hp, data = mtcars, method = "gaussian")
  expect_equal(r2$estimate, mi_gaussian(mtcars[, c("wt", "hp")], mtcars$mpg)$estimate, tolerance = 1e-12)
  set.seed(1)
  r3 <- mi(mpg ~ wt | hp, data = mtcars, n_bootstrap = 5, n_threads = 1)
  expect_identical(r3$quantity, "conditional mutual information")
  expect_output(print(r), "of mpg ~ wt")
  err <- function(expr, pattern) expect_error(expr, pattern, class = "gmmmi_error_input")
  err(mi(mpg ~ nope, mtcars), "`nope`")
  err(mi(mpg ~ wt | hp, mtcars, method = "binned"), "needs `method = \"gmm\"` or \"ksg\"")
  err(mi(mpg ~ wt), "needs `data`")
  err(mi(~ wt, mtcars), "two sides")
  err(mi(rnorm(10)), "`y` is missing")
})

test_that("errors raised through mi() show the user's call, never the internal one", {
  e <- tryCatch(mi(mtcars$mpg, mtcars$wt, method = "ksg", k = 100), error = identity)
  expect_s3_class(e, "gmmmi_error_input")
  expect_match(paste(deparse(conditionCall(e)), collapse = " "), "^mi\\(")
  expect_false(grepl("fun(", paste(deparse(conditionCall(e)), collapse = " "), fixed = TRUE))
})
