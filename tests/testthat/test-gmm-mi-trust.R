# The "confident wrong numbers" of the reference's settings, and what the defaults give instead
# (bench/trust_cases.R runs the same cases at full size; bench/accuracy.R the whole benchmark).

test_that("independent skewed, heavy-tailed and lognormal pairs show no dependence", {
  set.seed(21)
  cases <- list(
    lognormal_2x2 = list(exp(matrix(rnorm(6000), ncol = 2)), exp(matrix(rnorm(6000), ncol = 2))),
    exponential = list(rexp(3000), rexp(3000)),
    cauchy = list(rcauchy(3000), rcauchy(3000))
  )
  for (nm in names(cases)) {
    d <- cases[[nm]]
    f <- gmm_mi(d[[1]], d[[2]], n_bootstrap = 20, n_mc = 2e4, n_threads = 2)
    expect_lt(f$estimate, 0.01, label = nm)
    expect_lt(f$estimate / f$std_error, 3, label = nm)
  }
  # the reference's settings (raw scale, random starts) report the lognormal pair as dependent
  set.seed(22)
  r <- gmm_mi(cases$lognormal_2x2[[1]], cases$lognormal_2x2[[2]], preset = "reference",
              n_bootstrap = 10, n_mc = 2e4, n_threads = 2)
  expect_gt(r$estimate / r$std_error, 5)
})

test_that("normal scores are exactly invariant to increasing maps of each column", {
  set.seed(23)
  d <- toy_gaussian(800, 0.5)
  set.seed(5)
  a <- gmm_mi(d$x, d$y, transform = "normal_scores", n_bootstrap = 10, n_mc = 1e4, n_threads = 2)
  set.seed(5)
  b <- gmm_mi(exp(d$x), d$y^3 + d$y, transform = "normal_scores", n_bootstrap = 10, n_mc = 1e4, n_threads = 1)
  expect_identical(a$estimate, b$estimate)
  expect_identical(a$bootstrap, b$bootstrap)
  # R's trees: I(Volume; Height | Girth) on the raw and on the log scale (auto picks normal
  # scores for both, so they agree to the bit; the reference gave 0.11 vs 0.37)
  set.seed(6)
  t1 <- gmm_mi(trees$Volume, trees$Height, z = trees$Girth, n_bootstrap = 10, n_mc = 1e4, n_threads = 2)
  set.seed(6)
  t2 <- gmm_mi(log(trees$Volume), log(trees$Height), z = log(trees$Girth), n_bootstrap = 10,
               n_mc = 1e4, n_threads = 2)
  expect_identical(t1$transform, "normal_scores")
  expect_identical(t1$estimate, t2$estimate)
  # ties are broken at random: a discrete column becomes distinct scores, in rank blocks
  set.seed(7)
  v <- sample(1:3, 30, replace = TRUE)
  s <- gmmmi:::normal_scores(v)
  expect_false(anyDuplicated(s) > 0)
  expect_true(all(diff(v[order(s)]) >= 0))
  expect_equal(sort(s), stats::qnorm((seq_len(30) - 0.5) / 30))
})

