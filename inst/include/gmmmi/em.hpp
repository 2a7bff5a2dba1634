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
// of simd.hpp, read-only during a fit). Files: em_options.hpp (options, results, events),
// em_kernels.hpp (the fused E/M pass and its clones), em_init.hpp (starting models), em_repair.hpp
// (weighted moments, cov_ok, fix_model), this file (the algorithm):
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

#include "em_init.hpp"
#include "em_kernels.hpp"
#include "em_options.hpp"
#include "em_repair.hpp"
#include "gmm.hpp"
#include "parallel.hpp"
#include "rng.hpp"

namespace gmmmi {

// Weighted mean log p(x) of the data under g (g need not be prepared; a copy is prepared).
inline double mean_log_likelihood(const Gmm& g, const double* X, std::size_t n, const double* w,
                                  const Executor& ex) {
  Gmm h = g;
  if (!h.prepare()) return std::numeric_limits<double>::quiet_NaN();
  const double ll = em_detail::log_dens_pass(h, X, n, w, 1024, ex, nullptr);
  return ll / em_detail::total_weight(w, n);
}

namespace em_detail {

// K = 1 in closed form: EM reaches the weighted maximum-likelihood Gaussian in its first M-step
// from any start and stays there (one iteration, converged). Fills res and returns true on
// success; false for a singular covariance (the caller then runs the general loop with its
// recovery steps).
inline bool single_gaussian(const double* X, std::size_t n, int d, const double* w, double W,
                            const EmOptions& opt, EmResult& res) {
  Vec mu;
  Mat C;
  data_moments(X, n, d, w, mu, C);
  Mat Creg = C;
  Creg.diagonal().array() += opt.reg_covar;
  if (!cov_ok(Creg)) return false;
  Gmm g(1, d);
  g.weights[0] = 1.0;
  g.means.col(0) = mu;
  g.covs[0] = Creg;
  if (!g.prepare()) return false;
  Eigen::LLT<Mat> llt(Creg);
  double logdet = 0.0;
  for (int j = 0; j < d; ++j) logdet += 2.0 * std::log(llt.matrixL()(j, j));
  const double tr = llt.solve(C).trace();
  res.loglik = -0.5 * W * (d * kLog2Pi + logdet + tr);
  res.mean_loglik = res.loglik / W;
  res.iterations = 1;
  res.converged = std::isfinite(res.loglik);
  res.model = std::move(g);
  return res.converged;
}

// The state of one em_run: the data, the model being built by the M-step (next), the raised
// regularisation per component (ridge_k times the column variances of the data) and the M-step
// storage reused across iterations.
struct EmLoop {
  const double* X;
  std::size_t n;
  int d, K;
  const double* w;
  double W;  // total weight
  const EmOptions& opt;
  EmResult& res;
  int S;  // statistics per component: N, s (d), S (d(d+1)/2)
  std::vector<double> ridge;
  Vec var;  // column variances, computed when first needed
  Gmm next;
  std::vector<char> healthy;
  std::vector<double> mwork, lse;
  Mat C, Creg;
  int n_reseed = 0;
  int max_reseed;
  bool any_event = false;  // a recovery in this iteration (no convergence test then)

  EmLoop(const double* X_, std::size_t n_, int d_, int K_, const double* w_, double W_,
         const EmOptions& opt_, EmResult& res_)
      : X(X_), n(n_), d(d_), K(K_), w(w_), W(W_), opt(opt_), res(res_),
        S(1 + d_ + d_ * (d_ + 1) / 2), ridge(K_, 0.0), next(K_, d_), healthy(K_, 1),
        mwork(static_cast<std::size_t>(d_) * (2 * d_ + 1)), C(d_, d_), Creg(d_, d_),
        max_reseed(20 * K_ + 20) {}

  const Vec& get_var() {
    if (var.size() == 0) var = data_var(X, n, d, w);
    return var;
  }

  // Creg = C + reg I + ridge_k var. When that is not positive definite, ridge escalation: eps =
  // max(10 ridge_k, 1e-10), times 10 up to 12 times, until it is; the new ridge_k persists and
  // is recorded (kind 2). False when no step helps.
  bool regularise(int k, int it) {
    Creg = C;
    Creg.diagonal().array() += opt.reg_covar;
    if (ridge[k] > 0.0) Creg.diagonal() += ridge[k] * get_var();
    if (cov_ok(Creg)) return true;
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
    if (!good) return false;
    ridge[k] = eps;
    res.events.push_back(RecoveryEvent{it, k, 2});
    any_event = true;
    return true;
  }

