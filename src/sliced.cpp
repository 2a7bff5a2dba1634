// Glue for sliced MI with the KSG base estimator (the fast path: one O(n log n) 1-D KSG per slice).
#include "executor.h"
#include <gmmmi/ksg.hpp>
#include <gmmmi/sliced.hpp>
#include <gmmmi/stats.hpp>

#include <cmath>


// [[Rcpp::export(.sliced_ksg)]]
Rcpp::NumericVector sliced_ksg(Rcpp::NumericMatrix X, Rcpp::NumericMatrix Y, Rcpp::NumericMatrix theta,
                               Rcpp::NumericMatrix phi, int k, int variant, int n_threads) {
  const std::size_t n = X.nrow(), m = theta.ncol();
  const int dx = X.ncol(), dy = Y.ncol();
  std::vector<double> out(m);
  const double* xp = X.begin();
  const double* yp = Y.begin();
  gmmmi_r::ParallelExecutor ex(n_threads);
  gmmmi::sliced_values(xp, dx, yp, dy, n, theta.begin(), phi.begin(), m,
                       [&](double* px, double* py, std::size_t nn) {
                         // KSG is not scale invariant: each slice is standardised
                         gmmmi::standardise_inplace(px, nn);
                         gmmmi::standardise_inplace(py, nn);
                         return gmmmi::knn::ksg_1d(px, py, nn, k, variant);
                       },
                       ex, out.data());
  return Rcpp::NumericVector(out.begin(), out.end());
}
