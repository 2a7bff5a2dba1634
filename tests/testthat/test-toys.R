# Every truth is checked against an independent numeric computation: quadrature of the densities
# (stats::integrate, nested for two dimensions) or a Monte Carlo average of the log density ratio
# written here from scratch, with a stated tolerance.

# log density of N(mu, S) at the rows of z, written independently of the package (via solve/det)
ldmvn <- function(z, mu, S) {
  z <- sweep(as.matrix(z), 2L, mu)
  -0.5 * (ncol(z) * log(2 * pi) + as.numeric(determinant(S)$modulus) +
            rowSums((z %*% solve(S)) * z))
}

test_that("Gaussian truths match the table values and the log-determinant formula", {
  expect_equal(mi_true_gaussian(c(.3, .5, .8, .9, .99)),
               c(0.0471553, 0.1438410, 0.5108256, 0.8303656, 1.9585178), tolerance = 1e-6)
  expect_equal(mi_true_gaussian(c(-.6, .6)), rep(-0.5 * log(1 - .36), 2), tolerance = 1e-14)
  s <- matrix(c(2, .6, .3, .6, 1, .5, .3, .5, 1.5), 3)
  expect_equal(mi_true_mvn(s, 1), 0.0992254694, tolerance = 1e-9)
  expect_equal(mi_true_mvn(matrix(c(1, .7, .7, 1), 2), 1), mi_true_gaussian(.7), tolerance = 1e-14)
  # symmetry: swapping the roles of x and y
  perm <- c(2, 3, 1)
  expect_equal(mi_true_mvn(s[perm, perm], 2), mi_true_mvn(s, 1), tolerance = 1e-12)
  expect_equal(mi_true_gaussian(0.6, unit = "bit"), mi_true_gaussian(0.6) / log(2))
})

test_that("mvn truth agrees with a Monte Carlo average of the log density ratio", {
  set.seed(11)
  a <- matrix(rnorm(16), 4)
  s <- crossprod(a) + diag(4)
  d <- toy_mvn(2e5, s, dx = 2, mean = c(1, -1, 0, 2))
  z <- cbind(d$x, d$y)
  mu <- c(1, -1, 0, 2)
  v <- ldmvn(z, mu, s) - ldmvn(d$x, mu[1:2], s[1:2, 1:2]) - ldmvn(d$y, mu[3:4], s[3:4, 3:4])
  se <- sd(v) / sqrt(length(v))
  expect_lt(abs(mean(v) - d$mi), 4 * se)
  expect_equal(d$mi, mi_true_mvn(s, 2))
  # the generator draws from the right distribution
  expect_lt(max(abs(cov(z) - s)), 0.1)
  expect_lt(max(abs(colMeans(z) - mu)), 0.03)
})

test_that("gamma-exponential truth equals nested quadrature of p log p/(p_x p_y)", {
  # MI = int dy int dx p(x, y) log(p(y | x) / p(y)); p(y) is itself integrated numerically.
  # Inner integrals in u = x (1 + y) (the scale of x given y), outer one in t = log(1 + y)
  # (Y has a polynomial tail), all in log space.
  mi_quad <- function(alpha) {
    inner <- function(t) {
      y <- expm1(t)
      lp <- function(u) {   # log p(x, y) at x = u / (1 + y), plus the Jacobian log(1 / (1 + y))
        x <- u / (1 + y)
        stats::dgamma(x, alpha, 1, log = TRUE) + log(x) - x * y - t
      }
      py <- stats::integrate(function(u) exp(lp(u)), 0, Inf, rel.tol = 1e-11)$value
      v <- stats::integrate(function(u) {
        x <- u / (1 + y)
        exp(lp(u)) * (log(x) - x * y - log(py))
      }, 0, Inf, rel.tol = 1e-11)$value
      v * exp(t)
    }
    br <- c(0, 1, 3, 10, 30, 80)
    sum(vapply(seq_len(length(br) - 1L), function(i) {
      stats::integrate(Vectorize(inner), br[i], br[i + 1L], rel.tol = 1e-10)$value
    }, numeric(1)))
  }
  for (alpha in c(0.7, 1, 3)) {
    expect_equal(mi_true_gamma_exp(alpha), mi_quad(alpha), tolerance = 1e-6)
  }
  expect_equal(mi_true_gamma_exp(1), 1 - 0.5772156649015329, tolerance = 1e-12)
  # the sample: Y is Lomax, P(Y > y) = (1 + y)^(-alpha); X is Gamma(alpha, 1)
  set.seed(3)
  d <- toy_gamma_exp(5000, 2)
  expect_gt(stats::ks.test(d$y, function(q) 1 - (1 + q)^(-2))$p.value, 1e-4)
  expect_gt(stats::ks.test(d$x, "pgamma", 2)$p.value, 1e-4)
  expect_equal(d$mi, mi_true_gamma_exp(2))
})

