# smi_gaussian() and smi_gaussian_isotropic(); exact values: tools/design/estimators.md.

test_that("isotropic SMI matches the closed forms for D = 1, 2, 3 (series and integral)", {
  r <- c(-0.7, 0.05, 0.3, 0.5, 0.8, 0.95, 0.999)
  cf1 <- -0.5 * log(1 - r^2)
  cf2 <- log(2 / (1 + sqrt(1 - r^2)))
  a <- abs(r)
  cf3 <- 1 - ((1 + a) * log(1 + a) - (1 - a) * log(1 - a)) / (2 * a)
  for (m in c("series", "integral")) {
    expect_equal(smi_gaussian_isotropic(r, 1, method = m), cf1, tolerance = 1e-12)
    expect_equal(smi_gaussian_isotropic(r, 2, method = m), cf2, tolerance = 1e-10)
    expect_equal(smi_gaussian_isotropic(r, 3, method = m), cf3, tolerance = 1e-10)
  }
  expect_identical(smi_gaussian_isotropic(0, 4), 0)
  expect_equal(smi_gaussian_isotropic(0.8, 2, unit = "bit"), log(2 / 1.6) / log(2))
})

test_that("isotropic SMI reproduces the table of estimators.md to 1e-8", {
  expect_equal(smi_gaussian_isotropic(0.8, 2), 0.22314355, tolerance = 1e-8 / 0.22)
  expect_lt(abs(smi_gaussian_isotropic(0.8, 2) - 0.22314355), 1e-8)
  expect_lt(abs(smi_gaussian_isotropic(0.8, 5) - 0.07587448), 1e-8)
  expect_lt(abs(smi_gaussian_isotropic(0.8, 10) - 0.03506226), 1e-8)
  expect_lt(abs(smi_gaussian_isotropic(0.5, 2) - 0.06933646), 1e-8)
  expect_lt(abs(smi_gaussian_isotropic(0.5, 3) - 0.04522875), 1e-8)
  expect_lt(abs(smi_gaussian_isotropic(0.5, 10) - 0.01291600), 1e-8)
})

test_that("series and integral agree for many D and r, and SMI decreases with D", {
  for (D in c(4, 5, 7, 10, 20, 50)) {
    r <- c(0.1, 0.5, 0.9, 0.99)
    expect_equal(smi_gaussian_isotropic(r, D, "series"), smi_gaussian_isotropic(r, D, "integral"),
                 tolerance = 1e-10)
  }
  v <- vapply(1:30, function(D) smi_gaussian_isotropic(0.7, D), numeric(1))
  expect_true(all(diff(v) < 0))
  # SI shrinks roughly like 1/D: D * SI tends to a limit (0.5 * r^2 / ... leading term r^2 / (2 D) * D)
  expect_equal(200 * smi_gaussian_isotropic(0.7, 200), 0.5 * 0.49, tolerance = 0.02)
})

test_that("the Monte Carlo oracle agrees with the isotropic formula within its error", {
  set.seed(1)
  rot <- function(d) qr.Q(qr(matrix(rnorm(d * d), d)))
  for (dims in list(c(3, 5), c(4, 2), c(6, 6))) {
    dx <- dims[1]; dy <- dims[2]; m <- min(dx, dy)
    cxy <- matrix(0, dx, dy); cxy[cbind(1:m, 1:m)] <- 0.6
    cxy <- rot(dx) %*% cxy %*% t(rot(dy))   # rotations keep SMI
    s <- rbind(cbind(diag(dx), cxy), cbind(t(cxy), diag(dy)))
    exact <- smi_gaussian_isotropic(0.6, max(dx, dy))
    auto <- smi_gaussian(s, dx)
    expect_equal(attr(auto, "method"), "exact")
    expect_equal(as.numeric(auto), exact, tolerance = 1e-10)
    # scaling x and y is detected too
    s2 <- diag(rep(c(2, 0.5), c(dx, dy))) %*% s %*% diag(rep(c(2, 0.5), c(dx, dy)))
    expect_equal(as.numeric(smi_gaussian(s2, dx)), exact, tolerance = 1e-10)
    mc <- smi_gaussian(s, dx, n_slices = 1e5, method = "monte_carlo")
    expect_equal(attr(mc, "method"), "monte_carlo")
    expect_lt(abs(mc - exact), 4 * attr(mc, "std_error"))
  }
})

