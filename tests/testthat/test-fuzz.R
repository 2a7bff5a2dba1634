# Issue 13: a corpus of a few hundred bad inputs across the exported entry points. Each one
# must end in a classed gmmmi error or a documented result: never an unclassed error, never a
# NaN without a warning, never a warning from R itself (such as a coercion to NA).

test_that("bad inputs give classed errors or documented results, never silent NaN", {
  res <- fuzz_run()
  expect_gt(nrow(res), 300)
  unclassed <- res[res$outcome == "unclassed", c("id", "message")]
  silent <- res[res$outcome == "nan_silent", "id"]
  expect_identical(nrow(unclassed), 0L, info = paste(utils::capture.output(print(unclassed)), collapse = "\n"))
  expect_identical(length(silent), 0L, info = paste(silent, collapse = ", "))
  foreign <- res[!is.na(res$foreign_warning), c("id", "foreign_warning")]
  expect_identical(nrow(foreign), 0L, info = paste(utils::capture.output(print(foreign)), collapse = "\n"))
})
