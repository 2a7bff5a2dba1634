# info_decomposition() (R/info_decomposition.R): its plot, the bar chart and the maps.

test_that("plot.info_decomposition draws a labelled bar chart without image_dim, and takes main, col, ...", {
  set.seed(6)
  n <- 300
  x <- matrix(rnorm(n * 3), n, dimnames = list(NULL, c("a", "b", "c")))
  z <- cbind(x[, 1] + x[, 2], x[, 3]) + 0.3 * matrix(rnorm(2 * n), n)
  dec <- info_decomposition(x, z, factor(z[, 1] > 0), groups = list(`a and b` = 1:2, c = 3),
                            method = "ksg", n_threads = 1, progress = FALSE)
  f <- file.path(tempdir(), "idc%03d.png")  # one file per page
  grDevices::png(f, 700, 450)
  expect_invisible(plot(dec))
  expect_identical(plot(dec, main = "mine", col = c("orange", "grey"), xlab = "MI", xlim = c(0, 2)), dec)
  no_se <- dec
  no_se$parts[c("total_se", "decision_se", "redundant_se")] <- NA_real_
  expect_identical(plot(no_se), no_se)  # no error bars without standard errors
  expect_identical(plot(dec, image_dim = c(1, 3)), dec)  # the maps, as before
  grDevices::dev.off()
  expect_true(all(file.size(sprintf(f, 1:4)) > 3000))
})

test_that("the maps of plot.info_decomposition have a colour key and leave the layout as it was", {
  set.seed(12)
  n <- 300
  x <- matrix(rnorm(n * 4), n)
  z <- cbind(x[, 1] + x[, 2], x[, 4]) + 0.3 * matrix(rnorm(2 * n), n)
  dec <- info_decomposition(x, z, factor(z[, 1] > 0), method = "ksg", image_dim = c(2, 2),
                            n_threads = 1, progress = FALSE)
  f <- file.path(tempdir(), "idc_maps%03d.png")
  unlink(sprintf(f, 1:4))
  grDevices::png(f, 640, 260)
  expect_identical(plot(dec), dec)
  expect_identical(graphics::par("mfrow"), c(1L, 1L))
  expect_identical(plot(dec, common_scale = FALSE, values = TRUE), dec)  # a key after every map
  plot(1:3)                                                              # a page of its own
  grDevices::dev.off()
  expect_true(all(file.size(sprintf(f, 1:3)) > 3000))
  expect_false(file.exists(sprintf(f, 4)))
  # the key alone: ticks over the range, also for an all-zero map
  g <- tempfile(fileext = ".png")
  grDevices::png(g, 100, 300)
  expect_silent(gmmmi:::map_key(c(0, 0), grDevices::hcl.colors(8), "nat"))
  grDevices::dev.off()
})
