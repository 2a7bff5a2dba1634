# The R-user interface (issue 14, first part): formula interface, errors that show the user's
# call, printed variable names and readable method names, reasons for a missing standard error,
# aggregated slice warnings, no false alarm on Gaussian data.

test_that("mi() takes a formula y ~ x (and y ~ x | z) with data", {
  r <- mi(mpg ~ wt, mtcars, method = "ksg")
  expect_equal(r$estimate, mi_ksg(mtcars$wt, mtcars$mpg)$estimate, tolerance = 1e-12)
  r2 <- mi(mpg ~ wt + hp, data = mtcars, method = "gaussian")
  expect_equal(r2$estimate, mi_gaussian(mtcars[, c("wt", "hp")], mtcars$mpg)$estimate, tolerance = 1e-12)
  set.seed(1)
  r3 <- mi(mpg ~ wt | hp, data = mtcars, n_bootstrap = 5, n_threads = 1)
  expect_identical(r3$quantity, "conditional mutual information")
  expect_output(print(r), "of mpg ~ wt")
  err <- function(expr, pattern) expect_error(expr, pattern, class = "gmmmi_error_input")
  err(mi(mpg ~ nope, mtcars), "`nope`")
  err(mi(mpg ~ wt | hp, mtcars, method = "binned"), "needs `method = \"gmm\"` or \"ksg\"")
  err(mi(mpg ~ wt), "needs `data`")
  err(mi(~ wt, mtcars), "two sides")
  err(mi(rnorm(10)), "`y` is missing")
})

test_that("errors raised through mi() show the user's call, never the internal one", {
  e <- tryCatch(mi(mtcars$mpg, mtcars$wt, method = "ksg", k = 100), error = identity)
  expect_s3_class(e, "gmmmi_error_input")
  expect_match(paste(deparse(conditionCall(e)), collapse = " "), "^mi\\(")
  expect_false(grepl("fun(", paste(deparse(conditionCall(e)), collapse = " "), fixed = TRUE))
})

test_that("print() names the variables, the method in words, and why a standard error is missing", {
  expect_output(print(mi_ksg(mtcars$mpg, mtcars$wt)), "KSG, k = 3\\) between mtcars\\$mpg and mtcars\\$wt")
  expect_output(print(mi_ksg(mtcars$mpg, mtcars$wt)), "No standard error: n = 32 is too small")
  expect_output(print(mi_ksg(mtcars$mpg, mtcars$wt, std_error = "none")), "not requested")
  expect_output(print(suppressWarnings(mi_ksg(mtcars$am, mtcars$mpg))), "Ross.s mixed kNN")
})

test_that("mi_sliced aggregates the warnings of its slices into one", {
  w <- character()
  withCallingHandlers(mi_sliced(iris$Species, iris[, 1:4], n_slices = 50, n_threads = 1),
                      warning = function(cnd) {
                        w <<- c(w, conditionMessage(cnd))
                        invokeRestart("muffleWarning")
                      })
  expect_lte(length(w), 2L)
  expect_true(any(grepl("of 50 slice estimates raised warnings", w)))
})

test_that("a Gaussian sample gives no false alarm about `tol` (K = 1 is closed form)", {
  set.seed(2)
  r <- gmm_mi(rnorm(5000), rnorm(5000), n_bootstrap = 5, n_threads = 1)
  expect_false(r$diagnostics$all_cv_fits_short)
  expect_false(any(grepl("tol", r$diagnostics$messages)))
})

