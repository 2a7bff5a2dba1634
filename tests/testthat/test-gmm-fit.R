# Tests of the EM engine (gmm_fit) and the "gmm" methods.

sim_mix3 <- function(n, seed = 1) {
  # 3-component 2-D mixture with known parameters
  truth <- gmm_model(
    weights = c(0.2, 0.3, 0.5),
    means = rbind(c(0, 0), c(5, 0), c(0, 6)),
    covariances = array(c(1, 0.5, 0.5, 1,  0.5, 0, 0, 2,  2, -0.8, -0.8, 1), c(2, 2, 3))
  )
  list(truth = truth, x = simulate(truth, n, seed = seed))
}

# match components of a fit to a truth by the nearest means
match_components <- function(fit, truth) {
  K <- truth$n_components
  perm <- integer(K)
  for (k in seq_len(K)) {
    d2 <- colSums((t(fit$means) - truth$means[k, ])^2)
    perm[k] <- which.min(d2)
  }
  perm
}

test_that("gmm_fit reaches mclust::me (VVV) from the same responsibilities", {
  skip_if_not_installed("mclust")
  s <- sim_mix3(600, seed = 2)
  x <- s$x
  set.seed(3)
  z <- matrix(stats::runif(600 * 3), 600)
  z <- z / rowSums(z)
  # run both to the fixed point: no tolerance, a fixed large number of iterations
  expect_warning(
    fit <- gmm_fit(x, init = list(responsibilities = z), tol = 0, max_iter = 3000, reg_covar = 0,
                   n_threads = 1),
    "did not converge", class = "gmmmi_warning")
  expect_false(fit$converged)
  me <- mclust::meVVV(x, z = z,
                   control = mclust::emControl(tol = c(0, 0), itmax = c(3000, 3000)))
  expect_equal(fit$loglik, me$loglik, tolerance = 1e-6)
  expect_equal(unname(fit$weights), me$parameters$pro, tolerance = 1e-6)
  expect_equal(unname(fit$means), unname(t(me$parameters$mean)), tolerance = 1e-6)
  expect_equal(unname(fit$covariances), unname(me$parameters$variance$sigma), tolerance = 1e-6)
  # the same loglik from our own density function
  expect_equal(sum(gmm_density(fit, x, log = TRUE)), fit$loglik, tolerance = 1e-12)
  # responsibilities agree with mclust's E-step
  expect_equal(unname(predict(fit, x)), unname(me$z), tolerance = 1e-6)
})

test_that("gmm_fit recovers the parameters of a simulated 3-component 2-D mixture", {
  s <- sim_mix3(6000, seed = 4)
  set.seed(5)
  fit <- gmm_fit(s$x, 3, n_inits = 3, n_threads = 1)
  expect_true(fit$converged)
  expect_s3_class(fit, "gmm")
  p <- match_components(fit, s$truth)
  expect_setequal(p, 1:3)
  expect_equal(unname(fit$weights[p]), unname(s$truth$weights), tolerance = 0.05)
  expect_lt(max(abs(fit$means[p, ] - s$truth$means)), 0.15)
  expect_lt(max(abs(fit$covariances[, , p] - s$truth$covariances)), 0.2)
  # loglik is the log-likelihood of the returned parameters
  expect_equal(sum(gmm_density(fit, s$x, log = TRUE)), fit$loglik, tolerance = 1e-10)
  # every init method gets there
  for (init in c("random", "randomized_kmeans", "minmax")) {
    f <- gmm_fit(s$x, 3, n_inits = 3, init = init, n_threads = 1)
    expect_equal(f$loglik, fit$loglik, tolerance = 1e-4, info = init)
  }
})