test_that("transform = 'auto' scores both representations on the original scale", {
  set.seed(24)
  x <- rexp(2000)
  y <- rexp(2000)
  f <- gmm_mi(x, y, n_bootstrap = 0, n_mc = 1e4, n_threads = 2)
  ts <- f$transform_scores
  expect_identical(ts$transform, c("normal_scores", "none"))
  expect_identical(f$transform, ts$transform[ts$chosen])
  # the scores estimate E log p(x, y) = -h(X) - h(Y) = -2 for two independent Exp(1); raw
  # values would need to beat the normal scores by 2 standard errors of the paired difference
  expect_equal(ts$heldout_loglik[1], -2, tolerance = 0.05)
  expect_lt(ts$z[2], 2)
  expect_identical(f$transform, "normal_scores")
  # m-spacing log-Jacobian of the normal-scores map against the exact one for U(0, 1) data:
  # E log(phi(qnorm(u)))^-1 = 0.5 log(2 pi) + 0.5 E qnorm(U)^2 = 0.5 log(2 pi e)
  set.seed(25)
  u <- runif(5000)
  dat <- list(x = matrix(u), y = NULL, z = NULL)
  dat$n <- 5000L
  lj <- mean(gmmmi:::normal_scores_log_jacobian(dat, gmmmi:::normal_scores_data(dat)))
  expect_equal(lj, 0.5 * log(2 * pi * exp(1)), tolerance = 0.02)
  # three separated Gaussian clusters are Gaussian on the raw scale: auto keeps it (K = 3)
  set.seed(26)
  g <- toy_gmm(4000, c(1, 1, 1) / 3, rbind(c(-3, -2), c(0, 3), c(3, -2)), list(diag(2), diag(2), diag(2)),
               dx = 1, n_mc = 2e5)
  fg <- gmm_mi(g$x, g$y, n_bootstrap = 10, n_mc = 2e4, n_threads = 2)
  expect_identical(fg$transform, "none")
  expect_identical(unname(fg$n_components), 3L)
  expect_lt(abs(fg$estimate - g$mi), 4 * fg$std_error + 0.02)
})

test_that("the published D3 mixture, uniform noise and a discrete x are estimated within 4 sd + 0.03", {
  set.seed(27)
  d3 <- toy_gmm(1e4, c(0.3, 0.45, 0.25), rbind(c(-1, 1), c(0, 2), c(-1.5, 2)),
                list(matrix(c(1, 0, 0, 0.1), 2), matrix(c(0.5, 0.2, 0.2, 0.5), 2),
                     matrix(c(0.1, 0.05, 0.05, 0.1), 2)), dx = 1, n_mc = 2e5)
  f <- gmm_mi(d3$x, d3$y, n_bootstrap = 20, n_mc = 2e4, n_threads = 2)
  expect_lt(abs(f$estimate - 0.1324), 4 * f$std_error + 0.03)
  expect_lt(abs(f$point - 0.1324), 0.03)       # the reference's full-data fit gave 0.044
  expect_lt(f$std_error, 0.02)                  # not a bimodal bootstrap (reference: 0.043)
  set.seed(28)
  x <- runif(5000)
  u <- gmm_mi(x, x + runif(5000, -0.75, 0.75), n_bootstrap = 20, n_mc = 2e4, n_threads = 2)
  expect_lt(abs(u$estimate - 1 / 3), 4 * u$std_error + 0.03)   # reference: 0.18
  set.seed(29)
  k <- sample(0:4, 5000, replace = TRUE)
  c5 <- gmm_mi(factor(k), k + runif(5000, 0, 2), n_bootstrap = 20, n_mc = 2e4, n_threads = 2)
  expect_lt(abs(c5$estimate - (log(5) - 0.8 * log(2))), 4 * c5$std_error + 0.03)   # reference: 0.92
})

test_that("preset = 'reference' is the reference's settings, overridable per argument", {
  set.seed(30)
  d <- toy_gaussian(400, 0.6)
  set.seed(1)
  a <- gmm_mi(d$x, d$y, preset = "reference", n_bootstrap = 5, n_mc = 5e3, n_threads = 2)
  set.seed(1)
  b <- gmm_mi(d$x, d$y, init = "random", transform = "none", full_fit = "best_cv_start",
              bootstrap_starts = 0, n_bootstrap = 5, n_mc = 5e3, n_threads = 2)
  expect_identical(a$bootstrap, b$bootstrap)
  expect_identical(a$settings$init, "random")
  expect_identical(a$transform, "none")
  set.seed(1)
  c <- gmm_mi(d$x, d$y, preset = "reference", transform = "normal_scores", n_bootstrap = 5,
              n_mc = 5e3, n_threads = 2)
  expect_identical(c$transform, "normal_scores")
  expect_error(gmm_mi(d$x, d$y, transform = "log"), class = "gmmmi_error_input")
  expect_error(gmm_mi(d$x, d$y, init = c("kmeans", "nope")), class = "gmmmi_error_input")
  expect_error(gmm_mi(d$x, d$y, preset = "python"), class = "gmmmi_error_input")
})

