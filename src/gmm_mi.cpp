// Rcpp glue for GMM-MI: the estimator, its permutation statistics, and the pointwise MI of fitted
// mixtures (predict / plots). Conversions: convert.h.
#include "executor.h"
#include <gmmmi/mixture_mi.hpp>

// Pointwise MI of the rows of X (n x d) under `model` (x = first dx columns); for a categorical
// X pass `models` (a list) with `labels` (1-based) and class probabilities p.
// [[Rcpp::export(.gmm_pmi)]]
Rcpp::NumericVector gmm_pmi(Rcpp::List model, Rcpp::NumericMatrix X, int dx, int n_threads) {
  const gmmmi::Gmm g = gmmmi_r::gmm_from_r(model);
  const std::size_t n = X.nrow();
  const std::vector<double> Xt = gmmmi_r::rows_of(X);
  gmmmi_r::ParallelExecutor ex(n_threads);
  std::vector<double> o(n);
  if (!gmmmi::pointwise_mi(g, dx, Xt.data(), n, o.data(), ex)) Rcpp::stop("degenerate mixture");
  return Rcpp::NumericVector(o.begin(), o.end());
}

// Y: the rows' (z, y) values; the first dz columns are the conditioning variable (0: plain MI).
// [[Rcpp::export(.gmm_pmi_categorical)]]
Rcpp::NumericVector gmm_pmi_categorical(Rcpp::List models, Rcpp::NumericVector p, Rcpp::IntegerVector labels,
                                        Rcpp::NumericMatrix Y, int n_threads, int dz = 0) {
  const std::vector<gmmmi::Gmm> gs = gmmmi_r::gmms_from_r(models);
  const std::size_t n = Y.nrow();
  if (static_cast<std::size_t>(labels.size()) != n) Rcpp::stop("internal: one label per row");
  const std::vector<double> Yt = gmmmi_r::rows_of(Y);
  const std::vector<int> lab = gmmmi_r::zero_based(labels.begin(), n, static_cast<int>(gs.size()), "label");
  std::vector<double> pp(p.begin(), p.end()), o(n);
  gmmmi_r::ParallelExecutor ex(n_threads);
  if (!gmmmi::pointwise_mi_categorical(gs, pp, lab.data(), Yt.data(), n, o.data(), ex, dz))
    Rcpp::stop("degenerate mixture");
  return Rcpp::NumericVector(o.begin(), o.end());
}

// ---------------------------------------------------------------------------------------------
// The estimator.
#include <gmmmi/gmm_mi.hpp>

namespace {

// The EM settings and starts shared by the estimator and the permutation statistics.
void read_fit_options(const Rcpp::List& opt, gmmmi::GmmMiOptions& o) {
  o.em.tol = Rcpp::as<double>(opt["tol"]);
  o.em.max_iter = Rcpp::as<int>(opt["max_iter"]);
  o.em.reg_covar = Rcpp::as<double>(opt["reg_covar"]);
  {
    const std::vector<std::string> inits = Rcpp::as<std::vector<std::string>>(opt["init"]);
    o.em.init = gmmmi_r::init_method(inits.at(0));
    for (const auto& i : inits) o.inits.push_back(gmmmi_r::init_method(i));
  }
  o.n_inits = Rcpp::as<int>(opt["n_inits"]);
  o.n_mc = static_cast<std::size_t>(Rcpp::as<double>(opt["n_mc"]));
}

}  // namespace

