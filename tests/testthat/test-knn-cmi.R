# Conditional MI by nearest neighbours: mi_ksg(x, y, z = ...) (Frenzel & Pompe 2007), its
# strata and chain-rule routes, and the mi() / mi_test() doors to it.

# Independent reference: the definition with plain loops (max-norm, k-th joint neighbour,
# strict counts of other points in the (x, z), (y, z) and z spaces).
cmi_brute <- function(x, y, z, k) {
  x <- as.matrix(x)
  y <- as.matrix(y)
  z <- as.matrix(z)
  n <- nrow(x)
  dist <- function(m, i, j) max(abs(m[i, ] - m[j, ]))
  joint <- cbind(x, y, z)
  xz <- cbind(x, z)
  yz <- cbind(y, z)
  total <- 0
  for (i in seq_len(n)) {
    d <- numeric(0)
    for (j in seq_len(n)) if (j != i) d <- c(d, dist(joint, i, j))
    eps <- sort(d)[k]
    nxz <- 0
    nyz <- 0
    nz <- 0
    for (j in seq_len(n)) {
      if (j == i) next
      if (dist(xz, i, j) < eps) nxz <- nxz + 1
      if (dist(yz, i, j) < eps) nyz <- nyz + 1
      if (dist(z, i, j) < eps) nz <- nz + 1
    }
    total <- total + digamma(nxz + 1) + digamma(nyz + 1) - digamma(nz + 1)
  }
  digamma(k) - total / n
}
cmi_raw <- function(x, y, z, k, ...) {
  mi_ksg(x, y, z = z, k = k, standardize = FALSE, std_error = "none", ...)$estimate
}

test_that("the conditional estimate equals the brute-force definition", {
  # n = 8, no ties in any coordinate
  x8 <- c(0.3, 2.9, 1.7, 5.2, 4.1, 7.6, 6.4, 9.8)
  y8 <- c(1.1, 0.2, 3.8, 2.5, 6.9, 4.7, 9.3, 8.1)
  z8 <- c(0.7, 1.9, 2.2, 4.4, 3.6, 6.1, 8.8, 7.3)
  for (k in 1:2) {
    expect_lt(abs(cmi_raw(x8, y8, z8, k) - cmi_brute(x8, y8, z8, k)), 1e-12)
  }
  # standardised (the default), several columns per block, k = 3
  set.seed(31)
  x <- matrix(rnorm(80), ncol = 2)
  z <- matrix(rnorm(80), ncol = 2)
  y <- x[, 1] + z[, 2] + rnorm(40)
  ref <- cmi_brute(scale(x), scale(y), scale(z), 3)
  expect_lt(abs(mi_ksg(x, y, z = z, std_error = "none")$estimate - ref), 1e-12)
})

test_that("a case counted by hand: 29/30 nats", {
  # points (x, y, z): (0,0,0) (1,2,4) (3,5,1) (7,6,5) (8,9,3); k = 1, raw values.
  # eps (1st joint neighbour, max-norm): 4, 3, 3, 3, 3.
  # other points strictly within eps:  n_xz = 1, 0, 0, 1, 1
  #                                     n_yz = 0, 0, 0, 0, 0
  #                                     n_z  = 2, 2, 2, 2, 3
  # terms psi(n_xz+1) + psi(n_yz+1) - psi(n_z+1) = -1/2, -3/2, -3/2, -1/2, -5/6 (each - gamma);
  # mean -29/30 - gamma, so I = psi(1) + 29/30 + gamma = 29/30.
  x <- c(0, 1, 3, 7, 8)
  y <- c(0, 2, 5, 6, 9)
  z <- c(0, 4, 1, 5, 3)
  expect_lt(abs(cmi_raw(x, y, z, 1) - 29 / 30), 1e-12)
})

