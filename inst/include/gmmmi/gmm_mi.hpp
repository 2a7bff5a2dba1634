// The GMM-MI estimator (Piras et al. 2023; see the package's design notes): choose the number of
// components K (cross-validated held-out log-likelihood, or AIC / BIC), fit the full data at the
// chosen K, compute MI of the fit by Monte Carlo (mixture_mi.hpp), and refit bootstrap resamples
// warm-started from the full-data fit.
//
// A problem has one or more groups of rows. Continuous X: one group, the joint data (x, y) or
// (x, y, z). Categorical X: one group per class holding that class's y rows; the bootstrap
// resamples within each class (stratified) and the class frequencies p_c stay the observed ones.
//
// Random streams (all derived from one seed): folds derive_seed(seed, 1 + 10 g) for group g;
// initialisations of K in group g: Stream(derive_seed(derive_seed(seed, 2 + 10 g), K), init);
// bootstrap resampling of replicate b (attempt a): Stream(derive_seed(seed, 3), a B + b), groups
// drawn one after another from that stream; its Monte Carlo: derive_seed(derive_seed(seed, 4), a B + b);
// full-data Monte Carlo: derive_seed(seed, 5). Nothing depends on the thread count.
//
// Files: gmm_mi_options.hpp (options, groups, results), gmm_mi_select.hpp (choice of K and the
// full-data fit), this file (bootstrap, permutation null, representations, independence check
// and the estimator gmm_mi). The MI of a given mixture is mixture_mi.hpp.
#ifndef GMMMI_GMM_MI_HPP
#define GMMMI_GMM_MI_HPP

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
#include "gmm_mi_select.hpp"
#include "mixture_mi.hpp"
#include "parallel.hpp"
#include "rng.hpp"

