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
// em_run evaluates the start, then repeats M-step + fused pass; it stops when the weighted mean
// log-likelihood changes by less than tol between consecutive models (never right after a
// recovery) or after max_iter M-steps, and returns the last model with its exact log-likelihood.
//
// K = 1 is taken in closed form: the weighted maximum-likelihood Gaussian (what the first M-step
// gives from any start), one iteration, converged; a singular covariance falls back to the loop.
// The per-iteration M-step and prepare() use the allocation-free small-matrix kernels of
// gmm.hpp (gmmmi::small), so small fits are not dominated by allocation.
//
// Recovery (never crash, never NaN): a component whose mass N_k falls below
// 1e-10 * sum(w) (or whose statistics are not finite) is re-seeded at the worst-explained point
// not yet used (mean = that point, covariance = the weighted average covariance of the healthy
// components, weight = 1/K before renormalising): RecoveryEvent kind 1. A covariance that is not
// numerically positive definite (see cov_ok: scale-invariant, condition number up to ~1e14)
// gets a larger, persistent per-component regularisation: eps times each column's variance is
// added to the diagonal, eps = 1e-10, 1e-9, ... until it is: kind 2. Both are scale-invariant.
//
// API (namespace gmmmi; all functions are reentrant; the only global is the kernel-clone switch
// of fastmath.hpp, read-only during a fit):
//   em_initialise(X, n, d, w, K, opt, rng [, ex])   starting model by opt.init
//   em_init_responsibilities(X, n, d, w, R, K, opt)  starting model from given responsibilities
//   em_run(X, n, d, w, start, opt, ex [, monitor])   EM from a starting model (warm start)
//   em_fit(X, n, d, w, K, opt, rng, ex [, monitor])  em_initialise + em_run
//   em_fit_best(X, n, d, w, K, opt, seed, n_inits, ex, ...)  best of n_inits starts, init i
//                                                    using Stream(seed, i)
//   mean_log_likelihood(g, X, n, w, ex)              weighted mean log p(x)
// For many small fits at once, call em_fit / em_run with a SerialExecutor inside a parallel_for
// over fits; for one large fit, pass the real executor (row blocks run in parallel).
#ifndef GMMMI_EM_HPP
#define GMMMI_EM_HPP

#include <Eigen/Dense>
#include <algorithm>
#include <cmath>
#include <cstddef>
#include <cstring>
#include <limits>
#include <numeric>
#include <vector>

#include "fastmath.hpp"
#include "gmm.hpp"
#include "parallel.hpp"
#include "rng.hpp"
#include "simd.hpp"

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
inline double block_dispatch_scalar(const Packed& P, const double* X, const double* w, std::size_t begin,
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
  return with_dim<3>(P.d, [&](auto D) {
    return block_pass<decltype(D)::value, STATS>(P, X, w, begin, end, st, lse_out, zbuf, lbuf);
  });
}

