// EM for full-covariance Gaussian mixtures, in log space, with per-row weights.
//
// Data X: column-major d x n (each point's d coordinates contiguous). w: per-row non-negative
// weights, or nullptr for all ones. Integer weights give the fit of the data with rows repeated
// (up to floating-point summation order), which is how bootstrap resamples are fitted without
// copying; rows with weight 0 are skipped.
//
// One EM iteration is a single fused pass over fixed row blocks: for every point the E-step
// computes the whitened residuals z_k = U_k (x - mu_k) (U_k the inverse Cholesky factor of
// component k), the log densities, the log-sum-exp and the responsibilities r_k, and accumulates
// the M-step's sufficient statistics in the whitened coordinates of the current model:
//   N_k = sum w r_k,  s_k = sum w r_k z_k,  S_k = sum w r_k z_k z_k'.
// The M-step maps them back: zbar = s_k / N_k, mu_k' = mu_k + L_k zbar,
//   Sigma_k' = L_k (S_k / N_k - zbar zbar') L_k' + reg I.
// Whitened moments are close to (0, I) near convergence, so there is no catastrophic
// cancellation as with raw moments. Each block writes its own statistics; blocks are added in
// block order on the calling thread, so results are bitwise identical for any executor.
//
// Recovery (never crash, never NaN): a component whose mass N_k falls below
// 1e-10 * sum(w) (or whose statistics are not finite) is re-seeded at the worst-explained point
// not yet used (mean = that point, covariance = the weighted average covariance of the healthy
// components, weight = 1/K before renormalising): RecoveryEvent kind 1. A covariance that is not
// numerically positive definite gets a larger, persistent per-component regularisation
// (10x steps starting from 1e-10 x the data's average variance): kind 2.
#ifndef GMMMI_EM_HPP
#define GMMMI_EM_HPP

#include <Eigen/Dense>
#include <algorithm>
#include <cmath>
#include <cstddef>
#include <limits>
#include <numeric>
#include <vector>

#include "gmm.hpp"
#include "parallel.hpp"
#include "rng.hpp"

