// The conversion layer between R objects and the core's types, written once for every glue file:
// points (R's column-major n x d matrices <-> the core's row-major rows), mixtures (R lists
// weights / means / covariances <-> gmmmi::Gmm), labels and indices (1-based <-> 0-based, range
// checked), seeds, Monte Carlo results and the names of options. Conversions run on the main
// thread before the core is called; the core never sees an R object.
#ifndef GMMMI_SRC_CONVERT_H
#define GMMMI_SRC_CONVERT_H

#include <Rcpp.h>
#include <gmmmi/em_options.hpp>
#include <gmmmi/gmm.hpp>
#include <gmmmi/kdtree.hpp>

#include <cstdint>
#include <string>
#include <vector>

namespace gmmmi_r {

// ---- seeds ----

// A 64-bit seed from R's two 32-bit halves (see draw_seed() in R/rng.R).
inline std::uint64_t seed_arg(const Rcpp::NumericVector& seed) {
  if (seed.size() != 2) Rcpp::stop("internal: seed must have two halves");
  return (static_cast<std::uint64_t>(seed[0]) << 32) ^ static_cast<std::uint64_t>(seed[1]);
}

// ---- points ----

// R's n x d matrix (column-major) -> the core's rows (row-major, n * d).
inline std::vector<double> rows_of(const Rcpp::NumericMatrix& x) {
  const std::size_t n = x.nrow(), d = x.ncol();
  std::vector<double> out(n * d);
  for (std::size_t j = 0; j < d; ++j) {
    const double* col = &x[static_cast<R_xlen_t>(j * n)];
    for (std::size_t i = 0; i < n; ++i) out[i * d + j] = col[i];
  }
  return out;
}

// The same, standardised column by column as (x - center) / scale while copied.
inline void rows_of_standardised(const Rcpp::NumericMatrix& x, const std::vector<double>& center,
                                 const std::vector<double>& scale, std::vector<double>& out) {
  const std::size_t n = x.nrow(), d = x.ncol();
  if (center.size() != d || scale.size() != d) Rcpp::stop("internal: one centre and scale per column");
  out.resize(n * d);
  for (std::size_t j = 0; j < d; ++j) {
    const double* col = &x[static_cast<R_xlen_t>(j * n)];
    const double c = center[j], s = scale[j];
    for (std::size_t i = 0; i < n; ++i) out[i * d + j] = (col[i] - c) / s;
  }
}

// The core's rows (row-major, n * d) -> R's n x d matrix.
inline Rcpp::NumericMatrix matrix_of_rows(const double* rows, std::size_t n, std::size_t d) {
  Rcpp::NumericMatrix out(n, d);
  for (std::size_t j = 0; j < d; ++j)
    for (std::size_t i = 0; i < n; ++i) out(i, j) = rows[i * d + j];
  return out;
}

// Optional row weights (empty when NULL: every row weighs 1).
inline std::vector<double> weights_of(const Rcpp::Nullable<Rcpp::NumericVector>& weights) {
  if (weights.isNull()) return std::vector<double>();
  Rcpp::NumericVector w(weights.get());
  return std::vector<double>(w.begin(), w.end());
}

// A data matrix with optional row weights, as EM takes them (weights(): nullptr when unweighted).
struct WeightedRows {
  std::size_t n;
  int d;
  std::vector<double> X, w;
  WeightedRows(const Rcpp::NumericMatrix& x, const Rcpp::Nullable<Rcpp::NumericVector>& weights)
      : n(x.nrow()), d(x.ncol()), X(rows_of(x)), w(weights_of(weights)) {}
  const double* weights() const { return w.empty() ? nullptr : w.data(); }
};

// ---- labels and indices ----

// 1-based codes in 1..n_levels (factor codes, class labels, row indices) -> 0-based.
inline std::vector<int> zero_based(const int* codes, std::size_t n, int n_levels, const char* what) {
  std::vector<int> out(n);
  for (std::size_t i = 0; i < n; ++i) {
    const int v = codes[i] - 1;
    if (v < 0 || v >= n_levels) Rcpp::stop(std::string("internal: ") + what + " out of range");
    out[i] = v;
  }
  return out;
}

// ---- mixtures ----

// A mixture from R: weights (K), means (K x d, one row per component), covariances (d x d x K).
inline gmmmi::Gmm gmm_from_r(const Rcpp::NumericVector& weights, const Rcpp::NumericMatrix& means,
                             const Rcpp::NumericVector& covs) {
  const int K = means.nrow(), d = means.ncol();
  if (weights.size() != K || covs.size() != static_cast<R_xlen_t>(d) * d * K)
    Rcpp::stop("internal: inconsistent mixture dimensions");
  gmmmi::Gmm g(K, d);
  for (int k = 0; k < K; ++k) {
    g.weights[k] = weights[k];
    for (int a = 0; a < d; ++a) g.means(a, k) = means(k, a);
    for (int a = 0; a < d; ++a)
      for (int b = 0; b < d; ++b)
        g.covs[k](a, b) = covs[static_cast<R_xlen_t>(k) * d * d + static_cast<R_xlen_t>(b) * d + a];
  }
  return g;
}

// The same from a list (a "gmm" object or a list with those three elements).
inline gmmmi::Gmm gmm_from_r(const Rcpp::List& m) {
  return gmm_from_r(m["weights"], m["means"], m["covariances"]);
}

inline std::vector<gmmmi::Gmm> gmms_from_r(const Rcpp::List& models) {
  std::vector<gmmmi::Gmm> out;
  for (R_xlen_t c = 0; c < models.size(); ++c) out.push_back(gmm_from_r(Rcpp::List(models[c])));
  return out;
}

// A mixture to R: list(weights, means, covariances) in the layout gmm_from_r() reads.
inline Rcpp::List gmm_to_r(const gmmmi::Gmm& g) {
  const int K = g.K, d = g.d;
  Rcpp::NumericVector w(K);
  Rcpp::NumericMatrix mu(K, d);
  Rcpp::NumericVector cv(static_cast<R_xlen_t>(d) * d * K);
  for (int k = 0; k < K; ++k) {
    w[k] = g.weights[k];
    for (int a = 0; a < d; ++a) mu(k, a) = g.means(a, k);
    for (int a = 0; a < d; ++a)
      for (int b = 0; b < d; ++b) cv[static_cast<R_xlen_t>(k) * d * d + static_cast<R_xlen_t>(b) * d + a] = g.covs[k](a, b);
  }
  cv.attr("dim") = Rcpp::IntegerVector::create(d, d, K);
  return Rcpp::List::create(Rcpp::Named("weights") = w, Rcpp::Named("means") = mu,
                            Rcpp::Named("covariances") = cv);
}

// ---- results and option names ----

// A Monte Carlo result (gmmmi::McResult: value, std_error, n) as a named vector.
template <class McResult>
Rcpp::NumericVector mc_to_r(const McResult& r) {
  return Rcpp::NumericVector::create(Rcpp::Named("value") = r.value, Rcpp::Named("std_error") = r.std_error,
                                     Rcpp::Named("n") = r.n);
}

inline gmmmi::InitMethod init_method(const std::string& s) {
  if (s == "random") return gmmmi::InitMethod::Random;
  if (s == "kmeans") return gmmmi::InitMethod::Kmeans;
  if (s == "randomized_kmeans") return gmmmi::InitMethod::RandomizedKmeans;
  if (s == "minmax") return gmmmi::InitMethod::Minmax;
  Rcpp::stop("internal: unknown init method");
}

inline gmmmi::knn::Norm norm_arg(const std::string& norm) {
  if (norm == "max") return gmmmi::knn::Norm::Max;
  if (norm == "euclidean") return gmmmi::knn::Norm::Euclidean;
  Rcpp::stop("internal: unknown norm");
}

}  // namespace gmmmi_r

#endif
