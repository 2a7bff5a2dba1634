# Package-level metadata: citation() (inst/CITATION, R/gmmmi-package.R) and the installed vignettes.

test_that("citation() cites the GMM-MI paper and the package", {
  cit <- utils::citation("gmmmi")
  txt <- paste(format(cit, style = "text"), collapse = "\n")
  expect_match(txt, "Piras")
  expect_match(txt, "10.1088/2632-2153/acc444", fixed = TRUE)
  expect_match(txt, "gmmmi: Mutual Information", fixed = TRUE)
  expect_length(cit, 2L)
})

test_that("the vignettes are installed with the package (README's setup and R CMD build both build them)", {
  # tools/sanitize.sh installs an instrumented build without vignettes and says so
  skip_if(identical(Sys.getenv("GMMMI_NO_VIGNETTES"), "true"), "instrumented build without vignettes")
  v <- utils::vignette(package = "gmmmi")$results
  expect_setequal(v[, "Item"], c("gmmmi", "validation", "choosing-an-estimator", "sliced-mi",
                                 "interpreting-representations"))
  expect_true(file.exists(system.file("doc", "gmmmi.html", package = "gmmmi")))
})