#ifdef GMMMI_HAVE_V4D
#define GMMMI_EM_VECTOR 1
// Four-lane kernel with the vector helpers of fastmath.hpp. Lane l of every vector is point
// i + l of a quad, so the arithmetic per point is the same as the scalar kernel's except for
// exp, and the four lane partial sums are added in a fixed order: results depend neither on
// threads nor on which clone (baseline or AVX2) runs.
template <int D, bool STATS>
GMMMI_INLINE double block_pass_v4(const Packed& P, const double* X, const double* w, std::size_t begin,
                                  std::size_t end, double* st, double* lse_out, VecBuffer& vb) {
  const int d = D > 0 ? D : P.d;
  const int K = P.K;
  const int tri = D > 0 ? D * (D + 1) / 2 : P.tri;
  const int S = 1 + d + tri;
  const double* U = P.U.data();
  const double* b = P.b.data();
  const double* c = P.c.data();
  const double inf = std::numeric_limits<double>::infinity();
  const std::size_t nq = (end - begin + 3) / 4;  // quads in the block
  v4d* zbuf = vb.get(static_cast<std::size_t>(K) * (d + 1 + (STATS ? S : 0)) + d + 3 * nq);
  v4d* lbuf = zbuf + static_cast<std::size_t>(K) * d;
  v4d* acc = lbuf + K;
  v4d* xv = acc + (STATS ? static_cast<std::size_t>(K) * S : 0);
  // per quad: the sum of exponentials, the maximum and the weights; log p = max + log(sum) is
  // taken after the loop, where the logarithms of consecutive quads overlap in the pipeline
  v4d* qsum = xv + d;
  v4d* qmax = qsum + nq;
  v4d* qw = qmax + nq;
  const v4d zero = {0.0, 0.0, 0.0, 0.0};
  if (STATS)
    for (std::size_t j = 0; j < static_cast<std::size_t>(K) * S; ++j) acc[j] = zero;
  for (std::size_t i = begin; i < end; i += 4) {
    const std::size_t qi = (i - begin) / 4;
    const std::size_t nl = std::min<std::size_t>(4, end - i);  // live lanes
    const double* xr[4];
    v4d wv;
    if (nl == 4) {
      for (int l = 0; l < 4; ++l) xr[l] = X + (i + l) * static_cast<std::size_t>(d);
      if (w)
        std::memcpy(&wv, w + i, sizeof wv);
      else
        wv = zero + 1.0;
    } else {  // the block's last, partial quad: dead lanes repeat row i with weight 0
      wv = zero;
      for (std::size_t l = 0; l < 4; ++l) {
        const bool live = l < nl;
        xr[l] = X + (live ? i + l : i) * static_cast<std::size_t>(d);
        if (live) wv[l] = w ? w[i + l] : 1.0;
      }
    }
    if (w) {
      const v4l nz = wv != zero;
      if (!(nz[0] | nz[1] | nz[2] | nz[3])) {  // no weight: log p = 0 + log 1, times 0
        qsum[qi] = zero + 1.0;
        qmax[qi] = zero;
        qw[qi] = zero;
        continue;
      }
    }
    for (int j = 0; j < d; ++j) {
      const v4d t = {xr[0][j], xr[1][j], xr[2][j], xr[3][j]};
      xv[j] = t;
    }
    v4d mx = zero - inf;
    for (int k = 0; k < K; ++k) {
      const double* u = U + static_cast<std::size_t>(k) * tri;
      const double* bk = b + static_cast<std::size_t>(k) * d;
      v4d* z = zbuf + static_cast<std::size_t>(k) * d;
      v4d q = zero;
      for (int j = 0; j < d; ++j) {
        v4d s = zero - bk[j];
        for (int l = 0; l <= j; ++l) s += u[l] * xv[l];
        u += j + 1;
        z[j] = s;
        q += s * s;
      }
      const v4d lk = c[k] - 0.5 * q;
      lbuf[k] = lk;
      mx = lk > mx ? lk : mx;
    }
    v4d sum = zero;
    for (int k = 0; k < K; ++k) {
      v4d e = lbuf[k] - mx;
      vexp_le0(e);
      lbuf[k] = e;
      sum += e;
    }
    qsum[qi] = sum;
    qmax[qi] = mx;
    qw[qi] = wv;
    if (STATS) {
      const v4d inv = wv / sum;
      for (int k = 0; k < K; ++k) {
        const v4d r = lbuf[k] * inv;
        v4d* ak = acc + static_cast<std::size_t>(k) * S;
        const v4d* z = zbuf + static_cast<std::size_t>(k) * d;
        ak[0] += r;
        v4d* a1 = ak + 1;
        v4d* a2 = ak + 1 + d;
        for (int j = 0; j < d; ++j) {
          const v4d rz = r * z[j];
          a1[j] += rz;
          for (int l = 0; l <= j; ++l) *a2++ += rz * z[l];
        }
      }
    }
  }
  if (STATS)
    for (std::size_t j = 0; j < static_cast<std::size_t>(K) * S; ++j)
      st[j] += ((acc[j][0] + acc[j][1]) + acc[j][2]) + acc[j][3];
  v4d llv = zero;
  for (std::size_t qi = 0; qi < nq; ++qi) {
    v4d lse = qsum[qi];
    vlog(lse);
    lse += qmax[qi];
    const v4d wv = qw[qi];
    if (lse_out) {
      const std::size_t i = begin + 4 * qi, nl = std::min<std::size_t>(4, end - i);
      for (std::size_t l = 0; l < nl; ++l) lse_out[i + l - begin] = wv[l] == 0.0 ? inf : lse[l];
    }
    // zero-weight lanes contribute exactly 0 (their lse is finite)
    llv += wv * lse;
  }
  return ((llv[0] + llv[1]) + llv[2]) + llv[3];
}

// The kernel for the dimension at hand (compile-time for d <= 4), in one clone or the other.
template <bool STATS>
GMMMI_INLINE double block_v4(const Packed& P, const double* X, const double* w, std::size_t begin,
                             std::size_t end, double* st, double* lse_out, VecBuffer& vb) {
  return with_dim<4>(P.d, [&](auto D) GMMMI_LAMBDA_INLINE {
    return block_pass_v4<decltype(D)::value, STATS>(P, X, w, begin, end, st, lse_out, vb);
  });
}
#endif  // vector extensions

