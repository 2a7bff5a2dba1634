# Thread count resolution and worker exceptions (R/threads.R, src/executor.h).

test_that("gmmmi_threads resolves argument > option > machine and clamps", {
  max_t <- RcppParallel::defaultNumThreads()
  expect_identical(gmmmi_threads(1), 1L)
  expect_identical(gmmmi_threads(max_t + 10), as.integer(max_t))
  withr::with_options(list(gmmmi.n_threads = 1), expect_identical(gmmmi_threads(), 1L))
  withr::with_options(list(gmmmi.n_threads = NULL), expect_identical(gmmmi_threads(), as.integer(max_t)))
  expect_error(gmmmi_threads(0), class = "gmmmi_error_input")
  expect_error(gmmmi_threads(1.5), "n_threads", class = "gmmmi_error_input")
  expect_error(gmmmi_threads("2"), "n_threads", class = "gmmmi_error_input")
})


test_that("exceptions in worker threads become R errors", {
  expect_error(gmmmi:::.parallel_throw(50L, 17L, 2L), "unit 17 failed")
  expect_error(gmmmi:::.parallel_throw(50L, 17L, 1L), "unit 17 failed")
  expect_identical(gmmmi:::.parallel_throw(50L, -1L, 2L), 50L)
})

