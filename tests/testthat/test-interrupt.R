# Issue 13: every long C++ loop answers an interrupt (SIGINT, as Ctrl-C sends) within about a
# second, through the executor's main-thread check and the core's cancel flag.
skip_if_not(.Platform$OS.type == "unix", "needs SIGINT")
skip_if(nzchar(Sys.getenv("GMMMI_SKIP_INTERRUPT_TESTS")), "GMMMI_SKIP_INTERRUPT_TESTS is set")

expect_interrupted_quickly <- function(code, limit = 3, after = 1.5) {
  latency <- interrupt_latency(code, after = after)
  expect_false(is.na(latency), info = paste(code, ":", paste(attr(latency, "output"), collapse = " ")))
  expect_lt(latency, limit)
  invisible(latency)
}

test_that("EM iterations at a large fixed K stop on an interrupt (main thread and workers)", {
  expect_interrupted_quickly(
    "x <- matrix(rnorm(2e5), ncol = 2); gmm_fit(x, 50, tol = 0, max_iter = 1e6, n_inits = 1, n_threads = 1)")
  expect_interrupted_quickly(
    "x <- rnorm(2e4); gmm_mi(x, x + rnorm(2e4), n_components = 40, tol = 1e-300, max_iter = 1e6, n_bootstrap = 2)")
})

test_that("mi_sliced, mi_ksg, Monte Carlo and the bootstrap stop on an interrupt", {
  expect_interrupted_quickly(
    "x <- matrix(rnorm(2e5 * 4), ncol = 4); mi_sliced(x, x[, 1:2] + rnorm(4e5), n_slices = 1e5)")
  # (about 1.8 s in all at N = 1e6: interrupt early)
  expect_interrupted_quickly("x <- rnorm(1e6); mi_ksg(x, x + rnorm(1e6), std_error = 'none')", after = 0.6)
  expect_interrupted_quickly(
    "x <- rnorm(2000); gmm_mi(x, x + rnorm(2000), n_components = 2, n_bootstrap = 0, n_mc = 1e9)")
  expect_interrupted_quickly(
    "x <- rnorm(5000); gmm_mi(x, x + rnorm(5000), n_components = 3, n_bootstrap = 1e5)")
})
