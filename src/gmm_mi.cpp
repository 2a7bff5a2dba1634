// Rcpp glue for GMM-MI: Monte Carlo MI of given mixtures, pointwise MI, and the estimator.
#include "executor.h"
#include <gmmmi/mixture_mi.hpp>
#include <gmmmi/stats.hpp>

namespace {

// A mixture from R: weights (K), means (K x d matrix, one row per component), covariances
// (d x d x K array).
gmmmi::Gmm gmm_from_r(Rcpp::NumericVector weights, Rcpp::NumericMatrix means, Rcpp::NumericVector covs) {
  const int K = weights.size(), d = means.ncol();
  if (means.nrow() != K || covs.size() != static_cast<R_xlen_t>(d) * d * K)
    Rcpp::stop("internal: inconsistent mixture parameters");
  gmmmi::Gmm g(K, d);
  for (int k = 0; k < K; ++k) {
    g.weights[k] = weights[k];
    for (int a = 0; a < d; ++a) g.means(a, k) = means(k, a);
    for (int a = 0; a < d; ++a)
      for (int b = 0; b < d; ++b) g.covs[k](a, b) = covs[static_cast<R_xlen_t>(k) * d * d + b * d + a];
  }
  return g;
}

gmmmi::Gmm gmm_from_list(Rcpp::List m) {
  return gmm_from_r(m["weights"], m["means"], m["covariances"]);
}

Rcpp::NumericVector mc_to_r(const gmmmi::McResult& r) {
  return Rcpp::NumericVector::create(Rcpp::Named("value") = r.value,
                                     Rcpp::Named("std_error") = r.std_error,
                                     Rcpp::Named("n") = r.n);
}

}  // namespace

// MI (dz = 0) or conditional MI (dz > 0) of one mixture by Monte Carlo.
// [[Rcpp::export(.gmm_mi_mc)]]
Rcpp::NumericVector gmm_mi_mc(Rcpp::List model, int dx, int dy, double n_mc, Rcpp::NumericVector seed,
                              int n_threads) {
  gmmmi::Gmm g = gmm_from_list(model);
  gmmmi_r::ParallelExecutor ex(n_threads);
  const std::uint64_t s = gmmmi_r::seed_arg(seed);
  const std::size_t nm = static_cast<std::size_t>(n_mc);
  if (dx + dy == g.d) return mc_to_r(gmmmi::mi_mc(g, dx, nm, s, ex));
  return mc_to_r(gmmmi::cmi_mc(g, dx, dy, nm, s, ex));
}

// MI of a categorical X (class probabilities p) and Y with class mixtures `models`.
// [[Rcpp::export(.gmm_mi_categorical_mc)]]
Rcpp::NumericVector gmm_mi_categorical_mc(Rcpp::List models, Rcpp::NumericVector p, double n_mc,
                                          Rcpp::NumericVector seed, int n_threads) {
  std::vector<gmmmi::Gmm> gs;
  for (R_xlen_t c = 0; c < models.size(); ++c) gs.push_back(gmm_from_list(models[c]));
  gmmmi_r::ParallelExecutor ex(n_threads);
  std::vector<double> pp(p.begin(), p.end());
  return mc_to_r(gmmmi::mi_categorical_mc(gs, pp, static_cast<std::size_t>(n_mc),
                                          gmmmi_r::seed_arg(seed), ex));
}

// Pointwise MI of the rows of X (n x d) under `model` (x = first dx columns); for a categorical
// X pass `models` (a list) with `labels` (1-based) and class probabilities p.
// [[Rcpp::export(.gmm_pmi)]]
Rcpp::NumericVector gmm_pmi(Rcpp::List model, Rcpp::NumericMatrix X, int dx, int n_threads) {
  gmmmi::Gmm g = gmm_from_list(model);
  const std::size_t n = X.nrow();
  const int d = X.ncol();
  std::vector<double> Xt(n * d);
  for (std::size_t i = 0; i < n; ++i)
    for (int a = 0; a < d; ++a) Xt[i * d + a] = X(i, a);
  gmmmi_r::ParallelExecutor ex(n_threads);
  Rcpp::NumericVector out(n);
  std::vector<double> o(n);
  if (!gmmmi::pointwise_mi(g, dx, Xt.data(), n, o.data(), ex)) Rcpp::stop("degenerate mixture");
  std::copy(o.begin(), o.end(), out.begin());
  return out;
}