test_that("Weinman truth (three branches) equals nested quadrature", {
  mi_quad <- function(alpha) {
    pxy <- function(x, y) 2 * exp(-2 * x) * exp(-(y - x) / alpha) / alpha
    inner <- function(y) {
      py <- stats::integrate(function(x) pxy(x, y), 0, y, rel.tol = 1e-12)$value
      stats::integrate(function(x) pxy(x, y) * (-(y - x) / alpha - log(alpha) - log(py)),
                       0, y, rel.tol = 1e-12)$value
    }
    # the density of Y decays like exp(-y / max(alpha, 1/2)): the part beyond y_max is < e^-60
    br <- c(0, 1, 5, 20, 60) * max(alpha, 0.5)
    sum(vapply(seq_len(length(br) - 1L), function(i) {
      stats::integrate(Vectorize(inner), br[i], br[i + 1L], rel.tol = 1e-10)$value
    }, numeric(1)))
  }
  for (alpha in c(0.2, 0.5, 2)) {
    expect_equal(mi_true_weinman(alpha), mi_quad(alpha), tolerance = 1e-6)
  }
  # alpha = 1/2 is Euler's constant, and the branches join continuously there
  expect_equal(mi_true_weinman(0.5), 0.5772156649015329, tolerance = 1e-14)
  expect_equal(mi_true_weinman(0.5 - 1e-7), mi_true_weinman(0.5), tolerance = 1e-5)
  expect_equal(mi_true_weinman(0.5 + 1e-7), mi_true_weinman(0.5), tolerance = 1e-5)
  set.seed(4)
  d <- toy_weinman(5000, 0.8)
  expect_true(all(d$x < d$y))
  expect_gt(stats::ks.test(d$x, "pexp", 2)$p.value, 1e-4)
  expect_gt(stats::ks.test(d$y - d$x, "pexp", 1 / 0.8)$p.value, 1e-4)
})

