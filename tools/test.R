# Runs the test suite against the installed package and ends with one line "N passed, N failed".
# Exit status is non-zero when any expectation fails or any test errors.
root <- normalizePath(file.path(dirname(sub("^--file=", "", grep("^--file=", commandArgs(), value = TRUE)[1])), ".."))
suppressPackageStartupMessages({
  library(testthat)
  library(gmmmi)
})
options(gmmmi.progress = FALSE)
res <- testthat::test_dir(file.path(root, "tests", "testthat"), package = "gmmmi",
                          load_package = "installed", stop_on_failure = FALSE,
                          reporter = testthat::SummaryReporter$new(show_praise = FALSE))
df <- as.data.frame(res)
passed <- sum(df$passed)
failed <- sum(df$failed) + sum(df$error)
skipped <- sum(df$skipped)
timing <- df[order(-df$real), c("file", "test", "real")]
cat("\nSlowest tests (s):\n")
print(utils::head(timing, 8), row.names = FALSE)
cat(sprintf("Total test time: %.1f s\n", sum(df$real)))
cat(sprintf("%d passed, %d failed, %d skipped\n", passed, failed, skipped))
quit(status = if (failed > 0) 1L else 0L)
