# The data sets documented in R/data.R.

test_that("the digits data set has the documented shape, values and checksum", {
  e <- new.env()
  data("digits", package = "gmmmi", envir = e)
  d <- e$digits
  expect_type(d, "list")
  expect_named(d, c("images", "label"))
  expect_true(is.matrix(d$images))
  expect_identical(typeof(d$images), "integer")
  expect_identical(dim(d$images), c(1797L, 64L))
  expect_identical(colnames(d$images), paste0("p", 1:64))
  expect_identical(range(d$images), c(0L, 16L))
  expect_false(anyNA(d$images))
  expect_s3_class(d$label, "factor")
  expect_identical(levels(d$label), as.character(0:9))
  expect_identical(length(d$label), 1797L)
  expect_identical(as.vector(table(d$label)), c(178L, 182L, 177L, 183L, 181L, 182L, 181L, 179L, 174L, 180L))
  # checksums computed from digits.csv.gz with awk: sum of all pixels, and of the first image
  expect_identical(sum(d$images), 561718L)
  expect_identical(unname(d$images[1, 1:16]), c(0L, 0L, 5L, 13L, 9L, 1L, 0L, 0L, 0L, 0L, 13L, 15L, 10L, 15L, 5L, 0L))
  expect_identical(as.character(d$label[1:3]), c("0", "1", "2"))
})
