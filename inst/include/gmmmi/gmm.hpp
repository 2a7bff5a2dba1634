// Gaussian mixture model: parameters, derived quantities, densities, sampling, marginals.
//
// Data layout throughout the core: a data set of n points in d dimensions is a column-major
// d x n array, i.e. each point's d coordinates are contiguous (the transpose of R's n x d matrix;
// src/ transposes once). Components are stored as a d x K matrix of means and K d x d covariances.
// prepare() derives, for each component, the inverse Cholesky factor U (U * cov * U' = I, lower
// triangular), b = U * mean and log|cov|, so that
//   log N(x; mean_k, cov_k) = -0.5 * (d log 2pi + logdet_k + ||U_k x - b_k||^2).
#ifndef GMMMI_GMM_HPP
#define GMMMI_GMM_HPP

#include <Eigen/Dense>
#include <algorithm>
#include <cmath>
#include <limits>
#include <vector>

#include "parallel.hpp"
#include "rng.hpp"

namespace gmmmi {

using Mat = Eigen::MatrixXd;
using Vec = Eigen::VectorXd;
using MapMat = Eigen::Map<Mat>;
using CMapMat = Eigen::Map<const Mat>;

constexpr double kLog2Pi = 1.8378770664093454835606594728112;

// Small dense kernels on column-major d x d arrays (entry (i, j) at i + j d), without allocation:
// EM calls them for every component at every iteration, where Eigen's dynamic-size temporaries
// would cost more than the arithmetic.
namespace small {

// Lower Cholesky factor L of the symmetric matrix A (only its lower triangle is read); the upper
// triangle of L is set to 0. False when a pivot is not positive and finite (L is then partial).
inline bool cholesky(const double* A, int d, double* L) {
  for (int j = 0; j < d; ++j) {
    double s = A[j + j * d];
    for (int l = 0; l < j; ++l) s -= L[j + l * d] * L[j + l * d];
    if (!(s > 0.0) || !std::isfinite(s)) return false;
    const double ljj = std::sqrt(s);
    L[j + j * d] = ljj;
    for (int i = 0; i < j; ++i) L[i + j * d] = 0.0;
    for (int i = j + 1; i < d; ++i) {
      double t = A[i + j * d];
      for (int l = 0; l < j; ++l) t -= L[i + l * d] * L[j + l * d];
      L[i + j * d] = t / ljj;
    }
  }
  return true;
}

// U = L^{-1} for a lower-triangular L with a positive diagonal (U is lower triangular).
inline void tri_inverse(const double* L, int d, double* U) {
  for (int j = 0; j < d; ++j) {
    for (int i = 0; i < j; ++i) U[i + j * d] = 0.0;
    U[j + j * d] = 1.0 / L[j + j * d];
    for (int i = j + 1; i < d; ++i) {
      double t = 0.0;
      for (int l = j; l < i; ++l) t += L[i + l * d] * U[l + j * d];
      U[i + j * d] = -t / L[i + i * d];
    }
  }
}

}  // namespace small

struct Gmm {
  int K = 0, d = 0;
  Vec weights;             // K, sum to 1
  Mat means;               // d x K
  std::vector<Mat> covs;   // K matrices d x d
  // derived by prepare()
  std::vector<Mat> chol;      // lower Cholesky factor L_k (cov = L L')
  std::vector<Mat> prec_chol; // U_k = L_k^{-1}, lower triangular
  Mat prec_mean;              // d x K, column k = U_k * mean_k
  Vec log_weights;            // K
  Vec log_norm;               // K: log w_k - 0.5 (d log 2pi + logdet_k)

  Gmm() {}
  Gmm(int K_, int d_) : K(K_), d(d_), weights(Vec::Constant(K_, 1.0 / K_)), means(Mat::Zero(d_, K_)),
                        covs(K_, Mat::Identity(d_, d_)) {}

  // Compute the derived quantities. Returns false (and leaves the model unusable) when a
  // covariance is not positive definite or a weight is not positive and finite.
  bool prepare() {
    if (static_cast<int>(chol.size()) != K) {
      chol.assign(K, Mat(d, d));
      prec_chol.assign(K, Mat(d, d));
    }
    prec_mean.resize(d, K);
    log_weights.resize(K);
    log_norm.resize(K);
    for (int k = 0; k < K; ++k) {
      if (!(weights[k] > 0.0) || !std::isfinite(weights[k])) return false;
      chol[k].resize(d, d);
      prec_chol[k].resize(d, d);
      if (covs[k].rows() != d || covs[k].cols() != d) return false;
      if (!small::cholesky(covs[k].data(), d, chol[k].data())) return false;
      double logdet = 0.0;
      for (int j = 0; j < d; ++j) logdet += 2.0 * std::log(chol[k](j, j));
      small::tri_inverse(chol[k].data(), d, prec_chol[k].data());
      const double* U = prec_chol[k].data();
      for (int i = 0; i < d; ++i) {
        double t = 0.0;
        for (int l = 0; l <= i; ++l) t += U[i + l * d] * means(l, k);
        prec_mean(i, k) = t;
      }
      log_weights[k] = std::log(weights[k]);
      log_norm[k] = log_weights[k] - 0.5 * (d * kLog2Pi + logdet);
      if (!std::isfinite(log_norm[k])) return false;
    }
    return true;
  }

