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

// groups: list of numeric matrices (rows = samples, same number of columns), standardised here
// as (x - center) / scale column by column while they are copied to the core's row-major layout.
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

  // each representation: list(groups = list of numeric matrices (rows = samples, same columns),
  // center, scale, offset); standardised as (x - center) / scale column by column while copied
  // to the core's row-major layout
  const int NR = reps.size();
  std::vector<gmmmi::Representation> rr(NR);
  std::vector<std::vector<std::vector<double>>> data(NR);
  int d = 0, G = 0;
  for (int r = 0; r < NR; ++r) {
    Rcpp::List rep = reps[r];
    Rcpp::List groups = rep["groups"];
    Rcpp::NumericVector center = rep["center"], scale = rep["scale"];
    rr[r].offset = Rcpp::as<double>(rep["offset"]);
    if (rep.containsElementNamed("row_offset")) {
      Rcpp::List ro = rep["row_offset"];
      for (R_xlen_t g = 0; g < ro.size(); ++g) rr[r].row_offset.push_back(Rcpp::as<std::vector<double>>(ro[g]));
    }
    G = groups.size();
    data[r].resize(G);
    rr[r].groups.resize(G);
    for (int g = 0; g < G; ++g) {
      Rcpp::NumericMatrix M = groups[g];
      const std::size_t n = M.nrow();
      d = M.ncol();
      if (center.size() != d || scale.size() != d) Rcpp::stop("center and scale must have one value per column");
      data[r][g].resize(n * d);
      for (int a = 0; a < d; ++a) {
        const double* col = &M[static_cast<R_xlen_t>(a) * n];
        const double c = center[a], s = scale[a];
        for (std::size_t i = 0; i < n; ++i) data[r][g][i * d + a] = (col[i] - c) / s;
      }
      rr[r].groups[g].X = data[r][g].data();
      rr[r].groups[g].n = n;
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

  Rcpp::List sel_out(G), fit_out(G);
  for (int g = 0; g < G; ++g) {
    const auto& s = r.selection[g];
    const int R = s.rows.size();
    Rcpp::IntegerVector K(R), best_init(R), n_fits(R), n_nc(R), n_ev(R), max_it(R);
    Rcpp::NumericVector score(R), loglik(R);
    Rcpp::NumericMatrix init_scores(R, o.n_inits);
    Rcpp::NumericMatrix fold_scores(R, o.select == gmmmi::Select::CV ? o.n_inits * o.n_folds : 0);
    for (int j = 0; j < R; ++j) {
      const auto& row = s.rows[j];
      K[j] = row.K;
      best_init[j] = row.best_init + 1;
      n_fits[j] = row.n_fits;
      n_nc[j] = row.n_nonconverged;
      n_ev[j] = row.n_events;
      max_it[j] = row.max_iterations;
      score[j] = row.score;
      loglik[j] = row.loglik;
      for (int i = 0; i < o.n_inits; ++i) init_scores(j, i) = row.init_scores[i];
      for (int u = 0; u < fold_scores.ncol(); ++u) fold_scores(j, u) = row.fold_scores[u];
    }
    sel_out[g] = Rcpp::List::create(
        Rcpp::Named("K") = K, Rcpp::Named("score") = score, Rcpp::Named("best_init") = best_init,
        Rcpp::Named("init_scores") = init_scores, Rcpp::Named("fold_scores") = fold_scores,
        Rcpp::Named("loglik") = loglik, Rcpp::Named("n_fits") = n_fits,
        Rcpp::Named("n_nonconverged") = n_nc, Rcpp::Named("n_events") = n_ev,
        Rcpp::Named("max_iterations") = max_it, Rcpp::Named("chosen_K") = s.chosen_K,
        Rcpp::Named("at_cap") = s.at_cap, Rcpp::Named("all_cv_short") = s.all_cv_short);
    const auto& f = r.fits[g];
    fit_out[g] = Rcpp::List::create(Rcpp::Named("model") = gmmmi_r::gmm_to_r(f.model), Rcpp::Named("loglik") = f.loglik,
                                    Rcpp::Named("iterations") = f.iterations,
                                    Rcpp::Named("converged") = f.converged, Rcpp::Named("n_events") = f.n_events,
                                    Rcpp::Named("start") = f.start + 1);
  }
  const auto& b = r.boot;
  Rcpp::List boot = Rcpp::List::create(
      Rcpp::Named("mi") = Rcpp::NumericVector(b.mi.begin(), b.mi.end()),
      Rcpp::Named("mc_se") = Rcpp::NumericVector(b.mc_se.begin(), b.mc_se.end()),
      Rcpp::Named("attempts") = Rcpp::IntegerVector(b.attempts.begin(), b.attempts.end()),
      Rcpp::Named("iterations") = Rcpp::IntegerVector(b.iterations.begin(), b.iterations.end()),
      Rcpp::Named("n_events") = Rcpp::IntegerVector(b.n_events.begin(), b.n_events.end()),
      Rcpp::Named("converged") = Rcpp::LogicalVector(b.converged.begin(), b.converged.end()),
      Rcpp::Named("failed") = Rcpp::LogicalVector(b.failed.begin(), b.failed.end()),
      Rcpp::Named("switched") = Rcpp::LogicalVector(b.switched.begin(), b.switched.end()));
  const auto& ic = r.independence;
  Rcpp::List indep = Rcpp::List::create(
      Rcpp::Named("tested") = ic.tested, Rcpp::Named("chosen") = ic.chosen,
      Rcpp::Named("heldout_mi") = ic.heldout_mi, Rcpp::Named("z") = ic.z);
  return Rcpp::List::create(
      Rcpp::Named("independence") = indep,
      Rcpp::Named("selection") = sel_out, Rcpp::Named("fits") = fit_out,
      Rcpp::Named("point") = gmmmi_r::mc_to_r(r.point), Rcpp::Named("bootstrap") = boot,
      Rcpp::Named("rep_scores") = Rcpp::NumericVector(r.rep_scores.begin(), r.rep_scores.end()),
      Rcpp::Named("chosen_rep") = r.chosen_rep + 1,
      Rcpp::Named("rep_z") = Rcpp::NumericVector(r.rep_z.begin(), r.rep_z.end()),
      Rcpp::Named("timing") = Rcpp::NumericVector::create(Rcpp::Named("selection") = r.time_selection,
                                                          Rcpp::Named("full_fit") = r.time_fit,
                                                          Rcpp::Named("bootstrap") = r.time_bootstrap));
}

// Permutation test statistics (gmmmi::permutation_statistics). X: n x d standardised data;
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

