// Starting models for EM (em.hpp): an M-step from given responsibilities, k-means with
// k-means++ seeding, and em_initialise by EmOptions::init (random responsibilities, k-means,
// randomized k-means, min-max), each followed by fix_model (em_repair.hpp).
//   em_initialise(X, n, d, w, K, opt, rng [, ex])   starting model by opt.init
//   em_init_responsibilities(X, n, d, w, R, K, opt)  starting model from given responsibilities
#ifndef GMMMI_EM_INIT_HPP
#define GMMMI_EM_INIT_HPP

#include <Eigen/Dense>
#include <algorithm>
#include <cmath>
#include <cstddef>
#include <cstring>
#include <limits>
#include <numeric>
#include <vector>

#include "em_options.hpp"
#include "em_repair.hpp"
#include "gmm.hpp"
#include "parallel.hpp"
#include "rng.hpp"

namespace gmmmi {

namespace em_detail {

// M-step from responsibilities R (K x n, column-major) in data space (two passes, serial).
// Components with no mass get weight 0 (fix_model repairs them).
inline Gmm mstep_resp(const double* X, std::size_t n, int d, const double* w, const double* R,
                      int K, double reg) {
  Gmm g(K, d);
  Vec Nk = Vec::Zero(K);
  g.means.setZero();
  for (std::size_t i = 0; i < n; ++i) {
    const double wi = row_weight(w, i);
    if (wi == 0.0) continue;
    for (int k = 0; k < K; ++k) {
      const double r = wi * R[i * K + k];
      if (r == 0.0) continue;
      Nk[k] += r;
      for (int j = 0; j < d; ++j) g.means(j, k) += r * X[i * d + j];
    }
  }
  for (int k = 0; k < K; ++k) {
    if (Nk[k] > 0.0) g.means.col(k) /= Nk[k];
    g.covs[k].setZero();
  }
  Vec diff(d);
  for (std::size_t i = 0; i < n; ++i) {
    const double wi = row_weight(w, i);
    if (wi == 0.0) continue;
    for (int k = 0; k < K; ++k) {
      const double r = wi * R[i * K + k];
      if (r == 0.0) continue;
      for (int j = 0; j < d; ++j) diff[j] = X[i * d + j] - g.means(j, k);
      g.covs[k].selfadjointView<Eigen::Lower>().rankUpdate(diff, r);
    }
  }
  const double W = Nk.sum();
  for (int k = 0; k < K; ++k) {
    Mat c = g.covs[k].selfadjointView<Eigen::Lower>();
    if (Nk[k] > 0.0) c /= Nk[k];
    c.diagonal().array() += reg;
    g.covs[k] = c;
    g.weights[k] = W > 0.0 ? Nk[k] / W : 0.0;
  }
  return g;
}

// k-means with k-means++ seeding (weighted); returns labels and centres (d x K).
inline void kmeans(const double* X, std::size_t n, int d, const double* w, int K, Stream& rng,
                   std::vector<int>& labels, Mat& centres, const Executor& ex,
                   int max_iter = 300, double tol = 1e-4) {
  centres.resize(d, K);
  std::vector<double> p(n), d2(n, std::numeric_limits<double>::infinity());
  double tot = 0.0;
  for (std::size_t i = 0; i < n; ++i) tot += (p[i] = row_weight(w, i));
  std::size_t idx = sample_index(p, tot, rng);
  for (int j = 0; j < d; ++j) centres(j, 0) = X[idx * d + j];
  for (int k = 1; k < K; ++k) {
    double s = 0.0;
    for (std::size_t i = 0; i < n; ++i) {
      double dist = 0.0;
      for (int j = 0; j < d; ++j) {
        const double t = X[i * d + j] - centres(j, k - 1);
        dist += t * t;
      }
      if (dist < d2[i]) d2[i] = dist;
      s += (p[i] = row_weight(w, i) * d2[i]);
    }
    if (s > 0.0) {
      idx = sample_index(p, s, rng);
    } else {  // fewer distinct points than K: pick any row
      for (std::size_t i = 0; i < n; ++i) p[i] = row_weight(w, i);
      idx = sample_index(p, tot, rng);
    }
    for (int j = 0; j < d; ++j) centres(j, k) = X[idx * d + j];
  }
  labels.assign(n, -1);
  Mat sums(d, K);
  Vec mass(K);
  // stop when no label changes, or when the centres move by less than tol x the average
  // variance of the data (squared distance, summed over centres), as scikit-learn does
  double var_scale = 0.0;
  {
    Vec m;
    Mat cv;
    data_moments(X, n, d, w, m, cv);
    var_scale = cv.trace() / d;
  }
  // Lloyd iterations: assignment and per-block centroid sums in one parallel pass over fixed
  // row blocks, reduced in block order (the same result for any executor)
  const Blocks blocks(n, 2048);
  const std::size_t stride = static_cast<std::size_t>(K) * (d + 1) + 1;
  std::vector<double> part(blocks.count * stride);
  for (int it = 0; it < max_iter; ++it) {
    check_cancel();
    std::fill(part.begin(), part.end(), 0.0);
    const std::vector<double> cf(centres.data(), centres.data() + static_cast<std::size_t>(K) * d);
    parallel_for(ex, blocks.count, 1, [&](std::size_t b) {
      double* pb = part.data() + b * stride;  // K sums (d each), K masses, changed flag
      double* pm = pb + static_cast<std::size_t>(K) * d;
      const double* C = cf.data();
      for (std::size_t i = blocks.begin(b); i < blocks.end(b); ++i) {
        const double* x = X + i * d;
        int best = 0;
        double bd = std::numeric_limits<double>::infinity();
        for (int k = 0; k < K; ++k) {
          const double* c = C + static_cast<std::size_t>(k) * d;
          double dist = 0.0;
          for (int j = 0; j < d; ++j) {
            const double t = x[j] - c[j];
            dist += t * t;
          }
          const bool lt = dist < bd;  // branch-free selection
          bd = lt ? dist : bd;
          best = lt ? k : best;
        }
        if (labels[i] != best) {
          labels[i] = best;
          pm[K] = 1.0;
        }
        const double wi = row_weight(w, i);
        if (wi == 0.0) continue;
        pm[best] += wi;
        for (int j = 0; j < d; ++j) pb[best * d + j] += wi * x[j];
      }
    });
    bool changed = false;
    sums.setZero();
    mass.setZero();
    for (std::size_t b = 0; b < blocks.count; ++b) {
      const double* pb = part.data() + b * stride;
      const double* pm = pb + static_cast<std::size_t>(K) * d;
      for (int k = 0; k < K; ++k) {
        for (int j = 0; j < d; ++j) sums(j, k) += pb[k * d + j];
        mass[k] += pm[k];
      }
      if (pm[K] != 0.0) changed = true;
    }
    if (!changed) break;
    double shift = 0.0;
    for (int k = 0; k < K; ++k)
      if (mass[k] > 0.0) {
        const Vec nc = sums.col(k) / mass[k];
        shift += (nc - centres.col(k)).squaredNorm();
        centres.col(k) = nc;
      }
    if (shift <= tol * var_scale) break;
  }
}

inline Gmm init_kmeans(const double* X, std::size_t n, int d, const double* w, int K, double reg,
                       Stream& rng, const Executor& ex) {
  std::vector<int> labels;
  Mat centres;
  kmeans(X, n, d, w, K, rng, labels, centres, ex);
  Gmm g(K, d);
  Vec mass = Vec::Zero(K);
  for (int k = 0; k < K; ++k) g.covs[k].setZero();
  double W = 0.0;
  Vec diff(d);
  for (std::size_t i = 0; i < n; ++i) {
    const double wi = row_weight(w, i);
    if (wi == 0.0) continue;
    const int k = labels[i];
    W += wi;
    mass[k] += wi;
    for (int j = 0; j < d; ++j) diff[j] = X[i * d + j] - centres(j, k);
    g.covs[k].selfadjointView<Eigen::Lower>().rankUpdate(diff, wi);
  }
  for (int k = 0; k < K; ++k) {
    // weight = cluster share; covariance = cluster scatter / total weight (i.e. shrunk by the share)
    Mat c = g.covs[k].selfadjointView<Eigen::Lower>();
    c /= W;
    c.diagonal().array() += reg;
    g.covs[k] = c;
    g.means.col(k) = centres.col(k);
    g.weights[k] = mass[k] / W;
  }
  return g;
}

}  // namespace em_detail

// Starting model from given responsibilities R (K x n, column-major: column i holds point i's
// K responsibilities): one M-step (plus regularisation and repairs).
inline Gmm em_init_responsibilities(const double* X, std::size_t n, int d, const double* w,
                                    const double* R, int K, const EmOptions& opt,
                                    std::vector<RecoveryEvent>* events = nullptr) {
  Gmm g = em_detail::mstep_resp(X, n, d, w, R, K, opt.reg_covar);
  em_detail::fix_model(g, X, n, d, w, opt.reg_covar, nullptr, events);
  return g;
}

// Starting model by opt.init, from the stream rng; ex parallelises the k-means step over row
// blocks (the result does not depend on it).
inline Gmm em_initialise(const double* X, std::size_t n, int d, const double* w, int K,
                         const EmOptions& opt, Stream& rng, const Executor& ex) {
  if (K < 1 || d < 1 || n < 1) throw InputError("em_initialise: need K >= 1, d >= 1, n >= 1");
  Gmm g;
  switch (opt.init) {
    case InitMethod::Random: {
      std::vector<double> R(static_cast<std::size_t>(K) * n);
      for (std::size_t i = 0; i < n; ++i) {
        double s = 0.0;
        for (int k = 0; k < K; ++k) s += (R[i * K + k] = rng.uniform());
        for (int k = 0; k < K; ++k) R[i * K + k] /= s;
      }
      g = em_detail::mstep_resp(X, n, d, w, R.data(), K, opt.reg_covar);
      break;
    }
    case InitMethod::Kmeans:
      g = em_detail::init_kmeans(X, n, d, w, K, opt.reg_covar, rng, ex);
      break;
    case InitMethod::RandomizedKmeans: {
      g = em_detail::init_kmeans(X, n, d, w, K, opt.reg_covar, rng, ex);
      Vec z(d);
      for (int k = 0; k < K; ++k) {
        for (int j = 0; j < d; ++j) z[j] = rng.normal();
        Eigen::LLT<Mat> llt(g.covs[k]);
        if (llt.info() == Eigen::Success) {
          const Vec dz = llt.matrixL() * z;
          g.means.col(k) += opt.scale * dz;
        }
      }
      break;
    }
    case InitMethod::Minmax: {
      Vec lo = Vec::Constant(d, std::numeric_limits<double>::infinity());
      Vec hi = Vec::Constant(d, -std::numeric_limits<double>::infinity());
      for (std::size_t i = 0; i < n; ++i) {
        if (em_detail::row_weight(w, i) == 0.0) continue;
        for (int j = 0; j < d; ++j) {
          lo[j] = std::min(lo[j], X[i * d + j]);
          hi[j] = std::max(hi[j], X[i * d + j]);
        }
      }
      // ball of volume V / K: pi^(d/2) / Gamma(d/2 + 1) s^d = V / K
      double logV = 0.0;
      for (int j = 0; j < d; ++j) {
        const double r = hi[j] - lo[j];
        logV += std::log(r > 0.0 ? r : 1.0);
      }
      const double logs = (logV - std::log(static_cast<double>(K)) + std::lgamma(d / 2.0 + 1.0) -
                           0.5 * d * std::log(3.14159265358979323846)) / d;
      const double s2 = std::exp(2.0 * logs);
      g = Gmm(K, d);
      for (int k = 0; k < K; ++k) {
        for (int j = 0; j < d; ++j) g.means(j, k) = lo[j] + (hi[j] - lo[j]) * rng.uniform();
        g.covs[k] = Mat::Identity(d, d) * (s2 + opt.reg_covar);
      }
      break;
    }
  }
  em_detail::fix_model(g, X, n, d, w, opt.reg_covar, &rng, nullptr);
  return g;
}

inline Gmm em_initialise(const double* X, std::size_t n, int d, const double* w, int K,
                         const EmOptions& opt, Stream& rng) {
  SerialExecutor serial;
  return em_initialise(X, n, d, w, K, opt, rng, serial);
}

}  // namespace gmmmi

#endif  // GMMMI_EM_INIT_HPP