test_that("1-D and 5-D fits work and agree with closed forms", {
  set.seed(6)
  x1 <- c(stats::rnorm(3000, -3, 1), stats::rnorm(2000, 2, 0.5))
  f1 <- gmm_fit(x1, 2, n_threads = 1)
  o <- order(f1$means[, 1])
  expect_equal(unname(f1$means[o, 1]), c(-3, 2), tolerance = 0.05)
  expect_equal(unname(sqrt(f1$covariances[1, 1, o])), c(1, 0.5), tolerance = 0.05)
  expect_equal(unname(f1$weights[o]), c(0.6, 0.4), tolerance = 0.03)
  # K = 1 is the maximum-likelihood Gaussian: closed form
  x5 <- matrix(stats::rnorm(2000 * 5), 2000) %*% matrix(stats::runif(25, -1, 1), 5)
  f5 <- gmm_fit(x5, 1, reg_covar = 0, n_threads = 1)
  S <- stats::cov(x5) * (nrow(x5) - 1) / nrow(x5)
  expect_equal(unname(f5$means[1, ]), unname(colMeans(x5)), tolerance = 1e-10)
  expect_equal(unname(f5$covariances[, , 1]), unname(S), tolerance = 1e-10)
  ll <- sum(-0.5 * (5 * log(2 * pi) + as.numeric(determinant(S)$modulus) +
                      stats::mahalanobis(x5, colMeans(x5), S)))
  expect_equal(f5$loglik, ll, tolerance = 1e-10)
  expect_identical(f5$iterations, 1L)
  expect_true(f5$converged)
  # weighted, with regularisation: equals the fit of the replicated rows, and the log-likelihood
  # includes the trace term tr((S + reg I)^-1 S)
  w <- rep(1:4, length.out = nrow(x5))
  fw <- gmm_fit(x5, 1, weights = w, reg_covar = 1e-3, n_threads = 1)
  xr <- x5[rep(seq_len(nrow(x5)), w), ]
  fr <- gmm_fit(xr, 1, reg_covar = 1e-3, n_threads = 1)
  expect_equal(fw$means, fr$means, tolerance = 1e-12)
  expect_equal(fw$covariances, fr$covariances, tolerance = 1e-12)
  expect_equal(fw$loglik, fr$loglik, tolerance = 1e-12)
  Sr <- stats::cov(xr) * (nrow(xr) - 1) / nrow(xr) + diag(1e-3, 5)
  llr <- sum(-0.5 * (5 * log(2 * pi) + as.numeric(determinant(Sr)$modulus) +
                       stats::mahalanobis(xr, colMeans(xr), Sr)))
  expect_equal(fr$loglik, llr, tolerance = 1e-10)
  # 5-D two clusters
  x5b <- rbind(matrix(stats::rnorm(1500 * 5), ncol = 5), matrix(stats::rnorm(1500 * 5, 4), ncol = 5))
  f5b <- gmm_fit(x5b, 2, n_threads = 1)
  expect_true(f5b$converged)
  expect_equal(sort(unname(f5b$weights)), c(0.5, 0.5), tolerance = 0.02)
  expect_equal(sort(unname(rowMeans(f5b$means))), c(0, 4), tolerance = 0.05)
})

test_that("collapse scenarios finish with finite parameters and recorded events", {
  finite_model <- function(f) {
    all(is.finite(f$weights)) && all(is.finite(f$means)) && all(is.finite(f$covariances)) &&
      is.finite(f$loglik) && all(f$weights > 0) &&
      all(apply(f$covariances, 3, function(S) min(eigen(S, symmetric = TRUE)$values) > 0))
  }
  set.seed(7)
  # duplicated points: only 3 distinct points, K = 5, no regularisation
  xd <- matrix(rep(c(0, 0, 1, 2, 3, 1), each = 20), ncol = 2, byrow = FALSE)
  xd <- rbind(cbind(rep(c(0, 1, 3), each = 20), rep(c(0, 2, 1), each = 20)))
  f <- gmm_fit(xd, 5, reg_covar = 0, n_inits = 2, max_iter = 200, n_threads = 1)
  expect_true(finite_model(f))
  expect_gt(nrow(f$events), 0)
  expect_true(all(f$events$what %in% c("reseeded", "regularised")))
  for (init in c("random", "minmax", "randomized_kmeans")) {
    f <- gmm_fit(xd, 5, reg_covar = 0, init = init, max_iter = 200, n_threads = 1)
    expect_true(finite_model(f), info = init)
  }
  # a component on a single point: an outlier far away, warm start with one component there
  x <- rbind(matrix(stats::rnorm(400), ncol = 2), c(50, 50))
  start <- list(weights = c(0.5, 0.5), means = rbind(c(0, 0), c(50, 50)),
                covariances = array(diag(2), c(2, 2, 2)))
  f <- gmm_fit(x, init = start, reg_covar = 0, max_iter = 100, n_threads = 1)
  expect_true(finite_model(f))
  expect_gt(nrow(f$events), 0)
  # a component whose weight vanishes: start it far from all data
  start$means[2, ] <- c(1e3, 1e3)
  f <- gmm_fit(x[-201, ], init = start, n_threads = 1)
  expect_true(finite_model(f))
  expect_true("reseeded" %in% f$events$what)
  # exactly as many distinct points as components, with the default regularisation
  xs <- cbind(c(0, 1, 2, 3), c(1, 0, 3, 2))
  f <- gmm_fit(xs[rep(1:4, 5), ], 4, n_threads = 1)
  expect_true(finite_model(f))
})

