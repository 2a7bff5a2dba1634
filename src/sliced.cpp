// Glue for sliced MI with the KSG base estimator (the fast path: one O(n log n) 1-D KSG per slice).
#include "executor.h"
#include <gmmmi/knn.hpp>
#include <gmmmi/sliced.hpp>

#include <cmath>

namespace {
// Centre and scale to unit sd (KSG is not scale invariant; each slice is standardised).
void standardise_1d(double* v, std::size_t n) {
  double mean = 0.0;
  for (std::size_t i = 0; i < n; ++i) mean += v[i];
  mean /= static_cast<double>(n);
  double ss = 0.0;
  for (std::size_t i = 0; i < n; ++i) ss += (v[i] - mean) * (v[i] - mean);
  const double sd = std::sqrt(ss / static_cast<double>(n - 1));
  const double inv = sd > 0.0 ? 1.0 / sd : 1.0;
  for (std::size_t i = 0; i < n; ++i) v[i] = (v[i] - mean) * inv;
}
}  // namespace

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
                         standardise_1d(px, nn);
                         standardise_1d(py, nn);
                         return gmmmi::knn::ksg_1d(px, py, nn, k, variant);
                       },
                       ex, out.data());
  return Rcpp::NumericVector(out.begin(), out.end());
}