namespace {

// The selection table of one group as the user sees it (gmm_mi()$selection, one row per K tried):
// K, score (mean held-out log-likelihood per row, CV) or aic / bic with loglik, best_init, every
// start's score (init1, ...) and, for CV, every start's fold scores (init1_fold1, ...), the
// non-converged fits, recovered collapses, the most EM iterations of any fit, and chosen.
Rcpp::List selection_to_r(const gmmmi::GroupSelection& s, const gmmmi::GmmMiOptions& o) {
  const int R = s.rows.size();
  const bool cv = o.select == gmmmi::Select::CV;
  const int n_fold_cols = cv ? o.n_inits * o.n_folds : 0;
  Rcpp::IntegerVector K(R), best_init(R), n_nc(R), n_ev(R), max_it(R);
  Rcpp::NumericVector score(R), loglik(R);
  Rcpp::LogicalVector chosen(R);
  std::vector<Rcpp::NumericVector> inits, folds;
  for (int i = 0; i < o.n_inits; ++i) inits.push_back(Rcpp::NumericVector(R));
  for (int u = 0; u < n_fold_cols; ++u) folds.push_back(Rcpp::NumericVector(R));
  for (int j = 0; j < R; ++j) {
    const gmmmi::KScore& row = s.rows[j];
    K[j] = row.K;
    best_init[j] = row.best_init + 1;
    n_nc[j] = row.n_nonconverged;
    n_ev[j] = row.n_events;
    max_it[j] = row.max_iterations;
    score[j] = row.score;
    loglik[j] = row.loglik;
    chosen[j] = row.K == s.chosen_K;
    for (int i = 0; i < o.n_inits; ++i) inits[i][j] = row.init_scores[i];
    for (int u = 0; u < n_fold_cols; ++u) folds[u][j] = row.fold_scores[u];
  }
  Rcpp::List out;
  std::vector<std::string> names;
  auto add = [&](const std::string& name, SEXP v) {
    out.push_back(v);
    names.push_back(name);
  };
  add("K", K);
  add(cv ? "score" : (o.select == gmmmi::Select::AIC ? "aic" : "bic"), score);
  add("best_init", best_init);
  if (!cv) add("loglik", loglik);
  for (int i = 0; i < o.n_inits; ++i) add("init" + std::to_string(i + 1), inits[i]);
  for (int u = 0; u < n_fold_cols; ++u)  // start-major: init1_fold1, init1_fold2, ...
    add("init" + std::to_string(u / o.n_folds + 1) + "_fold" + std::to_string(u % o.n_folds + 1), folds[u]);
  add("n_nonconverged", n_nc);
  add("n_recovered", n_ev);
  add("max_iterations", max_it);
  add("chosen", chosen);
  out.attr("names") = names;
  return out;
}

// A full-data fit as the user sees it: the mixture on the scale of the data with the fields of a
// "gmm" object (loglik on that scale, n, nobs, mean_loglik, iterations, converged, init).
Rcpp::List fit_to_r(const gmmmi::GroupFit& f, std::size_t n, const std::vector<std::string>& inits) {
  Rcpp::List m = gmmmi_r::gmm_to_r(f.model);
  m["loglik"] = f.loglik;
  m["n"] = static_cast<int>(n);
  m["nobs"] = static_cast<int>(n);
  m["mean_loglik"] = f.loglik / static_cast<double>(n);
  m["iterations"] = f.iterations;
  m["converged"] = f.converged;
  m["init"] = inits[static_cast<std::size_t>(f.start) % inits.size()];
  return m;
}

template <class T>
Rcpp::NumericVector kept(const std::vector<T>& v, const std::vector<char>& failed) {
  std::vector<double> out;
  for (std::size_t b = 0; b < v.size(); ++b)
    if (!failed[b]) out.push_back(v[b]);
  return Rcpp::NumericVector(out.begin(), out.end());
}

}  // namespace