// Y: the rows' (z, y) values; the first dz columns are the conditioning variable (0: plain MI).
// [[Rcpp::export(.gmm_pmi_categorical)]]
Rcpp::NumericVector gmm_pmi_categorical(Rcpp::List models, Rcpp::NumericVector p, Rcpp::IntegerVector labels,
                                        Rcpp::NumericMatrix Y, int n_threads, int dz = 0) {
  std::vector<gmmmi::Gmm> gs;
  for (R_xlen_t c = 0; c < models.size(); ++c) gs.push_back(gmm_from_list(models[c]));
  const std::size_t n = Y.nrow();
  const int d = Y.ncol();
  std::vector<double> Yt(n * d);
  for (std::size_t i = 0; i < n; ++i)
    for (int a = 0; a < d; ++a) Yt[i * d + a] = Y(i, a);
  std::vector<int> lab(n);
  for (std::size_t i = 0; i < n; ++i) lab[i] = labels[i] - 1;
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

class RPhaseMonitor : public gmmmi::PhaseMonitor {
 public:
  explicit RPhaseMonitor(Rcpp::Nullable<Rcpp::Function> cb) : has_cb_(cb.isNotNull()) {
    if (has_cb_) cb_ = Rcpp::Function(cb.get());
  }
  void phase(int which, std::size_t total) override {
    phase_ = which;
    if (has_cb_) cb_(which, 0.0, static_cast<double>(total));
  }
  void step(std::size_t done, std::size_t total) override {
    Rcpp::checkUserInterrupt();
    if (has_cb_) cb_(phase_, static_cast<double>(done), static_cast<double>(total));
  }

 private:
  bool has_cb_;
  int phase_ = 0;
  Rcpp::Function cb_ = Rcpp::Function("identity");
};

Rcpp::List gmm_to_r(const gmmmi::Gmm& g) {
  const int K = g.K, d = g.d;
  Rcpp::NumericVector w(K);
  Rcpp::NumericMatrix mu(K, d);
  Rcpp::NumericVector cv(static_cast<R_xlen_t>(d) * d * K);
  for (int k = 0; k < K; ++k) {
    w[k] = g.weights[k];
    for (int a = 0; a < d; ++a) mu(k, a) = g.means(a, k);
    for (int a = 0; a < d; ++a)
      for (int b = 0; b < d; ++b) cv[static_cast<R_xlen_t>(k) * d * d + b * d + a] = g.covs[k](a, b);
  }
  cv.attr("dim") = Rcpp::IntegerVector::create(d, d, K);
  return Rcpp::List::create(Rcpp::Named("weights") = w, Rcpp::Named("means") = mu,
                            Rcpp::Named("covariances") = cv);
}

gmmmi::InitMethod init_method(const std::string& s) {
  if (s == "kmeans") return gmmmi::InitMethod::Kmeans;
  if (s == "randomized_kmeans") return gmmmi::InitMethod::RandomizedKmeans;
  if (s == "minmax") return gmmmi::InitMethod::Minmax;
  return gmmmi::InitMethod::Random;
}

// The EM settings and starts shared by the estimator and the permutation statistics.
void read_fit_options(const Rcpp::List& opt, gmmmi::GmmMiOptions& o) {
  o.em.tol = Rcpp::as<double>(opt["tol"]);
  o.em.max_iter = Rcpp::as<int>(opt["max_iter"]);
  o.em.reg_covar = Rcpp::as<double>(opt["reg_covar"]);
  {
    const std::vector<std::string> inits = Rcpp::as<std::vector<std::string>>(opt["init"]);
    o.em.init = init_method(inits.at(0));
    for (const auto& i : inits) o.inits.push_back(init_method(i));
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
  RPhaseMonitor mon(callback);
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
    fit_out[g] = Rcpp::List::create(Rcpp::Named("model") = gmm_to_r(f.model), Rcpp::Named("loglik") = f.loglik,
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
      Rcpp::Named("point") = mc_to_r(r.point), Rcpp::Named("bootstrap") = boot,
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
  std::vector<double> Xt(n * d);
  for (std::size_t i = 0; i < n; ++i)
    for (int a = 0; a < d; ++a) Xt[i * d + a] = X(i, a);
  const std::size_t B = perms.ncol();
  std::vector<int> pm(n * B);
  for (std::size_t b = 0; b < B; ++b)
    for (std::size_t i = 0; i < n; ++i) {
      const int v = perms(i, b) - 1;
      if (v < 0 || static_cast<std::size_t>(v) >= n) Rcpp::stop("internal: permutation index out of range");
      pm[b * n + i] = v;
    }
  std::vector<int> lab;
  if (kind == 2) {
    lab.resize(n);
    for (std::size_t i = 0; i < n; ++i) {
      lab[i] = labels[i] - 1;
      if (lab[i] < 0 || lab[i] >= K.size()) Rcpp::stop("internal: label out of range");
    }
  }
  gmmmi::MiSpec spec;
  spec.kind = kind;
  spec.dx = dx;
  spec.dy = dy;
  spec.dz = kind == 2 ? d - dy : 0;  // categorical x: the groups' columns are (z, y)
  spec.p.assign(p.begin(), p.end());
  std::vector<int> kk(K.begin(), K.end());
  gmmmi_r::ParallelExecutor ex(n_threads);
  RPhaseMonitor mon(R_NilValue);
  const std::vector<double> r = gmmmi::permutation_statistics(Xt.data(), n, d, lab, kk, spec, pm, B,
                                                              static_cast<std::size_t>(b_offset), o,
                                                              gmmmi_r::seed_arg(seed), ex, mon);
  return Rcpp::NumericVector(r.begin(), r.end());
}

// Ziggurat normal draws (fastmath.hpp), n_streams columns of n_per, for the tests.
// [[Rcpp::export(.normal_zig_draws)]]
Rcpp::NumericMatrix normal_zig_draws(Rcpp::NumericVector seed, int n_streams, int n_per, int n_threads) {
  const std::uint64_t s = gmmmi_r::seed_arg(seed);
  std::vector<double> out(static_cast<std::size_t>(n_streams) * n_per);
  gmmmi_r::ParallelExecutor ex(n_threads);
  gmmmi::parallel_for(ex, n_streams, 1, [&](std::size_t j) {
    gmmmi::Stream st(s, j);
    for (int i = 0; i < n_per; ++i) out[j * n_per + i] = gmmmi::normal_zig(st);
  });
  Rcpp::NumericMatrix m(n_per, n_streams);
  std::copy(out.begin(), out.end(), m.begin());
  return m;
}

// Kernel clone selection (fastmath.hpp), for the tests: mode 2 (default) lets the widest clones
// the CPU supports run (AVX-512 for the Monte Carlo kernel, AVX2), mode 1 at most AVX2, mode 0
// the baseline clones only. Returns the previous mode and which clones are in use now.
// [[Rcpp::export(.simd_mode)]]
Rcpp::List simd_mode(int mode) {
  const int old = gmmmi::simd_mode();
  if (mode >= 0 && mode <= 2) gmmmi::simd_mode() = mode;
  return Rcpp::List::create(Rcpp::Named("previous") = old, Rcpp::Named("avx2") = gmmmi::use_avx2(),
                            Rcpp::Named("avx512") = gmmmi::use_avx512());
}

// The vectorised exp (for x <= 0) and log of fastmath.hpp applied to x, for the tests.
// [[Rcpp::export(.vector_math)]]
Rcpp::NumericVector vector_math(Rcpp::NumericVector x, std::string fun) {
  Rcpp::NumericVector out(x.size());
#ifdef GMMMI_HAVE_V4D
  for (R_xlen_t i = 0; i < x.size(); i += 4) {
    gmmmi::v4d v = {1.0, 1.0, 1.0, 1.0};
    if (fun == "exp") v = v - 1.0;
    const R_xlen_t nl = std::min<R_xlen_t>(4, x.size() - i);
    for (R_xlen_t l = 0; l < nl; ++l) v[l] = x[i + l];
    if (fun == "exp")
      gmmmi::vexp_le0(v);
    else
      gmmmi::vlog(v);
    for (R_xlen_t l = 0; l < nl; ++l) out[i + l] = v[l];
  }
#else
  for (R_xlen_t i = 0; i < x.size(); ++i) out[i] = fun == "exp" ? std::exp(x[i]) : std::log(x[i]);
#endif
  return out;
}

// Column means, standard deviations (n - 1 denominator, two passes, long double sums as R's
// colMeans and var use) and largest absolute values of a numeric matrix, for input checks and
// standardisation without R-level copies of the data.
// [[Rcpp::export(.col_stats)]]
Rcpp::List col_stats(Rcpp::NumericMatrix x) {
  const R_xlen_t n = x.nrow();
  const int d = x.ncol();
  Rcpp::NumericVector mean(d), sd(d), absmax(d);
  for (int j = 0; j < d; ++j) {  // scale-robust: see gmmmi/stats.hpp
    const gmmmi::ColumnStats st = gmmmi::column_stats(&x[static_cast<R_xlen_t>(j) * n], n);
    mean[j] = n > 0 ? st.mean : NA_REAL;
    sd[j] = n > 1 ? st.sd : NA_REAL;
    absmax[j] = st.absmax;
  }
  return Rcpp::List::create(Rcpp::Named("mean") = mean, Rcpp::Named("sd") = sd,
                            Rcpp::Named("absmax") = absmax);
}

// The four-lane streams of fastmath.hpp, for the tests: n_per draws of Stream4(seed, index) as
// 53-bit uniforms (lane l in column l + 1; must equal Stream(seed, 4 index + l)), and 4 n_per
// ziggurat normals from a fresh Stream4(seed, index) (four per call, in call order).
// [[Rcpp::export(.stream4_draws)]]
Rcpp::List stream4_draws(Rcpp::NumericVector seed, double index, int n_per) {
  const std::uint64_t s = gmmmi_r::seed_arg(seed);
  const std::uint64_t idx = static_cast<std::uint64_t>(index);
  Rcpp::NumericMatrix u(n_per, 4);
  Rcpp::NumericVector z(4 * static_cast<R_xlen_t>(n_per));
#ifdef GMMMI_HAVE_V4D
  gmmmi::Stream4 a(s, idx);
  for (int i = 0; i < n_per; ++i) {
    gmmmi::v4u b;
    a.next(b);
    for (int l = 0; l < 4; ++l) u(i, l) = (static_cast<double>(b[l] >> 11) + 0.5) * (1.0 / 9007199254740992.0);
  }
  gmmmi::Stream4 g(s, idx);
  for (int i = 0; i < n_per; ++i) {
    gmmmi::v4d v;
    gmmmi::normal4(g, v);
    for (int l = 0; l < 4; ++l) z[4 * static_cast<R_xlen_t>(i) + l] = v[l];
  }
#else
  Rcpp::stop("built without vector extensions");
#endif
  return Rcpp::List::create(Rcpp::Named("uniform") = u, Rcpp::Named("normal") = z);
}
