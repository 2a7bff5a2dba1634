# Kozachenko-Leonenko entropy (plain and weighted) and MI from entropies (R/knn_entropy.R).
# Exact values: tools/design/estimators.md (table "Exact values for tests").

X7 <- c(11, 19, 35, 44, 73, 74, 79)
Y7 <- c(0, 26, 72, 39, 70, 94, 57)
h_exact <- function(x, k, ...) entropy_knn(x, k = k, std_error = "none", ...)$estimate

test_that("KL entropy gives the exact values of estimators.md", {
  x4 <- c(0, 1, 3, 6)
  expect_lt(abs(h_exact(x4, 1) - 2.8169150014), 1e-9)
  expect_lt(abs(h_exact(x4, 2) - 2.4939275517), 1e-9)
  expect_lt(abs(h_exact(x4, 1, form = "psi") - 2.9744203812), 1e-9)
  expect_lt(abs(h_exact(x4, 2, form = "psi") - 2.6514329315), 1e-9)
  h1 <- c(4.513946621899, 4.509988593345, 4.931347217519)
  h2 <- c(9.793562889439, 9.617218450186, 9.671654798132)
  for (k in 1:3) {
    expect_lt(abs(h_exact(X7, k) - h1[k]), 1e-9)
    expect_lt(abs(h_exact(cbind(X7, Y7), k) - h2[k]), 1e-9)
  }
  # all H_j are returned; weighted = TRUE with d <= 3 is the plain k-th neighbour estimator
  expect_equal(entropy_knn(cbind(X7, Y7), k = 3, std_error = "none")$entropies, h2, tolerance = 1e-12)
  expect_identical(h_exact(cbind(X7, Y7), 3, weighted = TRUE), h_exact(cbind(X7, Y7), 3))
})

test_that("KL entropy (psi(n) form) equals FNN::entropy on tie-free data", {
  skip_if_not_installed("FNN")
  set.seed(12)
  for (d in c(1, 2, 4)) {
    x <- matrix(rexp(500 * d), ncol = d)
    ours <- entropy_knn(x, k = 5, form = "psi", std_error = "none")$entropies
    expect_equal(ours, as.vector(FNN::entropy(x, k = 5)), tolerance = 1e-12, info = paste("d =", d))
  }
})

test_that("Berrett-Samworth-Yuan weights: minimum-norm solution of the constraints", {
  w <- gmmmi:::kl_weights(5, 5)
  expect_equal(w, c(1.540590, 0.669625, 0.059949, -0.427792, -0.842371), tolerance = 1e-6)
  j <- 1:5
  expect_lt(abs(sum(w) - 1), 1e-10)
  expect_lt(abs(sum(w * exp(lgamma(j + 2 / 5) - lgamma(j)))), 1e-10)
  expect_identical(gmmmi:::kl_weights(3, 5), c(1, 0, 1, 0, 1) / 3)
  # d = 10, k = 10: two constraints, max |w| about 8
  w10 <- gmmmi:::kl_weights(10, 10)
  expect_lt(abs(sum(w10) - 1), 1e-10)
  for (l in 1:2) expect_lt(abs(sum(w10 * exp(lgamma(1:10 + 2 * l / 10) - lgamma(1:10)))), 1e-9)
  expect_gt(max(abs(w10)), 5)
  expect_lt(max(abs(w10)), 12)
  # k too small: a warning (k < d), or an error when no solution exists
  expect_warning(gmmmi:::kl_weights(8, 4), "smaller than d")
  expect_error(gmmmi:::kl_weights(12, 2), "`k`", class = "gmmmi_error_input")
  expect_warning(entropy_knn(matrix(rnorm(400), ncol = 4), k = 3, weighted = TRUE,
                             std_error = "none"), "smaller than d")
})

test_that("KL entropy is close to closed forms", {
  set.seed(31)
  n <- 5000
  near <- function(x, truth, tol, ...) {
    expect_lt(abs(entropy_knn(x, std_error = "none", ...)$estimate - truth), tol)
  }
  near(rnorm(n), 1.418938533204673, 0.05)
  near(matrix(rnorm(2 * n), ncol = 2), 2.837877066, 0.1)
  near(matrix(rnorm(5 * n), ncol = 5), 7.094692666, 0.1, k = 5, weighted = TRUE)
  near(runif(n), 0, 0.05)
  near(matrix(runif(2 * n), ncol = 2), 0, 0.05)
  # U[0,2]^3: KL has a positive boundary bias on compact support, about +0.08 at n = 5000 and
  # +0.06 at n = 20000 (k = 3, both norms), so the +-0.05 of estimators.md is not reachable at
  # this n; we check +-0.12 and that the bias is positive.
  h3 <- entropy_knn(matrix(runif(3 * n, 0, 2), ncol = 3), std_error = "none")$estimate
  expect_lt(abs(h3 - 3 * log(2)), 0.12)
  expect_gt(h3, 3 * log(2))
  near(rexp(n), 1, 0.05)
  near(rexp(n) * sample(c(-1, 1), n, TRUE), 1 + log(2), 0.05)
  near(rlogis(n), 2, 0.05)
  # the max-norm estimator estimates the same quantity
  near(matrix(rnorm(2 * n), ncol = 2), 2.837877066, 0.1, norm = "max")
})

