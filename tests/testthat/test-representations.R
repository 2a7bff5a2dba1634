# mi_matrix, mig, modularity, info_plane, info_decomposition.

has_fun <- function(f) exists(f, envir = asNamespace("gmmmi"), mode = "function", inherits = FALSE)
skip_without <- function(f) if (!has_fun(f)) skip(paste(f, "is not in this build"))

# A random "estimator" for testing the seeding machinery independently of any estimator: its
# value depends on the data and on R's random stream.
noisy_est <- function(x, y, ..., unit = "nat", n_threads = NULL) {
  g <- gmmmi::mi_gaussian(x, y, unit = unit)
  list(estimate = g$estimate + stats::rnorm(1), std_error = stats::runif(1))
}

seeded <- function(seed) {
  set.seed(seed, kind = "Mersenne-Twister", normal.kind = "Inversion", sample.kind = "Rejection")
}

test_that("mi_matrix agrees cell by cell with single calls (gaussian, exact)", {
  set.seed(10)
  z <- matrix(rnorm(900), 300, dimnames = list(NULL, c("z1", "z2", "z3")))
  f <- cbind(a = z[, 1] + rnorm(300), b = z[, 2] - z[, 3] + rnorm(300))
  m <- mi_matrix(z, f, method = "gaussian", unit = "bit")
  expect_s3_class(m, "mi_matrix")
  expect_identical(dimnames(m$estimate), list(c("z1", "z2", "z3"), c("a", "b")))
  for (i in 1:3) for (j in 1:2) {
    s <- mi_gaussian(z[, i], f[, j], unit = "bit")
    expect_equal(m$estimate[i, j], s$estimate, tolerance = 1e-12)
    expect_equal(m$std_error[i, j], s$std_error, tolerance = 1e-12)
  }
  df <- as.data.frame(m)
  expect_identical(names(df), c("row", "col", "estimate", "std_error", "method", "treatment", "flags"))
  expect_true(all(df$treatment == "continuous") && all(df$flags == ""))
  expect_equal(nrow(df), 6L)
  expect_equal(df$estimate[df$row == "z2" & df$col == "b"], m$estimate["z2", "b"])
  # all pairs of x: symmetric with NA diagonal
  s <- mi_matrix(cbind(z, f), method = "gaussian")
  expect_true(all(is.na(diag(s$estimate))))
  expect_equal(s$estimate, t(s$estimate))
  expect_equal(s$estimate["z1", "a"], mi_gaussian(z[, 1], f[, 1])$estimate, tolerance = 1e-12)
  expect_equal(nrow(as.data.frame(s)), choose(5, 2))
  expect_output(print(m), "MI matrix \\(Gaussian\\), 3 x 2")
  pdf(NULL)
  on.exit(grDevices::dev.off(), add = TRUE)
  expect_identical(plot(m, se = TRUE), m)
})

test_that("mi_matrix seeds each pair: single calls with the pair seed reproduce every cell", {
  set.seed(3)
  x <- matrix(rnorm(400), 100)
  y <- matrix(rnorm(300), 100)
  m <- mi_matrix(x, y, method = noisy_est)
  for (i in 1:4) for (j in 1:3) {
    seeded(m$seeds[i, j])
    expect_identical(m$estimate[i, j], noisy_est(x[, i], y[, j])$estimate)
  }
  # the caller's stream advances only by the seed draw
  set.seed(99)
  invisible(mi_matrix(x, y, method = noisy_est))
  after <- runif(1)
  set.seed(99)
  invisible(sample.int(.Machine$integer.max, 12))
  expect_identical(after, runif(1))
  # `seed` fixes the result and leaves the stream alone
  set.seed(5)
  a <- mi_matrix(x, y, method = noisy_est, seed = 42)
  r1 <- runif(1)
  set.seed(5)
  r2 <- runif(1)
  b <- mi_matrix(x, y, method = noisy_est, seed = 42)
  expect_identical(r1, r2)
  expect_identical(a$estimate, b$estimate)
})