test_that("Gaussian-mixture truth agrees with mvn (K = 1) and with 2-D quadrature (K = 2)", {
  s <- matrix(c(1.5, .7, .2, .7, 1, .4, .2, .4, 2), 3)
  g1 <- mi_true_gmm(1, matrix(c(1, 2, 3), 1), list(s), dx = 1, n_mc = 1e5)
  expect_lt(abs(g1 - mi_true_mvn(s, 1)), 4 * attr(g1, "std_error"))

  w <- c(0.4, 0.6)
  m <- rbind(c(-1, -1), c(1.5, 1))
  S <- list(diag(c(1, 0.5)), matrix(c(1, -0.6, -0.6, 1.2), 2))
  g2 <- mi_true_gmm(w, m, S, dx = 1, n_mc = 2e5)
  dbn <- function(x, y, mu, C) {   # bivariate normal density, explicit formula
    sx <- sqrt(C[1, 1]); sy <- sqrt(C[2, 2]); r <- C[1, 2] / (sx * sy)
    u <- (x - mu[1]) / sx; v <- (y - mu[2]) / sy
    exp(-(u^2 - 2 * r * u * v + v^2) / (2 * (1 - r^2))) / (2 * pi * sx * sy * sqrt(1 - r^2))
  }
  pj <- function(x, y) w[1] * dbn(x, y, m[1, ], S[[1]]) + w[2] * dbn(x, y, m[2, ], S[[2]])
  pxm <- function(x) w[1] * dnorm(x, m[1, 1], sqrt(S[[1]][1, 1])) + w[2] * dnorm(x, m[2, 1], sqrt(S[[2]][1, 1]))
  pym <- function(y) w[1] * dnorm(y, m[1, 2], sqrt(S[[1]][2, 2])) + w[2] * dnorm(y, m[2, 2], sqrt(S[[2]][2, 2]))
  inner <- function(y) stats::integrate(function(x) {
    p <- pj(x, y)
    out <- p * log(p / (pxm(x) * pym(y)))
    out[p == 0] <- 0
    out
  }, -12, 12, rel.tol = 1e-10)$value
  truth <- stats::integrate(Vectorize(inner), -12, 12, rel.tol = 1e-9)$value
  expect_lt(abs(g2 - truth), 4 * attr(g2, "std_error"))
  expect_lt(attr(g2, "std_error"), 0.003)

  # a fixed seed gives a deterministic truth and leaves the global random stream untouched
  set.seed(9); a <- runif(3)
  set.seed(9); g3 <- mi_true_gmm(w, m, S, dx = 1, n_mc = 1e4); b <- runif(3)
  expect_identical(a, b)
  expect_identical(g3, mi_true_gmm(w, m, S, dx = 1, n_mc = 1e4))
  set.seed(9); g4 <- mi_true_gmm(w, m, S, dx = 1, n_mc = 1e4, seed = NULL); b <- runif(3)
  expect_false(identical(a, b))

  # the generator: sample moments of the mixture, truth as computed alone, 3-D array input
  set.seed(5)
  arr <- array(unlist(S), c(2, 2, 2))
  d <- toy_gmm(20000, w, m, arr, dx = 1, n_mc = 1e4)
  expect_identical(d$mi, as.numeric(g3))
  expect_equal(d$mi_std_error, attr(g3, "std_error"))
  z <- cbind(d$x, d$y)
  expect_lt(max(abs(colMeans(z) - colSums(w * m))), 0.05)
  mix_cov <- w[1] * (S[[1]] + tcrossprod(m[1, ])) + w[2] * (S[[2]] + tcrossprod(m[2, ])) -
    tcrossprod(colSums(w * m))
  expect_lt(max(abs(cov(z) - mix_cov)), 0.1)
})

test_that("toy_gmm() and mi_true_gmm() take a \"gmm\" object as the mixture", {
  w <- c(0.4, 0.6)
  m <- rbind(c(-1, -1), c(1.5, 1))
  S <- list(diag(c(1, 0.5)), matrix(c(1, -0.6, -0.6, 1.2), 2))
  g <- gmm_model(w, m, array(unlist(S), c(2, 2, 2)))
  expect_identical(mi_true_gmm(g, dx = 1, n_mc = 1e4), mi_true_gmm(w, m, S, dx = 1, n_mc = 1e4))
  expect_identical(mi_true_gmm(g, dx = 1, n_mc = 1e4, unit = "bit"),
                   mi_true_gmm(w, m, S, dx = 1, n_mc = 1e4, unit = "bit"))
  set.seed(3); a <- toy_gmm(200, g, dx = 1, n_mc = 1e4)
  set.seed(3); b <- toy_gmm(200, w, m, S, dx = 1, n_mc = 1e4)
  expect_identical(a, b)
  # a fitted mixture (names on its weights, means and covariances) works the same way
  fit <- suppressWarnings(gmm_fit(cbind(a$x, a$y), 2, n_inits = 1, n_threads = 1))
  K <- fit$n_components
  expect_identical(mi_true_gmm(fit, dx = 1, n_mc = 1e4),
                   mi_true_gmm(unname(fit$weights), unname(fit$means),
                               lapply(seq_len(K), function(k) unname(fit$covariances[, , k])),
                               dx = 1, n_mc = 1e4))
  expect_identical(toy_gmm(5, fit, dx = 1, n_mc = 100)$params$means, unname(fit$means))
  # a "gmm" object and parameters together, or a broken object, are errors
  expect_error(mi_true_gmm(g, m, dx = 1), "not both", class = "gmmmi_error_input")
  expect_error(toy_gmm(10, g, covariances = S, dx = 1), "not both", class = "gmmmi_error_input")
  bad <- g
  bad$weights <- c(0.5, 0.7)
  expect_error(mi_true_gmm(bad, dx = 1), "`weights", class = "gmmmi_error_input")
})

