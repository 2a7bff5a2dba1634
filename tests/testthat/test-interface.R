# The R-user interface (issue 14, first part): formula interface, errors that show the user's
# call, printed variable names and readable method names, reasons for a missing standard error,
# aggregated slice warnings, no false alarm on Gaussian data.

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
  err(mi(mpg ~ wt | hp, mtcars, method = "ksg"), "needs `method = \"gmm\"`")
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

test_that("print() names the variables, the method in words, and why a standard error is missing", {
  expect_output(print(mi_ksg(mtcars$mpg, mtcars$wt)), "KSG, k = 3\\) between mtcars\\$mpg and mtcars\\$wt")
  expect_output(print(mi_ksg(mtcars$mpg, mtcars$wt)), "No standard error: n = 32 is too small")
  expect_output(print(mi_ksg(mtcars$mpg, mtcars$wt, std_error = "none")), "not requested")
  expect_output(print(suppressWarnings(mi_ksg(mtcars$am, mtcars$mpg))), "Ross.s mixed kNN")
})

test_that("mi_sliced aggregates the warnings of its slices into one", {
  w <- character()
  withCallingHandlers(mi_sliced(iris$Species, iris[, 1:4], n_projections = 50, n_threads = 1),
                      warning = function(cnd) {
                        w <<- c(w, conditionMessage(cnd))
                        invokeRestart("muffleWarning")
                      })
  expect_lte(length(w), 2L)
  expect_true(any(grepl("of 50 slice estimates raised warnings", w)))
})

test_that("a Gaussian sample gives no false alarm about `tol` (K = 1 is closed form)", {
  set.seed(2)
  r <- gmm_mi(rnorm(5000), rnorm(5000), n_bootstrap = 5, n_threads = 1)
  expect_false(r$diagnostics$all_cv_fits_short)
  expect_false(any(grepl("tol", r$diagnostics$messages)))
})