namespace gmmmi {

enum class InitMethod { Random, Kmeans, RandomizedKmeans, Minmax };

struct EmOptions {
  double tol = 1e-5;          // stop when |change in weighted mean log-lik per sample| < tol
  int max_iter = 10000;
  double reg_covar = 1e-12;   // added to covariance diagonals at init and every M-step
  InitMethod init = InitMethod::Random;
  double scale = 1.0;         // randomized_kmeans perturbation scale
  std::size_t block_size = 1024;  // rows per block for the parallel E/M sufficient statistics
};

// kind: 1 = component re-seeded (vanished weight or unusable statistics),
//       2 = component regularisation raised (covariance not positive definite).
// iteration 0 means while preparing the starting model.
struct RecoveryEvent {
  int iteration;
  int component;
  int kind;
};

struct EmResult {
  Gmm model;                 // prepared (prepare() called, true)
  double loglik;             // sum_i w_i log p(x_i)
  double mean_loglik;        // loglik / sum_i w_i
  int iterations;            // number of M-steps performed
  bool converged;
  std::vector<RecoveryEvent> events;
};

namespace em_detail {

inline double row_weight(const double* w, std::size_t i) { return w ? w[i] : 1.0; }

inline double total_weight(const double* w, std::size_t n) {
  if (!w) return static_cast<double>(n);
  double s = 0.0;
  for (std::size_t i = 0; i < n; ++i) s += w[i];
  return s;
}

// Weighted mean and covariance of the data (two passes, serial).
inline void data_moments(const double* X, std::size_t n, int d, const double* w, Vec& mean,
                         Mat& cov) {
  mean = Vec::Zero(d);
  cov = Mat::Zero(d, d);
  double W = 0.0;
  for (std::size_t i = 0; i < n; ++i) {
    const double wi = row_weight(w, i);
    if (wi == 0.0) continue;
    W += wi;
    for (int j = 0; j < d; ++j) mean[j] += wi * X[i * d + j];
  }
  if (!(W > 0.0)) return;
  mean /= W;
  Vec r(d);
  for (std::size_t i = 0; i < n; ++i) {
    const double wi = row_weight(w, i);
    if (wi == 0.0) continue;
    for (int j = 0; j < d; ++j) r[j] = X[i * d + j] - mean[j];
    cov.selfadjointView<Eigen::Lower>().rankUpdate(r, wi);
  }
  cov = cov.selfadjointView<Eigen::Lower>();
  cov /= W;
}

// Average variance of the data (scale for regularisation fallbacks); > 0.
inline double data_scale(const double* X, std::size_t n, int d, const double* w) {
  Vec m;
  Mat c;
  data_moments(X, n, d, w, m, c);
  double s = c.trace() / d;
  if (!(s > 0.0) || !std::isfinite(s)) s = 1.0;
  return s;
}

// True when cov is numerically positive definite with finite, positive Cholesky diagonal and a
// usable inverse factor.
inline bool cov_ok(const Mat& cov) {
  if (!cov.allFinite()) return false;
  Eigen::LLT<Mat> llt(cov);
  if (llt.info() != Eigen::Success) return false;
  const Mat L = llt.matrixL();
  double mx = 0.0, mn = std::numeric_limits<double>::infinity();
  for (int j = 0; j < cov.rows(); ++j) {
    const double v = L(j, j);
    if (!(v > 0.0) || !std::isfinite(v)) return false;
    mx = std::max(mx, v);
    mn = std::min(mn, v);
  }
  // reject factors whose inverse would lose all precision or overflow
  return mn > 1e-150 && mn / mx > 1e-15;
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
  double dscale = -1.0;
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
      if (dscale < 0) dscale = data_scale(X, n, d, w);
      g.covs[k] = Mat::Identity(d, d) * (dscale * std::pow(1.0 / g.K, 2.0 / d) + reg);
      if (events) events->push_back(RecoveryEvent{0, k, 1});
    }
    if (!cov_ok(g.covs[k])) {
      if (dscale < 0) dscale = data_scale(X, n, d, w);
      if (!g.covs[k].allFinite()) g.covs[k] = Mat::Identity(d, d) * dscale;
      Mat base = g.covs[k];
      double eps = std::max(reg, 1e-10 * dscale);
      bool ok = false;
      for (int t = 0; t < 40 && !ok; ++t, eps *= 10.0) {
        g.covs[k] = base + eps * Mat::Identity(d, d);
        ok = cov_ok(g.covs[k]);
      }
      if (!ok) g.covs[k] = Mat::Identity(d, d) * dscale;
      if (events) events->push_back(RecoveryEvent{0, k, 2});
    }
  }
  g.weights /= g.weights.sum();
}

// Packed parameters for the hot loop: per component the lower-triangular inverse Cholesky
// factor row-wise (tri = d(d+1)/2 values), b = U mu (d values) and c = log w - 0.5 (d log 2pi + logdet).
struct Packed {
  int K = 0, d = 0, tri = 0;
  std::vector<double> U, b, c;
  explicit Packed(const Gmm& g) : K(g.K), d(g.d), tri(g.d * (g.d + 1) / 2) {
    U.resize(static_cast<std::size_t>(K) * tri);
    b.resize(static_cast<std::size_t>(K) * d);
    c.resize(K);
    for (int k = 0; k < K; ++k) {
      double* u = U.data() + static_cast<std::size_t>(k) * tri;
      for (int j = 0; j < d; ++j)
        for (int l = 0; l <= j; ++l) *u++ = g.prec_chol[k](j, l);
      for (int j = 0; j < d; ++j) b[k * d + j] = g.prec_mean(j, k);
      c[k] = g.log_norm[k];
    }
  }
};

