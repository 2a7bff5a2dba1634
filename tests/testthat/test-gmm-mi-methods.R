# The methods of a gmm_mi() result (R/gmm_mi-methods.R): plot() and predict().

test_that("gmm_mi plots accept main, col, xlab and label axes with the variables' names", {
  set.seed(4)
  height <- rnorm(300)
  weight <- height + rnorm(300)
  fit <- gmm_mi(height, weight, n_bootstrap = 5, n_threads = 1)
  f <- tempfile(fileext = ".png")
  grDevices::png(f, 800, 600)
  on.exit(grDevices::dev.off(), add = TRUE)
  expect_invisible(plot(fit, type = "model", main = "mine", col = "blue"))
  expect_invisible(plot(fit, type = "bootstrap", col = "orange", main = "b"))
  expect_invisible(plot(fit, type = "selection", main = "K", xlab = "K"))
  expect_invisible(plot(fit, type = "pmi", xlab = "h"))
  expect_identical(gmmmi:::gmm_mi_axis_labels(fit), c("height (normal score)", "weight (normal score)"))
  fc <- gmm_mi(iris$Sepal.Length, iris$Species, n_bootstrap = 5, n_threads = 1)
  expect_identical(gmmmi:::gmm_mi_var_names(fc), c("iris$Species", "iris$Sepal.Length"))
  expect_invisible(plot(fc, type = "model", main = "classes"))
})

test_that("predict(fit, newdata, type = 'pmi') gives pointwise MI of new rows", {
  set.seed(7)
  d <- toy_gaussian(1500, rho = 0.6)
  fit <- gmm_mi(d$x, d$y, n_bootstrap = 5, n_threads = 1)
  p0 <- predict(fit)
  expect_length(p0, 1500L)
  # the fitted rows mapped again give the same values (no ties: the same normal scores)
  expect_equal(predict(fit, list(x = d$x, y = d$y)), p0, tolerance = 1e-12)
  # K = 1 on normal scores: the Gaussian pointwise MI of the scores
  if (fit$n_components == 1L) expect_equal(mean(p0), fit$point, tolerance = 1e-8)
  expect_gt(predict(fit, list(x = 2, y = 2)), predict(fit, list(x = 2, y = -2)))
  fc <- gmm_mi(iris$Species, iris$Sepal.Length, n_bootstrap = 5, n_threads = 1)
  pc <- predict(fc, list(x = c("setosa", "virginica"), y = c(4.5, 7.5)))
  expect_true(all(pc > 0))
  expect_error(predict(fc, list(x = "rose", y = 5)), "not fitted", class = "gmmmi_error_input")
  expect_error(predict(fit, list(x = 1:2)), "`newdata`", class = "gmmmi_error_input")
})

test_that("legends and colour keys of gmm_mi plots sit in room kept free of data", {
  set.seed(10)
  x <- rnorm(400)
  fit <- gmm_mi(x, x + rnorm(400), n_bootstrap = 20, n_threads = 1, progress = FALSE)
  fc <- gmm_mi(iris$Species, iris$Sepal.Length, n_bootstrap = 5, n_threads = 1, progress = FALSE)
  f <- file.path(tempdir(), "legend_room%03d.png")
  grDevices::png(f, 480, 360)
  plot(fit, type = "bootstrap")
  top <- max(graphics::hist(fit$bootstrap, breaks = "FD", plot = FALSE)$counts)
  expect_gt(graphics::par("usr")[4], 1.25 * top)           # a strip above the bars for the legend
  plot(fit, type = "pmi")
  expect_gt(graphics::par("usr")[2], max(fit$data$x) + 0.15 * diff(range(fit$data$x)))  # key on the right
  pc <- expect_rng_untouched(plot(fc, type = "pmi"))        # classes spread without random numbers
  expect_length(pc, 150L)
  expect_gt(graphics::par("usr")[2], 3.5)                   # room right of the third class
  plot(fc, type = "selection")
  expect_gt(graphics::par("usr")[4], max(fc$selection$score) + 0.2 * diff(range(fc$selection$score)))
  plot(fc, type = "model")
  expect_identical(plot(fit, type = "bootstrap", ylim = c(0, 50), breaks = 5), fit)  # overrides still win
  expect_identical(graphics::par("usr")[4], 52)
  grDevices::dev.off()
  expect_true(all(file.size(sprintf(f, 1:6)) > 3000))
})
