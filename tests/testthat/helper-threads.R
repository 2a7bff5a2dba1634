# Results identical for 1 and 2 threads: f(n_threads) called twice from the same seed.
expect_thread_invariant <- function(f, seed = 99) {
  set.seed(seed)
  a <- f(1)
  set.seed(seed)
  b <- f(2)
  expect_identical(a$estimate, b$estimate)
  expect_identical(a$std_error, b$std_error)
}