// One block [begin, end): log-likelihood contribution (returned) and, when STATS, the whitened
// sufficient statistics into st (K x S, S = 1 + d + tri: N, s (d), S (tri, row-wise lower)).
// lse_out (optional) receives log p(x_i) for rows in the block (index i - begin).
template <int D, bool STATS>
inline double block_pass(const Packed& P, const double* X, const double* w, std::size_t begin,
                         std::size_t end, double* st, double* lse_out, double* zbuf, double* lbuf) {
  const int d = D > 0 ? D : P.d;
  const int K = P.K;
  const int tri = D > 0 ? D * (D + 1) / 2 : P.tri;
  const int S = 1 + d + tri;
  const double* U = P.U.data();
  const double* b = P.b.data();
  const double* c = P.c.data();
  double ll = 0.0;
  for (std::size_t i = begin; i < end; ++i) {
    const double wi = w ? w[i] : 1.0;
    if (wi == 0.0) {
      if (lse_out) lse_out[i - begin] = std::numeric_limits<double>::infinity();
      continue;
    }
    const double* x = X + i * static_cast<std::size_t>(d);
    double mx = -std::numeric_limits<double>::infinity();
    for (int k = 0; k < K; ++k) {
      const double* u = U + static_cast<std::size_t>(k) * tri;
      const double* bk = b + static_cast<std::size_t>(k) * d;
      double* z = zbuf + static_cast<std::size_t>(k) * d;
      double q = 0.0;
      for (int j = 0; j < d; ++j) {
        double s = -bk[j];
        for (int l = 0; l <= j; ++l) s += u[l] * x[l];
        u += j + 1;
        z[j] = s;
        q += s * s;
      }
      const double lk = c[k] - 0.5 * q;
      lbuf[k] = lk;
      mx = lk > mx ? lk : mx;
    }
    double sum = 0.0;
    for (int k = 0; k < K; ++k) {
      const double e = std::exp(lbuf[k] - mx);
      lbuf[k] = e;
      sum += e;
    }
    const double lse = mx + std::log(sum);
    if (lse_out) lse_out[i - begin] = lse;
    ll += wi * lse;
    if (STATS) {
      const double inv = wi / sum;
      for (int k = 0; k < K; ++k) {
        const double r = lbuf[k] * inv;
        double* sk = st + static_cast<std::size_t>(k) * S;
        const double* z = zbuf + static_cast<std::size_t>(k) * d;
        sk[0] += r;
        double* s1 = sk + 1;
        double* s2 = sk + 1 + d;
        for (int j = 0; j < d; ++j) {
          const double rz = r * z[j];
          s1[j] += rz;
          for (int l = 0; l <= j; ++l) *s2++ += rz * z[l];
        }
      }
    }
  }
  return ll;
}

template <bool STATS>
inline double block_dispatch(const Packed& P, const double* X, const double* w, std::size_t begin,
                             std::size_t end, double* st, double* lse_out) {
  const std::size_t need = static_cast<std::size_t>(P.K) * (P.d + 1);
  double stackbuf[512];
  std::vector<double> heap;
  double* buf = stackbuf;
  if (need > 512) {
    heap.resize(need);
    buf = heap.data();
  }
  double* zbuf = buf;
  double* lbuf = buf + static_cast<std::size_t>(P.K) * P.d;
  switch (P.d) {
    case 1: return block_pass<1, STATS>(P, X, w, begin, end, st, lse_out, zbuf, lbuf);
    case 2: return block_pass<2, STATS>(P, X, w, begin, end, st, lse_out, zbuf, lbuf);
    case 3: return block_pass<3, STATS>(P, X, w, begin, end, st, lse_out, zbuf, lbuf);
    default: return block_pass<0, STATS>(P, X, w, begin, end, st, lse_out, zbuf, lbuf);
  }
}

