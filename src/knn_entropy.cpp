// Glue for the Kozachenko-Leonenko entropy sums (inst/include/gmmmi/knn.hpp; R/knn_entropy.R).
// Conversions: convert.h.
#include "executor.h"
#include <gmmmi/knn.hpp>

// [[Rcpp::export(.kl_sums)]]
Rcpp::List kl_sums(Rcpp::NumericMatrix x, int k, std::string norm, int n_threads) {
  std::vector<double> rows = gmmmi_r::rows_of(x);
  gmmmi_r::ParallelExecutor ex(n_threads);
  gmmmi::knn::KlSums s =
      gmmmi::knn::kl_log_distance_sums(rows.data(), x.nrow(), x.ncol(), k, gmmmi_r::norm_arg(norm), ex);
  Rcpp::NumericVector z(s.zeros.begin(), s.zeros.end());
  return Rcpp::List::create(Rcpp::Named("sum_log") = Rcpp::wrap(s.sum_log), Rcpp::Named("zeros") = z);
}