  // Whitened M-step of component k from its statistics st under cur: zbar = s / N and
  // Sz = S / N - zbar zbar' mapped back with the Cholesky factor L of cur: mean + L zbar,
  // L Sz L' (symmetrised), weight N / W, regularised. False when the component has (almost) no
  // mass or unusable statistics.
  bool mstep_component(const Gmm& cur, int k, const double* st, int it) {
    const double Nk = st[0];
    bool ok = Nk > 1e-10 * W && std::isfinite(Nk);
    if (!ok) return false;
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
    if (!ok) return false;
    if (!regularise(k, it)) return false;
    next.covs[k] = Creg;
    return true;
  }

  // The M-step of every component; returns the number of unhealthy components.
  int mstep(const Gmm& cur, const std::vector<double>& totals, int it) {
    std::fill(healthy.begin(), healthy.end(), 1);
    any_event = false;
    for (int k = 0; k < K; ++k) {
      const double* st = totals.data() + static_cast<std::size_t>(k) * S;
      if (!mstep_component(cur, k, st, it)) healthy[k] = 0;
    }
    int n_bad = 0;
    for (int k = 0; k < K; ++k) n_bad += !healthy[k];
    return n_bad;
  }

  // Re-seed the n_bad collapsed components at the worst-explained points of cur (mean = the
  // point, covariance = the weighted average covariance of the healthy components, weight =
  // 1/K before renormalising; kind 1). False when the re-seed budget is spent (stop iterating;
  // cur is valid).
  bool reseed(const Gmm& cur, int n_bad, int it, const Executor& ex) {
    if (n_reseed >= max_reseed) return false;
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
    return true;
  }
};

// Monitor tick: about every 1e6 point x component evaluations.
inline void monitor_tick(Monitor* monitor, double& work, std::size_t n, int K, int it, int max_iter) {
  if (!monitor) return;
  work += static_cast<double>(n) * K;
  if (work >= 1e6) {
    work = 0.0;
    monitor->step(static_cast<std::size_t>(it), static_cast<std::size_t>(max_iter));
  }
}

// Convergence: the weighted mean log-likelihood changed by less than tol, and no recovery
// happened in this iteration.
inline bool converged(bool any_event, double mean_ll, double prev, double tol) {
  return !any_event && std::fabs(mean_ll - prev) < tol;
}

}  // namespace em_detail

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
  if (K == 1) {
    if (single_gaussian(X, n, d, w, W, opt, res)) return res;
    res = EmResult();
    res.converged = false;
    res.iterations = 0;
  }
  EmLoop loop(X, n, d, K, w, W, opt, res);
  Gmm cur = start;
  fix_model(cur, X, n, d, w, opt.reg_covar, nullptr, &res.events);
  if (!cur.prepare()) {  // safety net: isotropic data-scale covariances
    for (int k = 0; k < K; ++k) cur.covs[k] = Mat(loop.get_var().asDiagonal());
    cur.prepare();
  }
  std::vector<double> totals, scratch;
  double ll = fused_pass(cur, X, n, w, opt.block_size, ex, totals, scratch);
  double mean_ll = ll / W;
  double work = 0.0;

  for (int it = 1; it <= opt.max_iter; ++it) {
    const int n_bad = loop.mstep(cur, totals, it);
    if (n_bad > 0 && !loop.reseed(cur, n_bad, it, ex)) break;
    Gmm& next = loop.next;
    next.weights /= next.weights.sum();
    if (!next.prepare()) {
      // should not happen after the checks above; keep the last valid model
      break;
    }
    std::swap(cur, next);  // next keeps its storage for the following iteration
    res.iterations = it;
    check_cancel();  // an interrupt stops a long fit within one iteration, even inside a worker
    monitor_tick(monitor, work, n, K, it, opt.max_iter);
    const double prev = mean_ll;
    ll = fused_pass(cur, X, n, w, opt.block_size, ex, totals, scratch);
    mean_ll = ll / W;
    if (converged(loop.any_event, mean_ll, prev, opt.tol)) {
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