// The GMM-MI estimator in one call. reps: the representations of the data to try, each
// list(groups = list of numeric matrices on the representation's scale (one per class for a
// categorical x, else the joint rows), log_jacobian = mean log-Jacobian of the map from the data
// to it (0 for the raw values), row_offset = per group, each row's deviation from that mean (or
// an empty list)). The core standardises each representation and returns the fits on the data's
// scale; the result's fields are shaped as gmm_mi() reports them.
// kind: 0 MI, 1 conditional MI, 2 categorical (one group per class, p = class frequencies).
// [[Rcpp::export(.gmm_mi_run)]]
Rcpp::List gmm_mi_run(Rcpp::List reps, int kind, int dx, int dy, Rcpp::NumericVector p,
                      Rcpp::List opt, Rcpp::NumericVector seed, int n_threads,
                      Rcpp::Nullable<Rcpp::Function> callback) {
  gmmmi::GmmMiOptions o;
  read_fit_options(opt, o);
  o.full_fit_all_starts = Rcpp::as<bool>(opt["full_fit_all_starts"]);
  o.boot_fresh_starts = Rcpp::as<int>(opt["boot_fresh_starts"]);
  o.representation_z = Rcpp::as<double>(opt["representation_z"]);
  o.independence = Rcpp::as<bool>(opt["independence"]);
  o.independence_z = Rcpp::as<double>(opt["independence_z"]);
  o.em.scale = Rcpp::as<double>(opt["scale"]);
  const std::string sel = Rcpp::as<std::string>(opt["select"]);
  o.select = sel == "aic" ? gmmmi::Select::AIC : (sel == "bic" ? gmmmi::Select::BIC : gmmmi::Select::CV);
  o.n_folds = Rcpp::as<int>(opt["n_folds"]);
  o.threshold = Rcpp::as<double>(opt["threshold"]);
  o.patience = Rcpp::as<int>(opt["patience"]);
  o.max_components = Rcpp::as<int>(opt["max_components"]);
  o.fixed_k = Rcpp::as<std::vector<int>>(opt["fixed_k"]);
  o.n_bootstrap = Rcpp::as<int>(opt["n_bootstrap"]);
  o.max_attempts = Rcpp::as<int>(opt["max_attempts"]);
  const std::vector<std::string> inits = Rcpp::as<std::vector<std::string>>(opt["init"]);

  const int NR = reps.size();
  std::vector<gmmmi::Representation> rr(NR);
  std::vector<std::vector<std::vector<double>>> data(NR);
  int d = 0, G = 0;
  for (int r = 0; r < NR; ++r) {
    Rcpp::List rep = reps[r];
    Rcpp::List groups = rep["groups"];
    rr[r].log_jacobian = Rcpp::as<double>(rep["log_jacobian"]);
    Rcpp::List ro = rep["row_offset"];
    for (R_xlen_t g = 0; g < ro.size(); ++g) rr[r].row_offset.push_back(Rcpp::as<std::vector<double>>(ro[g]));
    G = groups.size();
    for (int g = 0; g < G; ++g) {
      const Rcpp::NumericMatrix M = groups[g];
      if (g > 0 && M.ncol() != d) Rcpp::stop("internal: the groups differ in columns");
      d = M.ncol();
      data[r].push_back(gmmmi_r::rows_of(M));
      rr[r].groups.push_back(gmmmi::Group{data[r].back().data(), static_cast<std::size_t>(M.nrow())});
    }
  }
  gmmmi::MiSpec spec;
  spec.kind = kind;
  spec.dx = dx;
  spec.dy = dy;
  spec.dz = kind == 2 ? d - dy : 0;  // categorical x: the groups' columns are (z, y)
  spec.p.assign(p.begin(), p.end());
  gmmmi_r::ParallelExecutor ex(n_threads);
  gmmmi_r::RMonitor mon(callback);
  const gmmmi::GmmMiResult r = gmmmi::gmm_mi(rr, d, spec, o, gmmmi_r::seed_arg(seed), ex, mon);

  const std::vector<gmmmi::Group>& chosen = rr[r.chosen_rep].groups;
  Rcpp::List selection(G), models(G);
  Rcpp::LogicalVector k_at_cap(G);
  Rcpp::IntegerVector n_components(G);
  bool all_short = true;
  int n_nonconverged = 0, n_recovered = 0;
  for (int g = 0; g < G; ++g) {
    const gmmmi::GroupSelection& s = r.selection[g];
    selection[g] = selection_to_r(s, o);
    models[g] = fit_to_r(r.fits[g], chosen[g].n, inits);
    k_at_cap[g] = s.at_cap;
    n_components[g] = s.chosen_K;
    all_short = all_short && s.all_cv_short;
    for (const gmmmi::KScore& row : s.rows) {
      n_nonconverged += row.n_nonconverged;
      n_recovered += row.n_events;
    }
    n_nonconverged += r.fits[g].converged ? 0 : 1;
    n_recovered += r.fits[g].n_events;
  }
  const gmmmi::BootstrapResult& b = r.boot;
  int n_failed = 0, n_retried = 0, n_switched = 0;
  for (std::size_t i = 0; i < b.failed.size(); ++i) {
    n_recovered += b.n_events[i];
    if (b.failed[i]) {
      ++n_failed;
      continue;
    }
    n_nonconverged += b.converged[i] ? 0 : 1;
    n_retried += b.attempts[i] > 1 ? 1 : 0;
    n_switched += b.switched[i] ? 1 : 0;
  }
  const gmmmi::IndependenceCheck& ic = r.independence;
  return Rcpp::List::create(
      Rcpp::Named("models") = models, Rcpp::Named("selection") = selection,
      Rcpp::Named("n_components") = n_components,
      Rcpp::Named("point") = gmmmi_r::mc_to_r(r.point),
      Rcpp::Named("bootstrap") = kept(b.mi, b.failed), Rcpp::Named("bootstrap_mc_se") = kept(b.mc_se, b.failed),
      Rcpp::Named("counts") = Rcpp::List::create(
          Rcpp::Named("k_at_cap") = k_at_cap, Rcpp::Named("all_cv_fits_short") = all_short,
          Rcpp::Named("n_nonconverged") = n_nonconverged, Rcpp::Named("n_recovered") = n_recovered,
          Rcpp::Named("n_failed_replicates") = n_failed, Rcpp::Named("n_retried") = n_retried,
          Rcpp::Named("n_switched") = n_switched),
      Rcpp::Named("independence") = Rcpp::List::create(
          Rcpp::Named("tested") = ic.tested, Rcpp::Named("chosen") = ic.chosen,
          Rcpp::Named("heldout_mi") = ic.heldout_mi, Rcpp::Named("z") = ic.z),
      Rcpp::Named("rep_scores") = Rcpp::NumericVector(r.rep_scores.begin(), r.rep_scores.end()),
      Rcpp::Named("chosen_rep") = r.chosen_rep + 1,
      Rcpp::Named("rep_z") = Rcpp::NumericVector(r.rep_z.begin(), r.rep_z.end()),
      Rcpp::Named("timing") = Rcpp::NumericVector::create(Rcpp::Named("selection") = r.time_selection,
                                                          Rcpp::Named("full_fit") = r.time_fit,
                                                          Rcpp::Named("bootstrap") = r.time_bootstrap));
}

