// Glue for the KSG estimators (inst/include/gmmmi/ksg.hpp): MI (R/ksg.R) and conditional MI by
// Frenzel & Pompe (R/knn_cmi.R). Conversions: convert.h.
#include "executor.h"
#include <gmmmi/ksg.hpp>

// [[Rcpp::export(.ksg_core)]]
Rcpp::List ksg_core(Rcpp::NumericMatrix x, Rcpp::NumericMatrix y, int k, int variant, int n_threads) {
  const std::size_t n = x.nrow();
  gmmmi_r::ParallelExecutor ex(n_threads);
  gmmmi::knn::KsgResult r;
  if (x.ncol() == 1 && y.ncol() == 1) {
    r = gmmmi::knn::ksg_1d(x.begin(), y.begin(), n, k, variant, ex);
  } else {
    std::vector<double> rx = gmmmi_r::rows_of(x), ry = gmmmi_r::rows_of(y);
    r = gmmmi::knn::ksg(rx.data(), x.ncol(), ry.data(), y.ncol(), n, k, variant, ex);
  }
  return Rcpp::List::create(Rcpp::Named("estimate") = r.estimate,
                            Rcpp::Named("zero_radius") = static_cast<double>(r.zero_radius),
                            Rcpp::Named("duplicates") = static_cast<double>(r.duplicates));
}

// Conditional MI (Frenzel & Pompe); x, y, z with the same number of rows.
// [[Rcpp::export(.cmi_core)]]
Rcpp::List cmi_core(Rcpp::NumericMatrix x, Rcpp::NumericMatrix y, Rcpp::NumericMatrix z, int k,
                    int n_threads) {
  if (y.nrow() != x.nrow() || z.nrow() != x.nrow()) Rcpp::stop("internal: x, y and z differ in rows");
  std::vector<double> rx = gmmmi_r::rows_of(x), ry = gmmmi_r::rows_of(y), rz = gmmmi_r::rows_of(z);
  gmmmi_r::ParallelExecutor ex(n_threads);
  gmmmi::knn::CmiResult r = gmmmi::knn::ksg_cmi(rx.data(), x.ncol(), ry.data(), y.ncol(), rz.data(),
                                                z.ncol(), x.nrow(), k, ex);
  return Rcpp::List::create(Rcpp::Named("estimate") = r.estimate,
                            Rcpp::Named("zero_radius") = static_cast<double>(r.zero_radius),
                            Rcpp::Named("duplicates") = static_cast<double>(r.duplicates));
}