test_that("every estimator gives the same data frame columns, so results stack", {
  set.seed(3)
  d <- toy_gaussian(400, rho = 0.5)
  res <- list(mi(d$x, d$y, method = "gaussian"), mi(d$x, d$y, method = "ksg"),
              mi(d$x, d$y, method = "binned"), mi(d$x, d$y, method = "knn_entropy"),
              gmm_mi(d$x, d$y, n_bootstrap = 10, n_threads = 1),
              mi_sliced(d$x, d$y, n_slices = 5), gmm_mi(mtcars$am, mtcars$gear))
  dfs <- lapply(res, as.data.frame)
  cols <- c("variables", "method", "quantity", "estimate", "std_error", "conf_low", "conf_high",
            "unit", "n", "uncertainty", "treatment")
  for (df in dfs) expect_identical(names(df), cols)
  all <- do.call(rbind, dfs)
  expect_identical(nrow(all), length(res))
  expect_identical(all$uncertainty, c("delta method", "subsample", "delta method", "subsample",
                                      "bootstrap", "slices (Monte Carlo)", "delta method"))
  expect_identical(all$variables[1], "d$x and d$y")
  expect_identical(nobs(res[[2]]), 400L)
  expect_identical(tidy.gmmmi_estimate(res[[2]]), dfs[[2]])
  g <- glance.gmmmi_estimate(res[[5]])
  expect_identical(nrow(g), 1L)
  expect_true(all(c("n_components", "transform", "point") %in% names(g)))
  skip_if_not_installed("generics")
  expect_identical(generics::tidy(res[[1]]), dfs[[1]])
  expect_identical(nrow(generics::glance(res[[1]])), 1L)
})

test_that("gmm_mi plots accept main, col, xlab and label axes with the variables' names", {
  set.seed(4)
  height <- rnorm(300)
  weight <- height + rnorm(300)
  fit <- gmm_mi(height, weight, n_bootstrap = 5, n_threads = 1)
  f <- tempfile(fileext = ".png")
  grDevices::png(f, 800, 600)
  on.exit(grDevices::dev.off(), add = TRUE)
  expect_invisible(plot(fit, type = "model", main = "mine", col = "blue"))
  expect_invisible(plot(fit, type = "bootstrap", col = "orange", main = "b"))
  expect_invisible(plot(fit, type = "selection", main = "K", xlab = "K"))
  expect_invisible(plot(fit, type = "pmi", xlab = "h"))
  expect_identical(gmmmi:::gmm_mi_axis_labels(fit), c("height (normal score)", "weight (normal score)"))
  fc <- gmm_mi(iris$Sepal.Length, iris$Species, n_bootstrap = 5, n_threads = 1)
  expect_identical(gmmmi:::gmm_mi_var_names(fc), c("iris$Species", "iris$Sepal.Length"))
  expect_invisible(plot(fc, type = "model", main = "classes"))
})

test_that("gmm_mi needs at least 10 rows; the MI matrix heatmap has a key and room for long names", {
  set.seed(5)
  expect_error(gmm_mi(rnorm(5), rnorm(5)), "at least 10", class = "gmmmi_error_input")
  m <- suppressWarnings(mi_matrix(iris, method = "ksg", n_threads = 1))  # tied measurements
  f <- tempfile(fileext = ".png")
  grDevices::png(f, 600, 500)
  expect_invisible(plot(m, se = TRUE, main = "iris"))
  grDevices::dev.off()
  expect_gt(file.size(f), 5000)
})

test_that("one missing-value policy: every estimator drops incomplete rows with a warning, or stops", {
  set.seed(6)
  x <- rnorm(300)
  y <- x + rnorm(300)
  xn <- replace(x, c(3, 50), NA)
  for (m in c("ksg", "knn_entropy", "binned", "gaussian", "gmm", "sliced")) {
    extra <- switch(m, gmm = list(n_bootstrap = 5, n_threads = 1), sliced = list(n_slices = 3), list())
    expect_warning(r <- do.call(mi, c(list(xn, y, method = m), extra)), "2 incomplete row", info = m)
    expect_identical(r$n, 298L, info = m)
  }
  expect_equal(suppressWarnings(mi_ksg(xn, y))$estimate, mi_ksg(x[-c(3, 50)], y[-c(3, 50)])$estimate)
  expect_error(mi_ksg(xn, y, na.rm = FALSE), "`x` contains missing", class = "gmmmi_error_input")
  expect_error(mi_gaussian(x, replace(y, 1, NA), na.rm = FALSE), "`y` contains missing",
               class = "gmmmi_error_input")
  # mi_matrix: pairwise deletion, like cor(use = "pairwise.complete.obs")
  d <- data.frame(a = xn, b = y, c = replace(rnorm(300), 7, NA))
  m <- mi_matrix(d, method = "gaussian")
  expect_identical(m$n_complete["a", "b"], 298L)
  expect_identical(m$n_complete["b", "c"], 299L)
  expect_identical(m$n_complete["a", "c"], 297L)
  expect_equal(m$estimate["a", "b"], mi_gaussian(x[-c(3, 50)], y[-c(3, 50)])$estimate, tolerance = 1e-12)
})

