# The per-unit random streams and samplers of the core, through the test-only export .rng_draws.

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

