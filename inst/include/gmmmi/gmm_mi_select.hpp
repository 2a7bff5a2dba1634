// Choosing the number of components K for the GMM-MI estimator (gmm_mi.hpp): folds,
// cross-validated held-out log-likelihood (score_cv) or AIC / BIC (score_ic) per K, select_k over
// the K grid of one group of rows, and full_fit at the chosen K. Random streams: see gmm_mi.hpp.
#ifndef GMMMI_GMM_MI_SELECT_HPP
#define GMMMI_GMM_MI_SELECT_HPP

#include <algorithm>
#include <chrono>
#include <cmath>
#include <cstdint>
#include <limits>
#include <string>
#include <vector>

#include "em.hpp"
#include "gmm.hpp"
#include "gmm_mi_options.hpp"
#include "mixture_mi.hpp"
#include "parallel.hpp"
#include "rng.hpp"

namespace gmmmi {

namespace mi_detail {

inline double seconds_since(std::chrono::steady_clock::time_point t0) {
  return std::chrono::duration<double>(std::chrono::steady_clock::now() - t0).count();
}

// Fold of each row: a random permutation dealt round-robin into n_folds folds.
inline std::vector<int> make_folds(std::size_t n, int n_folds, Stream& rng) {
  std::vector<std::size_t> perm(n);
  for (std::size_t i = 0; i < n; ++i) perm[i] = i;
  for (std::size_t i = n; i > 1; --i) {
    const std::size_t j = static_cast<std::size_t>(rng.below(i));
    std::swap(perm[i - 1], perm[j]);
  }
  std::vector<int> fold(n);
  for (std::size_t i = 0; i < n; ++i) fold[perm[i]] = static_cast<int>(i % n_folds);
  return fold;
}

struct FoldData {
  std::vector<std::vector<double>> train, valid;
  std::vector<std::size_t> n_train, n_valid;
  std::vector<std::vector<std::size_t>> valid_idx;  // the rows of each validation fold, in order
  std::size_t n = 0;
};

inline FoldData split(const double* X, std::size_t n, int d, const std::vector<int>& fold, int n_folds) {
  FoldData f;
  f.train.resize(n_folds);
  f.valid.resize(n_folds);
  f.n_train.assign(n_folds, 0);
  f.n_valid.assign(n_folds, 0);
  f.valid_idx.resize(n_folds);
  f.n = n;
  for (int v = 0; v < n_folds; ++v) {
    for (std::size_t i = 0; i < n; ++i) {
      auto& dst = fold[i] == v ? f.valid[v] : f.train[v];
      dst.insert(dst.end(), X + i * d, X + (i + 1) * d);
      if (fold[i] == v) f.valid_idx[v].push_back(i);
    }
    f.n_train[v] = f.train[v].size() / d;
    f.n_valid[v] = f.valid[v].size() / d;
  }
  return f;
}

inline int count_events(const EmResult& r) { return static_cast<int>(r.events.size()); }

inline KScore score_cv(const FoldData& f, int d, int K, const GmmMiOptions& opt, std::uint64_t seed_k,
                       const Executor& ex) {
  const int I = opt.n_inits, F = opt.n_folds;
  std::vector<double> held(static_cast<std::size_t>(I) * F);
  std::vector<int> iters(I * F), conv(I * F), events(I * F);
  std::vector<std::vector<double>> pointwise(static_cast<std::size_t>(I) * F);
  // the fits themselves are kept (for the best start only, below) when the held-out pointwise
  // MI of the chosen K will be needed; select_k computes it once K is chosen
  std::vector<Gmm> models(opt.pmi_dx > 0 ? static_cast<std::size_t>(I) * F : 0);
  SerialExecutor serial;
  parallel_for(ex, static_cast<std::size_t>(I) * F, 1, [&](std::size_t u) {
    const int i = static_cast<int>(u / F), v = static_cast<int>(u % F);
    Stream rng(seed_k, static_cast<std::uint64_t>(i));
    EmResult r = em_fit(f.train[v].data(), f.n_train[v], d, nullptr, K, opt.em_for(i), rng, serial);
    // held-out log p of every validation row (the mean is the fold's score)
    std::vector<double>& lp = pointwise[u];
    lp.assign(f.n_valid[v], -std::numeric_limits<double>::infinity());
    double s = -std::numeric_limits<double>::infinity();
    if (r.model.prepare()) {
      s = em_detail::log_dens_pass(r.model, f.valid[v].data(), f.n_valid[v], nullptr, 1024, serial, lp.data()) /
          static_cast<double>(f.n_valid[v]);
      if (opt.pmi_dx > 0) models[u] = r.model;
    }
    if (!std::isfinite(s)) s = -std::numeric_limits<double>::infinity();
    held[u] = s;
    iters[u] = r.iterations;
    conv[u] = r.converged;
    events[u] = count_events(r);
  });
  KScore ks;
  ks.K = K;
  ks.fold_scores = held;
  ks.init_scores.assign(I, 0.0);
  for (int i = 0; i < I; ++i) {
    double s = 0.0;
    for (int v = 0; v < F; ++v) s += held[static_cast<std::size_t>(i) * F + v];
    ks.init_scores[i] = s / F;
  }
  ks.best_init = 0;
  for (int i = 1; i < I; ++i)
    if (ks.init_scores[i] > ks.init_scores[ks.best_init]) ks.best_init = i;
  ks.score = ks.init_scores[ks.best_init];
  ks.row_loglik.assign(f.n, -std::numeric_limits<double>::infinity());
  for (int v = 0; v < F; ++v) {
    const std::vector<double>& lp = pointwise[static_cast<std::size_t>(ks.best_init) * F + v];
    for (std::size_t j = 0; j < lp.size(); ++j) ks.row_loglik[f.valid_idx[v][j]] = lp[j];
  }
  if (opt.pmi_dx > 0) {
    for (int v = 0; v < F; ++v)
      ks.fold_models.push_back(std::move(models[static_cast<std::size_t>(ks.best_init) * F + v]));
  }
  ks.n_fits = I * F;
  for (int u = 0; u < I * F; ++u) {
    ks.n_nonconverged += !conv[u];
    ks.n_events += events[u];
    ks.max_iterations = std::max(ks.max_iterations, iters[u]);
  }
  return ks;
}

inline KScore score_ic(const double* X, std::size_t n, int d, int K, const GmmMiOptions& opt,
                       std::uint64_t seed_k, const Executor& ex) {
  const int I = opt.n_inits;
  std::vector<EmResult> fits(I);
  SerialExecutor serial;
  parallel_for(ex, static_cast<std::size_t>(I), 1, [&](std::size_t i) {
    Stream rng(seed_k, static_cast<std::uint64_t>(i));
    fits[i] = em_fit(X, n, d, nullptr, K, opt.em_for(i), rng, serial);
  });
  KScore ks;
  ks.K = K;
  ks.init_scores.resize(I);
  const double p = Gmm(K, d).n_parameters();
  const double pen = opt.select == Select::AIC ? 2.0 * p : p * std::log(static_cast<double>(n));
  ks.best_init = 0;
  for (int i = 0; i < I; ++i) {
    const double ll = std::isfinite(fits[i].loglik) ? fits[i].loglik : -std::numeric_limits<double>::infinity();
    ks.init_scores[i] = -2.0 * ll + pen;
    if (ks.init_scores[i] < ks.init_scores[ks.best_init]) ks.best_init = i;
    ks.n_nonconverged += !fits[i].converged;
    ks.n_events += count_events(fits[i]);
    ks.max_iterations = std::max(ks.max_iterations, fits[i].iterations);
  }
  ks.n_fits = I;
  ks.score = ks.init_scores[ks.best_init];
  const EmResult& b = fits[ks.best_init];
  ks.loglik = b.loglik;
  ks.best_model = b.model;
  ks.best_iterations = b.iterations;
  ks.best_converged = b.converged;
  ks.best_events = count_events(b);
  return ks;
}

inline std::uint64_t group_seed(std::uint64_t seed, int phase, int g) {
  return derive_seed(seed, static_cast<std::uint64_t>(phase + 10 * g));
}

}  // namespace mi_detail

// Step 4: choose K for one group (or take fixed_k). mon.step(K, last) after each K, where last is
// the K at which the search stops unless a larger K scores better (last == K: the search is over;
// max_components is only a cap, the search usually stops long before it).
inline GroupSelection select_k(const double* X, std::size_t n, int d, const GmmMiOptions& opt,
                               std::uint64_t seed, int g, const Executor& ex, PhaseMonitor& mon) {
  using namespace mi_detail;
  GroupSelection sel;
  const int fixed_k = static_cast<std::size_t>(g) < opt.fixed_k.size() ? opt.fixed_k[g] : 0;
  const bool cv = opt.select == Select::CV;
  FoldData f;
  std::size_t min_train = n;
  if (cv) {
    Stream frng(group_seed(seed, 1, g), 0);
    const std::vector<int> fold = make_folds(n, opt.n_folds, frng);
    f = split(X, n, d, fold, opt.n_folds);
    for (int v = 0; v < opt.n_folds; ++v) min_train = std::min(min_train, f.n_train[v]);
  }
  const std::uint64_t seed_sel = group_seed(seed, 2, g);
  auto score_one = [&](int K) {
    const std::uint64_t sk = derive_seed(seed_sel, static_cast<std::uint64_t>(K));
    return cv ? score_cv(f, d, K, opt, sk, ex) : score_ic(X, n, d, K, opt, sk, ex);
  };
  auto better = [&](double s, double best) {
    if (!std::isfinite(s)) return false;
    if (!std::isfinite(best)) return true;
    return cv ? s > best + opt.threshold : s < best - opt.threshold;
  };
  if (fixed_k > 0) {
    // still score the fixed K, so the full-data fit starts from its best initialisation
    sel.rows.push_back(score_one(fixed_k));
    sel.chosen_K = fixed_k;
    sel.chosen_row = 0;
  } else {
    const int cap = static_cast<int>(std::min<std::size_t>(static_cast<std::size_t>(opt.max_components),
                                                           std::max<std::size_t>(1, min_train)));
    double best = std::numeric_limits<double>::quiet_NaN();
    int best_row = -1, bad = 0;
    bool stopped = false;
    for (int K = 1; K <= cap; ++K) {
      sel.rows.push_back(score_one(K));
      const double s = sel.rows.back().score;
      if (best_row < 0 || better(s, best)) {
        if (best_row < 0 || std::isfinite(s)) {
          best = s;
          best_row = static_cast<int>(sel.rows.size()) - 1;
        }
        bad = 0;
      } else {
        ++bad;
      }
      // progress: K done of the K at which the search stops if no larger K does better (the
      // search is over when they are equal)
      const int last = bad >= opt.patience ? K : std::min(cap, K + opt.patience - bad);
      mon.step(static_cast<std::size_t>(K), static_cast<std::size_t>(last));
      if (bad >= opt.patience) {
        stopped = true;
        break;
      }
    }
    sel.at_cap = !stopped;
    sel.chosen_row = best_row;
    sel.chosen_K = sel.rows[best_row].K;
  }
  for (int j = 0; j < static_cast<int>(sel.rows.size()); ++j)
    if (j != sel.chosen_row) std::vector<double>().swap(sel.rows[j].row_loglik);
  if (cv && opt.pmi_dx > 0) {
    // held-out pointwise MI of every row under the chosen K's fold fit that did not see it
    KScore& row = sel.rows[sel.chosen_row];
    row.row_pmi.assign(n, std::numeric_limits<double>::quiet_NaN());
    for (int v = 0; v < opt.n_folds && v < static_cast<int>(row.fold_models.size()); ++v) {
      const Gmm& m = row.fold_models[v];
      if (m.K < 1) continue;  // a fit that could not be prepared (kept as an empty model)
      std::vector<double> pm(f.n_valid[v]);
      const bool ok = opt.pmi_dy > 0
                          ? pointwise_cmi(m, opt.pmi_dx, opt.pmi_dy, f.valid[v].data(), f.n_valid[v], pm.data(), ex)
                          : pointwise_mi(m, opt.pmi_dx, f.valid[v].data(), f.n_valid[v], pm.data(), ex);
      if (!ok) continue;
      for (std::size_t j = 0; j < pm.size(); ++j) row.row_pmi[f.valid_idx[v][j]] = pm[j];
    }
  }
  for (auto& r : sel.rows) std::vector<Gmm>().swap(r.fold_models);
  if (cv) {
    // K = 1 is fitted in closed form (one iteration): only K > 1 fits say anything about `tol`
    bool all_short = true;
    int n_multi = 0;
    for (const auto& r : sel.rows) {
      if (r.K == 1) continue;
      ++n_multi;
      all_short = all_short && r.max_iterations <= 2;
    }
    sel.all_cv_short = all_short && fixed_k == 0 && n_multi > 0;
  }
  return sel;
}

// Step 5: the full-data fit at the chosen K, from the best initialisation's stream.
inline GroupFit full_fit(const double* X, std::size_t n, int d, const GmmMiOptions& opt,
                         std::uint64_t seed, int g, const GroupSelection& sel, const Executor& ex) {
  using namespace mi_detail;
  const KScore& row = sel.rows[sel.chosen_row];
  GroupFit out;
  if (opt.select != Select::CV) {  // AIC/BIC fits are already full-data fits
    out.model = row.best_model;
    out.loglik = row.loglik;
    out.iterations = row.best_iterations;
    out.converged = row.best_converged;
    out.n_events = row.best_events;
    return out;
  }
  const std::uint64_t sk = derive_seed(group_seed(seed, 2, g), static_cast<std::uint64_t>(sel.chosen_K));
  EmResult r;
  if (!opt.full_fit_all_starts || sel.chosen_K == 1 || opt.n_inits == 1) {
    Stream rng(sk, static_cast<std::uint64_t>(row.best_init));
    r = em_fit(X, n, d, nullptr, sel.chosen_K, opt.em_for(row.best_init), rng, ex);
    out.start = row.best_init;
  } else {
    // every start refitted on all rows (the same streams as in the selection), best log-likelihood
    // kept (ties: the lowest index); in parallel over starts, each fit serial inside
    const int I = opt.n_inits;
    std::vector<EmResult> fits(I);
    SerialExecutor serial;
    parallel_for(ex, static_cast<std::size_t>(I), 1, [&](std::size_t i) {
      Stream rng(sk, static_cast<std::uint64_t>(i));
      fits[i] = em_fit(X, n, d, nullptr, sel.chosen_K, opt.em_for(static_cast<int>(i)), rng, serial);
    });
    int best = 0;
    for (int i = 1; i < I; ++i)
      if (std::isfinite(fits[i].loglik) && !(fits[i].loglik <= fits[best].loglik)) best = i;
    r = std::move(fits[best]);
    out.start = best;
  }
  out.model = r.model;
  out.loglik = r.loglik;
  out.iterations = r.iterations;
  out.converged = r.converged;
  out.n_events = count_events(r);
  return out;
}

}  // namespace gmmmi

#endif  // GMMMI_GMM_MI_SELECT_HPP