test_that("fits are reproducible and bitwise identical for 1 and 2 threads", {
  s <- sim_mix3(12000, seed = 8)
  # large N: row blocks run in parallel; one init so the blocks (not the inits) are parallel
  set.seed(9)
  a <- gmm_fit(s$x, 4, n_inits = 1, n_threads = 1)
  set.seed(9)
  b <- gmm_fit(s$x, 4, n_inits = 1, n_threads = 2)
  a$call <- b$call <- NULL
  expect_identical(a, b)
  # several inits, each with parallel row blocks
  set.seed(19)
  a <- gmm_fit(s$x, 3, n_inits = 2, init = "randomized_kmeans", n_threads = 1)
  set.seed(19)
  b <- gmm_fit(s$x, 3, n_inits = 2, init = "randomized_kmeans", n_threads = 2)
  a$call <- b$call <- NULL
  expect_identical(a, b)
  # several inits in parallel (small data)
  set.seed(10)
  a <- gmm_fit(s$x[1:3000, ], 3, n_inits = 4, init = "random", n_threads = 1)
  set.seed(10)
  b <- gmm_fit(s$x[1:3000, ], 3, n_inits = 4, init = "random", n_threads = 2)
  a$call <- b$call <- NULL
  expect_identical(a, b)
  expect_length(a$init_loglik, 4)
  # weighted fits too
  w <- stats::rpois(12000, 1)
  set.seed(22)
  a2 <- gmm_fit(s$x, 3, n_inits = 2, weights = w, n_threads = 1)
  set.seed(22)
  b2 <- gmm_fit(s$x, 3, n_inits = 2, weights = w, n_threads = 2)
  a2$call <- b2$call <- NULL
  expect_identical(a2, b2)
  expect_identical(a$loglik, max(a$init_loglik))
  # a different seed gives a different (random) start
  set.seed(11)
  d <- gmm_fit(s$x[1:3000, ], 3, n_inits = 4, init = "random", n_threads = 2)
  expect_false(identical(a$init_loglik, d$init_loglik))
})

test_that("integer weights give the fit of the data with rows repeated", {
  s <- sim_mix3(500, seed = 12)
  set.seed(13)
  w <- stats::rpois(500, 1)
  xr <- s$x[rep(seq_len(500), w), ]
  start <- gmm_fit(s$x, 3, n_threads = 1)
  fw <- gmm_fit(s$x, init = start, weights = w, tol = 1e-12, n_threads = 1)
  fr <- gmm_fit(xr, init = start, tol = 1e-12, n_threads = 1)
  expect_equal(fw$loglik, fr$loglik, tolerance = 1e-9)
  expect_equal(fw$means, fr$means, tolerance = 1e-7)
  expect_equal(fw$covariances, fr$covariances, tolerance = 1e-7)
  expect_equal(fw$weights, fr$weights, tolerance = 1e-7)
  expect_equal(fw$nobs, sum(w))
  expect_equal(as.numeric(logLik(fw)), as.numeric(logLik(fr)), tolerance = 1e-9)
  expect_equal(BIC(fw), BIC(fr), tolerance = 1e-9)
  # zero weights drop rows
  keep <- w > 0
  f0 <- gmm_fit(s$x, init = start, weights = as.numeric(keep), tol = 1e-12, n_threads = 1)
  f1 <- gmm_fit(s$x[keep, ], init = start, tol = 1e-12, n_threads = 1)
  expect_equal(f0$loglik, f1$loglik, tolerance = 1e-10)
})