test_that("categorical truth agrees with Monte Carlo and with its limits", {
  pr <- c(a = 0.2, b = 0.5, c = 0.3)
  mu <- c(-1, 0.5, 2)
  sds <- c(0.7, 1, 1.5)
  tr <- mi_true_categorical(pr, mu, sds)
  set.seed(21)
  d <- toy_categorical(2e5, pr, mu, sds)
  expect_identical(levels(d$x), c("a", "b", "c"))
  expect_lt(max(abs(as.numeric(table(d$x)) / 2e5 - pr)), 0.005)
  k <- as.integer(d$x)
  lc <- sapply(1:3, function(c) log(pr[c]) + dnorm(d$y, mu[c], sds[c], log = TRUE))
  v <- dnorm(d$y, mu[k], sds[k], log = TRUE) - log(rowSums(exp(lc)))
  expect_lt(abs(mean(v) - tr), 4 * sd(v) / sqrt(length(v)))
  expect_equal(d$mi, tr)
  # separated classes: MI = H(X); identical classes: MI = 0
  expect_equal(mi_true_categorical(c(.25, .75), c(-50, 50), 1), -sum(c(.25, .75) * log(c(.25, .75))),
               tolerance = 1e-9)
  expect_lt(mi_true_categorical(c(.5, .5), c(1, 1), 2), 1e-9)
  expect_lte(tr, -sum(pr * log(pr)))
})

test_that("monotone transforms keep the truth and change the data", {
  set.seed(6)
  d <- toy_gaussian(300, 0.6)
  t1 <- toy_transform(d, y = "cubic")
  expect_identical(t1$mi, d$mi)
  expect_identical(t1$x, d$x)
  expect_equal(t1$y, d$y + 0.5 * d$y^3)
  expect_identical(t1$transform, list(x = "identity", y = "cubic"))
  t2 <- toy_transform(d, "log5")
  expect_equal(t2$x, log(d$x + 5))
  t3 <- toy_transform(d, function(v) -v^3)
  expect_equal(t3$y, -d$y^3)
  g <- toy_transform(toy_gamma_exp(100, 1), "log")
  expect_true(all(is.finite(g$x)) && all(is.finite(g$y)))
  m <- toy_transform(toy_mvn(50, diag(3) + 0.5, 2), x = "exp", y = "asinh")
  expect_equal(dim(m$x), c(50L, 2L))
  expect_error(toy_transform(d, "log"), "`x`", class = "gmmmi_error_input")
  expect_error(toy_transform(d, y = function(v) v^2), "monotone", class = "gmmmi_error_input")
  expect_error(toy_transform(d, y = "square"), "`y`", class = "gmmmi_error_input")
  expect_error(toy_transform(d$x, "log"), "`data`", class = "gmmmi_error_input")
  ct <- toy_categorical(50, c(.5, .5), c(0, 1))
  expect_error(toy_transform(ct, "log5"), "`x`", class = "gmmmi_error_input")
  expect_equal(toy_transform(ct, "identity", "log5")$y, log(ct$y + 5))
})

test_that("units, printing and reproducibility", {
  set.seed(1); a <- toy_weinman(10, 1, unit = "bit")
  set.seed(1); b <- toy_weinman(10, 1)
  expect_identical(a$x, b$x)
  expect_equal(a$mi, b$mi / log(2))
  expect_equal(a$unit, "bit")
  expect_output(print(b), "true MI = 0.30685")
  df <- as.data.frame(b)
  expect_identical(names(df), c("x", "y"))
  expect_identical(df$y, b$y)
  expect_identical(attr(df, "mi"), b$mi)
  m <- toy_mvn(7, diag(3) + 0.5, dx = 2)
  expect_identical(names(as.data.frame(m)), c("x1", "x2", "y"))
  expect_identical(as.data.frame(m)$x2, m$x[, 2])
  expect_s3_class(as.data.frame(toy_categorical(5, c(.5, .5), c(0, 1)))$x, "factor")
  expect_output(print(toy_gmm(10, 1, matrix(0, 1, 2), list(diag(2)), 1, n_mc = 100)), "Monte Carlo")
})

