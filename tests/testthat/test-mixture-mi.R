# Monte Carlo MI of a given mixture (inst/include/gmmmi/mi_gmm.hpp, through the test-only exports
# .gmm_mi_mc, .gmm_mi_categorical_mc, .gmm_pmi) against closed forms. The estimator gmm_mi(),
# which fits the mixture first, is tested in test-gmm-mi.R.

gauss_model <- function(S, K = 1) {
  d <- ncol(S)
  list(weights = rep(1 / K, K), means = matrix(0, K, d), covariances = array(rep(S, K), c(d, d, K)))
}

test_that("a single Gaussian gets its exact MI, and Monte Carlo over a 2-component copy agrees", {
  S <- matrix(c(1, 0.6, 0.6, 1), 2)
  truth <- -0.5 * log(1 - 0.36)
  ex <- gmmmi:::.gmm_mi_mc(gauss_model(S), 1L, 1L, 1e4, c(1, 2), 1L)
  expect_equal(unname(ex["value"]), truth, tolerance = 1e-12)
  expect_equal(unname(ex["std_error"]), 0)
  # two identical components: same density, but the Monte Carlo path is used
  mc <- gmmmi:::.gmm_mi_mc(gauss_model(S, 2), 1L, 1L, 1e5, c(1, 2), 2L)
  expect_gt(mc["std_error"], 0)
  expect_lt(abs(mc["value"] - truth), 4 * mc["std_error"])
})

test_that("3-D x 2-D Gaussian: Monte Carlo MI with block marginals matches the log-determinants", {
  set.seed(11)
  A <- matrix(rnorm(25), 5)
  S <- crossprod(A) + diag(5)
  truth <- mi_gauss(S, 1:3, 4:5)
  mc <- gmmmi:::.gmm_mi_mc(gauss_model(S, 2), 3L, 2L, 1e5, c(3, 4), 2L)
  expect_lt(abs(mc["value"] - truth), 4 * mc["std_error"])
  expect_equal(unname(gmmmi:::.gmm_mi_mc(gauss_model(S), 3L, 2L, 1e3, c(3, 4), 1L)["value"]), truth,
               tolerance = 1e-10)
  # 1-D x 4-D split too
  mc2 <- gmmmi:::.gmm_mi_mc(gauss_model(S, 3), 1L, 4L, 1e5, c(5, 6), 1L)
  expect_lt(abs(mc2["value"] - mi_gauss(S, 1, 2:5)), 4 * mc2["std_error"])
})

test_that("conditional MI of a Gaussian matches the covariance formula", {
  set.seed(12)
  A <- matrix(rnorm(16), 4)
  S <- crossprod(A) + diag(4)
  # x = dim 1, y = dims 2:3, z = dim 4
  truth <- cmi_gauss(S, 1, 2:3, 4)
  mc <- gmmmi:::.gmm_mi_mc(gauss_model(S, 2), 1L, 2L, 1e5, c(5, 6), 2L)
  expect_lt(abs(mc["value"] - truth), 4 * mc["std_error"] + 1e-4)
  expect_equal(unname(gmmmi:::.gmm_mi_mc(gauss_model(S), 1L, 2L, 1e3, c(5, 6), 1L)["value"]), truth,
               tolerance = 1e-10)
})

test_that("Monte Carlo MI of a real mixture is reproducible and thread-independent", {
  m <- list(weights = c(0.2, 0.3, 0.5), means = rbind(c(0, 0), c(2, 1), c(-1, 3)),
            covariances = array(c(1, 0.5, 0.5, 1, 1, -0.3, -0.3, 2, 0.5, 0, 0, 0.5), c(2, 2, 3)))
  a <- gmmmi:::.gmm_mi_mc(m, 1L, 1L, 5e4, c(7, 8), 1L)
  b <- gmmmi:::.gmm_mi_mc(m, 1L, 1L, 5e4, c(7, 8), 2L)
  expect_identical(a, b)
  # against a brute-force R Monte Carlo with independent draws (different RNG): 5 s.e.
  set.seed(13)
  n <- 2e5
  k <- sample(3, n, TRUE, m$weights)
  z <- matrix(rnorm(2 * n), n)
  X <- matrix(0, n, 2)
  for (j in 1:3) {
    r <- k == j
    X[r, ] <- sweep(z[r, , drop = FALSE] %*% chol(m$covariances[, , j]), 2, m$means[j, ], "+")
  }
  dj <- dx <- dy <- 0
  for (j in 1:3) {
    S <- m$covariances[, , j]
    L <- t(chol(S))
    r <- t(forwardsolve(L, t(sweep(X, 2, m$means[j, ]))))
    dj <- dj + m$weights[j] * exp(-0.5 * rowSums(r^2)) / (2 * pi * prod(diag(L)))
    dx <- dx + m$weights[j] * stats::dnorm(X[, 1], m$means[j, 1], sqrt(S[1, 1]))
    dy <- dy + m$weights[j] * stats::dnorm(X[, 2], m$means[j, 2], sqrt(S[2, 2]))
  }
  v <- log(dj) - log(dx) - log(dy)
  se <- sqrt(a["std_error"]^2 + var(v) / n)
  expect_lt(abs(a["value"] - mean(v)), 5 * se)
})

test_that("categorical MI: well-separated classes give H(class); overlapping match integration", {
  g1 <- function(mu, s = 1) list(weights = 1, means = matrix(mu, 1, 1), covariances = array(s^2, c(1, 1, 1)))
  p <- c(0.2, 0.3, 0.5)
  sep <- gmmmi:::.gmm_mi_categorical_mc(list(g1(0), g1(30), g1(60)), p, 2e4, c(1, 2), 2L)
  expect_equal(unname(sep["value"]), -sum(p * log(p)), tolerance = 1e-8)
  mus <- c(0, 1, 2.5); sds <- c(1, 0.7, 1.3)
  mix <- function(y) rowSums(vapply(1:3, function(c) p[c] * dnorm(y, mus[c], sds[c]), numeric(length(y))))
  truth <- sum(vapply(1:3, function(c) {
    stats::integrate(function(y) p[c] * dnorm(y, mus[c], sds[c]) * (dnorm(y, mus[c], sds[c], log = TRUE) - log(mix(y))),
                     mus[c] - 12 * sds[c], mus[c] + 12 * sds[c], rel.tol = 1e-10)$value
  }, numeric(1)))
  mods <- lapply(1:3, function(c) g1(mus[c], sds[c]))
  a <- gmmmi:::.gmm_mi_categorical_mc(mods, p, 1e5, c(3, 4), 1L)
  b <- gmmmi:::.gmm_mi_categorical_mc(mods, p, 1e5, c(3, 4), 2L)
  expect_identical(a, b)
  expect_lt(abs(a["value"] - truth), 4 * a["std_error"])
  expect_lt(a["value"], log(3))
})

test_that("pointwise MI of a Gaussian equals the closed form and averages to the MI", {
  S <- matrix(c(2, 0.9, 0.9, 1), 2)
  set.seed(14)
  X <- matrix(rnorm(20), 10)
  got <- gmmmi:::.gmm_pmi(gauss_model(S, 2), X, 1L, 2L)
  L <- t(chol(S))
  lj <- -log(2 * pi) - sum(log(diag(L))) - 0.5 * colSums(forwardsolve(L, t(X))^2)
  want <- lj - dnorm(X[, 1], 0, sqrt(2), log = TRUE) - dnorm(X[, 2], 0, 1, log = TRUE)
  expect_equal(got, want, tolerance = 1e-10)
})
