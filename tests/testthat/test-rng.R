# The per-unit random streams and samplers of the core, through the test-only export .rng_draws;
# the caller's RNG state under `seed =` (R/rng.R).

test_that("random streams are reproducible and independent of the thread count", {
  seed <- c(12345, 678910)
  a <- gmmmi:::.rng_draws(seed, 8L, 500L, 1L, "normal")
  b <- gmmmi:::.rng_draws(seed, 8L, 500L, 2L, "normal")
  expect_identical(a, b)
  # different streams differ, different seeds differ
  expect_false(isTRUE(all.equal(a[, 1], a[, 2])))
  expect_false(identical(a, gmmmi:::.rng_draws(c(12345, 678911), 8L, 500L, 1L, "normal")))
})


test_that("the normal, uniform and exponential samplers have the right distributions", {
  z <- as.vector(gmmmi:::.rng_draws(c(1, 2), 4L, 25000L, 2L, "normal"))
  expect_gt(stats::ks.test(z, "pnorm")$p.value, 1e-4)
  expect_lt(abs(mean(z)), 4 / sqrt(length(z)))
  expect_lt(abs(var(z) - 1), 4 * sqrt(2 / length(z)))
  u <- as.vector(gmmmi:::.rng_draws(c(3, 4), 4L, 25000L, 1L, "uniform"))
  expect_true(all(u > 0 & u < 1))
  expect_gt(stats::ks.test(u, "punif")$p.value, 1e-4)
  e <- as.vector(gmmmi:::.rng_draws(c(5, 6), 4L, 25000L, 1L, "exponential"))
  expect_gt(stats::ks.test(e, "pexp")$p.value, 1e-4)
})

test_that("seed = leaves the caller's RNG state exactly as it was, including no state", {
  has_seed <- function() exists(".Random.seed", envir = globalenv(), inherits = FALSE)
  xy <- cbind(a = c(1, 3, 2, 5, 4, 7, 6, 9, 8, 10, 12, 11), b = c(2, 1, 4, 3, 6, 5, 8, 7, 10, 9, 11, 12))
  calls <- list(
    function() mi_matrix(xy, method = "gaussian", seed = 1),
    function() info_plane(list(h = list(xy, xy + 1)), xy, xy[, 1], method = "gaussian", noise = 0.1, seed = 1),
    function() info_decomposition(xy, xy, factor(xy[, 1] > 6), method = "ksg", min_class_size = 2,
                                  n_threads = 1, seed = 1),
    function() simulate(gmm_model(1, 0, 1), 5, seed = 1),
    function() smi_gaussian(diag(4), 2, n_slices = 100, seed = 3, method = "monte_carlo"),
    function() mi_true_gmm(c(1, 1), rbind(c(0, 0), c(1, 1)), array(diag(2), c(2, 2, 2)), 1, n_mc = 1000, seed = 2)
  )
  for (f in calls) {
    if (has_seed()) rm(".Random.seed", envir = globalenv())
    suppressWarnings(try(f(), silent = TRUE))
    expect_false(has_seed())
    set.seed(42)
    expect_rng_untouched(suppressWarnings(try(f(), silent = TRUE)))
  }
})