test_that("whitening makes the Euclidean estimator exactly affine equivariant", {
  set.seed(41)
  x <- matrix(rnorm(1500), ncol = 3)
  A <- matrix(c(2, 0.5, 0, -1, 1, 0.3, 0.2, 0, 3), 3)
  xa <- sweep(x %*% t(A), 2, c(5, -2, 1), "+")
  h <- entropy_knn(x, whiten = TRUE, std_error = "none")
  ha <- entropy_knn(xa, whiten = TRUE, std_error = "none")
  expect_equal(ha$estimate, h$estimate + log(abs(det(A))), tolerance = 1e-8)
  # scaling without whitening: H(aX) = H(X) + d log a
  expect_equal(h_exact(3 * x, 3), h_exact(x, 3) + 3 * log(3), tolerance = 1e-10)
})

test_that("mi_knn_entropy is H(X) + H(Y) - H(X,Y) and close to the Gaussian MI", {
  set.seed(51)
  n <- 4000
  x <- rnorm(n)
  y <- 0.8 * x + 0.6 * rnorm(n)
  f <- mi_knn_entropy(x, y, std_error = "none", standardize = FALSE)
  hx <- h_exact(x, 3)
  hy <- h_exact(y, 3)
  hxy <- h_exact(cbind(x, y), 3)
  expect_equal(unname(f$entropies), c(hx, hy, hxy), tolerance = 1e-12)
  expect_equal(f$estimate, hx + hy - hxy, tolerance = 1e-12)
  expect_lt(abs(mi_knn_entropy(x, y)$estimate - 0.5108256), 0.06)
  expect_lt(abs(mi_knn_entropy(x, y, whiten = TRUE, std_error = "none")$estimate - 0.5108256), 0.06)
  # 3-D example of estimators.md: MI(X1; (X2, X3)) = 0.0992254694, h(X1,X2,X3) = 4.615735496
  S <- matrix(c(2, .6, .3, .6, 1, .5, .3, .5, 1.5), 3)
  z <- matrix(rnorm(3 * n), ncol = 3) %*% chol(S)
  expect_lt(abs(mi_knn_entropy(z[, 1], z[, 2:3], std_error = "none")$estimate - 0.0992254694), 0.05)
  expect_lt(abs(h_exact(z, 3) - 4.615735496), 0.1)
  expect_lt(abs(mi_ksg(z[, 1], z[, 2:3], std_error = "none")$estimate - 0.0992254694), 0.03)
})

test_that("entropy: duplicates, units, threads", {
  x <- c(1, 1, 2, 3, 5, 8, 13, 21)
  expect_warning(h <- entropy_knn(x, k = 1, jitter = 0, std_error = "none"), "-Inf")
  expect_identical(h$estimate, -Inf)
  expect_warning(h2 <- entropy_knn(x, k = 1, std_error = "none"), class = "gmmmi_warning_duplicates")
  expect_true(is.finite(h2$estimate))
  set.seed(61)
  z <- matrix(rnorm(4000), ncol = 2)
  set.seed(1)
  a <- entropy_knn(z, unit = "bit")
  set.seed(1)
  b <- entropy_knn(z)
  expect_equal(a$estimate, b$estimate / log(2), tolerance = 1e-14)
  expect_identical(a$quantity, "entropy")
  expect_identical(coef(b), c(entropy = b$estimate))
  set.seed(1)
  c1 <- entropy_knn(z, n_threads = 1)
  expect_identical(c1$estimate, b$estimate)
  expect_identical(c1$std_error, b$std_error)
})

test_that("the weighted estimator names the block whose dimension needs more neighbours", {
  set.seed(2)
  x <- matrix(rnorm(300 * 10), ncol = 10)
  y <- x + matrix(rnorm(300 * 10), ncol = 10)
  e <- tryCatch(suppressWarnings(mi_knn_entropy(x, y, k = 5, weighted = TRUE)), error = function(e) e)
  expect_s3_class(e, "gmmmi_error_input")
  expect_match(conditionMessage(e), "d = 20 (the joint of x and y)", fixed = TRUE)
  expect_match(conditionMessage(e), "weighted = FALSE", fixed = TRUE)
  expect_identical(as.character(conditionCall(e)[[1]]), "mi_knn_entropy")
  msgs <- character(0)
  withCallingHandlers(try(mi_knn_entropy(x, y, k = 5, weighted = TRUE), silent = TRUE),
                      warning = function(w) {
                        msgs <<- c(msgs, conditionMessage(w))
                        invokeRestart("muffleWarning")
                      })
  expect_true(any(grepl("smaller than d = 10 (x)", msgs, fixed = TRUE)))
  expect_true(any(grepl("smaller than d = 10 (y)", msgs, fixed = TRUE)))
})