test_that("trivariate Gaussian: the partial-correlation closed form; independent z gives I(X;Y)", {
  set.seed(42)
  n <- 5000
  r <- c(xy = 0.6, xz = 0.3, yz = 0.4)
  S <- matrix(c(1, r[["xy"]], r[["xz"]], r[["xy"]], 1, r[["yz"]], r[["xz"]], r[["yz"]], 1), 3)
  d <- matrix(rnorm(3 * n), ncol = 3) %*% chol(S)
  partial <- (r[["xy"]] - r[["xz"]] * r[["yz"]]) / sqrt((1 - r[["xz"]]^2) * (1 - r[["yz"]]^2))
  truth <- -0.5 * log(1 - partial^2)  # 0.1794
  fit <- mi_ksg(d[, 1], d[, 2], z = d[, 3])
  expect_lt(abs(fit$estimate - truth), 0.03)
  expect_identical(fit$method, "ksg_cmi")
  expect_identical(fit$quantity, "conditional mutual information")
  expect_identical(fit$conditioning, "frenzel_pompe")
  expect_true(is.finite(fit$std_error) && fit$std_error > 0)
  # z independent of (x, y): I(X;Y|Z) = I(X;Y) = -0.5 log(1 - 0.36)
  w <- rnorm(n)
  expect_lt(abs(mi_ksg(d[, 1], d[, 2], z = w, std_error = "none")$estimate + 0.5 * log(1 - 0.36)), 0.03)
  # y depends on x only through z: about 0
  x <- rnorm(n)
  z <- x + rnorm(n)
  expect_lt(abs(mi_ksg(x, z + rnorm(n), z = z, std_error = "none")$estimate), 0.03)
})

test_that("symmetric in x and y, invariant to row order, identical for 1 and 2 threads", {
  set.seed(8)
  n <- 1500
  z <- cbind(rnorm(n), rnorm(n))
  x <- z[, 1] + rnorm(n)
  y <- cbind(x + z[, 2] + rnorm(n), rnorm(n))
  a <- mi_ksg(x, y, z = z, std_error = "none")$estimate
  expect_equal(mi_ksg(y, x, z = z, std_error = "none")$estimate, a, tolerance = 1e-12)
  o <- sample(n)
  expect_equal(mi_ksg(x[o], y[o, ], z = z[o, ], std_error = "none")$estimate, a, tolerance = 1e-12)
  fz <- factor(sample(c("a", "b", "c"), n, TRUE))
  lab <- factor(x > 0)
  calls <- list(function(nt) mi_ksg(x, y, z = z, n_threads = nt),
                function(nt) mi_ksg(x, y, z = fz, n_threads = nt),
                function(nt) mi_ksg(lab, y, z = z, n_threads = nt))
  for (f in calls) expect_thread_invariant(f)
})

test_that("discrete z: exactly the weighted sum of per-stratum mi_ksg() values", {
  set.seed(12)
  n <- 900
  fz <- factor(sample(c("lo", "mid", "hi"), n, TRUE, prob = c(0.5, 0.3, 0.2)))
  s <- c(lo = 0.2, mid = 0.6, hi = 0.9)[as.character(fz)]
  x <- rnorm(n)
  y <- s * x + sqrt(1 - s^2) * rnorm(n)
  set.seed(5)
  fit <- mi_ksg(x, y, z = fz, k = 4)
  set.seed(5)
  per <- lapply(levels(fz), function(l) mi_ksg(x[fz == l], y[fz == l], k = 4))
  p <- as.numeric(table(fz)) / n
  est <- vapply(per, function(r) r$estimate, numeric(1))
  se <- vapply(per, function(r) r$std_error, numeric(1))
  expect_identical(fit$conditioning, "strata")
  expect_equal(fit$estimate, sum(p * est), tolerance = 1e-14)
  expect_equal(fit$std_error, sqrt(sum(p^2 * se^2) + (sum(p * est^2) - sum(p * est)^2) / n), tolerance = 1e-14)
  expect_equal(fit$strata$estimate, est, tolerance = 1e-14)
  expect_equal(fit$strata$weight, p)
  # a stratum where x is constant contributes exactly 0 (weight kept)
  x2 <- ifelse(fz == "hi", 1, x)
  g <- mi_ksg(x2, y, z = fz, k = 4, std_error = "none")
  keep <- fz != "hi"
  ref <- sum(vapply(c("lo", "mid"), function(l) mean(fz == l) *
                      mi_ksg(x[fz == l], y[fz == l], k = 4, std_error = "none")$estimate, numeric(1)))
  expect_equal(g$estimate, ref, tolerance = 1e-14)
  # a discrete pair gets the plug-in estimate in every stratum
  b <- mi_ksg(x > 0, y > 0, z = fz, std_error = "none")
  expect_identical(b$treatment, "plug-in")
  expect_equal(b$estimate, sum(vapply(levels(fz), function(l) mean(fz == l) *
    mi_ksg(x[fz == l] > 0, y[fz == l] > 0, std_error = "none")$estimate, numeric(1))), tolerance = 1e-14)
})

