# The ziggurat normal sampler used by the Monte Carlo MI (inst/include/gmmmi/fastmath.hpp).

test_that("ziggurat normals are reproducible and independent of the thread count", {
  a <- gmmmi:::.normal_zig_draws(c(11, 22), 6L, 700L, 1L)
  b <- gmmmi:::.normal_zig_draws(c(11, 22), 6L, 700L, 2L)
  expect_identical(a, b)
  expect_false(identical(a, gmmmi:::.normal_zig_draws(c(11, 23), 6L, 700L, 1L)))
  expect_false(identical(a[, 1], a[, 2]))
})

test_that("ziggurat normals follow N(0, 1), including the tail beyond the base strip", {
  z <- as.vector(gmmmi:::.normal_zig_draws(c(1, 2), 4L, 250000L, 2L))
  n <- length(z)
  expect_gt(stats::ks.test(z, "pnorm")$p.value, 1e-4)
  expect_lt(abs(mean(z)), 5 / sqrt(n))
  expect_lt(abs(var(z) - 1), 5 * sqrt(2 / n))
  expect_lt(abs(mean(z^4) - 3), 5 * sqrt(96 / n))
  # tail beyond r = 3.654 (layer 0's tail algorithm) and wedges (probabilities per bin)
  r <- 3.6541528853610088
  p_tail <- 2 * stats::pnorm(-r)
  expect_lt(abs(sum(abs(z) > r) - n * p_tail), 5 * sqrt(n * p_tail))
  brk <- c(-Inf, seq(-4, 4, by = 0.1), Inf)
  obs <- tabulate(cut(z, brk, labels = FALSE), length(brk) - 1)
  ex <- n * diff(stats::pnorm(brk))
  expect_gt(stats::pchisq(sum((obs - ex)^2 / ex), length(ex) - 1, lower.tail = FALSE), 1e-4)
  expect_equal(sum(z < 0) / n, 0.5, tolerance = 5 * 0.5 / sqrt(n))
})