test_that("bad input gives gmmmi_error_input naming the argument", {
  x <- matrix(stats::rnorm(100), 50)
  err <- function(expr, pattern) expect_error(expr, pattern, class = "gmmmi_error_input")
  err(gmm_fit(letters, 2), "`x`")
  err(gmm_fit(data.frame(a = 1:10, b = letters[1:10]), 2), "`x`")
  err(gmm_fit(list(1, 2), 2), "`x`")
  x_na <- x
  x_na[3, 1] <- NA
  err(gmm_fit(x_na, 2), "`x`")
  x_nan <- x
  x_nan[3, 1] <- NaN
  err(gmm_fit(x_nan, 2), "`x`")
  x_inf <- x
  x_inf[3, 2] <- Inf
  err(gmm_fit(x_inf, 2), "`x`")
  err(gmm_fit(x[1:3, ], 4), "n_components")
  err(gmm_fit(x, 0), "n_components")
  err(gmm_fit(x, 1.5), "n_components")
  err(gmm_fit(x), "n_components")
  err(gmm_fit(cbind(x, 1), 2), "constant")
  err(gmm_fit(x, 2, n_inits = 0), "n_inits")
  err(gmm_fit(x, 2, init = "bogus"), "init")
  err(gmm_fit(x, 2, init = 3), "init")
  err(gmm_fit(x, 2, tol = -1), "tol")
  err(gmm_fit(x, 2, max_iter = 0), "max_iter")
  err(gmm_fit(x, 2, reg_covar = -1), "reg_covar")
  err(gmm_fit(x, 2, reg_covar = NA), "reg_covar")
  err(gmm_fit(x, 2, scale = -1), "scale")
  err(gmm_fit(x, 2, n_threads = 0), "n_threads")
  err(gmm_fit(x, 2, weights = rep(1, 10)), "weights")
  err(gmm_fit(x, 2, weights = c(-1, rep(1, 49))), "weights")
  err(gmm_fit(x, 2, weights = c(NA, rep(1, 49))), "weights")
  err(gmm_fit(x, 2, weights = rep(0, 50)), "weights")
  err(gmm_fit(x, 2, weights = letters[1:50]), "weights")
  err(gmm_fit(x, 3, weights = c(1, 1, rep(0, 48))), "positive weight")
  # malformed starting models
  good <- list(weights = c(0.5, 0.5), means = rbind(c(0, 0), c(1, 1)),
               covariances = array(diag(2), c(2, 2, 2)))
  expect_s3_class(gmm_fit(x, init = good, n_threads = 1), "gmm")
  bad <- good
  bad$weights <- c(-1, 2)
  err(gmm_fit(x, init = bad), "init\\$weights")
  bad <- good
  bad$means <- rbind(c(0, 0, 0), c(1, 1, 1))
  err(gmm_fit(x, init = bad), "init\\$covariances")
  bad$covariances <- array(diag(3), c(3, 3, 2))
  err(gmm_fit(x, init = bad), "dimension")
  bad <- good
  bad$means <- c(0, 0, 1)
  err(gmm_fit(x, init = bad), "init\\$means")
  bad <- good
  bad$covariances <- array(c(1, 2, 2, 1, diag(2)), c(2, 2, 2))
  err(gmm_fit(x, init = bad), "positive definite")
  bad <- good
  bad$covariances <- array(c(1, 0.5, 0, 1, diag(2)), c(2, 2, 2))
  err(gmm_fit(x, init = bad), "symmetric")
  bad <- good
  bad$covariances <- diag(2)
  err(gmm_fit(x, init = bad), "init\\$covariances")
  err(gmm_fit(x, 3, init = good), "n_components")
  err(gmm_fit(x, init = list(responsibilities = matrix(1, 50, 2))), "responsibilities")
  # constructor and methods
  err(gmm_model(c(1, 1), rbind(0, 1), c(1, -1)), "covariances")
  err(gmm_model(c(1, NA), rbind(0, 1), c(1, 1)), "weights")
  m <- gmm_fit(x, 2, n_threads = 1)
  err(gmm_density(m, matrix(0, 2, 3)), "`x`")
  err(gmm_density(list(), x), "model")
  err(predict(m, x, type = "bogus"), "type")
  err(simulate(m, -1), "nsim")
  err(predict(gmm_model(1, c(0, 0), diag(2))), "newdata")
  err(plot(m, level = 2), "level")
})

