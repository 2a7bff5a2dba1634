# Package-level metadata: citation() (inst/CITATION, R/gmmmi-package.R).

test_that("citation() cites the GMM-MI paper and the package", {
  cit <- utils::citation("gmmmi")
  txt <- paste(format(cit, style = "text"), collapse = "\n")
  expect_match(txt, "Piras")
  expect_match(txt, "10.1088/2632-2153/acc444", fixed = TRUE)
  expect_match(txt, "gmmmi: Mutual Information", fixed = TRUE)
  expect_length(cit, 2L)
})
