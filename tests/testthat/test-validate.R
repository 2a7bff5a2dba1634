# The argument validators (R/validate.R).

test_that("validators name the argument and coerce", {
  expect_error(gmmmi:::check_count(-1, "k", min = 1), "`k`", class = "gmmmi_error_input")
  expect_error(gmmmi:::check_number(NA_real_, "tol"), "`tol`", class = "gmmmi_error_input")
  expect_error(gmmmi:::check_choice("x", c("a", "b"), "init"), "`init`", class = "gmmmi_error_input")
  expect_identical(gmmmi:::check_unit(c("nat", "bit")), "nat")
  expect_error(gmmmi:::check_unit("nats"), "`unit`", class = "gmmmi_error_input")
  m <- gmmmi:::as_data_matrix(data.frame(a = 1:3, b = c(2, 5, 1)), "x")
  expect_identical(dim(m), c(3L, 2L))
  expect_identical(typeof(m), "double")
  expect_error(gmmmi:::as_data_matrix(letters, "x"), "`x` must be a numeric", class = "gmmmi_error_input")
  expect_error(gmmmi:::as_data_matrix(data.frame(a = 1, b = "u"), "x"), "'b'", class = "gmmmi_error_input")
  expect_error(gmmmi:::as_data_matrix(c(1, Inf), "y"), "infinite", class = "gmmmi_error_input")
  expect_error(gmmmi:::as_data_matrix(c(1, NA), "y", allow_na = FALSE), "missing", class = "gmmmi_error_input")
  expect_error(gmmmi:::check_not_constant(cbind(1:5, 2), "x"), "constant column", class = "gmmmi_error_input")
  s <- gmmmi:::standardise(cbind(c(1, 2, 3, 4), c(10, 0, 5, 5)))
  expect_equal(unname(colMeans(s)), c(0, 0))
  expect_equal(unname(apply(s, 2, sd)), c(1, 1))
})