test_that("the general oracle gives the estimators.md value and is reproducible", {
  s <- matrix(c(2, .6, .3, .6, 1, .5, .3, .5, 1.5), 3)
  v <- smi_gaussian(s, 1, n_slices = 2e5)
  expect_lt(abs(v - 0.0483140594), 4 * attr(v, "std_error"))
  expect_lt(attr(v, "std_error"), 2e-4)
  expect_lt(v, mi_true_mvn(s, 1))
  # a fixed seed: deterministic, global RNG untouched; seed = NULL advances the stream
  set.seed(3); a <- runif(2)
  set.seed(3); v1 <- smi_gaussian(s, 1, n_slices = 1000); b <- runif(2)
  expect_identical(a, b)
  expect_identical(v1, smi_gaussian(s, 1, n_slices = 1000))
  set.seed(3); v2 <- smi_gaussian(s, 1, n_slices = 1000, seed = NULL); b <- runif(2)
  expect_false(identical(a, b))
  # the slice average equals a direct computation on the same Gaussian directions
  set.seed(7)
  th <- matrix(rnorm(1000), 1000, 1); ph <- matrix(rnorm(2000), 1000, 2)
  set.seed(7)
  direct <- smi_gaussian(s, 1, n_slices = 1000, seed = NULL)
  rho <- th[, 1] * (ph %*% s[1, 2:3]) / sqrt(th[, 1]^2 * s[1, 1] * rowSums((ph %*% s[2:3, 2:3]) * ph))
  expect_equal(as.numeric(direct), mean(-0.5 * log(1 - rho^2)), tolerance = 1e-12)
  # independent blocks: exactly 0; 1-D x and y: the MI
  expect_identical(as.numeric(smi_gaussian(diag(4), 2)), 0)
  expect_equal(as.numeric(smi_gaussian(matrix(c(1, .6, .6, 2), 2), 1)), mi_true_gaussian(.6 / sqrt(2)),
               tolerance = 1e-12)
  expect_equal(as.numeric(smi_gaussian(s, 1, n_slices = 1000, unit = "bit")), as.numeric(v1) / log(2))
})

test_that("d = 10 copies of Z versus Z plus independent noise: same MI, different SMI", {
  # X = (Z, ..., Z) (a singular covariance) or (Z, N_2, ..., N_10); Y = 0.8 Z + 0.6 N
  d <- 10
  copies <- matrix(1, d + 1, d + 1); copies[1:d, d + 1] <- copies[d + 1, 1:d] <- 0.8
  indep <- diag(d + 1); indep[1, d + 1] <- indep[d + 1, 1] <- 0.8
  sc <- smi_gaussian(copies, d, n_slices = 2e4)
  si <- smi_gaussian(indep, d)
  expect_equal(as.numeric(sc), 0.5108256, tolerance = 1e-6)    # every slice sees all of Z
  expect_lt(attr(sc, "std_error"), 1e-10)
  expect_equal(as.numeric(si), 0.0350623, tolerance = 1e-5)
  expect_equal(attr(si, "method"), "exact")
  mc <- smi_gaussian(indep, d, n_slices = 1e5, method = "monte_carlo")
  expect_lt(abs(mc - 0.0350622641), 4 * attr(mc, "std_error"))
  # the MI of the independent-noise case is the same 0.5108256
  expect_equal(mi_true_mvn(indep, d), 0.5108256, tolerance = 1e-6)
})

test_that("bad input gives errors naming the argument", {
  expect_error(smi_gaussian_isotropic(1, 2), "`rho`", class = "gmmmi_error_input")
  expect_error(smi_gaussian_isotropic(NA, 2), "`rho`", class = "gmmmi_error_input")
  expect_error(smi_gaussian_isotropic(0.5, 0), "`D`", class = "gmmmi_error_input")
  expect_error(smi_gaussian_isotropic(0.5, 2.5), "`D`", class = "gmmmi_error_input")
  expect_error(smi_gaussian_isotropic(0.5, 2, method = "mc"), "`method`", class = "gmmmi_error_input")
  expect_error(smi_gaussian(matrix(c(1, 2, 2, 1), 2), 1), "`sigma`.*semi-definite", class = "gmmmi_error_input")
  expect_error(smi_gaussian(matrix(c(1, .2, .3, 1), 2), 1), "`sigma`.*symmetric", class = "gmmmi_error_input")
  expect_error(smi_gaussian(diag(3), 0), "`dx`", class = "gmmmi_error_input")
  expect_error(smi_gaussian(diag(3), 3), "`dx`", class = "gmmmi_error_input")
  expect_error(smi_gaussian(diag(3), 1, n_slices = 1), "`n_slices`", class = "gmmmi_error_input")
  expect_error(smi_gaussian(diag(c(0, 1, 1)), 1), "x block", class = "gmmmi_error_input")
  expect_error(smi_gaussian(1, 1), "`sigma`", class = "gmmmi_error_input")
  expect_error(smi_gaussian(diag(3), 1, method = "series"), "`method`", class = "gmmmi_error_input")
})