test_that("categorical x with continuous z: the chain rule with Ross's estimator, exactly", {
  set.seed(17)
  n <- 1200
  z <- rnorm(n)
  y <- z + rnorm(n)
  lab <- factor(cut(z + y + rnorm(n), c(-Inf, -1, 1, Inf), labels = c("a", "b", "c")))
  fit <- mi_ksg(lab, y, z = z, std_error = "none")
  ref <- mi_mixed(lab, cbind(y, z), std_error = "none")$estimate - mi_mixed(lab, z, std_error = "none")$estimate
  expect_identical(fit$conditioning, "chain_rule")
  expect_equal(fit$estimate, ref, tolerance = 1e-14)
  expect_equal(unname(fit$terms[1] - fit$terms[2]), fit$estimate)
  # y discrete instead: swapped, the same number
  expect_equal(mi_ksg(y, lab, z = z, std_error = "none")$estimate, ref, tolerance = 1e-14)
  # with a standard error (subsamples of the difference)
  expect_true(is.finite(mi_ksg(lab, y, z = z)$std_error))
})

test_that("mi() and the formula route to it; mi_test() tests conditional independence", {
  set.seed(23)
  n <- 400
  d <- data.frame(z = rnorm(n))
  d$x <- d$z + rnorm(n)
  d$y <- d$z + 0.5 * d$x + rnorm(n)
  ref <- mi_ksg(d$x, d$y, z = d$z, std_error = "none")$estimate
  expect_equal(mi(y ~ x | z, d, method = "ksg", std_error = "none")$estimate, ref, tolerance = 1e-12)
  r <- mi(d$x, d$y, z = d$z, method = "ksg", std_error = "none")
  expect_equal(r$estimate, ref, tolerance = 1e-12)
  expect_output(print(r), "Conditional mutual information \\(KSG, Frenzel-Pompe, k = 3\\) between d\\$x and d\\$y given d\\$z")
  t <- mi_test(d$x, d$y, z = d$z, method = "ksg", n_permutations = 19, n_threads = 1)
  expect_true(t$conditional)
  expect_equal(t$statistic, ref, tolerance = 1e-12)
  expect_equal(t$p_value, 1 / 20)  # strong conditional dependence: every shuffle is below
  e <- "gmmmi_error_input"
  expect_error(mi(d$x, d$y, z = d$z, method = "binned"), "`z`", class = e)
  expect_error(mi(y ~ x | z, d, method = "gaussian"), "ksg", class = e)
  expect_error(mi_test(d$x, d$y, z = d$z, method = "knn_entropy", n_permutations = 9), "`z`", class = e)
})

test_that("bad z and unsupported cases give classed errors naming the argument", {
  set.seed(2)
  x <- rnorm(60)
  y <- rnorm(60)
  z <- rnorm(60)
  e <- "gmmmi_error_input"
  expect_error(mi_ksg(x, y, z = z[-1]), "`z`", class = e)
  expect_error(mi_ksg(x, y, z = function(v) v), "`z`", class = e)
  expect_error(mi_ksg(x, y, z = as.complex(z)), "`z`", class = e)
  expect_error(mi_ksg(x, y, z = rep(1, 60)), "`z`", class = e)
  expect_error(mi_ksg(x, y, z = c(NA, z[-1]), na.rm = FALSE), "`z`", class = e)
  expect_error(mi(x, y, z = z[-1], method = "ksg"), "`z`", class = e)
  expect_error(mi_ksg(x, y, z = z, variant = 2), "`variant`", class = e)
  expect_error(mi_ksg(x, y[-1], z = z), "`y`", class = e)
  expect_error(mi_ksg(x > 0, y > 0, z = z), "`z`", class = "gmmmi_error_discrete")
  expect_error(mi_ksg(x, y, z = data.frame(a = z, b = rep(c("u", "v"), 30))), "`z`",
               class = "gmmmi_error_discrete")
  expect_warning(f <- mi_ksg(x, y, z = c(NA, z[-1]), std_error = "none"), "x, y or z")
  expect_identical(f$n, 59L)
  # strata with at most k rows are dropped with a warning
  expect_warning(g <- mi_ksg(x, y, z = c("rare", "rare", rep("common", 58)), std_error = "none"),
                 "at most `k`")
  expect_identical(g$n, 58L)
})
