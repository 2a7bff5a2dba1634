# The benchmark task registry (R/tasks.R). Every closed-form truth is checked against an independent
# computation (log-determinants via determinant(), Monte Carlo of exact densities, or quadrature),
# with a stated tolerance; the stored Gaussian-mixture truths are recomputed with fewer draws.

test_that("the registry has the documented columns, unique names and sane truths", {
  reg <- mi_tasks()
  expect_s3_class(reg, "data.frame")
  expect_true(all(c("name", "family", "dx", "dy", "truth", "truth_se", "x_type", "y_type",
                    "description") %in% names(reg)))
  expect_type(reg$name, "character")
  expect_false(anyDuplicated(reg$name) > 0)
  expect_gte(nrow(reg), 40)
  expect_lte(nrow(reg), 60)
  expect_setequal(unique(reg$family), c("gaussian", "student-t", "uniform-noise", "transformed",
                                        "mixture", "discrete-continuous", "independent"))
  expect_true(all(is.finite(reg$truth)))
  expect_true(all(reg$truth >= 0))
  expect_true(all(reg$truth_se >= 0))
  expect_true(all(reg$truth[reg$family == "independent"] == 0))
  expect_true(all(reg$truth[reg$family != "independent"] > 0))
  expect_true(all(reg$truth_se[reg$family != "mixture"] == 0))
  expect_true(all(reg$truth_se[reg$family == "mixture"] > 0))
  expect_true(all(c(reg$x_type, reg$y_type) %in% c("continuous", "discrete", "mixed")))
  expect_true(all(nzchar(reg$description)))
  expect_true(all(reg$dx >= 1 & reg$dy >= 1))
  expect_true(any(reg$dx > 5))
  st <- mi_tasks("student-t")
  expect_true(all(st$family == "student-t"))
  expect_identical(nrow(st), sum(reg$family == "student-t"))
  expect_identical(nrow(mi_tasks(c("mixture", "independent"))),
                   sum(reg$family %in% c("mixture", "independent")))
  expect_error(mi_tasks("nope"), class = "gmmmi_error_input")
  expect_error(mi_tasks(1), class = "gmmmi_error_input")
})

test_that("every task draws data of the right shape and type, reproducibly", {
  reg <- mi_tasks()
  n <- 50
  for (i in seq_len(nrow(reg))) {
    r <- reg[i, ]
    set.seed(i)
    d <- mi_task(r$name, n)
    set.seed(i)
    d2 <- mi_task(r$name, n)
    expect_identical(d, d2, label = r$name)
    expect_s3_class(d, "gmmmi_toy")
    expect_identical(d$name, r$name)
    expect_identical(d$mi, r$truth)
    expect_identical(d$mi_std_error, r$truth_se)
    expect_identical(d$params$family, r$family)
    for (side in c("x", "y")) {
      v <- d[[side]]
      dim_side <- r[[paste0("d", side)]]
      type <- r[[paste0(side, "_type")]]
      if (side == "x" && r$family == "discrete-continuous" && type == "discrete") {
        expect_true(is.factor(v), label = r$name)
        expect_length(v, n)
      } else if (dim_side == 1L) {
        expect_true(is.numeric(v) && is.null(dim(v)), label = paste(r$name, side))
        expect_length(v, n)
      } else {
        expect_true(is.matrix(v) && is.numeric(v), label = paste(r$name, side))
        expect_identical(dim(v), c(as.integer(n), dim_side))
        expect_identical(colnames(v), paste0(side, seq_len(dim_side)))
      }
      if (!is.factor(v)) {
        expect_true(all(is.finite(v)), label = paste(r$name, side))
        if (type == "discrete") expect_true(all(v == round(v)), label = paste(r$name, side))
        if (type == "mixed") expect_true(any(v == 0) && any(v != 0), label = paste(r$name, side))
      }
    }
  }
  expect_equal(mi_task("mvn-dense-2x2", 10, unit = "bit")$mi, mi_tasks()$truth[2] / log(2))
  expect_equal(mi_task("mix-x-1x1", 10, unit = "bit")$mi_std_error,
               mi_tasks("mixture")$truth_se[1] / log(2))
})

test_that("tasks draw only what they need from the RNG and the registry draws nothing", {
  set.seed(3)
  d <- mi_task("mvn-1x1-rho0.75", 50)
  after <- runif(1)
  set.seed(3)
  z <- matrix(rnorm(100), 50, 2)
  expect_identical(runif(1), after)
  expect_equal(cbind(d$x, d$y), z %*% chol(matrix(c(1, .75, .75, 1), 2)), ignore_attr = TRUE)
  # rebuilding the registry (and its truths) leaves the RNG state alone
  rm(list = ls(gmmmi:::task_cache), envir = gmmmi:::task_cache)
  set.seed(4)
  reg <- expect_rng_untouched(mi_tasks())
})