test_that("predict(fit, newdata, type = 'pmi') gives pointwise MI of new rows", {
  set.seed(7)
  d <- toy_gaussian(1500, rho = 0.6)
  fit <- gmm_mi(d$x, d$y, n_bootstrap = 5, n_threads = 1)
  p0 <- predict(fit)
  expect_length(p0, 1500L)
  # the fitted rows mapped again give the same values (no ties: the same normal scores)
  expect_equal(predict(fit, list(x = d$x, y = d$y)), p0, tolerance = 1e-12)
  # K = 1 on normal scores: the Gaussian pointwise MI of the scores
  if (fit$n_components == 1L) expect_equal(mean(p0), fit$point, tolerance = 1e-8)
  expect_gt(predict(fit, list(x = 2, y = 2)), predict(fit, list(x = 2, y = -2)))
  fc <- gmm_mi(iris$Species, iris$Sepal.Length, n_bootstrap = 5, n_threads = 1)
  pc <- predict(fc, list(x = c("setosa", "virginica"), y = c(4.5, 7.5)))
  expect_true(all(pc > 0))
  expect_error(predict(fc, list(x = "rose", y = 5)), "not fitted", class = "gmmmi_error_input")
  expect_error(predict(fit, list(x = 1:2)), "`newdata`", class = "gmmmi_error_input")
})

test_that("errors name columns by name, not by position", {
  d <- data.frame(mpg = mtcars$mpg, wt = mtcars$wt)
  k <- data.frame(hp = mtcars$hp, flat = 1)
  expect_error(gmm_mi(d, k), "`y` has constant column `flat`", class = "gmmmi_error_input")
  expect_error(mi_gaussian(d, k), "`y` has constant column `flat`", class = "gmmmi_error_input")
  bad <- d
  bad$wt[3] <- Inf
  expect_error(gmm_mi(bad, k$hp), "infinite values \\(1, in column `wt`\\)", class = "gmmmi_error_input")
  expect_error(mi_ksg(bad, k$hp), "in column `wt`", class = "gmmmi_error_input")
  # without names: by position
  expect_error(gmm_mi(cbind(mtcars$mpg, 1), mtcars$wt), "constant column 2", class = "gmmmi_error_input")
  expect_error(gmm_mi(mtcars$mpg, rep(1, 32)), "`y` is constant", class = "gmmmi_error_input")
})

test_that("plot.info_decomposition draws a labelled bar chart without image_dim, and takes main, col, ...", {
  set.seed(6)
  n <- 300
  x <- matrix(rnorm(n * 3), n, dimnames = list(NULL, c("a", "b", "c")))
  z <- cbind(x[, 1] + x[, 2], x[, 3]) + 0.3 * matrix(rnorm(2 * n), n)
  dec <- info_decomposition(x, z, factor(z[, 1] > 0), groups = list(`a and b` = 1:2, c = 3),
                            method = "ksg", n_threads = 1, progress = FALSE)
  f <- file.path(tempdir(), "idc%03d.png")  # one file per page
  grDevices::png(f, 700, 450)
  expect_invisible(plot(dec))
  expect_identical(plot(dec, main = "mine", col = c("orange", "grey"), xlab = "MI", xlim = c(0, 2)), dec)
  no_se <- dec
  no_se$parts[c("total_se", "decision_se", "redundant_se")] <- NA_real_
  expect_identical(plot(no_se), no_se)  # no error bars without standard errors
  expect_identical(plot(dec, image_dim = c(1, 3)), dec)  # the maps, as before
  grDevices::dev.off()
  expect_true(all(file.size(sprintf(f, 1:4)) > 3000))
})