  // Marginal mixture over the coordinates in dims (same weights, sub-blocks of means/covs).
  Gmm marginal(const std::vector<int>& dims) const {
    const int m = static_cast<int>(dims.size());
    Gmm g(K, m);
    g.weights = weights;
    for (int k = 0; k < K; ++k) {
      for (int a = 0; a < m; ++a) {
        g.means(a, k) = means(dims[a], k);
        for (int b = 0; b < m; ++b) g.covs[k](a, b) = covs[k](dims[a], dims[b]);
      }
    }
    return g;
  }

  // Number of free parameters (for AIC/BIC): (K-1) + K d + K d (d+1) / 2.
  double n_parameters() const { return (K - 1) + K * d + K * d * (d + 1) / 2.0; }
};

// The mixture of the variables x = center + scale * u (per coordinate) when g is the mixture of
// u: means scaled and shifted, covariances D C D with D = diag(scale). Undoes a standardisation
// (stats.hpp). The derived quantities are not computed (call prepare() to evaluate it).
inline Gmm unstandardised(const Gmm& g, const std::vector<double>& center, const std::vector<double>& scale) {
  Gmm out(g.K, g.d);
  out.weights = g.weights;
  for (int k = 0; k < g.K; ++k) {
    for (int a = 0; a < g.d; ++a) out.means(a, k) = g.means(a, k) * scale[a] + center[a];
    for (int a = 0; a < g.d; ++a)
      for (int b = 0; b < g.d; ++b) out.covs[k](a, b) = (scale[a] * g.covs[k](a, b)) * scale[b];
  }
  return out;
}

// Per-component log of weight times density, for points X (d x n, column-major):
// out is K x n (column i holds the K values of point i). Requires g.prepare().
inline void component_log_dens(const Gmm& g, const double* X, std::size_t n, Mat& out) {
  CMapMat Xm(X, g.d, static_cast<Eigen::Index>(n));
  out.resize(g.K, static_cast<Eigen::Index>(n));
  Mat Z(g.d, static_cast<Eigen::Index>(n));
  for (int k = 0; k < g.K; ++k) {
    Z.noalias() = g.prec_chol[k].triangularView<Eigen::Lower>() * Xm;
    Z.colwise() -= g.prec_mean.col(k);
    out.row(k) = (Z.colwise().squaredNorm().array() * -0.5 + g.log_norm[k]).matrix();
  }
}

// log-sum-exp of each column of A (K x n) into out[i].
inline void log_sum_exp_cols(const Mat& A, double* out) {
  const Eigen::Index K = A.rows();
  for (Eigen::Index i = 0; i < A.cols(); ++i) {
    const double* a = A.data() + i * K;
    double mx = a[0];
    for (Eigen::Index k = 1; k < K; ++k) mx = a[k] > mx ? a[k] : mx;
    if (!std::isfinite(mx)) {
      out[i] = mx;
      continue;
    }
    double s = 0.0;
    for (Eigen::Index k = 0; k < K; ++k) s += std::exp(a[k] - mx);
    out[i] = mx + std::log(s);
  }
}

// log p(x_i) for each point (serial). Requires g.prepare().
inline void log_density(const Gmm& g, const double* X, std::size_t n, double* out) {
  const std::size_t block = 4096;
  Mat L;
  for (std::size_t b = 0; b < n; b += block) {
    const std::size_t m = std::min(block, n - b);
    component_log_dens(g, X + b * g.d, m, L);
    log_sum_exp_cols(L, out + b);
  }
}

// log p(x_i) in parallel over fixed row blocks (identical to the serial result).
inline void log_density(const Gmm& g, const double* X, std::size_t n, double* out,
                        const Executor& ex) {
  Blocks blocks(n, 4096);
  parallel_for(ex, blocks.count, 1, [&](std::size_t b) {
    Mat L;
    const std::size_t s = blocks.begin(b), m = blocks.end(b) - s;
    component_log_dens(g, X + s * g.d, m, L);
    log_sum_exp_cols(L, out + s);
  });
}

// Draw n points (written as d x n into out) from the mixture; also the component of each point
// when labels != nullptr. Component by inverse-CDF on the weights, then mean + L z.
// Requires g.prepare() (for chol).
inline void sample(const Gmm& g, Stream& rng, std::size_t n, double* out, int* labels = nullptr) {
  std::vector<double> cdf(g.K);
  double acc = 0.0;
  for (int k = 0; k < g.K; ++k) cdf[k] = (acc += g.weights[k]);
  Vec z(g.d);
  for (std::size_t i = 0; i < n; ++i) {
    const double u = rng.uniform() * acc;
    int k = static_cast<int>(std::upper_bound(cdf.begin(), cdf.end(), u) - cdf.begin());
    if (k >= g.K) k = g.K - 1;
    for (int j = 0; j < g.d; ++j) z[j] = rng.normal();
    Eigen::Map<Vec> xi(out + i * g.d, g.d);
    xi.noalias() = g.means.col(k) + g.chol[k].triangularView<Eigen::Lower>() * z;
    if (labels) labels[i] = k;
  }
}

}  // namespace gmmmi

#endif  // GMMMI_GMM_HPP
