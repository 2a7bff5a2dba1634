// Glue for the kNN estimators (inst/include/gmmmi/knn.hpp). Converts once, on the main thread.
#include "executor.h"
#include <gmmmi/knn.hpp>
#include <gmmmi/ksg.hpp>
#include <gmmmi/mixed.hpp>

namespace {
gmmmi::knn::Norm norm_arg(const std::string& norm) {
  if (norm == "max") return gmmmi::knn::Norm::Max;
  if (norm == "euclidean") return gmmmi::knn::Norm::Euclidean;
  Rcpp::stop("internal: unknown norm");
}
std::vector<double> rows_of(const Rcpp::NumericMatrix& x) {
  return gmmmi::knn::to_row_major(x.begin(), x.nrow(), x.ncol());
}
}  // namespace

// [[Rcpp::export(.knn_search)]]
Rcpp::List knn_search(Rcpp::NumericMatrix x, int k, std::string norm, int n_threads, bool brute) {
  const std::size_t n = x.nrow(), d = x.ncol();
  std::vector<double> rows = rows_of(x);
  std::vector<double> meas(n * k);
  std::vector<std::size_t> index(n * k);
  const gmmmi::knn::Norm nm = norm_arg(norm);
  if (brute) {
    gmmmi::knn::brute_knn(rows.data(), n, d, k, nm, meas.data(), index.data());
  } else {
    gmmmi_r::ParallelExecutor ex(n_threads);
    gmmmi::knn::all_knn(rows.data(), n, d, k, nm, ex, meas.data(), index.data());
  }
  Rcpp::NumericMatrix dist(n, k);
  Rcpp::IntegerMatrix idx(n, k);
  for (std::size_t i = 0; i < n; ++i)
    for (int j = 0; j < k; ++j) {
      const double m = meas[i * k + j];
      dist(i, j) = nm == gmmmi::knn::Norm::Euclidean ? std::sqrt(m) : m;
      idx(i, j) = static_cast<int>(index[i * k + j]) + 1;
    }
  return Rcpp::List::create(Rcpp::Named("distance") = dist, Rcpp::Named("index") = idx);
}

// Radii are given as measures (max-norm distance, or squared Euclidean distance).
// [[Rcpp::export(.knn_count)]]
Rcpp::IntegerVector knn_count(Rcpp::NumericMatrix x, Rcpp::NumericVector r, bool strict,
                              std::string norm, int n_threads) {
  const std::size_t n = x.nrow(), d = x.ncol();
  std::vector<double> rows = rows_of(x);
  std::vector<double> rr(r.begin(), r.end());
  std::vector<std::size_t> out(n);
  gmmmi_r::ParallelExecutor ex(n_threads);
  gmmmi::knn::all_counts(rows.data(), n, d, rr.data(), strict, norm_arg(norm), ex, out.data());
  return Rcpp::IntegerVector(out.begin(), out.end());
}

// [[Rcpp::export(.ksg_core)]]
Rcpp::List ksg_core(Rcpp::NumericMatrix x, Rcpp::NumericMatrix y, int k, int variant, int n_threads) {
  const std::size_t n = x.nrow();
  gmmmi_r::ParallelExecutor ex(n_threads);
  gmmmi::knn::KsgResult r;
  if (x.ncol() == 1 && y.ncol() == 1) {
    r = gmmmi::knn::ksg_1d(x.begin(), y.begin(), n, k, variant, ex);
  } else {
    std::vector<double> rx = rows_of(x), ry = rows_of(y);
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
  std::vector<double> rx = rows_of(x), ry = rows_of(y), rz = rows_of(z);
  gmmmi_r::ParallelExecutor ex(n_threads);
  gmmmi::knn::CmiResult r = gmmmi::knn::ksg_cmi(rx.data(), x.ncol(), ry.data(), y.ncol(), rz.data(),
                                                z.ncol(), x.nrow(), k, ex);
  return Rcpp::List::create(Rcpp::Named("estimate") = r.estimate,
                            Rcpp::Named("zero_radius") = static_cast<double>(r.zero_radius),
                            Rcpp::Named("duplicates") = static_cast<double>(r.duplicates));
}

// Serial 1-D entry point (the one sliced MI uses per slice), exposed for tests.
// [[Rcpp::export(.ksg_1d_serial)]]
double ksg_1d_serial(Rcpp::NumericVector x, Rcpp::NumericVector y, int k, int variant) {
  return gmmmi::knn::ksg_1d(x.begin(), y.begin(), x.size(), k, variant);
}

// [[Rcpp::export(.kl_sums)]]
Rcpp::List kl_sums(Rcpp::NumericMatrix x, int k, std::string norm, int n_threads) {
  std::vector<double> rows = rows_of(x);
  gmmmi_r::ParallelExecutor ex(n_threads);
  gmmmi::knn::KlSums s =
      gmmmi::knn::kl_log_distance_sums(rows.data(), x.nrow(), x.ncol(), k, norm_arg(norm), ex);
  Rcpp::NumericVector z(s.zeros.begin(), s.zeros.end());
  return Rcpp::List::create(Rcpp::Named("sum_log") = Rcpp::wrap(s.sum_log), Rcpp::Named("zeros") = z);
}

// cls: integer codes 1..n_classes (as from a factor).
// [[Rcpp::export(.mixed_core)]]
Rcpp::List mixed_core(Rcpp::NumericMatrix y, Rcpp::IntegerVector cls, int n_classes, int k,
                      std::string norm, int n_threads) {
  std::vector<double> rows = rows_of(y);
  std::vector<int> c(cls.begin(), cls.end());
  for (std::size_t i = 0; i < c.size(); ++i) c[i] -= 1;
  gmmmi_r::ParallelExecutor ex(n_threads);
  gmmmi::knn::MixedResult r = gmmmi::knn::mixed_ross(rows.data(), y.nrow(), y.ncol(), c.data(),
                                                     n_classes, k, norm_arg(norm), ex);
  return Rcpp::List::create(Rcpp::Named("estimate") = r.estimate,
                            Rcpp::Named("n_used") = static_cast<double>(r.n_used),
                            Rcpp::Named("n_dropped") = static_cast<double>(r.n_dropped),
                            Rcpp::Named("zero_radius") = static_cast<double>(r.zero_radius),
                            Rcpp::Named("duplicates") = static_cast<double>(r.duplicates));
}

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