test_that("mi_matrix gives identical results sequentially and under a multisession future plan", {
  skip_if_not_installed("future")
  skip_if_not_installed("future.apply")
  set.seed(7)
  x <- matrix(rnorm(600), 200)
  y <- data.frame(a = rnorm(200), b = x[, 1] + rnorm(200))
  old <- future::plan("sequential")
  on.exit(future::plan(old), add = TRUE)
  set.seed(11)
  seq_res <- mi_matrix(x, y, method = noisy_est)
  future::plan(future::multisession, workers = 2)
  set.seed(11)
  par_res <- mi_matrix(x, y, method = noisy_est)
  expect_identical(par_res$estimate, seq_res$estimate)
  expect_identical(par_res$std_error, seq_res$std_error)
  # with a progress bar the cells go out in batches: one bar, the same result
  withr::local_options(gmmmi.progress = TRUE)
  set.seed(11)
  out <- capture.output(bar_res <- mi_matrix(x, y, method = noisy_est, progress = TRUE))
  expect_equal(sum(grepl("100%", out, fixed = TRUE)), 1L)
  expect_identical(bar_res$estimate, seq_res$estimate)
  withr::local_options(gmmmi.progress = FALSE)
  if (has_fun("mi_ksg")) {
    set.seed(12)
    k_par <- mi_matrix(x, y, method = "ksg")
    future::plan("sequential")
    set.seed(12)
    k_seq <- mi_matrix(x, y, method = "ksg")
    expect_identical(k_par$estimate, k_seq$estimate)
    expect_identical(k_par$std_error, k_seq$std_error)
  }
})

test_that("mi_matrix with a seeded estimator: same result for 1 and 2 threads, equal to single calls", {
  skip_without("mi_ksg")
  set.seed(8)
  n <- 400
  f <- data.frame(size = rnorm(n), shape = factor(sample(c("a", "b", "c"), n, TRUE)))
  z <- cbind(z1 = f$size + 0.3 * rnorm(n), z2 = as.integer(f$shape) + 0.3 * rnorm(n))
  set.seed(1)
  m1 <- mi_matrix(z, f, method = "ksg", n_threads = 1)
  set.seed(1)
  m2 <- mi_matrix(z, f, method = "ksg", n_threads = 2)
  expect_identical(m1$estimate, m2$estimate)
  expect_identical(m1$std_error, m2$std_error)
  # the factor column goes in as the estimator's x
  seeded(m1$seeds["z2", "shape"])
  s <- mi_ksg(f$shape, z[, "z2"], n_threads = 1)
  expect_identical(m1$estimate["z2", "shape"], s$estimate)
  seeded(m1$seeds["z1", "size"])
  expect_identical(m1$estimate["z1", "size"], mi_ksg(z[, "z1"], f$size, n_threads = 1)$estimate)
  expect_equal(unname(m1$entropy), c(NA, gmmmi:::repr_entropy(f$shape)))
  expect_gt(m1$estimate["z2", "shape"], 0.5)
  expect_lt(abs(m1$estimate["z1", "shape"]), 0.1)
})

test_that("mi_matrix with gmm agrees with single gmm_mi calls", {
  skip_without("gmm_mi")
  set.seed(4)
  n <- 300
  v <- factor(sample(c("u", "v"), n, TRUE))
  z <- cbind(z1 = as.integer(v) + 0.5 * rnorm(n), z2 = rnorm(n))
  m <- mi_matrix(z, data.frame(v = v, w = z[, 2] + rnorm(n)), method = "gmm", n_bootstrap = 3,
                 n_mc = 2000, n_threads = 1)
  seeded(m$seeds["z1", "v"])
  s <- gmm_mi(v, z[, "z1"], n_bootstrap = 3, n_mc = 2000, n_threads = 1, progress = FALSE)
  expect_identical(m$estimate["z1", "v"], s$estimate)
  expect_identical(m$std_error["z1", "v"], s$std_error)
  expect_true(all(is.finite(m$estimate)))
})