test_that("logLik, AIC and BIC are consistent with closed forms and mclust", {
  s <- sim_mix3(800, seed = 14)
  fit <- gmm_fit(s$x, 3, n_threads = 1)
  ll <- logLik(fit)
  expect_s3_class(ll, "logLik")
  expect_equal(attr(ll, "df"), 2 + 3 * 2 + 3 * 3)
  expect_equal(attr(ll, "nobs"), 800)
  expect_equal(AIC(fit), -2 * fit$loglik + 2 * 17)
  expect_equal(BIC(fit), -2 * fit$loglik + log(800) * 17)
  expect_equal(nobs(fit), 800)
  skip_if_not_installed("mclust")
  # mclust's BIC has the opposite sign convention: 2 loglik - df log n
  mbic <- mclust::bic("VVV", loglik = fit$loglik, n = 800, d = 2, G = 3)
  expect_equal(BIC(fit), -mbic, tolerance = 1e-12)
  # the log-likelihood of our parameters computed by mclust's density
  mpar <- list(pro = unname(fit$weights), mean = t(unname(fit$means)),
               variance = list(modelName = "VVV", d = 2, G = 3,
                               sigma = unname(fit$covariances),
                               cholsigma = array(apply(fit$covariances, 3, chol), c(2, 2, 3))))
  mdens <- mclust::dens(modelName = "VVV", data = s$x, parameters = mpar, logarithm = TRUE)
  expect_equal(sum(mdens), fit$loglik, tolerance = 1e-10)
  expect_equal(gmm_density(fit, s$x, log = TRUE), mdens, tolerance = 1e-10)
})

test_that("predict, gmm_density and simulate behave", {
  s <- sim_mix3(1000, seed = 15)
  fit <- gmm_fit(s$x, 3, n_threads = 1)
  z <- predict(fit, s$x)
  expect_equal(dim(z), c(1000L, 3L))
  expect_equal(unname(rowSums(z)), rep(1, 1000), tolerance = 1e-12)
  expect_identical(predict(fit), z)
  lab <- predict(fit, s$x, type = "labels")
  expect_identical(lab, max.col(z, ties.method = "first"))
  # labels agree with the simulated components (up to relabelling)
  p <- match_components(fit, s$truth)
  expect_gt(mean(lab == p[attr(s$x, "component")]), 0.97)
  expect_equal(predict(fit, s$x[1:5, ], type = "density"), gmm_density(fit, s$x[1:5, ]))
  expect_equal(log(gmm_density(fit, s$x[1:5, ])), gmm_density(fit, s$x[1:5, ], log = TRUE))
  # single point given as a vector
  expect_equal(gmm_density(fit, s$x[2, ]), gmm_density(fit, s$x[2, , drop = FALSE]))
  # 1-D density integrates to 1 and matches the closed form
  m <- gmm_model(c(0.2, 0.8), means = c(-1, 3), covariances = c(0.25, 4))
  expect_equal(stats::integrate(function(t) gmm_density(m, t, n_threads = 1), -Inf, Inf)$value, 1,
               tolerance = 1e-6)
  tt <- c(-2, 0, 1.5, 7)
  expect_equal(gmm_density(m, tt), 0.2 * stats::dnorm(tt, -1, 0.5) + 0.8 * stats::dnorm(tt, 3, 2),
               tolerance = 1e-12)
  # 2-D density integrates to 1 (grid)
  g <- seq(-8, 14, length.out = 300)
  grid <- as.matrix(expand.grid(g, g))
  expect_equal(sum(gmm_density(s$truth, grid)) * diff(g[1:2])^2, 1, tolerance = 1e-3)
  # simulate: reproducible with seed, moments match
  y <- simulate(s$truth, 40000, seed = 16)
  expect_identical(y, simulate(s$truth, 40000, seed = 16))
  expect_equal(dim(y), c(40000L, 2L))
  mu <- colSums(s$truth$weights * s$truth$means)
  expect_equal(unname(colMeans(y)), unname(mu), tolerance = 0.02)
  tot <- Reduce(`+`, lapply(1:3, function(k) s$truth$weights[k] *
                            (s$truth$covariances[, , k] + tcrossprod(s$truth$means[k, ] - mu))))
  expect_equal(unname(stats::cov(y)), unname(tot), tolerance = 0.03)
  expect_equal(as.numeric(table(attr(y, "component")) / 40000), unname(s$truth$weights),
               tolerance = 0.03)
  # set.seed governs simulate without seed
  set.seed(17)
  a <- simulate(m, 10)
  set.seed(17)
  expect_identical(a, simulate(m, 10))
})