namespace gmmmi {

// The MI functional of the fitted group models.
struct MiSpec {
  int kind = 0;  // 0: MI of x (first dx) and y; 1: conditional MI (x, y, z); 2: categorical
  int dx = 1, dy = 1;
  int dz = 0;             // kind 2: the first dz coordinates of the class models are Z (conditional MI)
  std::vector<double> p;  // class frequencies (kind 2)
};

inline McResult mi_of(const std::vector<Gmm>& models, const MiSpec& spec, std::size_t n_mc,
                      std::uint64_t seed, const Executor& ex) {
  if (spec.kind == 0) return mi_mc(models[0], spec.dx, n_mc, seed, ex);
  if (spec.kind == 1) return cmi_mc(models[0], spec.dx, spec.dy, n_mc, seed, ex);
  return mi_categorical_mc(models, spec.p, n_mc, seed, ex, kMcChunk, 1000, spec.dz);
}

// Step 6: bootstrap replicates [0, B), in batches with mon.step between them.
inline BootstrapResult bootstrap(const std::vector<Group>& groups, int d, const std::vector<Gmm>& start,
                                 const MiSpec& spec, const GmmMiOptions& opt, std::uint64_t seed,
                                 const Executor& ex, PhaseMonitor& mon) {
  const int B = opt.n_bootstrap;
  const int G = static_cast<int>(groups.size());
  BootstrapResult res;
  res.mi.assign(B, std::numeric_limits<double>::quiet_NaN());
  res.mc_se.assign(B, std::numeric_limits<double>::quiet_NaN());
  res.attempts.assign(B, 0);
  res.iterations.assign(B, 0);
  res.n_events.assign(B, 0);
  res.converged.assign(B, 1);
  res.failed.assign(B, 0);
  res.switched.assign(B, 0);
  const std::uint64_t seed_rs = derive_seed(seed, 3), seed_mc = derive_seed(seed, 4);
  SerialExecutor serial;
  auto one = [&](std::size_t b) {
    for (int a = 0; a < opt.max_attempts; ++a) {
      const std::uint64_t unit = static_cast<std::uint64_t>(a) * B + b;
      Stream rng(seed_rs, unit);
      std::vector<Gmm> models(G);
      int iters = 0, events = 0;
      bool conv = true, ok = true, switched = false;
      for (int g = 0; g < G && ok; ++g) {
        const std::size_t n = groups[g].n;
        std::vector<double> counts(n, 0.0);
        for (std::size_t i = 0; i < n; ++i) counts[static_cast<std::size_t>(rng.below(n))] += 1.0;
        // compact: the distinct resampled rows with their multiplicities as weights
        std::size_t nb = 0;
        for (std::size_t i = 0; i < n; ++i) nb += counts[i] > 0.0;
        std::vector<double> Xb((nb + 1) * d), wb(nb + 1);  // one spare row: the loop is branch-free
        const double* Xg = groups[g].X;
        for (std::size_t i = 0, o = 0; i < n; ++i) {
          std::copy(Xg + i * d, Xg + (i + 1) * d, Xb.data() + o * d);
          wb[o] = counts[i];
          o += counts[i] > 0.0;
        }
        EmResult r = em_run(Xb.data(), nb, d, wb.data(), start[g], opt.em, serial);
        // fresh starts on the same resample (drawn from the replicate's stream after the
        // resampling); the highest log-likelihood wins, the warm start on ties
        if (start[g].K > 1) {
          for (int f = 0; f < opt.boot_fresh_starts; ++f) {
            EmResult rf = em_fit(Xb.data(), nb, d, wb.data(), start[g].K, opt.em_for(f), rng, serial);
            if (std::isfinite(rf.loglik) && !(rf.loglik <= r.loglik)) {
              r = std::move(rf);
              switched = true;
            }
          }
        }
        ok = std::isfinite(r.loglik);
        iters += r.iterations;
        events += static_cast<int>(r.events.size());
        conv = conv && r.converged;
        models[g] = std::move(r.model);
      }
      McResult m;
      if (ok) m = mi_of(models, spec, opt.n_mc, derive_seed(seed_mc, unit), serial);
      res.attempts[b] = a + 1;
      res.iterations[b] += iters;
      res.n_events[b] += events;
      if (ok && std::isfinite(m.value)) {
        res.mi[b] = m.value;
        res.mc_se[b] = m.std_error;
        res.converged[b] = conv;
        res.switched[b] = switched;
        return;
      }
    }
    res.failed[b] = 1;
  };
  // Batches between progress updates / interrupt checks: large enough that the barrier at the
  // end of a batch (waiting for its slowest replicate) costs little, small enough for ~10 updates.
  const std::size_t batch = std::max<std::size_t>(4 * ex.n_threads(), (static_cast<std::size_t>(B) + 9) / 10);
  mon.phase(2, static_cast<std::size_t>(B));
  for (std::size_t s = 0; s < static_cast<std::size_t>(B); s += batch) {
    const std::size_t e = std::min<std::size_t>(B, s + batch);
    parallel_for(ex, e - s, 1, [&](std::size_t j) { one(s + j); });
    mon.step(e, static_cast<std::size_t>(B));
  }
  return res;
}

// Permutation test statistics (mi_test): for each column b of `perms` (n rows, 0-based row
// indices), the data with one block shuffled, fitted at the fixed K of every group (best of
// opt.n_inits starts by log-likelihood) and the MI of the fits by Monte Carlo (closed form for
// K = 1). X: n x d row-major, on the scale of the data (standardised here, as by gmm_mi()). kind 0: the y block (columns dx .. dx + dy - 1) is
// shuffled; kind 1: the x block (columns 0 .. dx - 1); kind 2: X holds (z, y) (z: spec.dz columns, often none) and the class
// labels (0-based) are shuffled, the groups being the rows of each shuffled label.
// Column b uses the streams (seed, b_offset + b), so a split into chunks gives the same values.
// Returns the MI per column (NaN if a fit failed).
inline std::vector<double> permutation_statistics(const double* X, std::size_t n, int d, const std::vector<int>& labels,
                                                  const std::vector<int>& K, const MiSpec& spec,
                                                  const std::vector<int>& perms, std::size_t n_perms,
                                                  std::size_t b_offset, const GmmMiOptions& opt,
                                                  std::uint64_t seed, const Executor& ex, PhaseMonitor& mon) {
  std::vector<double> out(n_perms, std::numeric_limits<double>::quiet_NaN());
  const int G = static_cast<int>(K.size());
  const std::vector<double> Xs = standardised(X, n, d, pooled_standardisation({X}, {n}, d));
  const std::uint64_t seed_fit = derive_seed(seed, 21), seed_mc = derive_seed(seed, 22);
  SerialExecutor serial;
  auto one = [&](std::size_t b) {
    const int* perm = perms.data() + b * n;
    const std::uint64_t unit = static_cast<std::uint64_t>(b_offset + b);
    std::vector<std::vector<double>> data(G);
    if (spec.kind == 2) {
      for (std::size_t i = 0; i < n; ++i) {
        const int g = labels[static_cast<std::size_t>(perm[i])];
        data[g].insert(data[g].end(), Xs.data() + i * d, Xs.data() + (i + 1) * d);
      }
    } else {
      const int lo = spec.kind == 0 ? spec.dx : 0, hi = spec.kind == 0 ? spec.dx + spec.dy : spec.dx;
      data[0].resize(n * d);
      for (std::size_t i = 0; i < n; ++i) {
        const double* src = Xs.data() + i * d;
        const double* sp = Xs.data() + static_cast<std::size_t>(perm[i]) * d;
        double* dst = data[0].data() + i * d;
        for (int a = 0; a < d; ++a) dst[a] = (a >= lo && a < hi) ? sp[a] : src[a];
      }
    }
    std::vector<Gmm> models(G);
    for (int g = 0; g < G; ++g) {
      const std::size_t ng = data[g].size() / static_cast<std::size_t>(d);
      EmResult best;
      bool have = false;
      const int starts = K[g] == 1 ? 1 : opt.n_inits;
      for (int i = 0; i < starts; ++i) {
        Stream rng(derive_seed(seed_fit, static_cast<std::uint64_t>(g)), unit * static_cast<std::uint64_t>(opt.n_inits) + i);
        EmResult r = em_fit(data[g].data(), ng, d, nullptr, K[g], opt.em_for(i), rng, serial);
        if (std::isfinite(r.loglik) && (!have || r.loglik > best.loglik)) {
          best = std::move(r);
          have = true;
        }
      }
      if (!have) return;
      models[g] = std::move(best.model);
    }
    const McResult m = mi_of(models, spec, opt.n_mc, derive_seed(seed_mc, unit), serial);
    out[b] = m.value;
  };
  const std::size_t batch = std::max<std::size_t>(4 * ex.n_threads(), (n_perms + 19) / 20);
  mon.phase(3, n_perms);
  for (std::size_t s = 0; s < n_perms; s += batch) {
    const std::size_t e = std::min(n_perms, s + batch);
    parallel_for(ex, e - s, 1, [&](std::size_t j) { one(s + j); });
    mon.step(e, n_perms);
  }
  return out;
}

// One representation of the data (the raw values, or their normal scores, ...): its groups of
// rows on the representation's own scale (gmm_mi() standardises them), and the log-Jacobian of
// the map from the original data to it, which puts held-out log-likelihoods on the scale of the
// original data: its mean over the rows (0 for the data themselves) and, per group and row, the
// deviation from that mean (empty: 0), for the paired comparison of representations.
struct Representation {
  std::vector<Group> groups;
  double log_jacobian = 0.0;
  std::vector<std::vector<double>> row_offset;
};

// A representation as gmm_mi() fits it: standardised with the pooled column statistics of its
// groups, and `offset`, the constant that puts the mean held-out log-likelihood per row of the
// standardised rows on the scale of the original data (log_jacobian - sum log scale).
struct StandardisedRepresentation {
  Standardisation standardisation;
  std::vector<std::vector<double>> data;
  std::vector<Group> groups;
  double offset = 0.0;
  std::vector<std::vector<double>> row_offset;
};

inline StandardisedRepresentation standardise(const Representation& rep, int d) {
  StandardisedRepresentation out;
  std::vector<const double*> blocks;
  std::vector<std::size_t> n;
  for (const Group& g : rep.groups) {
    blocks.push_back(g.X);
    n.push_back(g.n);
  }
  out.standardisation = pooled_standardisation(blocks, n, d);
  for (const Group& g : rep.groups) out.data.push_back(standardised(g.X, g.n, d, out.standardisation));
  for (std::size_t b = 0; b < rep.groups.size(); ++b) out.groups.push_back(Group{out.data[b].data(), n[b]});
  out.offset = rep.log_jacobian - out.standardisation.log_scale_sum();
  out.row_offset = rep.row_offset;
  return out;
}

// Mean held-out log-likelihood per row of a representation's chosen fits, on the original
// scale: the groups' chosen CV scores weighted by their rows, plus the offset.
// For AIC / BIC the score is the penalised log-likelihood per row, -IC / (2 n), plus the offset.
inline double representation_score(const std::vector<GroupSelection>& sel, const StandardisedRepresentation& rep,
                                   Select select) {
  double s = 0.0, n = 0.0;
  for (std::size_t g = 0; g < sel.size(); ++g) {
    const double w = static_cast<double>(rep.groups[g].n);
    const double sc = sel[g].rows[sel[g].chosen_row].score;
    s += select == Select::CV ? w * sc : -0.5 * sc;
    n += w;
  }
  return s / n + rep.offset;
}

// Held-out log p of every row (groups one after another) on the original scale, under the
// chosen CV fits of a representation.
inline std::vector<double> representation_pointwise(const std::vector<GroupSelection>& sel,
                                                    const StandardisedRepresentation& rep) {
  std::vector<double> out;
  for (std::size_t g = 0; g < sel.size(); ++g) {
    const std::vector<double>& ll = sel[g].rows[sel[g].chosen_row].row_loglik;
    const bool has = g < rep.row_offset.size() && !rep.row_offset[g].empty();
    for (std::size_t i = 0; i < ll.size(); ++i)
      out.push_back(ll[i] + rep.offset + (has ? rep.row_offset[g][i] : 0.0));
  }
  return out;
}

// The mean of d over its standard error (+-Inf when the values are all equal and not 0; NaN for
// fewer than 2 values); `mean` receives the mean.
inline double mean_z(const std::vector<double>& d, double& mean) {
  const std::size_t n = d.size();
  mean = std::numeric_limits<double>::quiet_NaN();
  if (n < 2) return mean;
  double m = 0.0;
  for (std::size_t i = 0; i < n; ++i) m += d[i];
  m /= static_cast<double>(n);
  mean = m;
  double v = 0.0;
  for (std::size_t i = 0; i < n; ++i) {
    const double t = d[i] - m;
    v += t * t;
  }
  v /= static_cast<double>(n - 1);
  if (!std::isfinite(m)) return m;  // +-Inf when some terms are infinite
  if (!(v > 0.0)) return m > 0.0 ? std::numeric_limits<double>::infinity() : (m < 0.0 ? -std::numeric_limits<double>::infinity() : 0.0);
  return m / std::sqrt(v / static_cast<double>(n));
}

// Paired comparison (Vuong 1989) of representation r against representation 0: the mean
// difference of the rows' held-out log-likelihoods divided by its standard error.
inline double representation_z(const std::vector<double>& lr, const std::vector<double>& l0) {
  if (l0.size() != lr.size()) return std::numeric_limits<double>::quiet_NaN();
  std::vector<double> d(lr.size());
  for (std::size_t i = 0; i < d.size(); ++i) d[i] = lr[i] - l0[i];
  double m;
  return mean_z(d, m);
}

// The independence check (see GmmMiOptions::independence) from the chosen K's held-out
// pointwise MI.
inline IndependenceCheck independence_check(const GroupSelection& sel, double z_min) {
  IndependenceCheck out;
  double m;
  const double z = mean_z(sel.rows[sel.chosen_row].row_pmi, m);
  out.tested = std::isfinite(m);
  if (!out.tested) return out;
  out.heldout_mi = m;
  out.z = z;
  out.chosen = !(out.z > z_min);
  return out;
}

// The whole estimator. For categorical problems, groups are the classes and spec.kind == 2.
// With several representations, K is chosen in each; representation 0 is used for the full fit
// and the bootstrap unless another beats it by more than opt.representation_z standard errors of
// the paired held-out row log-likelihoods on the original scale (CV), or has the higher
// penalised log-likelihood per row (AIC / BIC); representation r > 0 draws its selection streams from
// derive_seed(seed, 1000 + r), so representation 0 alone gives the same result as before.
inline GmmMiResult gmm_mi(const std::vector<Representation>& data, int d, const MiSpec& spec,
                          const GmmMiOptions& options, std::uint64_t seed, const Executor& ex,
                          PhaseMonitor& mon) {
  GmmMiResult out;
  const int R = static_cast<int>(data.size());
  if (R < 1) throw InputError("gmm_mi: no data representation");
  std::vector<StandardisedRepresentation> reps;
  for (const Representation& rep : data) reps.push_back(standardise(rep, d));
  const int G = static_cast<int>(reps[0].groups.size());
  GmmMiOptions opt = options;  // the held-out pointwise MI is scored for the independence check
  // continuous x and y (MI, or conditional MI given a continuous z), one group
  const bool mi_check = spec.kind == 0 && d == spec.dx + spec.dy && spec.dx < d;
  const bool cmi_check = spec.kind == 1 && spec.dx >= 1 && spec.dy >= 1 && spec.dx + spec.dy < d;
  opt.pmi_dx = opt.independence && G == 1 && (mi_check || cmi_check) ? spec.dx : 0;
  opt.pmi_dy = opt.pmi_dx > 0 && cmi_check ? spec.dy : 0;
  auto t0 = std::chrono::steady_clock::now();
  mon.phase(0, static_cast<std::size_t>(opt.max_components));
  out.rep_scores.assign(R, std::numeric_limits<double>::quiet_NaN());
  std::vector<std::vector<GroupSelection>> sels(R);
  for (int r = 0; r < R; ++r) {
    const std::uint64_t sr = r == 0 ? seed : derive_seed(seed, static_cast<std::uint64_t>(1000 + r));
    for (int g = 0; g < G; ++g)
      sels[r].push_back(select_k(reps[r].groups[g].X, reps[r].groups[g].n, d, opt, sr, g, ex, mon));
    out.rep_scores[r] = representation_score(sels[r], reps[r], opt.select);
  }
  // Representation 0 is the default; another one replaces it only when its held-out fit is
  // better by more than opt.representation_z standard errors of the paired row differences
  // (CV), or has the better penalised likelihood (AIC / BIC).
  out.rep_z.assign(R, 0.0);
  if (R > 1) {
    std::vector<double> l0;
    if (opt.select == Select::CV) l0 = representation_pointwise(sels[0], reps[0]);
    double best = opt.select == Select::CV ? opt.representation_z : out.rep_scores[0];
    for (int r = 1; r < R; ++r) {
      double crit;
      if (opt.select == Select::CV) {
        out.rep_z[r] = representation_z(representation_pointwise(sels[r], reps[r]), l0);
        crit = out.rep_z[r];
      } else {
        crit = out.rep_scores[r];
      }
      if (crit > best) {
        best = crit;
        out.chosen_rep = r;
      }
    }
  }
  const int cr = out.chosen_rep;
  const std::uint64_t seed_sel = cr == 0 ? seed : derive_seed(seed, static_cast<std::uint64_t>(1000 + cr));
  out.selection = std::move(sels[cr]);
  const std::vector<Group>& groups = reps[cr].groups;
  if (opt.pmi_dx > 0 && opt.select == Select::CV)
    out.independence = independence_check(out.selection[0], opt.independence_z);
  out.time_selection = mi_detail::seconds_since(t0);
  t0 = std::chrono::steady_clock::now();
  mon.phase(1, static_cast<std::size_t>(G));
  std::vector<Gmm> models;
  for (int g = 0; g < G; ++g) {
    out.fits.push_back(full_fit(groups[g].X, groups[g].n, d, opt, seed_sel, g, out.selection[g], ex));
    models.push_back(out.fits.back().model);
    mon.step(static_cast<std::size_t>(g + 1), static_cast<std::size_t>(G));
  }
  out.point = mi_of(models, spec, opt.n_mc, derive_seed(seed, 5), ex);
  out.time_fit = mi_detail::seconds_since(t0);
  t0 = std::chrono::steady_clock::now();
  if (opt.n_bootstrap > 0) out.boot = bootstrap(groups, d, models, spec, opt, seed, ex, mon);
  out.time_bootstrap = mi_detail::seconds_since(t0);
  // the full-data fits on the scale of the data (selection scores stay on the standardised scale)
  out.standardisation = reps[cr].standardisation;
  const double log_scale = out.standardisation.log_scale_sum();
  for (int g = 0; g < G; ++g) {
    GroupFit& f = out.fits[g];
    f.model = unstandardised(f.model, out.standardisation.center, out.standardisation.scale);
    f.loglik -= static_cast<double>(groups[g].n) * log_scale;
  }
  return out;
}

}  // namespace gmmmi

#endif  // GMMMI_GMM_MI_HPP