test_that("bad input gives errors naming the argument", {
  s_bad <- matrix(c(1, 2, 2, 1), 2)
  expect_error(toy_gaussian(10, 1), "`rho`", class = "gmmmi_error_input")
  expect_error(toy_gaussian(10, -1.2), "`rho`", class = "gmmmi_error_input")
  expect_error(mi_true_gaussian(NA), "`rho`", class = "gmmmi_error_input")
  expect_error(toy_gaussian(0, 0.5), "`n`", class = "gmmmi_error_input")
  expect_error(toy_gaussian(2.5, 0.5), "`n`", class = "gmmmi_error_input")
  expect_error(toy_gamma_exp(10, 0), "`alpha`", class = "gmmmi_error_input")
  expect_error(mi_true_gamma_exp(-1), "`alpha`", class = "gmmmi_error_input")
  expect_error(toy_weinman(10, -1), "`alpha`", class = "gmmmi_error_input")
  expect_error(mi_true_weinman(c(1, NA)), "`alpha`", class = "gmmmi_error_input")
  expect_error(toy_mvn(10, s_bad, 1), "`sigma`.*positive definite", class = "gmmmi_error_input")
  expect_error(mi_true_mvn(matrix(c(1, .5, .4, 1), 2), 1), "`sigma`.*symmetric", class = "gmmmi_error_input")
  expect_error(mi_true_mvn(diag(3), 3), "`dx`", class = "gmmmi_error_input")
  expect_error(mi_true_mvn(1, 1), "`sigma`", class = "gmmmi_error_input")
  expect_error(toy_mvn(10, diag(2), 1, mean = 1:3), "`mean`", class = "gmmmi_error_input")
  expect_error(mi_true_gmm(c(-1, 2), rbind(0:1, 1:2), list(diag(2), diag(2)), 1), "`weights`",
               class = "gmmmi_error_input")
  expect_error(mi_true_gmm(c(1, 2), rbind(0:1, 1:2), list(diag(2)), 1), "`covariances`",
               class = "gmmmi_error_input")
  expect_error(mi_true_gmm(c(1, 2), rbind(0:1, 1:2), list(diag(2), s_bad), 1), "covariances\\[\\[2\\]\\]",
               class = "gmmmi_error_input")
  expect_error(mi_true_gmm(c(1, 2), rbind(0:1, 1:2), list(diag(2), diag(3)), 1), "covariances\\[\\[2\\]\\]",
               class = "gmmmi_error_input")
  expect_error(mi_true_gmm(c(1, 2), rbind(0:1, 1:2, 2:3), list(diag(2), diag(2)), 1), "`means`",
               class = "gmmmi_error_input")
  expect_error(mi_true_gmm(1, rbind(0:1), list(diag(2)), 1, n_mc = 0), "`n_mc`", class = "gmmmi_error_input")
  expect_error(toy_gmm(10, 1, rbind(0:1), list(diag(2)), dx = 2), "`dx`", class = "gmmmi_error_input")
  expect_error(toy_gmm(10, c(1, 1), c(0, 1), c(1, 1), dx = 1), "`means`", class = "gmmmi_error_input")
  expect_error(toy_categorical(10, 1, 0), "`probs`", class = "gmmmi_error_input")
  expect_error(toy_categorical(10, c(.5, .5), 0), "`means`", class = "gmmmi_error_input")
  expect_error(mi_true_categorical(c(.5, .5), c(0, 1), c(1, -1)), "`sds`", class = "gmmmi_error_input")
  expect_error(toy_gaussian(10, 0.5, unit = "dit"), "`unit`", class = "gmmmi_error_input")
})