test_that("two discrete columns use the Miller-Madow plug-in; constant columns give 0", {
  set.seed(2)
  a <- factor(sample(1:3, 500, TRUE))
  b <- factor(ifelse(runif(500) < 0.8, as.integer(a), sample(1:3, 500, TRUE)))
  m <- mi_matrix(data.frame(a = a), data.frame(b = b, k = factor(rep("s", 500))), method = "gaussian")
  tab <- table(a, b)
  p <- tab / 500
  plug <- sum(p[p > 0] * log(p[p > 0] / outer(rowSums(p), colSums(p))[p > 0]))
  expect_equal(m$estimate[1, "b"], plug + (3 + 3 - 9 - 1) / 1000, tolerance = 1e-12)
  expect_equal(m$estimate[1, "k"], 0)
  expect_equal(m$std_error[1, "k"], 0)
})

test_that("MIG and modularity: exact on hand-made matrices", {
  m <- rbind(z1 = c(1.2, 0.1), z2 = c(0.2, 0.9), z3 = c(0, 0.3))
  g <- mig(m, entropy = c(log(4), log(4)))
  expect_s3_class(g, "disentanglement")
  expect_equal(g$score, ((1.2 - 0.2) + (0.9 - 0.3)) / 2 / log(4), tolerance = 1e-14)
  expect_identical(g$per_factor$best, c("z1", "z2"))
  expect_true(is.na(g$std_error))
  expect_equal(mig(diag(c(log(3), log(5))), entropy = c(log(3), log(5)))$score, 1)
  expect_equal(mig(matrix(log(2), 2, 2), entropy = c(log(2), log(2)))$score, 0)
  # entropies from discrete factors
  fac <- data.frame(a = rep(1:4, 25), b = rep(1:2, 50))
  expect_equal(mig(m, factors = fac)$per_factor$entropy, c(log(4), log(2)))
  # modularity: one factor per latent -> 1; latent (1, 0.5, 0): 1 - 0.25 / 2 = 0.875
  expect_equal(modularity(diag(3))$score, 1)
  expect_equal(modularity(rbind(c(1, 0.5, 0)))$score, 0.875)
  expect_equal(modularity(rbind(c(1, 1, 1), c(0, 0, 2)))$score, mean(c(1 - 2 / 2, 1)))
  expect_warning(m0 <- modularity(rbind(c(0, 0), c(1, 0))), "undefined", class = "gmmmi_warning_degenerate")
  expect_true(is.na(m0$per_latent$modularity[1]))
  expect_output(print(g), "MIG: 0.577")
})

test_that("MIG is 1 for a disentangled and about 0 for an entangled representation", {
  set.seed(21)
  n <- 2000
  v <- data.frame(v1 = factor(sample(1:4, n, TRUE)), v2 = factor(sample(1:4, n, TRUE)))
  # discrete latents: exact copies of the factors -> plug-in MI = H(v) + 3 / (2n)
  zd <- data.frame(z1 = v$v1, z2 = v$v2, z3 = factor(sample(1:4, n, TRUE)))
  md <- mi_matrix(zd, v, method = "gaussian")
  expect_equal(mig(md)$score, 1, tolerance = 0.01)
  skip_without("mi_ksg")
  a <- as.integer(v$v1)
  b <- as.integer(v$v2)
  dis <- cbind(z1 = a + 0.05 * rnorm(n), z2 = b + 0.05 * rnorm(n), z3 = rnorm(n))
  ent <- cbind(z1 = a + b + 0.05 * rnorm(n), z2 = a - b + 0.05 * rnorm(n), z3 = rnorm(n))
  g_dis <- mig(mi_matrix(dis, v, method = "ksg", n_threads = 1))
  g_ent <- mig(mi_matrix(ent, v, method = "ksg", n_threads = 1))
  expect_gt(g_dis$score, 0.9)
  expect_lt(abs(g_ent$score), 0.1)
  expect_gt(modularity(mi_matrix(dis, v, method = "ksg", n_threads = 1))$score, 0.9)
})

