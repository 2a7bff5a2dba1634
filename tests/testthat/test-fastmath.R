# The ziggurat normal sampler used by the Monte Carlo MI (inst/include/gmmmi/fastmath.hpp).

test_that("ziggurat normals are reproducible and independent of the thread count", {
  a <- gmmmi:::.normal_zig_draws(c(11, 22), 6L, 700L, 1L)
  b <- gmmmi:::.normal_zig_draws(c(11, 22), 6L, 700L, 2L)
  expect_identical(a, b)
  expect_false(identical(a, gmmmi:::.normal_zig_draws(c(11, 23), 6L, 700L, 1L)))
  expect_false(identical(a[, 1], a[, 2]))
})

# Checks that z is a large sample of N(0, 1): KS, moments, the tail beyond the ziggurat's base
# strip r = 3.654 (layer 0's tail algorithm), bins of width 0.1 (the wedges) and the sign.
expect_standard_normal <- function(z) {
  n <- length(z)
  expect_gt(stats::ks.test(z, "pnorm")$p.value, 1e-4)
  expect_lt(abs(mean(z)), 5 / sqrt(n))
  expect_lt(abs(var(z) - 1), 5 * sqrt(2 / n))
  expect_lt(abs(mean(z^4) - 3), 5 * sqrt(96 / n))
  r <- 3.6541528853610088
  p_tail <- 2 * stats::pnorm(-r)
  expect_lt(abs(sum(abs(z) > r) - n * p_tail), 5 * sqrt(n * p_tail))
  brk <- c(-Inf, seq(-4, 4, by = 0.1), Inf)
  obs <- tabulate(cut(z, brk, labels = FALSE), length(brk) - 1)
  ex <- n * diff(stats::pnorm(brk))
  expect_gt(stats::pchisq(sum((obs - ex)^2 / ex), length(ex) - 1, lower.tail = FALSE), 1e-4)
  expect_equal(sum(z < 0) / n, 0.5, tolerance = 5 * 0.5 / sqrt(n))
}

test_that("ziggurat normals follow N(0, 1), including the tail beyond the base strip", {
  expect_standard_normal(as.vector(gmmmi:::.normal_zig_draws(c(1, 2), 4L, 250000L, 2L)))
})

test_that("the vectorised exp and log agree with libm to about 2 ulp", {
  set.seed(3)
  x <- c(-runif(4000, 0, 700), -runif(1000, 0, 1), 0, -1e-300, -log(2), -745, -1e4)
  e <- gmmmi:::.vector_math(x, "exp")
  ref <- exp(pmax(x, -708))  # documented: arguments below -708 are treated as -708
  expect_lt(max(abs(e - ref) / ref), 5e-16)
  expect_identical(e[x == 0], 1)
  y <- c(exp(runif(4000, -700, 700)), runif(1000, 0.5, 2), 1, 2, 0.5, 1e-300, .Machine$double.xmax)
  l <- gmmmi:::.vector_math(y, "log")
  rel <- abs(l - log(y)) / pmax(abs(log(y)), .Machine$double.xmin)
  expect_lt(max(rel[y != 1]), 2.3e-16)
  expect_identical(l[5001], 0)
  # lanes outside the vector path fall back to libm
  expect_identical(suppressWarnings(gmmmi:::.vector_math(c(0, -1, Inf, NaN, 2, 4), "log")),
                   suppressWarnings(c(-Inf, NaN, Inf, NaN, log(2), log(4))))
})

test_that("the baseline, AVX2 and AVX-512 kernel clones give identical results", {
  info <- gmmmi:::.simd_mode(2L)
  on.exit(gmmmi:::.simd_mode(info$previous), add = TRUE)
  if (!isTRUE(info$avx2)) skip("this CPU has no AVX2: only the baseline clone runs")
  set.seed(5)
  x <- rgamma(600, 1)
  xy <- log(cbind(x, rexp(600, x)))
  run <- function(mode) {
    gmmmi:::.simd_mode(mode)
    set.seed(9)
    f <- gmm_fit(xy, 4, n_threads = 2)
    set.seed(9)
    m <- gmm_mi(xy, n_bootstrap = 6, n_mc = 5000, n_threads = 2)
    set.seed(9)
    cl <- factor(sample(c("a", "b", "c"), 600, replace = TRUE))
    mc <- gmm_mi(cl, xy, n_components = 2, n_bootstrap = 3, n_mc = 3000, n_threads = 2)
    list(f$loglik, f$weights, f$means, f$covariances, m$estimate, m$bootstrap, m$point,
         mc$bootstrap, mc$point)
  }
  a <- run(2L)
  b <- run(1L)
  expect_true(gmmmi:::.simd_mode(1L)$avx2)
  expect_false(gmmmi:::.simd_mode(1L)$avx512)
  c0 <- run(0L)
  expect_false(gmmmi:::.simd_mode(0L)$avx2)
  expect_identical(a, b)
  expect_identical(a, c0)
})

test_that("four-lane streams reproduce the scalar streams lane by lane", {
  a <- gmmmi:::.stream4_draws(c(7, 8), 1, 300L)
  ref <- gmmmi:::.rng_draws(c(7, 8), 8L, 300L, 1L, "uniform")
  expect_identical(a$uniform, ref[, 5:8])
})

test_that("four-lane ziggurat normals follow N(0, 1), including the tail", {
  z <- gmmmi:::.stream4_draws(c(3, 4), 0, 250000L)$normal
  expect_identical(z, gmmmi:::.stream4_draws(c(3, 4), 0, 250000L)$normal)
  expect_standard_normal(z)
  # lanes are independent: the correlation between neighbouring lanes is near zero
  m <- matrix(z, nrow = 4)
  expect_lt(abs(cor(m[1, ], m[2, ])), 5 / sqrt(ncol(m)))
})
