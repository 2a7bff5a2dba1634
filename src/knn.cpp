// Glue for the helpers the kNN estimators share (inst/include/gmmmi/knn.hpp): seeded jitter and
// permutations (R/knn.R). Conversions: convert.h.
#include "executor.h"
#include <gmmmi/knn.hpp>

// [[Rcpp::export(.jitter_columns)]]
Rcpp::NumericMatrix jitter_columns(Rcpp::NumericMatrix x, Rcpp::NumericVector amplitude,
                                   Rcpp::NumericVector seed) {
  Rcpp::NumericMatrix out = Rcpp::clone(x);
  gmmmi::knn::add_jitter(out.begin(), out.nrow(), out.ncol(), amplitude.begin(), gmmmi_r::seed_arg(seed));
  return out;
}

// [[Rcpp::export(.seeded_permutation)]]
Rcpp::IntegerVector seeded_permutation(int n, Rcpp::NumericVector seed) {
  std::vector<std::size_t> p = gmmmi::knn::permutation(n, gmmmi_r::seed_arg(seed));
  Rcpp::IntegerVector out(n);
  for (int i = 0; i < n; ++i) out[i] = static_cast<int>(p[i]) + 1;
  return out;
}
