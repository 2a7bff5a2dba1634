# mi_matrix() (R/mi_matrix.R): the MI of every pair of columns, its print and plot.

test_that("gmm_mi needs at least 10 rows; the MI matrix heatmap has a key and room for long names", {
  set.seed(5)
  expect_error(gmm_mi(rnorm(5), rnorm(5)), "at least 10", class = "gmmmi_error_input")
  m <- suppressWarnings(mi_matrix(iris, method = "ksg", n_threads = 1))  # tied measurements
  f <- tempfile(fileext = ".png")
  grDevices::png(f, 600, 500)
  expect_invisible(plot(m, se = TRUE, main = "iris"))
  grDevices::dev.off()
  expect_gt(file.size(f), 5000)
})

test_that("mi_matrix names the estimator of each cell in words", {
  set.seed(3)
  m <- suppressWarnings(mi_matrix(mtcars[, c("mpg", "wt", "am", "gear")], method = "ksg", progress = FALSE))
  expect_identical(m$methods["mpg", "wt"], "KSG, k = 3")
  expect_identical(m$methods["mpg", "am"], "Ross's mixed kNN, k = 3")
  expect_identical(m$methods["am", "gear"], "plug-in, Miller-Madow")
  d <- as.data.frame(m)
  expect_identical(d$method[d$row == "am" & d$col == "gear"], "plug-in, Miller-Madow")
  expect_output(print(m), "MI matrix \\(KSG, k = 3; Ross's mixed kNN, k = 3; plug-in, Miller-Madow\\)")
})
