# Evaluates `code` and expects R's random number state (.Random.seed, which must exist) to be the
# same afterwards: for functions given `seed =`, or drawing no random numbers. Returns the value.
expect_rng_untouched <- function(code) {
  before <- get(".Random.seed", envir = globalenv())
  value <- code
  expect_identical(get(".Random.seed", envir = globalenv()), before)
  invisible(value)
}
