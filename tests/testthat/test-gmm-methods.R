# The methods of a "gmm" object (R/gmm-methods.R): plot().

test_that("plots of a gmm fit and of sliced MI take main, xlab, ... (they failed as duplicates)", {
  set.seed(9)
  f2 <- gmm_fit(faithful, n_components = 2, n_threads = 1)
  f1 <- gmm_fit(faithful$waiting, n_components = 2, n_threads = 1)
  x <- matrix(rnorm(600), 300)
  s <- mi_sliced(x, x[, 1] + rnorm(300), n_slices = 20, base = "gaussian", progress = FALSE)
  f <- file.path(tempdir(), "gmm_sliced%03d.png")
  grDevices::png(f, 480, 360)
  expect_invisible(plot(f2, main = "faithful", xlab = "eruption (min)", xlim = c(1, 6)))
  expect_identical(plot(f1, main = "waiting", xlab = "min"), f1)
  expect_identical(plot(f2), f2)  # default title names K
  expect_identical(plot(s, main = "slices", col = "orange"), s)
  grDevices::dev.off()
  expect_true(all(file.size(sprintf(f, 1:4)) > 3000))
})