// Fused pass over all blocks; totals (K x S) and the log-likelihood, reduced in block order.
inline double fused_pass(const Gmm& g, const double* X, std::size_t n, const double* w,
                         std::size_t block_size, const Executor& ex, std::vector<double>& totals,
                         std::vector<double>& scratch) {
  const Packed P(g);
  const int S = 1 + P.d + P.tri;
  const std::size_t stride = static_cast<std::size_t>(P.K) * S + 1;
  Blocks blocks(n, block_size);
  scratch.assign(blocks.count * stride, 0.0);
  parallel_for(ex, blocks.count, 1, [&](std::size_t bi) {
    double* st = scratch.data() + bi * stride;
    st[stride - 1] = block_dispatch<true>(P, X, w, blocks.begin(bi), blocks.end(bi), st, nullptr);
  });
  totals.assign(stride - 1, 0.0);
  double ll = 0.0;
  for (std::size_t bi = 0; bi < blocks.count; ++bi) {
    const double* st = scratch.data() + bi * stride;
    for (std::size_t j = 0; j + 1 < stride; ++j) totals[j] += st[j];
    ll += st[stride - 1];
  }
  return ll;
}

// log p(x_i) for all rows under g (rows with weight 0 get +Inf), parallel over blocks.
inline double log_dens_pass(const Gmm& g, const double* X, std::size_t n, const double* w,
                            std::size_t block_size, const Executor& ex, double* lse) {
  const Packed P(g);
  Blocks blocks(n, block_size);
  std::vector<double> part(blocks.count, 0.0);
  parallel_for(ex, blocks.count, 1, [&](std::size_t bi) {
    const std::size_t s = blocks.begin(bi);
    part[bi] = block_dispatch<false>(P, X, w, s, blocks.end(bi), nullptr, lse ? lse + s : nullptr);
  });
  double ll = 0.0;
  for (std::size_t bi = 0; bi < blocks.count; ++bi) ll += part[bi];
  return ll;
}

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
                   std::vector<int>& labels, Mat& centres, int max_iter = 300) {
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
  for (int it = 0; it < max_iter; ++it) {
    bool changed = false;
    for (std::size_t i = 0; i < n; ++i) {
      int best = 0;
      double bd = std::numeric_limits<double>::infinity();
      for (int k = 0; k < K; ++k) {
        double dist = 0.0;
        for (int j = 0; j < d; ++j) {
          const double t = X[i * d + j] - centres(j, k);
          dist += t * t;
        }
        if (dist < bd) {
          bd = dist;
          best = k;
        }
      }
      if (labels[i] != best) {
        labels[i] = best;
        changed = true;
      }
    }
    if (!changed && it > 0) break;
    sums.setZero();
    mass.setZero();
    for (std::size_t i = 0; i < n; ++i) {
      const double wi = row_weight(w, i);
      if (wi == 0.0) continue;
      mass[labels[i]] += wi;
      for (int j = 0; j < d; ++j) sums(j, labels[i]) += wi * X[i * d + j];
    }
    for (int k = 0; k < K; ++k)
      if (mass[k] > 0.0) centres.col(k) = sums.col(k) / mass[k];
  }
}

