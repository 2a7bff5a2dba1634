// Options, groups of rows and results of the GMM-MI estimator (gmm_mi.hpp).
#ifndef GMMMI_GMM_MI_OPTIONS_HPP
#define GMMMI_GMM_MI_OPTIONS_HPP

#include <algorithm>
#include <chrono>
#include <cmath>
#include <cstdint>
#include <limits>
#include <string>
#include <vector>

#include "em_options.hpp"
#include "gmm.hpp"
#include "mc_kernels.hpp"
#include "parallel.hpp"
#include "stats.hpp"

namespace gmmmi {

enum class Select { CV = 0, AIC = 1, BIC = 2 };

struct GmmMiOptions {
  EmOptions em;
  Select select = Select::CV;
  int n_inits = 3;
  int n_folds = 2;
  double threshold = 1e-5;
  int patience = 1;
  int max_components = 50;
  std::vector<int> fixed_k;  // per group: > 0 uses this K and skips the search (empty: search all)
  int n_bootstrap = 50;
  std::size_t n_mc = 100000;
  int max_attempts = 5;  // per bootstrap replicate (1 + retries)
  // Initialisation of start i (selection and full fit): inits[i % inits.size()]; empty: em.init.
  std::vector<InitMethod> inits;
  // Full-data fit: true = every start at the chosen K is refitted on all rows and the one with
  // the highest log-likelihood kept; false (the reference) = only the best CV start's stream.
  bool full_fit_all_starts = true;
  // Bootstrap: besides the warm start from the full-data fit, each replicate also fits this
  // many fresh starts (inits cycled) and keeps the highest-likelihood fit of its resample, so a
  // replicate stuck in another optimum than its resample's best is repaired (0: warm start only).
  int boot_fresh_starts = 1;
  // Several representations: how many standard errors the paired held-out log-likelihood
  // difference must exceed for a representation to replace the first one (CV selection).
  double representation_z = 2.0;
  // Continuous x and y (MiSpec kind 0), one group, CV selection: the pointwise MI
  // log q(x,y) - log q(x) - log q(y) of every held-out row under its fold's fit (q: the chosen K's
  // best start) is kept; when its mean is not above independence_z standard errors (R passes
  // -2), the fitted dependence does not carry over to new rows and the estimate is 0.
  bool independence = false;
  double independence_z = 0.0;
  // > 0: select_k also computes the chosen K's held-out pointwise MI, x = the first pmi_dx
  // columns; with pmi_dy > 0 (gmm_mi() sets it only when z has columns), the pointwise conditional MI of
  // (x, y, z) = the first pmi_dx, the next pmi_dy and the remaining columns
  int pmi_dx = 0, pmi_dy = 0;
  EmOptions em_for(int i) const {
    EmOptions e = em;
    if (!inits.empty()) e.init = inits[static_cast<std::size_t>(i) % inits.size()];
    return e;
  }
};

// One row of the selection table: K, its score, and per init (and per fold for CV) values.
struct KScore {
  int K = 0;
  double score = std::numeric_limits<double>::quiet_NaN();  // CV: held-out mean log-lik; else AIC/BIC
  int best_init = 0;
  std::vector<double> init_scores;  // n_inits
  std::vector<double> fold_scores;  // n_inits x n_folds (init-major), CV only
  std::vector<double> row_loglik;   // CV: held-out log p of every row under the best init (kept for the chosen K only)
  std::vector<double> row_pmi;      // CV with opt.pmi_dx > 0: held-out pointwise MI of every row (chosen K only)
  std::vector<Gmm> fold_models;     // CV with opt.pmi_dx > 0: the best start's fold fits (during the search only)
  double loglik = std::numeric_limits<double>::quiet_NaN();  // AIC/BIC: best total log-lik
  int n_fits = 0, n_nonconverged = 0, n_events = 0, max_iterations = 0;
  Gmm best_model;  // AIC/BIC: best full-data fit
  int best_iterations = 0;
  bool best_converged = false;
  int best_events = 0;
};

struct GroupSelection {
  std::vector<KScore> rows;
  int chosen_K = 0;
  int chosen_row = -1;
  bool at_cap = false;
  bool all_cv_short = false;  // every CV fit stopped within 2 iterations
};

struct GroupFit {
  Gmm model;  // gmm_mi() returns it on the scale of the data (unstandardised)
  int start = 0;  // the start (0-based) the fit came from
  double loglik = 0.0;
  int iterations = 0;
  bool converged = false;
  int n_events = 0;
};

struct BootstrapResult {
  std::vector<double> mi, mc_se;
  std::vector<int> attempts, iterations, n_events;
  std::vector<char> converged, failed;
  std::vector<char> switched;  // a fresh start beat the warm start (another optimum)
};

// The cross-validated check of the fitted dependence: the held-out pointwise MI of the chosen
// K's fold fits (each row scored by the fit that did not see it).
struct IndependenceCheck {
  bool tested = false;
  bool chosen = false;  // the held-out MI is not above independence_z se: estimate 0
  double heldout_mi = std::numeric_limits<double>::quiet_NaN();  // mean held-out pointwise MI
  double z = std::numeric_limits<double>::quiet_NaN();  // heldout_mi / its standard error
};

struct GmmMiResult {
  IndependenceCheck independence;
  std::vector<GroupSelection> selection;
  std::vector<GroupFit> fits;
  McResult point;
  BootstrapResult boot;
  std::vector<double> rep_scores;  // per representation: held-out log-lik per row, original scale
  std::vector<double> rep_z;       // per representation: paired z against representation 0 (CV)
  int chosen_rep = 0;
  Standardisation standardisation;  // of the chosen representation; `fits` are on the data's scale
  double time_selection = 0.0, time_fit = 0.0, time_bootstrap = 0.0;
};

// A data group: X is d x n column-major.
struct Group {
  const double* X;
  std::size_t n;
};

}  // namespace gmmmi

#endif  // GMMMI_GMM_MI_OPTIONS_HPP