test_that("bootstrap_starts adds fresh starts to every replicate and counts the switches", {
  set.seed(31)
  a <- gmm_mi(faithful, n_bootstrap = 10, n_mc = 5e3, n_threads = 2)
  set.seed(31)
  b <- gmm_mi(faithful, n_bootstrap = 10, n_mc = 5e3, bootstrap_starts = 2, n_threads = 1)
  expect_identical(a$diagnostics$n_switched, 0L)
  expect_true(b$diagnostics$n_switched >= 0L && b$diagnostics$n_switched <= 10L)
  expect_identical(a$point, b$point)                 # the full-data fit does not change
  expect_lt(abs(a$estimate - b$estimate), 2 * a$std_error)
  expect_error(gmm_mi(faithful, bootstrap_starts = -1), class = "gmmmi_error_input")
})

test_that("independent multivariate Student-t blocks: the independence model wins and the estimate is 0", {
  # 3-D Student-t (dof 2) x and y, independent: a joint mixture cannot factorise and reports
  # dependence from its misfit (0.02 to 0.07 nats at 3 to 12 sd without the check)
  set.seed(3)
  d <- mi_task("indep-student-t-dof2-3x3", 3000)
  f <- gmm_mi(d$x, d$y, n_bootstrap = 20, n_mc = 2e4, n_threads = 2, seed = 1)
  ic <- f$independence
  expect_true(ic$tested)
  expect_true(ic$chosen)
  expect_lt(ic$z, -2)  # the held-out pointwise MI is negative by more than 2 standard errors
  expect_lt(ic$heldout_mi, -0.02)
  expect_gt(ic$estimate_joint, 0)
  expect_identical(f$estimate, 0)
  expect_equal(f$std_error, stats::sd(f$bootstrap))
  expect_equal(unname(confint(f)[1, ]), c(0, stats::qnorm(0.975) * f$std_error))
  expect_equal(unname(confint(f, type = "normal", level = 0.9)[1, ]), c(0, stats::qnorm(0.95) * f$std_error))
  expect_output(print(f), "so the estimate is 0;\n    without this check")
  expect_output(print(summary(f)), "negative beyond 2 se, estimate set to 0")
  png(tf <- tempfile(fileext = ".png"))
  expect_identical(plot(f), f)  # legend: "estimate 0 (held-out MI ...)"
  grDevices::dev.off()
  unlink(tf)
  # the joint's own numbers are those of independence = FALSE (the check draws no shared streams)
  g <- gmm_mi(d$x, d$y, n_bootstrap = 20, n_mc = 2e4, n_threads = 1, seed = 1, independence = FALSE)
  expect_false(g$independence$tested)
  expect_identical(g$bootstrap, f$bootstrap)
  expect_identical(g$estimate, ic$estimate_joint)
  expect_gt(g$estimate / g$std_error, 2)
})