test_that("info_plane recovers the closed-form MI of a Gaussian chain X -> T -> Y", {
  set.seed(31)
  n <- 4000
  A <- matrix(c(1, 0.5, -0.3, 0.8), 2)
  B <- matrix(c(0.7, -0.4), 1)
  s <- 0.5
  x <- matrix(rnorm(2 * n), n)
  t1 <- x %*% t(A)
  y <- drop(t1 %*% t(B)) + 0.6 * rnorm(n)
  ip <- info_plane(list(T = list(t1, 2 * t1)), x, y, method = "gaussian", noise = s)
  expect_s3_class(ip, "info_plane")
  expect_identical(names(ip$data), c("layer", "epoch", "i_xt", "i_xt_se", "i_ty", "i_ty_se"))
  truth <- function(scale) {
    At <- scale * A
    ct <- At %*% t(At) + s^2 * diag(2)
    sx <- rbind(cbind(diag(2), t(At)), cbind(At, ct))
    cty <- At %*% t(At) %*% t(B) / scale
    sy <- rbind(cbind(ct, cty), cbind(t(cty), B %*% A %*% t(A) %*% t(B) + 0.36))
    c(mi_true_mvn(sx, dx = 2), mi_true_mvn(sy, dx = 2))
  }
  for (e in 1:2) {
    tr <- truth(e)
    r <- ip$data[e, ]
    expect_lt(abs(r$i_xt - tr[1]), 4 * r$i_xt_se + 0.01)
    expect_lt(abs(r$i_ty - tr[2]), 4 * r$i_ty_se + 0.01)
  }
  # the larger signal (epoch 2) keeps more about X through the same noise
  expect_gt(ip$data$i_xt[2], ip$data$i_xt[1])
  # compression to one component can only lose information (data processing), up to noise
  ipc <- info_plane(list(T = t1), x, y, method = "gaussian", noise = s, compress = 1)
  expect_lt(ipc$data$i_xt, ip$data$i_xt[1])
  expect_output(print(ip), "Information plane")
  pdf(NULL)
  on.exit(grDevices::dev.off(), add = TRUE)
  expect_identical(plot(ip), ip)
})

test_that("info_plane with a factor y uses the categorical estimator, and is plan-independent", {
  skip_without("mi_ksg")
  set.seed(32)
  n <- 600
  cls <- factor(sample(letters[1:3], n, TRUE))
  x <- matrix(rnorm(3 * n), n) + 2 * (as.integer(cls) - 2)
  layers <- list(h = list(tanh(x[, 1:2]), tanh(2 * x[, 1:2])), o = tanh(x[, 1:2] / 3))
  expect_error(info_plane(layers, x, cls, method = "ksg"), class = "gmmmi_error_input")
  layers$o <- list(layers$o, layers$o)
  set.seed(1)
  ip <- info_plane(layers, x, cls, method = "ksg", noise = 0.1, compress = 2, n_threads = 1)
  expect_equal(nrow(ip$data), 4L)
  expect_true(all(ip$data$i_ty <= log(3) + 0.1))
  expect_true(all(ip$data$i_ty > 0.3))
  set.seed(1)
  ip2 <- info_plane(layers, x, cls, method = "ksg", noise = 0.1, compress = 2, n_threads = 2)
  expect_identical(ip$data, ip2$data)
})

test_that("info_decomposition: parts add up to the total; decision part <= H(d) <= log C", {
  set.seed(41)
  n <- 1200
  x <- matrix(rnorm(3 * n), n, dimnames = list(NULL, c("x1", "x2", "x3")))
  z <- cbind(x[, 1] + x[, 2], x[, 3]) + 0.3 * matrix(rnorm(2 * n), n)
  d <- factor(cut(z[, 1], c(-Inf, -0.7, 0.7, Inf)))
  method <- if (has_fun("mi_ksg")) "ksg" else if (has_fun("gmm_mi")) "gmm" else skip("no categorical estimator")
  args <- if (method == "gmm") list(n_bootstrap = 10, n_mc = 5000) else list()
  dec <- do.call(info_decomposition, c(list(x, z, d, method = method, n_threads = 1), args))
  p <- dec$parts
  expect_identical(p$part, c("x1", "x2", "x3"))
  expect_equal(dec$bound, gmmmi:::repr_entropy(d))
  expect_true(all(p$decision <= dec$bound + 2 * p$decision_se + 0.02))
  expect_true(dec$bound <= log(3))
  expect_true(all(abs(p$gap) <= 3 * p$gap_se + 0.03))
  # x3 does not reach the decision; x1 and x2 do
  expect_lt(p$decision[3], 0.03)
  expect_gt(min(p$decision[1:2]), 0.1)
  expect_gt(p$redundant[3], 0.5)
  expect_output(print(dec), "Additivity check")
  pdf(NULL)
  on.exit(grDevices::dev.off(), add = TRUE)
  expect_identical(plot(dec, image_dim = c(1, 3)), dec)
})

