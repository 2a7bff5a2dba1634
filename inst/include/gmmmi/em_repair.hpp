// Keeping a mixture usable during EM (em.hpp, em_init.hpp): per-row weights, the weighted
// moments of the data (the scale of regularisation fallbacks), the positive-definiteness test
// cov_ok (scale-invariant, condition number up to ~1e14) and fix_model, which repairs a starting
// model (re-seeds components without weight, raises the regularisation of unusable covariances)
// and records RecoveryEvents.
#ifndef GMMMI_EM_REPAIR_HPP
#define GMMMI_EM_REPAIR_HPP

#include <Eigen/Dense>
#include <algorithm>
#include <cmath>
#include <cstddef>
#include <cstring>
#include <limits>
#include <numeric>
#include <vector>

#include "em_options.hpp"
#include "gmm.hpp"
#include "rng.hpp"
#include "simd.hpp"

namespace gmmmi {

namespace em_detail {

inline double row_weight(const double* w, std::size_t i) { return w ? w[i] : 1.0; }

inline double total_weight(const double* w, std::size_t n) {
  if (!w) return static_cast<double>(n);
  double s = 0.0;
  for (std::size_t i = 0; i < n; ++i) s += w[i];
  return s;
}

// Weighted mean and covariance of the data (two passes, serial; the second accumulates the
// lower triangle of the centred cross-products row by row). D > 0: d known at compile time.
template <int D>
inline void data_moments_impl(const double* X, std::size_t n, int dd, const double* w, Vec& mean,
                              Mat& cov) {
  const int d = D > 0 ? D : dd;
  mean = Vec::Zero(d);
  cov = Mat::Zero(d, d);
  double W = 0.0;
  std::vector<double> mu(d, 0.0), r(d), tri(static_cast<std::size_t>(d) * (d + 1) / 2, 0.0);
  for (std::size_t i = 0; i < n; ++i) {
    const double wi = row_weight(w, i);
    if (wi == 0.0) continue;
    W += wi;
    const double* x = X + i * d;
    for (int j = 0; j < d; ++j) mu[j] += wi * x[j];
  }
  if (!(W > 0.0)) return;
  for (int j = 0; j < d; ++j) mu[j] /= W;
  for (std::size_t i = 0; i < n; ++i) {
    const double wi = row_weight(w, i);
    if (wi == 0.0) continue;
    const double* x = X + i * d;
    for (int j = 0; j < d; ++j) r[j] = x[j] - mu[j];
    double* t = tri.data();
    for (int j = 0; j < d; ++j) {
      const double wr = wi * r[j];
      for (int l = 0; l <= j; ++l) *t++ += wr * r[l];
    }
  }
  const double* t = tri.data();
  for (int j = 0; j < d; ++j) {
    mean[j] = mu[j];
    for (int l = 0; l <= j; ++l, ++t) cov(j, l) = cov(l, j) = *t / W;
  }
}

inline void data_moments(const double* X, std::size_t n, int d, const double* w, Vec& mean, Mat& cov) {
  with_dim<3>(d, [&](auto D) { data_moments_impl<decltype(D)::value>(X, n, d, w, mean, cov); });
}

// Weighted variance of every column (the scale of regularisation fallbacks); entries that are
// not positive and finite become 1.
inline Vec data_var(const double* X, std::size_t n, int d, const double* w) {
  Vec m;
  Mat c;
  data_moments(X, n, d, w, m, c);
  Vec v = c.diagonal();
  for (int j = 0; j < d; ++j)
    if (!(v[j] > 0.0) || !std::isfinite(v[j])) v[j] = 1.0;
  return v;
}

// True when cov is numerically positive definite: finite, a Cholesky factor with diagonal in
// (1e-150, 1e150), and a correlation matrix whose Cholesky diagonal stays above 1e-7 (condition
// number below about 1e14, so the smallest eigenvalue is not lost in rounding). The test is
// invariant to rescaling the coordinates.
inline bool cov_ok(const Mat& cov) {
  if (!cov.allFinite()) return false;
  const int d = static_cast<int>(cov.rows());
  double stackbuf[3 * 16 + 4];
  std::vector<double> heap;
  double* buf = stackbuf;
  if (d > 4) {
    heap.resize(3 * static_cast<std::size_t>(d) * d + d);
    buf = heap.data();
  }
  double* R = buf;
  double* L = R + static_cast<std::size_t>(d) * d;
  double* s = L + static_cast<std::size_t>(d) * d;
  const double* A = cov.data();
  for (int j = 0; j < d; ++j) {
    const double v = A[j + j * d];
    if (!(v > 1e-300) || !(v < 1e300)) return false;
    s[j] = 1.0 / std::sqrt(v);
  }
  if (d > 1) {
    for (int j = 0; j < d; ++j)
      for (int i = 0; i < d; ++i) R[i + j * d] = s[i] * A[i + j * d] * s[j];
    if (!small::cholesky(R, d, L)) return false;
    for (int j = 0; j < d; ++j) {
      const double v = L[j + j * d];
      if (!(v > 1e-7) || !std::isfinite(v)) return false;
    }
  }
  if (!small::cholesky(A, d, L)) return false;
  for (int j = 0; j < d; ++j) {
    const double v = L[j + j * d];
    if (!(v > 1e-150) || !(v < 1e150)) return false;
  }
  return true;
}

// Sample a row index with probability proportional to p[i] (p >= 0, total > 0).
inline std::size_t sample_index(const std::vector<double>& p, double total, Stream& rng) {
  const double u = rng.uniform() * total;
  double acc = 0.0;
  std::size_t last = 0;
  for (std::size_t i = 0; i < p.size(); ++i) {
    if (p[i] <= 0.0) continue;
    acc += p[i];
    last = i;
    if (acc > u) return i;
  }
  return last;
}

// Make every weight positive (renormalised) and every covariance usable; used for starting
// models. Events (iteration 0) are appended when events != nullptr.
inline void fix_model(Gmm& g, const double* X, std::size_t n, int d, const double* w, double reg,
                      Stream* rng, std::vector<RecoveryEvent>* events) {
  Vec var;  // column variances, computed when first needed
  auto get_var = [&]() -> const Vec& {
    if (var.size() == 0) var = data_var(X, n, d, w);
    return var;
  };
  for (int k = 0; k < g.K; ++k) {
    bool bad_weight = !(g.weights[k] > 0.0) || !std::isfinite(g.weights[k]) ||
                      !g.means.col(k).allFinite();
    if (bad_weight) {
      // re-seed at a data row
      std::size_t idx = 0;
      if (rng) {
        std::vector<double> p(n);
        double tot = 0.0;
        for (std::size_t i = 0; i < n; ++i) tot += (p[i] = row_weight(w, i));
        idx = sample_index(p, tot, *rng);
      } else {
        for (std::size_t i = 0; i < n; ++i)
          if (row_weight(w, i) > 0.0) { idx = i; break; }
      }
      for (int j = 0; j < d; ++j) g.means(j, k) = X[idx * d + j];
      g.weights[k] = 1.0 / g.K;
      g.covs[k] = Mat(get_var().asDiagonal()) * std::pow(1.0 / g.K, 2.0 / d);
      g.covs[k].diagonal().array() += reg;
      if (events) events->push_back(RecoveryEvent{0, k, 1});
    }
    if (!cov_ok(g.covs[k])) {
      if (!g.covs[k].allFinite()) g.covs[k] = Mat(get_var().asDiagonal());
      const Mat base = g.covs[k];
      double eps = 1e-10;
      bool ok = false;
      for (int t = 0; t < 12 && !ok; ++t, eps *= 10.0) {
        g.covs[k] = base;
        g.covs[k].diagonal() += eps * get_var();
        ok = cov_ok(g.covs[k]);
      }
      if (!ok) g.covs[k] = Mat(get_var().asDiagonal());
      if (events) events->push_back(RecoveryEvent{0, k, 2});
    }
  }
  g.weights /= g.weights.sum();
}

}  // namespace em_detail

}  // namespace gmmmi

#endif  // GMMMI_EM_REPAIR_HPP