// Permutation test statistics (gmmmi::permutation_statistics). X: n x d data (standardised by the core);
// labels: 1-based classes (kind 2; else ignored); K: components per group; perms: n x B matrix
// of 1-based row indices; b_offset: index of the first column in the whole test.
// [[Rcpp::export(.gmm_mi_null)]]
Rcpp::NumericVector gmm_mi_null(Rcpp::NumericMatrix X, Rcpp::IntegerVector labels, Rcpp::IntegerVector K,
                                int kind, int dx, int dy, Rcpp::NumericVector p, Rcpp::IntegerMatrix perms,
                                double b_offset, Rcpp::List opt, Rcpp::NumericVector seed, int n_threads) {
  gmmmi::GmmMiOptions o;
  read_fit_options(opt, o);
  const std::size_t n = X.nrow();
  const int d = X.ncol();
  if (static_cast<std::size_t>(perms.nrow()) != n) Rcpp::stop("internal: perms must have one row per sample");
  const std::vector<double> Xt = gmmmi_r::rows_of(X);
  const std::size_t B = perms.ncol();
  // perms is column-major n x B: column b is permutation b, as the core reads it
  const std::vector<int> pm = gmmmi_r::zero_based(perms.begin(), n * B, static_cast<int>(n), "permutation index");
  std::vector<int> lab;
  if (kind == 2) lab = gmmmi_r::zero_based(labels.begin(), n, K.size(), "label");
  gmmmi::MiSpec spec;
  spec.kind = kind;
  spec.dx = dx;
  spec.dy = dy;
  spec.dz = kind == 2 ? d - dy : 0;  // categorical x: the groups' columns are (z, y)
  spec.p.assign(p.begin(), p.end());
  std::vector<int> kk(K.begin(), K.end());
  gmmmi_r::ParallelExecutor ex(n_threads);
  gmmmi_r::RMonitor mon;
  const std::vector<double> r = gmmmi::permutation_statistics(Xt.data(), n, d, lab, kk, spec, pm, B,
                                                              static_cast<std::size_t>(b_offset), o,
                                                              gmmmi_r::seed_arg(seed), ex, mon);
  return Rcpp::NumericVector(r.begin(), r.end());
}

