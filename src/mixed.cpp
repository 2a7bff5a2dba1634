// Glue for the Ross (2014) discrete-continuous MI (inst/include/gmmmi/mixed.hpp; mi_mixed() in
// R/ksg.R and the mixed conditional MI in R/knn_cmi.R). Conversions: convert.h.
#include "executor.h"
#include <gmmmi/mixed.hpp>

// cls: integer codes 1..n_classes (as from a factor).
// [[Rcpp::export(.mixed_core)]]
Rcpp::List mixed_core(Rcpp::NumericMatrix y, Rcpp::IntegerVector cls, int n_classes, int k,
                      std::string norm, int n_threads) {
  std::vector<double> rows = gmmmi_r::rows_of(y);
  std::vector<int> c(cls.begin(), cls.end());
  for (std::size_t i = 0; i < c.size(); ++i) c[i] -= 1;
  gmmmi_r::ParallelExecutor ex(n_threads);
  gmmmi::knn::MixedResult r = gmmmi::knn::mixed_ross(rows.data(), y.nrow(), y.ncol(), c.data(),
                                                     n_classes, k, gmmmi_r::norm_arg(norm), ex);
  return Rcpp::List::create(Rcpp::Named("estimate") = r.estimate,
                            Rcpp::Named("n_used") = static_cast<double>(r.n_used),
                            Rcpp::Named("n_dropped") = static_cast<double>(r.n_dropped),
                            Rcpp::Named("zero_radius") = static_cast<double>(r.zero_radius),
                            Rcpp::Named("duplicates") = static_cast<double>(r.duplicates));
}