test_that("the independence check keeps dependent data untouched and is symmetric", {
  set.seed(31)
  x <- rnorm(600)
  y <- 0.5 * x + rnorm(600)
  a <- gmm_mi(x, y, n_bootstrap = 10, n_mc = 1e4, n_threads = 2, seed = 4)
  b <- gmm_mi(x, y, n_bootstrap = 10, n_mc = 1e4, n_threads = 2, seed = 4, independence = FALSE)
  expect_false(a$independence$chosen)
  expect_gt(a$independence$z, 3)
  expect_identical(a$estimate, b$estimate)
  expect_identical(a$bootstrap, b$bootstrap)
  expect_identical(confint(a), confint(b))
  expect_equal(a$independence$heldout_mi, a$estimate, tolerance = 0.3)  # a cross-validated MI
  # Gaussian data: K = 1 (closed form, no random starts), so swapping x and y gives the same
  # held-out pointwise MI up to rounding (the folds are the same)
  s <- gmm_mi(y, x, n_bootstrap = 0, n_threads = 1, seed = 4)
  expect_equal(s$n_components, 1L)
  expect_equal(s$independence$heldout_mi, a$independence$heldout_mi, tolerance = 1e-10)
  expect_equal(s$independence$z, a$independence$z, tolerance = 1e-8)
  # thread invariance
  set.seed(32)
  u <- matrix(rnorm(2000), ncol = 2)
  v <- matrix(rnorm(2000), ncol = 2)
  i1 <- gmm_mi(u, v, n_bootstrap = 4, n_mc = 1e4, n_threads = 1, seed = 2)
  i2 <- gmm_mi(u, v, n_bootstrap = 4, n_mc = 1e4, n_threads = 2, seed = 2)
  expect_identical(i1$independence, i2$independence)
  expect_identical(i1$estimate, i2$estimate)
  # not tested for a categorical x or the reference preset; tested for conditional MI (below)
  cls <- rep(c("a", "b"), 150)
  expect_false(gmm_mi(cls, rnorm(300), n_bootstrap = 2, n_mc = 1e4, n_threads = 1, seed = 1)$independence$tested)
  expect_true(gmm_mi(x[1:300], y[1:300], z = rnorm(300), n_bootstrap = 2, n_mc = 1e4, n_threads = 1, seed = 1)$independence$tested)
  expect_false(gmm_mi(x[1:300], y[1:300], preset = "reference", n_bootstrap = 2, n_mc = 1e4, n_threads = 1, seed = 1)$independence$tested)
  expect_error(gmm_mi(x, y, independence = "yes"), class = "gmmmi_error", regexp = "independence")
})

test_that("conditional MI: the independence check zeroes dependence that does not carry over to held-out rows", {
  # x and y independent given z, with skewed noise: the joint mixture over (x, y, z) cannot
  # factorise and reported 0.0245 nats at z = 3 (bench/independence.R); the held-out pointwise
  # CMI, log q(x,y,z) + log q(z) - log q(x,z) - log q(y,z), is negative beyond 2 se
  set.seed(2100)
  n <- 2000
  z <- rnorm(n)
  x <- z + exp(rnorm(n))
  y <- z + exp(rnorm(n))
  a <- gmm_mi(x, y, z = z, n_bootstrap = 10, n_mc = 2e4, n_threads = 2, seed = 1)
  expect_true(a$independence$tested)
  expect_true(a$independence$chosen)
  expect_lt(a$independence$z, -2)
  expect_identical(a$estimate, 0)
  expect_gt(a$independence$estimate_joint, 3 * a$std_error)
  expect_output(print(a), "held-out pointwise conditional MI")
  expect_output(print(summary(a)), "Independence check: held-out pointwise conditional MI")
  # the check changes nothing else: with it off, every other field is bitwise the same
  b <- gmm_mi(x, y, z = z, n_bootstrap = 10, n_mc = 2e4, n_threads = 2, seed = 1, independence = FALSE)
  expect_identical(b$estimate, a$independence$estimate_joint)
  for (f in c("bootstrap", "point", "n_components", "selection", "model")) expect_identical(a[[f]], b[[f]])
  # dependent given z (partial correlation 0.37, CMI 0.074 nats): kept, held-out z well above 0
  set.seed(1007)
  z <- rnorm(1000)
  x <- z + rnorm(1000)
  y <- 0.4 * x + z + rnorm(1000)
  d <- gmm_mi(x, y, z = z, n_bootstrap = 10, n_mc = 2e4, n_threads = 2, seed = 1)
  expect_false(d$independence$chosen)
  expect_gt(d$independence$z, 2)
  expect_equal(d$estimate, -0.5 * log(1 - 0.16 / 1.16), tolerance = 0.03 / 0.074)
})

