# The common "gmmmi_estimate" class (R/estimate.R).

test_that("the common estimate class prints, gives coef, confint and a data frame", {
  e <- gmmmi:::new_mi_estimate(0.5, 0.1, "nat", method = "test", n = 100L, settings = list(k = 3))
  expect_s3_class(e, "gmmmi_estimate")
  expect_identical(coef(e), c(mi = 0.5))
  ci <- confint(e, level = 0.95)
  expect_equal(as.vector(ci), 0.5 + c(-1, 1) * qnorm(0.975) * 0.1)
  expect_identical(colnames(ci), c("2.5 %", "97.5 %"))
  expect_output(print(e), "0.5 \\+- 0.1 nat")
  expect_output(print(summary(e)), "k = 3")
  expect_identical(as.data.frame(e)$estimate, 0.5)
  expect_error(confint(e, level = 2), "`level`", class = "gmmmi_error_input")
})

