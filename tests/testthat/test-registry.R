# The estimator registry (R/registry.R) against the functions and choices that read it.

test_that("the registry lists mi()'s, mi_test()'s and mi_sliced()'s choices in their order", {
  reg <- gmmmi:::estimator_methods()
  expect_identical(reg, eval(formals(mi)$method))
  expect_identical(reg, eval(formals(mi_test)$method))
  expect_identical(gmmmi:::estimator_slice_bases(), eval(formals(mi_sliced)$base))
})

test_that("each registered estimator exists and takes what its entry says", {
  for (m in gmmmi:::estimator_methods()) {
    e <- gmmmi:::estimator_entry(m)
    f <- gmmmi:::estimator_fun(m)
    expect_true(is.function(f), label = m)
    expect_identical(f, getExportedValue("gmmmi", e$fun), label = m)
    a <- names(formals(f))
    expect_identical("z" %in% a, e$conditional, label = paste(m, "z"))
    expect_identical("progress" %in% a, e$progress, label = paste(m, "progress"))
    expect_true(all(c("unit", "n_threads") %in% a), label = m)
    expect_true(all(names(e$no_std_error) %in% a), label = paste(m, "no_std_error"))
    if (!is.null(e$slice)) {
      expect_true(e$slice$max_dim >= 1, label = m)
    }
  }
  expect_identical(gmmmi:::estimator_methods("conditional"), c("gmm", "ksg"))
  expect_identical(gmmmi:::estimator_methods("discrete"), c("gmm", "ksg", "knn_entropy", "binned", "sliced"))
})