inline Gmm init_kmeans(const double* X, std::size_t n, int d, const double* w, int K, double reg,
                       Stream& rng) {
  std::vector<int> labels;
  Mat centres;
  kmeans(X, n, d, w, K, rng, labels, centres);
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

inline Gmm em_initialise(const double* X, std::size_t n, int d, const double* w, int K,
                         const EmOptions& opt, Stream& rng) {
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
      g = em_detail::init_kmeans(X, n, d, w, K, opt.reg_covar, rng);
      break;
    case InitMethod::RandomizedKmeans: {
      g = em_detail::init_kmeans(X, n, d, w, K, opt.reg_covar, rng);
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

// Weighted mean log p(x) of the data under g (g need not be prepared; a copy is prepared).
inline double mean_log_likelihood(const Gmm& g, const double* X, std::size_t n, const double* w,
                                  const Executor& ex) {
  Gmm h = g;
  if (!h.prepare()) return std::numeric_limits<double>::quiet_NaN();
  const double ll = em_detail::log_dens_pass(h, X, n, w, 1024, ex, nullptr);
  return ll / em_detail::total_weight(w, n);
}

inline EmResult em_run(const double* X, std::size_t n, int d, const double* w, Gmm start,
                       const EmOptions& opt, const Executor& ex) {
  using namespace em_detail;
  const int K = start.K;
  if (K < 1 || d < 1 || n < 1 || start.d != d) throw InputError("em_run: bad dimensions");
  EmResult res;
  res.converged = false;
  res.iterations = 0;
  const double W = total_weight(w, n);
  if (!(W > 0.0)) throw InputError("em_run: the weights sum to zero");
  const int tri = d * (d + 1) / 2;
  const int S = 1 + d + tri;
  std::vector<double> reg_k(K, opt.reg_covar);
  double dscale = -1.0;  // computed lazily
  auto get_scale = [&]() {
    if (dscale < 0) dscale = data_scale(X, n, d, w);
    return dscale;
  };

  Gmm cur = start;
  fix_model(cur, X, n, d, w, opt.reg_covar, nullptr, &res.events);
  if (!cur.prepare()) {  // safety net: isotropic data-scale covariances
    for (int k = 0; k < K; ++k) cur.covs[k] = Mat::Identity(d, d) * get_scale();
    cur.prepare();
  }
  std::vector<double> totals, scratch, lse;
  double ll = fused_pass(cur, X, n, w, opt.block_size, ex, totals, scratch);
  double mean_ll = ll / W;
  int n_reseed = 0;
  const int max_reseed = 20 * K + 20;

  for (int it = 1; it <= opt.max_iter; ++it) {
    // ---- M-step from the whitened statistics of cur ----
    Gmm next(K, d);
    std::vector<char> healthy(K, 1);
    bool any_event = false;
    for (int k = 0; k < K; ++k) {
      const double* st = totals.data() + static_cast<std::size_t>(k) * S;
      const double Nk = st[0];
      bool ok = Nk > 1e-10 * W && std::isfinite(Nk);
      if (ok) {
        Vec zbar(d);
        Mat Sz(d, d);
        for (int j = 0; j < d; ++j) zbar[j] = st[1 + j] / Nk;
        const double* s2 = st + 1 + d;
        for (int j = 0; j < d; ++j)
          for (int l = 0; l <= j; ++l) {
            const double v = *s2++ / Nk - zbar[j] * zbar[l];
            Sz(j, l) = v;
            Sz(l, j) = v;
          }
        const Mat& L = cur.chol[k];
        next.means.col(k) = cur.means.col(k) + L.triangularView<Eigen::Lower>() * zbar;
        Mat LS = L.triangularView<Eigen::Lower>() * Sz;
        Mat C = LS * L.transpose();
        C = 0.5 * (C + C.transpose());
        next.weights[k] = Nk / W;
        ok = next.means.col(k).allFinite() && C.allFinite();
        if (ok) {
          Mat Creg = C;
          Creg.diagonal().array() += reg_k[k];
          if (!cov_ok(Creg)) {
            double eps = std::max(reg_k[k] * 10.0, 1e-10 * get_scale());
            bool good = false;
            for (int t = 0; t < 30 && !good; ++t, eps *= 10.0) {
              Creg = C;
              Creg.diagonal().array() += eps;
              good = cov_ok(Creg);
            }
            if (good) {
              reg_k[k] = eps;
              res.events.push_back(RecoveryEvent{it, k, 2});
              any_event = true;
            } else {
              ok = false;
            }
          }
          if (ok) next.covs[k] = Creg;
        }
      }
      if (!ok) healthy[k] = 0;
    }
    int n_bad = 0;
    for (int k = 0; k < K; ++k) n_bad += !healthy[k];
    if (n_bad > 0) {
      // re-seed at the worst-explained points of cur
      if (n_reseed >= max_reseed) break;  // give up iterating; cur is valid
      lse.resize(n);
      log_dens_pass(cur, X, n, w, opt.block_size, ex, lse.data());
      std::vector<std::size_t> order(n);
      std::iota(order.begin(), order.end(), std::size_t(0));
      const std::size_t m = std::min<std::size_t>(n, static_cast<std::size_t>(n_bad));
      std::partial_sort(order.begin(), order.begin() + m, order.end(),
                        [&](std::size_t a, std::size_t b) {
                          // rows with weight 0 have +Inf and sort last
                          return lse[a] < lse[b] || (lse[a] == lse[b] && a < b);
                        });
      Mat pooled = Mat::Zero(d, d);
      double pw = 0.0;
      for (int k = 0; k < K; ++k)
        if (healthy[k]) {
          pooled += next.weights[k] * next.covs[k];
          pw += next.weights[k];
        }
      if (pw > 0.0) pooled /= pw;
      if (!(pw > 0.0) || !cov_ok(pooled)) pooled = Mat::Identity(d, d) * get_scale();
      std::size_t used = 0;
      for (int k = 0; k < K; ++k) {
        if (healthy[k]) continue;
        const std::size_t idx = order[std::min(used, m - 1)];
        ++used;
        for (int j = 0; j < d; ++j) next.means(j, k) = X[idx * d + j];
        next.covs[k] = pooled;
        next.weights[k] = 1.0 / K;
        res.events.push_back(RecoveryEvent{it, k, 1});
        ++n_reseed;
      }
      any_event = true;
    }
    next.weights /= next.weights.sum();
    if (!next.prepare()) {
      // should not happen after the checks above; keep the last valid model
      break;
    }
    cur = std::move(next);
    res.iterations = it;
    const double prev = mean_ll;
    ll = fused_pass(cur, X, n, w, opt.block_size, ex, totals, scratch);
    mean_ll = ll / W;
    if (!any_event && std::fabs(mean_ll - prev) < opt.tol) {
      res.converged = true;
      break;
    }
  }
  res.model = std::move(cur);
  res.loglik = ll;
  res.mean_loglik = mean_ll;
  return res;
}

inline EmResult em_fit(const double* X, std::size_t n, int d, const double* w, int K,
                       const EmOptions& opt, Stream& rng, const Executor& ex) {
  Gmm start = em_initialise(X, n, d, w, K, opt, rng);
  return em_run(X, n, d, w, std::move(start), opt, ex);
}

// n_inits independent fits (init i uses Stream(seed, i)); returns the best by log-likelihood
// (ties: lowest index) and fills all_loglik (size n_inits) when given. Runs the inits in
// parallel (each with a serial inner executor) when there are at least as many inits as threads
// or the data are small, otherwise runs them one after another with parallel row blocks; the
// result is the same either way.
inline EmResult em_fit_best(const double* X, std::size_t n, int d, const double* w, int K,
                            const EmOptions& opt, std::uint64_t seed, int n_inits,
                            const Executor& ex, std::vector<double>* all_loglik = nullptr,
                            int* best_index = nullptr) {
  if (n_inits < 1) n_inits = 1;
  std::vector<EmResult> fits(n_inits);
  const bool outer = n_inits > 1 && (static_cast<std::size_t>(n_inits) >= ex.n_threads() ||
                                     n <= 4 * opt.block_size);
  if (outer) {
    SerialExecutor serial;
    parallel_for(ex, static_cast<std::size_t>(n_inits), 1, [&](std::size_t i) {
      Stream rng(seed, i);
      fits[i] = em_fit(X, n, d, w, K, opt, rng, serial);
    });
  } else {
    for (int i = 0; i < n_inits; ++i) {
      Stream rng(seed, static_cast<std::uint64_t>(i));
      fits[i] = em_fit(X, n, d, w, K, opt, rng, ex);
    }
  }
  int best = 0;
  for (int i = 1; i < n_inits; ++i)
    if (fits[i].loglik > fits[best].loglik) best = i;
  if (all_loglik) {
    all_loglik->resize(n_inits);
    for (int i = 0; i < n_inits; ++i) (*all_loglik)[i] = fits[i].loglik;
  }
  if (best_index) *best_index = best;
  return std::move(fits[best]);
}

}  // namespace gmmmi

#endif  // GMMMI_EM_HPP
