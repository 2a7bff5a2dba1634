# Progress display: one bar (with a percentage) per call, none with progress = FALSE, and the
# estimators' own bars off inside mi_matrix(), info_plane(), info_decomposition().

# Completed bars in captured output: txtProgressBar (style 3) prints "100%" once per bar.
n_bars <- function(out) sum(lengths(regmatches(out, gregexpr("100%", out, fixed = TRUE))))

test_that("mi_matrix() shows exactly one bar over all cells, and none with progress = FALSE", {
  withr::local_options(gmmmi.progress = TRUE)
  set.seed(1)
  x <- matrix(rnorm(600), 150, dimnames = list(NULL, paste0("v", 1:4)))
  out <- capture.output(a <- mi_matrix(x, method = "gaussian", progress = TRUE, seed = 1))
  expect_equal(n_bars(out), 1L)
  expect_true(any(grepl("estimating 6 cells", out)))
  expect_length(capture.output(b <- mi_matrix(x, method = "gaussian", progress = FALSE, seed = 1)), 0L)
  expect_identical(a$estimate, b$estimate)
  # the option turns it off too
  withr::local_options(gmmmi.progress = FALSE)
  expect_length(capture.output(m <- mi_matrix(x, method = "gaussian", progress = TRUE, seed = 1)), 0L)
})

test_that("mi_matrix() keeps gmm_mi's and mi_sliced()'s own displays off", {
  withr::local_options(gmmmi.progress = TRUE)
  set.seed(2)
  x <- matrix(rnorm(300), 150)
  x[, 2] <- x[, 1] + x[, 2]
  out <- capture.output(mi_matrix(x, n_bootstrap = 2, n_mc = 1e3, n_threads = 1, progress = TRUE, seed = 1))
  expect_equal(n_bars(out), 1L)
  expect_false(any(grepl("Choosing K|Bootstrap", out)))
  out <- capture.output(mi_matrix(x, method = "sliced", n_slices = 20, progress = TRUE, seed = 1))
  expect_equal(n_bars(out), 1L)
  expect_false(any(grepl("Sliced MI", out)))
})

test_that("mi_matrix(test = TRUE) shows one labelled bar per phase: the cells, then the tests", {
  withr::local_options(gmmmi.progress = TRUE)
  set.seed(3)
  x <- matrix(rnorm(240), 80)
  out <- capture.output(m <- mi_matrix(x, method = "ksg", test = TRUE, n_permutations = 9, n_threads = 1,
                                       progress = TRUE, seed = 1))
  expect_equal(n_bars(out), 2L)
  expect_true(any(grepl("estimating 3 cells", out)))
  expect_true(any(grepl("permutation tests of 3 cells \\(9 shuffles each\\)", out)))
  expect_length(capture.output(m2 <- mi_matrix(x, method = "ksg", test = TRUE, n_permutations = 9,
                                               n_threads = 1, progress = FALSE, seed = 1)), 0L)
  expect_identical(m$p_value, m2$p_value)
})

test_that("mi_sliced() shows one bar over the slices; the batched C++ KSG gives the same values", {
  withr::local_options(gmmmi.progress = TRUE)
  set.seed(4)
  x <- matrix(rnorm(600), 200)
  y <- x[, 1:2] + matrix(rnorm(400), 200)
  for (est in c("ksg", "gaussian", "binned")) {
    out <- capture.output(a <- withr::with_seed(5, mi_sliced(x, y, n_slices = 30, base = est,
                                                             n_threads = 2, progress = TRUE)))
    expect_equal(n_bars(out), 1L)
    expect_length(capture.output(b <- withr::with_seed(5, mi_sliced(x, y, n_slices = 30, base = est,
                                                                    n_threads = 2, progress = FALSE))), 0L)
    expect_identical(a$slices, b$slices)
  }
})

test_that("info_plane() and info_decomposition() show one bar over their estimates", {
  withr::local_options(gmmmi.progress = TRUE)
  set.seed(6)
  x <- matrix(rnorm(400), 200)
  y <- x[, 1] + rnorm(200)
  layers <- list(h1 = lapply(1:2, function(e) tanh(x * e)), h2 = lapply(1:2, function(e) tanh(x[, 1, drop = FALSE] * e)))
  out <- capture.output(ip <- info_plane(layers, x, y, method = "gaussian", noise = 0.1, seed = 1, progress = TRUE))
  expect_equal(n_bars(out), 1L)
  expect_true(any(grepl("8 estimates", out)))
  expect_length(capture.output(ip2 <- info_plane(layers, x, y, method = "gaussian", noise = 0.1, seed = 1,
                                                progress = FALSE)), 0L)
  d <- factor(x[, 1] > 0)
  z <- x + matrix(rnorm(400), 200)
  out <- capture.output(dec <- info_decomposition(x, z, d, method = "ksg", n_threads = 1, seed = 1, progress = TRUE))
  expect_equal(n_bars(out), 1L)
  expect_length(capture.output(dec2 <- info_decomposition(x, z, d, method = "ksg", n_threads = 1, seed = 1,
                                                         progress = FALSE)), 0L)
  expect_identical(dec$parts, dec2$parts)
})

test_that("gmm_mi() shows the K search with a percentage that ends at 100% on the last K tried", {
  withr::local_options(gmmmi.progress = TRUE, width = 200)
  set.seed(7)
  x <- rnorm(300)
  y <- x^2 + rnorm(300, sd = 0.5)
  set.seed(1); a <- gmm_mi(x, y, n_bootstrap = 4, n_mc = 1e3, n_threads = 1, progress = FALSE)
  out <- capture.output(b <- withr::with_seed(1, gmm_mi(x, y, n_bootstrap = 4, n_mc = 1e3, n_threads = 1,
                                                          progress = TRUE)))
  expect_identical(a$bootstrap, b$bootstrap)
  k_line <- out[grep("K = 1 tried", out)]
  expect_length(k_line, 1L)
  steps <- strsplit(k_line, "\r", fixed = TRUE)[[1]]
  steps <- steps[nzchar(trimws(steps))]
  pct <- as.integer(sub("^ *\\|[= ]*\\| *([0-9]+)%.*$", "\\1", steps))
  expect_false(anyNA(pct))
  expect_true(all(diff(pct) >= 0))  # patience = 1: never steps back
  # transform = "auto" tries two representations: each K search is one pass, the last ends at 100%
  expect_equal(utils::tail(pct, 1), 100L)
  expect_true(any(grepl("normal scores: K = 1 tried", steps, fixed = TRUE)))
  expect_match(utils::tail(steps, 1), "raw values: K = 1-[0-9]+ tried, done")
})