test_that("print, summary and plot work", {
  s <- sim_mix3(300, seed = 18)
  fit <- gmm_fit(s$x, 2, n_threads = 1)
  expect_output(print(fit), "Gaussian mixture: 2 component")
  sm <- summary(fit)
  expect_s3_class(sm, "summary.gmm")
  expect_equal(sm$BIC, BIC(fit))
  expect_output(print(sm), "Correlations")
  expect_output(print(s$truth), "3 component")
  expect_true(is.na(logLik(s$truth)))
  pdf(NULL)
  on.exit(grDevices::dev.off())
  expect_identical(plot(fit), fit)
  expect_identical(plot(s$truth), s$truth)
  f1 <- gmm_fit(s$x[, 1], 2, n_threads = 1)
  expect_identical(plot(f1), f1)
  f3 <- gmm_fit(cbind(s$x, s$x[, 1] + stats::rnorm(300)), 2, n_threads = 1)
  expect_message(plot(f3), "dimensions 1 and 2")
  expect_identical(colnames(gmm_fit(data.frame(a = s$x[, 1], b = s$x[, 2]), 2, n_threads = 1)$means),
                   c("a", "b"))
})

test_that("EM is equivariant under rescaling columns, even to very different scales", {
  s <- sim_mix3(2000, seed = 20)
  set.seed(21)
  z <- matrix(stats::runif(2000 * 3), 2000)
  z <- z / rowSums(z)
  sc <- c(1e6, 1e-4)
  a <- gmm_fit(s$x, init = list(responsibilities = z), reg_covar = 0, tol = 1e-10, n_threads = 1)
  b <- gmm_fit(sweep(s$x, 2, sc, "*"), init = list(responsibilities = z), reg_covar = 0,
               tol = 1e-10, n_threads = 1)
  expect_equal(nrow(b$events), 0L)
  expect_equal(b$iterations, a$iterations)
  expect_equal(unname(b$means), unname(sweep(a$means, 2, sc, "*")), tolerance = 1e-8)
  expect_equal(unname(b$covariances), unname(a$covariances * as.vector(outer(sc, sc))),
               tolerance = 1e-8)
  expect_equal(b$loglik, a$loglik - 2000 * sum(log(sc)), tolerance = 1e-10)
})