test_that("renamed arguments: the old names work with a deprecation warning and give the same value", {
  set.seed(8)
  x <- rnorm(300); y <- x + rnorm(300)
  dep <- function(expr) expect_warning(expr, "is deprecated", class = "gmmmi_warning_deprecated")
  dep(a <- mi_binned(x, y, method = "equal_width"))
  expect_identical(a$estimate, mi_binned(x, y, binning = "equal_width")$estimate)
  expect_identical(a$settings$binning, "equal_width")
  # mi() reaches the binning rule now that it is not called `method`
  expect_identical(mi(x, y, method = "binned", binning = "equal_width")$estimate, a$estimate)
  dep(b <- smi_gaussian_isotropic(r = 0.8, D = 2))
  expect_identical(b, smi_gaussian_isotropic(rho = 0.8, D = 2))
  # seed = everywhere randomness is drawn: fixes the result, leaves the caller's stream alone
  set.seed(1)
  expect_rng_untouched(g1 <- gmm_mi(x, y, n_bootstrap = 3, n_mc = 1e3, seed = 7, progress = FALSE))
  g2 <- gmm_mi(x, y, n_bootstrap = 3, n_mc = 1e3, seed = 7, progress = FALSE)
  expect_identical(g1$bootstrap, g2$bootstrap)
  expect_error(gmm_mi(x, y, seed = -1), "`seed`", class = "gmmmi_error_input")
  for (f in list(function(s) mi_ksg(x, y, seed = s)$subsamples, function(s) mi_mixed(x > 0, y, seed = s)$subsamples,
                 function(s) entropy_knn(y, seed = s)$subsamples, function(s) mi_knn_entropy(x, y, seed = s)$subsamples,
                 function(s) mi(x, y, method = "sliced", n_slices = 5, seed = s)$slices)) {
    set.seed(2)
    a <- expect_rng_untouched(f(11))
    expect_identical(f(11), a)
    expect_false(identical(f(12), a))
  }
})

test_that("the vignettes are installed with the package (README's setup and R CMD build both build them)", {
  # tools/sanitize.sh installs an instrumented build without vignettes and says so
  skip_if(identical(Sys.getenv("GMMMI_NO_VIGNETTES"), "true"), "instrumented build without vignettes")
  v <- utils::vignette(package = "gmmmi")$results
  expect_setequal(v[, "Item"], c("gmmmi", "validation", "choosing-an-estimator", "sliced-mi",
                                 "interpreting-representations"))
  expect_true(file.exists(system.file("doc", "gmmmi.html", package = "gmmmi")))
})

test_that("mi_matrix names the estimator of each cell in words", {
  set.seed(3)
  m <- suppressWarnings(mi_matrix(mtcars[, c("mpg", "wt", "am", "gear")], method = "ksg", progress = FALSE))
  expect_identical(m$methods["mpg", "wt"], "KSG, k = 3")
  expect_identical(m$methods["mpg", "am"], "Ross's mixed kNN, k = 3")
  expect_identical(m$methods["am", "gear"], "plug-in, Miller-Madow")
  d <- as.data.frame(m)
  expect_identical(d$method[d$row == "am" & d$col == "gear"], "plug-in, Miller-Madow")
  expect_output(print(m), "MI matrix \\(KSG, k = 3; Ross's mixed kNN, k = 3; plug-in, Miller-Madow\\)")
})

test_that("plots of a gmm fit and of sliced MI take main, xlab, ... (they failed as duplicates)", {
  set.seed(9)
  f2 <- gmm_fit(faithful, n_components = 2, n_threads = 1)
  f1 <- gmm_fit(faithful$waiting, n_components = 2, n_threads = 1)
  x <- matrix(rnorm(600), 300)
  s <- mi_sliced(x, x[, 1] + rnorm(300), n_slices = 20, base = "gaussian", progress = FALSE)
  f <- file.path(tempdir(), "gmm_sliced%03d.png")
  grDevices::png(f, 480, 360)
  expect_invisible(plot(f2, main = "faithful", xlab = "eruption (min)", xlim = c(1, 6)))
  expect_identical(plot(f1, main = "waiting", xlab = "min"), f1)
  expect_identical(plot(f2), f2)  # default title names K
  expect_identical(plot(s, main = "slices", col = "orange"), s)
  grDevices::dev.off()
  expect_true(all(file.size(sprintf(f, 1:4)) > 3000))
})