template <bool STATS>
inline double block_dispatch(const Packed& P, const double* X, const double* w, std::size_t begin,
                             std::size_t end, double* st, double* lse_out) {
#ifdef GMMMI_EM_VECTOR
  // baseline or AVX2 clone (the EM kernel has no AVX-512 clone)
  return simd_dispatch<1>([&](auto) GMMMI_LAMBDA_INLINE {
    VecBuffer vb;
    return block_v4<STATS>(P, X, w, begin, end, st, lse_out, vb);
  });
#else
  return block_dispatch_scalar<STATS>(P, X, w, begin, end, st, lse_out);
#endif
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

// Weighted mean log p(x) of the data under g (g need not be prepared; a copy is prepared).
inline double mean_log_likelihood(const Gmm& g, const double* X, std::size_t n, const double* w,
                                  const Executor& ex) {
  Gmm h = g;
  if (!h.prepare()) return std::numeric_limits<double>::quiet_NaN();
  const double ll = em_detail::log_dens_pass(h, X, n, w, 1024, ex, nullptr);
  return ll / em_detail::total_weight(w, n);
}

// monitor (optional): called on the calling thread between iterations, about every 1e6
// point x component evaluations, so a caller on R's main thread can check for interrupts (it
// may throw). Leave it null when em_run itself runs inside a worker thread.
inline EmResult em_run(const double* X, std::size_t n, int d, const double* w, Gmm start,
                       const EmOptions& opt, const Executor& ex, Monitor* monitor = nullptr) {
  using namespace em_detail;
  const int K = start.K;
  if (K < 1 || d < 1 || n < 1 || start.d != d) throw InputError("em_run: bad dimensions");
  EmResult res;
  res.converged = false;
  res.iterations = 0;
  const double W = total_weight(w, n);
  if (!(W > 0.0)) throw InputError("em_run: the weights sum to zero");
  // One component: EM reaches the weighted maximum-likelihood Gaussian in its first M-step from
  // any start and stays there, so take it in closed form (one iteration, converged). A singular
  // covariance goes through the general loop below with its recovery steps.
  if (K == 1) {
    Vec mu;
    Mat C;
    data_moments(X, n, d, w, mu, C);
    Mat Creg = C;
    Creg.diagonal().array() += opt.reg_covar;
    if (cov_ok(Creg)) {
      Gmm g(1, d);
      g.weights[0] = 1.0;
      g.means.col(0) = mu;
      g.covs[0] = Creg;
      if (g.prepare()) {
        Eigen::LLT<Mat> llt(Creg);
        double logdet = 0.0;
        for (int j = 0; j < d; ++j) logdet += 2.0 * std::log(llt.matrixL()(j, j));
        const double tr = llt.solve(C).trace();
        res.loglik = -0.5 * W * (d * kLog2Pi + logdet + tr);
        res.mean_loglik = res.loglik / W;
        res.iterations = 1;
        res.converged = std::isfinite(res.loglik);
        res.model = std::move(g);
        if (res.converged) return res;
      }
    }
    res = EmResult();
    res.converged = false;
    res.iterations = 0;
  }
  const int tri = d * (d + 1) / 2;
  const int S = 1 + d + tri;
  // raised regularisation per component: ridge_k times the column variances of the data
  std::vector<double> ridge(K, 0.0);
  Vec var;  // column variances, computed when first needed
  auto get_var = [&]() -> const Vec& {
    if (var.size() == 0) var = data_var(X, n, d, w);
    return var;
  };

  Gmm cur = start;
  fix_model(cur, X, n, d, w, opt.reg_covar, nullptr, &res.events);
  if (!cur.prepare()) {  // safety net: isotropic data-scale covariances
    for (int k = 0; k < K; ++k) cur.covs[k] = Mat(get_var().asDiagonal());
    cur.prepare();
  }
  std::vector<double> totals, scratch, lse;
  // M-step storage reused across iterations
  Gmm next(K, d);
  std::vector<char> healthy(K, 1);
  std::vector<double> mwork(static_cast<std::size_t>(d) * (2 * d + 1));
  Mat C(d, d), Creg(d, d);
  double ll = fused_pass(cur, X, n, w, opt.block_size, ex, totals, scratch);
  double mean_ll = ll / W;
  int n_reseed = 0;
  const int max_reseed = 20 * K + 20;
  double work = 0.0;

  for (int it = 1; it <= opt.max_iter; ++it) {
    // ---- M-step from the whitened statistics of cur ----
    std::fill(healthy.begin(), healthy.end(), 1);
    bool any_event = false;
    for (int k = 0; k < K; ++k) {
      const double* st = totals.data() + static_cast<std::size_t>(k) * S;
      const double Nk = st[0];
      bool ok = Nk > 1e-10 * W && std::isfinite(Nk);
      if (ok) {
        // whitened mean zbar and covariance Sz, mapped back with L: mean + L zbar, L Sz L'
        double* zbar = mwork.data();
        double* Sz = zbar + d;
        double* LS = Sz + static_cast<std::size_t>(d) * d;
        for (int j = 0; j < d; ++j) zbar[j] = st[1 + j] / Nk;
        const double* s2 = st + 1 + d;
        for (int j = 0; j < d; ++j)
          for (int l = 0; l <= j; ++l) {
            const double v = *s2++ / Nk - zbar[j] * zbar[l];
            Sz[j + l * d] = v;
            Sz[l + j * d] = v;
          }
        const double* L = cur.chol[k].data();
        for (int a = 0; a < d; ++a) {
          double t = cur.means(a, k);
          for (int b = 0; b <= a; ++b) t += L[a + b * d] * zbar[b];
          next.means(a, k) = t;
        }
        for (int c = 0; c < d; ++c)
          for (int a = 0; a < d; ++a) {
            double t = 0.0;
            for (int b = 0; b <= a; ++b) t += L[a + b * d] * Sz[b + c * d];
            LS[a + c * d] = t;
          }
        C.resize(d, d);
        for (int c = 0; c < d; ++c)
          for (int a = 0; a < d; ++a) {
            double t = 0.0;
            for (int b = 0; b <= c; ++b) t += LS[a + b * d] * L[c + b * d];
            C(a, c) = t;
          }
        for (int c = 0; c < d; ++c)
          for (int a = c + 1; a < d; ++a) C(a, c) = C(c, a) = 0.5 * (C(a, c) + C(c, a));
        next.weights[k] = Nk / W;
        ok = next.means.col(k).allFinite() && C.allFinite();
        if (ok) {
          Creg = C;
          Creg.diagonal().array() += opt.reg_covar;
          if (ridge[k] > 0.0) Creg.diagonal() += ridge[k] * get_var();
          if (!cov_ok(Creg)) {
            double eps = std::max(ridge[k] * 10.0, 1e-10);
            bool good = false;
            for (int t = 0; t < 12; ++t) {
              Creg = C;
              Creg.diagonal().array() += opt.reg_covar;
              Creg.diagonal() += eps * get_var();
              good = cov_ok(Creg);
              if (good) break;
              eps *= 10.0;
            }
            if (good) {
              ridge[k] = eps;
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
      if (!(pw > 0.0) || !cov_ok(pooled)) pooled = Mat(get_var().asDiagonal());
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
    std::swap(cur, next);  // next keeps its storage for the following iteration
    res.iterations = it;
    check_cancel();  // an interrupt stops a long fit within one iteration, even inside a worker
    if (monitor) {
      work += static_cast<double>(n) * K;
      if (work >= 1e6) {
        work = 0.0;
        monitor->step(static_cast<std::size_t>(it), static_cast<std::size_t>(opt.max_iter));
      }
    }
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
                       const EmOptions& opt, Stream& rng, const Executor& ex,
                       Monitor* monitor = nullptr) {
  Gmm start = em_initialise(X, n, d, w, K, opt, rng, ex);
  return em_run(X, n, d, w, std::move(start), opt, ex, monitor);
}

// n_inits independent fits (init i uses Stream(seed, i)); returns the best by log-likelihood
// (ties: lowest index) and fills all_loglik (size n_inits) when given. Runs the inits in
// parallel (each with a serial inner executor) when the data have too few row blocks to keep
// the threads busy (fewer than 4 per thread), otherwise runs them one after another with
// parallel row blocks; the result is bitwise the same either way. monitor: see em_run (used
// only when the inits run one after another on the calling thread).
inline EmResult em_fit_best(const double* X, std::size_t n, int d, const double* w, int K,
                            const EmOptions& opt, std::uint64_t seed, int n_inits,
                            const Executor& ex, std::vector<double>* all_loglik = nullptr,
                            int* best_index = nullptr, Monitor* monitor = nullptr) {
  if (n_inits < 1) n_inits = 1;
  std::vector<EmResult> fits(n_inits);
  const Blocks blocks(n, opt.block_size);
  const bool outer = n_inits > 1 && ex.n_threads() > 1 && blocks.count < 4 * ex.n_threads();
  if (outer) {
    SerialExecutor serial;
    parallel_for(ex, static_cast<std::size_t>(n_inits), 1, [&](std::size_t i) {
      Stream rng(seed, i);
      fits[i] = em_fit(X, n, d, w, K, opt, rng, serial);
    });
  } else {
    for (int i = 0; i < n_inits; ++i) {
      Stream rng(seed, static_cast<std::uint64_t>(i));
      fits[i] = em_fit(X, n, d, w, K, opt, rng, ex, monitor);
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