test_that("initialisations follow their definitions", {
  s <- sim_mix3(900, seed = 23)
  x <- s$x
  n <- nrow(x)
  seed <- c(123, 456)
  init <- function(method, K = 3, scale = 1, reg = 1e-12, index = 0L) {
    gmmmi:::.gmm_init_cpp(x, NULL, K, method, reg, scale, seed, index)
  }
  # kmeans: a Lloyd fixed point; weight = share, mean = cluster mean,
  # covariance = cluster scatter / n + reg I
  km <- init("kmeans")
  dist2 <- apply(km$means, 1, function(m) colSums((t(x) - m)^2))  # n x K
  lab <- max.col(-dist2, ties.method = "first")
  for (k in 1:3) {
    xk <- x[lab == k, , drop = FALSE]
    expect_equal(km$weights[k], nrow(xk) / n, tolerance = 1e-12)
    expect_equal(km$means[k, ], unname(colMeans(xk)), tolerance = 1e-6)
    sc <- crossprod(sweep(xk, 2, colMeans(xk))) / n + diag(1e-12, 2)
    expect_equal(km$covariances[, , k], unname(sc), tolerance = 1e-6)
  }
  # randomized_kmeans with scale 0 is kmeans; with scale 1 the means move
  expect_equal(init("randomized_kmeans", scale = 0), km)
  rk <- init("randomized_kmeans", scale = 1)
  expect_equal(rk$covariances, km$covariances)
  expect_false(isTRUE(all.equal(rk$means, km$means)))
  # minmax: equal weights, means in the bounding box, s^2 I with a ball of volume box / K
  mm <- init("minmax", K = 4)
  expect_equal(mm$weights, rep(0.25, 4))
  lo <- apply(x, 2, min)
  hi <- apply(x, 2, max)
  expect_true(all(t(mm$means) >= lo & t(mm$means) <= hi))
  s2 <- prod(hi - lo) / 4 / pi  # d = 2: pi s^2 = volume / K
  for (k in 1:4) expect_equal(mm$covariances[, , k], diag(s2 + 1e-12, 2), tolerance = 1e-12)
  # random: one M-step from random responsibilities, components near the global mean
  rr <- init("random", K = 3)
  expect_equal(sum(rr$weights), 1)
  expect_true(all(abs(rr$weights - 1 / 3) < 0.05))
  for (k in 1:3) expect_lt(max(abs(rr$means[k, ] - colMeans(x))), 0.3)
  # each init has its own stream
  expect_false(isTRUE(all.equal(init("random", index = 1L), rr)))
  expect_equal(init("random", index = 0L), rr)
})

test_that("gmm objects are validated where built and where used", {
  m <- gmm_model(weights = c(1e308, 1e308), means = c(0, 1), covariances = c(1, 1))
  expect_equal(unname(m$weights), c(0.5, 0.5))
  big <- gmm_model(weights = c(1, 1), means = c(0, 1), covariances = c(1e308, 1))
  expect_true(all(is.finite(big$covariances)))
  f <- gmm_fit(faithful, 2, n_threads = 1)
  bad_mean <- f
  bad_mean$means[1, 1] <- Inf
  asym <- f
  asym$covariances[1, 2, 1] <- 5
  bad_w <- f
  bad_w$weights[] <- c(0.9, 0.9)
  for (obj in list(bad_mean, asym, bad_w)) {
    expect_error(predict(obj, faithful[1:3, ]), class = "gmmmi_error_input")
    expect_error(gmm_density(obj, faithful[1:3, ]), class = "gmmmi_error_input")
    expect_error(simulate(obj, 3), class = "gmmmi_error_input")
  }
  # far points: finite responsibilities that sum to 1 (log-sum-exp on scaled distances)
  z <- predict(f, data.frame(eruptions = c(1e200, 3), waiting = c(-1e200, 70)))
  expect_true(all(is.finite(z)))
  expect_equal(rowSums(z), c(1, 1))
  # equal covariances: the linear terms decide (exact limits: 1, 0 and e^-4 / (1 + e^-4))
  S <- diag(2)
  m <- gmm_model(c(0.5, 0.5), rbind(c(0, 0), c(2, 2)), array(c(S, S), c(2, 2, 2)))
  z <- predict(m, rbind(c(1e200, 1e200), c(-1e200, -1e200), c(1e200, -1e200)))
  expect_equal(unname(z[, 2]), c(1, 0, exp(-4) / (1 + exp(-4))))
  expect_error(info_decomposition(matrix(rnorm(40), 20), matrix(rnorm(40), 20),
                                  decision = matrix(1:2, 20, 2)), "decision", class = "gmmmi_error_input")
})