test_that("info_decomposition with patches maps values back to pixels; constant parts are 0", {
  skip_without("mi_ksg")
  set.seed(42)
  n <- 400
  x <- matrix(rnorm(4 * n), n)
  x[, 4] <- 0
  z <- x[, 1:2] + 0.2 * matrix(rnorm(2 * n), n)
  d <- factor(z[, 1] > 0)
  dec <- info_decomposition(x, z, d, groups = list(left = 1:2, right = 3:4), method = "ksg",
                            image_dim = c(2, 2), n_threads = 1)
  expect_identical(dec$parts$part, c("left", "right"))
  dec1 <- info_decomposition(x[, 4, drop = FALSE], z, d, method = "ksg", n_threads = 1)
  expect_equal(unlist(dec1$parts[, c("total", "decision", "redundant")]), c(total = 0, decision = 0, redundant = 0))
  pdf(NULL)
  on.exit(grDevices::dev.off(), add = TRUE)
  expect_identical(plot(dec), dec)
})

test_that("bad inputs give errors of class gmmmi_error_input that name the argument", {
  x <- matrix(rnorm(40), 20)
  err <- function(expr, pattern) expect_error(expr, pattern, class = "gmmmi_error_input")
  err(mi_matrix(x, matrix(1, 10, 2)), "same number of rows")
  err(mi_matrix(x, x, method = "nope"), "`method`")
  err(mi_matrix(x[, 1, drop = FALSE]), "at least two columns")
  # no Gaussian form for a discrete column with a continuous one: empty cells, flagged, one warning
  expect_warning(mg <- mi_matrix(x, data.frame(f = factor(rep(1:2, 10))), method = "gaussian"),
                 "no form", class = "gmmmi_warning")
  expect_true(all(is.na(mg$estimate)) && all(mg$treatment == "unsupported"))
  expect_true(all(grepl("unsupported", mg$flags)))
  err(mi_matrix(x, x, method = "gaussian", n_threads = 0), "`n_threads`")
  err(mi_matrix(cbind(x, NA), method = "gaussian"), "no complete row")
  err(mig(matrix(c(1, 0, 0, 1), 2)), "entropy of factor")
  err(mig(matrix(c(1, NA, 0, 1), 2)), "`m`")
  err(mig(matrix(1, 2, 2), entropy = 1), "`entropy`")
  err(modularity(matrix(1, 3, 1)), "two factors")
  err(info_plane(list(h = list(x, x), g = list(x)), x, x[, 1], method = "gaussian"), "same number of epochs")
  err(info_plane(list(x[1:10, ]), x, x[, 1], method = "gaussian"), "rows")
  err(info_plane(list(x), x, x[, 1], method = "gaussian", noise = -1), "`noise`")
  err(info_plane(list(x), x, x[, 1], method = "gaussian", compress = 0), "`compress`")
  err(info_plane(list(x), x, factor(rep(1:2, 10)), method = "gaussian"), "factor `y`")
  err(info_decomposition(x, x, rnorm(20), method = "gaussian"), "`decision`")
  err(info_decomposition(x, x, rep(1:2, 10), method = "gaussian"), "does not accept")
  err(info_decomposition(x, x, rep(1:2, 10), method = noisy_est, groups = list(1:3)), "`groups")
  err(info_decomposition(x, x, rep(1:2, 10), method = noisy_est, image_dim = c(3, 3)), "`image_dim`")
  err(info_decomposition(x, x[1:5, ], rep(1:2, 10), method = noisy_est), "same number of rows")
})
