# KSG, the exact neighbour search, the mixed (Ross) estimator and their plumbing.
# Exact values: ../shared/design/estimators.md (table "Exact values for tests").

X7 <- c(11, 19, 35, 44, 73, 74, 79)
Y7 <- c(0, 26, 72, 39, 70, 94, 57)
ksg_raw <- function(x, y, k, variant = 1) {
  mi_ksg(x, y, k = k, variant = variant, standardize = FALSE, std_error = "none")$estimate
}

test_that("KSG-1 and KSG-2 give the exact fractions of estimators.md on the RAW data", {
  # The table is for the raw (unstandardised) data, i.e. standardize = FALSE.
  ksg1 <- c(29 / 420, 16 / 105, 17 / 420)
  ksg2 <- c(109 / 420, 59 / 420, 27 / 420)
  for (k in 1:3) {
    expect_lt(abs(ksg_raw(X7, Y7, k) - ksg1[k]), 1e-12)
    expect_lt(abs(ksg_raw(X7, Y7, k, 2) - ksg2[k]), 1e-12)
    # the general (multi-column) path gives the same numbers: repeating a column does not
    # change max-norm distances
    expect_lt(abs(ksg_raw(X7, cbind(Y7, Y7), k) - ksg1[k]), 1e-12)
    expect_lt(abs(ksg_raw(cbind(X7, X7), cbind(Y7, Y7), k, 2) - ksg2[k]), 1e-12)
    # the serial 1-D entry point used by sliced MI
    expect_lt(abs(gmmmi:::.ksg_1d_serial(X7, Y7, k, 1L) - ksg1[k]), 1e-12)
    expect_lt(abs(gmmmi:::.ksg_1d_serial(X7, Y7, k, 2L) - ksg2[k]), 1e-12)
  }
  # With standardised columns (the default) the neighbours change: k = 1 gives 59/420.
  expect_lt(abs(mi_ksg(X7, Y7, k = 1, std_error = "none")$estimate - 59 / 420), 1e-12)
})

test_that("KSG-1 equals FNN::mutinfo on tie-free data (raw and standardised)", {
  skip_if_not_installed("FNN")
  set.seed(11)
  x <- rnorm(700)
  y <- x^2 + rnorm(700)
  for (k in c(1, 3, 7)) {
    expect_equal(ksg_raw(x, y, k), FNN::mutinfo(x, y, k), tolerance = 1e-12)
  }
  expect_equal(mi_ksg(x, y, std_error = "none")$estimate,
               FNN::mutinfo(scale(x), scale(y), 3), tolerance = 1e-12)
  xm <- matrix(rnorm(1200), ncol = 3)
  ym <- cbind(xm[, 1] + rnorm(400), rnorm(400))
  expect_equal(ksg_raw(xm, ym, 4), FNN::mutinfo(xm, ym, 4), tolerance = 1e-12)
  expect_equal(ksg_raw(ym, xm[, 2], 2), FNN::mutinfo(ym, xm[, 2], 2), tolerance = 1e-12)
})

test_that("the k-d tree equals brute force under the max-norm and the Euclidean norm, with ties", {
  set.seed(3)
  for (d in 1:6) {
    # rounded coordinates: many tied distances and some repeated points
    x <- matrix(round(rnorm(300 * d), 1), ncol = d)
    for (norm in c("max", "euclidean")) {
      tree <- gmmmi:::.knn_search(x, 6L, norm, 2L, FALSE)
      brute <- gmmmi:::.knn_search(x, 6L, norm, 1L, TRUE)
      expect_identical(tree, brute, info = paste(d, norm))
      # range counts, strict and non-strict, at radii equal to actual neighbour distances
      # measures with the same floating-point operations as the core (max of |diff|, or a
      # left-to-right sum of squares in double precision; R's sum() would use long double)
      dmeas <- matrix(0, nrow(x), nrow(x))
      for (j in seq_len(d)) {
        df <- outer(x[, j], x[, j], "-")
        dmeas <- if (norm == "max") pmax(dmeas, abs(df)) else dmeas + df^2
      }
      # radii: exact measures of actual 4th-neighbour distances (ties on the boundary)
      meas <- dmeas[cbind(seq_len(nrow(x)), brute$index[, 4])]
      for (strict in c(TRUE, FALSE)) {
        ref <- if (strict) rowSums(dmeas < meas) else rowSums(dmeas <= meas)
        expect_identical(gmmmi:::.knn_count(x, meas, strict, norm, 2L), as.integer(ref),
                         info = paste(d, norm, strict))
      }
    }
  }
})