test_that("Gaussian truths match a direct log-determinant computation", {
  g <- mi_tasks("gaussian")
  for (nm in g$name) {
    d <- mi_task(nm, 2)
    s <- d$params$sigma
    ix <- seq_len(d$params$dx)
    direct <- 0.5 * (ldet(s[ix, ix, drop = FALSE]) + ldet(s[-ix, -ix, drop = FALSE]) - ldet(s))
    expect_equal(d$mi, direct, tolerance = 1e-12, label = nm)
    expect_equal(diag(s), rep(1, ncol(s)))
  }
  # the samplers draw from the documented covariance
  set.seed(21)
  for (nm in g$name) {
    d <- mi_task(nm, 4000)
    expect_lt(max(abs(cov(cbind(d$x, d$y)) - d$params$sigma)), 0.15, label = nm)
  }
  # spot values by hand: 1x1 and the 2-pair (two independent pairs with rho = 0.8)
  tr <- setNames(g$truth, g$name)
  expect_equal(tr[["mvn-1x1-rho0.75"]], -0.5 * log(1 - 0.75^2), tolerance = 1e-14)
  expect_equal(tr[["mvn-2pair-10x10"]], -log(1 - 0.8^2), tolerance = 1e-14)
  # equicorrelated 2d x 2d: det = (1 - r)^(d-1) (1 + (d-1) r)
  eq <- function(d, r) (d - 1) * log(1 - r) + log(1 + (d - 1) * r)
  expect_equal(tr[["mvn-dense-5x5"]], 0.5 * (2 * eq(5, .5) - eq(10, .5)), tolerance = 1e-12)
  # sparse: identity blocks, I = -0.5 log det(I - C C')
  cc <- matrix(c(.6, 0, .3, .6), 2)
  expect_equal(tr[["mvn-sparse-3x3"]], -0.5 * log(det(diag(2) - cc %*% t(cc))), tolerance = 1e-12)
})

test_that("the Student-t formula agrees with Monte Carlo of the exact t densities", {
  # log density of the d-variate t with nu dof, zero location, identity dispersion
  ldt <- function(z, nu) {
    d <- ncol(z)
    lgamma((nu + d) / 2) - lgamma(nu / 2) - d / 2 * log(nu * pi) - (nu + d) / 2 * log1p(rowSums(z^2) / nu)
  }
  st <- mi_tasks("student-t")
  set.seed(20)
  for (nm in st$name[c(1, 2, 4, 6, 8)]) {
    d <- mi_task(nm, 2e5)
    x <- as.matrix(d$x)
    y <- as.matrix(d$y)
    v <- ldt(cbind(x, y), d$params$nu) - ldt(x, d$params$nu) - ldt(y, d$params$nu)
    se <- sd(v) / sqrt(length(v))
    expect_lt(abs(mean(v) - d$mi), 4 * se, label = nm)
  }
  # nu -> infinity: the shared chi^2 becomes constant and X, Y independent
  expect_lt(gmmmi:::task_mi_student(1e6, 3, 3), 1e-9)
  # the formula is symmetric in dx and dy
  expect_equal(gmmmi:::task_mi_student(2, 1, 4), gmmmi:::task_mi_student(2, 4, 1))
})

test_that("uniform-noise truths match quadrature of the density of Y", {
  for (nm in mi_tasks("uniform-noise")$name) {
    eps <- mi_task(nm, 2)$params$eps
    p <- function(y) pmax(0, pmin(y + eps, 1) - pmax(y - eps, 0)) / (2 * eps)
    f <- function(y) {
      v <- p(y)
      ifelse(v > 0, -v * log(v), 0)
    }
    br <- sort(unique(c(-eps, eps, 1 - eps, 1 + eps)))
    h <- sum(vapply(seq_len(length(br) - 1), function(i)
      integrate(f, br[i], br[i + 1], rel.tol = 1e-12)$value, numeric(1)))
    expect_equal(mi_tasks("uniform-noise")$truth[mi_tasks("uniform-noise")$name == nm],
                 h - log(2 * eps), tolerance = 1e-9, label = nm)
  }
  expect_equal(mi_tasks("uniform-noise")$truth, c(0.1 - log(0.2), 1 / 3), tolerance = 1e-14)
})

test_that("Gao et al. discrete-uniform truths match the closed form and quadrature", {
  for (m in c(2, 5)) {
    nm <- sprintf("gao-uniform-m%d", m)
    tr <- mi_tasks()$truth[mi_tasks()$name == nm]
    expect_equal(tr, log(m) - (m - 1) / m * log(2), tolerance = 1e-14)
    # h(Y) by quadrature of the mixture density of Y, minus h(Y | X) = log 2
    py <- function(y) rowMeans(vapply(0:(m - 1), function(k) dunif(y, k, k + 2), numeric(length(y))))
    f <- function(y) {
      v <- py(y)
      ifelse(v > 0, -v * log(v), 0)
    }
    h <- sum(vapply(0:m, function(a) integrate(f, a, a + 1, rel.tol = 1e-12)$value, numeric(1)))
    expect_equal(tr, h - log(2), tolerance = 1e-9)
  }
  expect_equal(mi_tasks()$truth[mi_tasks()$name == "gao-uniform-m5"], 1.0549, tolerance = 1e-4)
  # empirically, the classes are balanced and Y lies in [x, x + 2]
  set.seed(8)
  d <- mi_task("gao-uniform-m5", 5000)
  k <- as.integer(as.character(d$x))
  expect_true(all(d$y >= k & d$y <= k + 2))
  expect_identical(levels(d$x), as.character(0:4))
})

