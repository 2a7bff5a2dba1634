library(testthat)
library(gmmmi)

test_check("gmmmi")