test_that("legends and colour keys of gmm_mi plots sit in room kept free of data", {
  set.seed(10)
  x <- rnorm(400)
  fit <- gmm_mi(x, x + rnorm(400), n_bootstrap = 20, n_threads = 1, progress = FALSE)
  fc <- gmm_mi(iris$Species, iris$Sepal.Length, n_bootstrap = 5, n_threads = 1, progress = FALSE)
  f <- file.path(tempdir(), "legend_room%03d.png")
  grDevices::png(f, 480, 360)
  plot(fit, type = "bootstrap")
  top <- max(graphics::hist(fit$bootstrap, breaks = "FD", plot = FALSE)$counts)
  expect_gt(graphics::par("usr")[4], 1.25 * top)           # a strip above the bars for the legend
  plot(fit, type = "pmi")
  expect_gt(graphics::par("usr")[2], max(fit$data$x) + 0.15 * diff(range(fit$data$x)))  # key on the right
  pc <- expect_rng_untouched(plot(fc, type = "pmi"))        # classes spread without random numbers
  expect_length(pc, 150L)
  expect_gt(graphics::par("usr")[2], 3.5)                   # room right of the third class
  plot(fc, type = "selection")
  expect_gt(graphics::par("usr")[4], max(fc$selection$score) + 0.2 * diff(range(fc$selection$score)))
  plot(fc, type = "model")
  expect_identical(plot(fit, type = "bootstrap", ylim = c(0, 50), breaks = 5), fit)  # overrides still win
  expect_identical(graphics::par("usr")[4], 52)
  grDevices::dev.off()
  expect_true(all(file.size(sprintf(f, 1:6)) > 3000))
})

test_that("plot.mi_test keeps the null readable when the observed value is far beyond it", {
  set.seed(11)
  x <- rnorm(300)
  strong <- mi_test(x, x + rnorm(300), method = "gaussian", n_permutations = 30, progress = FALSE)
  weak <- mi_test(x, rnorm(300), method = "gaussian", n_permutations = 30, progress = FALSE)
  f <- file.path(tempdir(), "mi_test_plot%03d.png")
  grDevices::png(f, 480, 360)
  expect_invisible(plot(strong))
  expect_lt(graphics::par("usr")[2], strong$statistic)     # the axis covers the null, an arrow the rest
  expect_gt(graphics::par("usr")[2], max(strong$null))
  expect_identical(plot(weak, main = "independent", xlim = c(0, 0.1)), weak)  # xlim no longer clashes
  plot(weak)
  expect_gte(graphics::par("usr")[2], weak$statistic)
  grDevices::dev.off()
  expect_true(all(file.size(sprintf(f, 1:3)) > 3000))
})

test_that("the maps of plot.info_decomposition have a colour key and leave the layout as it was", {
  set.seed(12)
  n <- 300
  x <- matrix(rnorm(n * 4), n)
  z <- cbind(x[, 1] + x[, 2], x[, 4]) + 0.3 * matrix(rnorm(2 * n), n)
  dec <- info_decomposition(x, z, factor(z[, 1] > 0), method = "ksg", image_dim = c(2, 2),
                            n_threads = 1, progress = FALSE)
  f <- file.path(tempdir(), "idc_maps%03d.png")
  unlink(sprintf(f, 1:4))
  grDevices::png(f, 640, 260)
  expect_identical(plot(dec), dec)
  expect_identical(graphics::par("mfrow"), c(1L, 1L))
  expect_identical(plot(dec, common_scale = FALSE, values = TRUE), dec)  # a key after every map
  plot(1:3)                                                              # a page of its own
  grDevices::dev.off()
  expect_true(all(file.size(sprintf(f, 1:3)) > 3000))
  expect_false(file.exists(sprintf(f, 4)))
  # the key alone: ticks over the range, also for an all-zero map
  g <- tempfile(fileext = ".png")
  grDevices::png(g, 100, 300)
  expect_silent(gmmmi:::map_key(c(0, 0), grDevices::hcl.colors(8), "nat"))
  grDevices::dev.off()
})