test_that("the Exp-Poisson truth matches an independent quadrature", {
  tr <- mi_tasks()$truth[mi_tasks()$name == "gao-exp-poisson"]
  # I = E_X [ sum_k Pois(k; X) log(Pois(k; X) / P(Y = k)) ] with P(Y = k) = 2^(-k-1)
  k <- 0:150
  g <- function(x) vapply(x, function(xi) {
    lp <- dpois(k, xi, log = TRUE)
    sum(exp(lp) * (lp + (k + 1) * log(2)))
  }, numeric(1)) * exp(-x)
  q <- integrate(g, 0, 1, rel.tol = 1e-11)$value + integrate(g, 1, 10, rel.tol = 1e-11)$value +
    integrate(g, 10, 60, rel.tol = 1e-11)$value
  expect_equal(tr, q, tolerance = 1e-8)
  expect_equal(tr, 0.3012, tolerance = 1e-3)
  # the marginal of Y is geometric(1/2)
  set.seed(9)
  y <- mi_task("gao-exp-poisson", 20000)$y
  expect_equal(mean(y == 0), 0.5, tolerance = 0.05)
})

test_that("stored mixture truths are reproduced by a fresh Monte Carlo run", {
  for (nm in mi_tasks("mixture")$name) {
    d <- mi_task(nm, 2)
    p <- d$params
    r <- mi_true_gmm(p$weights, p$means, p$covariances, dx = p$dx, n_mc = 1e5, seed = 77)
    tol <- 5 * sqrt(attr(r, "std_error")^2 + d$mi_std_error^2)
    expect_lt(abs(as.numeric(r) - d$mi), tol, label = nm)
  }
  # the "X" mixture has uncorrelated coordinates
  set.seed(10)
  d <- mi_task("mix-x-1x1", 20000)
  expect_lt(abs(cor(d$x, d$y)), 0.05)
})

test_that("transforms are injective and transformed tasks keep the base truth", {
  reg <- mi_tasks()
  truth <- setNames(reg$truth, reg$name)
  for (nm in mi_tasks("transformed")$name) {
    d <- mi_task(nm, 2)
    expect_identical(truth[[nm]], truth[[d$params$base]], label = nm)
    expect_false(identical(d$transform, list(x = "identity", y = "identity")))
  }
  grid <- seq(-8, 8, length.out = 20001)
  inc <- function(f) all(diff(f(grid)) > 0)
  expect_true(inc(gmmmi:::task_halfcube))
  expect_true(inc(gmmmi:::task_wiggly_x))
  expect_true(inc(gmmmi:::task_wiggly_y))
  expect_true(all(diff(pnorm(seq(-8, 5, length.out = 20001))) > 0))   # pnorm(t) rounds to 1 above ~8.3
  expect_true(inc(asinh))
  # analytic lower bounds of the wiggly derivatives
  expect_gt(min(1 + 0.4 * cos(grid) + 0.34 * cos(1.7 * grid + 1)), 0.26 - 1e-12)
  expect_gt(min(1 + 0.6 * cos(2 * grid) + 0.3 * cos(3 * grid + 2)), 0.1 - 1e-12)
  # spiral: keeps the norm, so rotating back by the same angle inverts it
  set.seed(12)
  z <- matrix(rnorm(3000, sd = 2), ncol = 3)
  s <- gmmmi:::task_spiral(z)
  expect_equal(rowSums(s^2), rowSums(z^2))
  expect_equal(gmmmi:::task_spiral(s, speed = -1 / 3), z)
  # swiss roll: the radius t is strictly increasing in the input, so the map is injective
  v <- seq(-6, 6, length.out = 5001)
  w <- gmmmi:::task_swissroll(v)
  r <- sqrt(rowSums(w^2)) * 21
  expect_true(all(diff(r) > 0))
  expect_equal(r, 1.5 * pi * (1 + 2 * pnorm(v)))
  d <- mi_task("swissroll-mvn-1x1-rho0.75", 100)
  expect_identical(dim(d$x), c(100L, 2L))
})

test_that("bad input gives classed errors", {
  expect_error(mi_task("mvn-dense-4x4", 10), class = "gmmmi_error_input")
  expect_error(mi_task("mvn-dense-4x4", 10), "mvn-dense-")
  expect_error(mi_task("student", 10), "student-t-dof")
  expect_error(mi_task(c("a", "b"), 10), class = "gmmmi_error_input")
  expect_error(mi_task(NA_character_, 10), class = "gmmmi_error_input")
  for (bad in list(1, 0, -5, 2.5, NA, "10", c(10, 20), 2e7, Inf)) {
    expect_error(mi_task("mvn-dense-2x2", bad), class = "gmmmi_error_input")
  }
  expect_error(mi_task("mvn-dense-2x2", 10, unit = "dits"), class = "gmmmi_error_input")
})
