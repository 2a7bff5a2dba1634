// Glue for the EM engine (inst/include/gmmmi/em.hpp) and GMM evaluation/sampling.
// Converts R objects once on the main thread (convert.h); the core runs without the R API.
#include "executor.h"
#include <gmmmi/em.hpp>
#include <gmmmi/gmm.hpp>

namespace {

Rcpp::List result_to_r(const gmmmi::EmResult& r, const std::vector<double>& init_ll, int best) {
  const std::size_t ne = r.events.size();
  Rcpp::IntegerVector it(ne), comp(ne), kind(ne);
  for (std::size_t e = 0; e < ne; ++e) {
    it[e] = r.events[e].iteration;
    comp[e] = r.events[e].component + 1;
    kind[e] = r.events[e].kind;
  }
  Rcpp::List out = gmmmi_r::gmm_to_r(r.model);
  out["loglik"] = r.loglik;
  out["mean_loglik"] = r.mean_loglik;
  out["iterations"] = r.iterations;
  out["converged"] = r.converged;
  out["events"] = Rcpp::List::create(Rcpp::Named("iteration") = it, Rcpp::Named("component") = comp,
                                     Rcpp::Named("kind") = kind);
  out["init_loglik"] = Rcpp::NumericVector(init_ll.begin(), init_ll.end());
  out["best_init"] = best + 1;
  return out;
}

}  // namespace

// mode: "method" (init by name, n_inits starts), "model" (warm start from start list),
// "responsibilities" (start from an n x K responsibility matrix).
// [[Rcpp::export(.gmm_fit_cpp)]]
Rcpp::List gmm_fit_cpp(Rcpp::NumericMatrix x, Rcpp::Nullable<Rcpp::NumericVector> weights, int K,
                       int n_inits, std::string mode, std::string init, Rcpp::List start,
                       double tol, int max_iter, double reg_covar, double scale, int block_size,
                       Rcpp::NumericVector seed, int n_threads) {
  const gmmmi_r::WeightedRows data(x, weights);
  const std::size_t n = data.n;
  const int d = data.d;
  const double* w = data.weights();
  gmmmi::EmOptions opt;
  opt.tol = tol;
  opt.max_iter = max_iter;
  opt.reg_covar = reg_covar;
  opt.scale = scale;
  opt.block_size = static_cast<std::size_t>(block_size);
  gmmmi_r::ParallelExecutor ex(n_threads);
  gmmmi_r::RMonitor monitor;  // interrupts only, between EM iterations
  if (mode == "method") {
    opt.init = gmmmi_r::init_method(init);
    std::vector<double> all;
    int best = 0;
    gmmmi::EmResult r = gmmmi::em_fit_best(data.X.data(), n, d, w, K, opt, gmmmi_r::seed_arg(seed),
                                           n_inits, ex, &all, &best, &monitor);
    return result_to_r(r, all, best);
  }
  gmmmi::Gmm g0;
  std::vector<gmmmi::RecoveryEvent> ev0;
  if (mode == "model") {
    g0 = gmmmi_r::gmm_from_r(start);
  } else if (mode == "responsibilities") {
    const Rcpp::NumericMatrix z = start["responsibilities"];
    if (static_cast<std::size_t>(z.nrow()) != n || z.ncol() != K) Rcpp::stop("internal: responsibilities must be n x K");
    const std::vector<double> R = gmmmi_r::rows_of(z);
    g0 = gmmmi::em_init_responsibilities(data.X.data(), n, d, w, R.data(), K, opt, &ev0);
  } else {
    Rcpp::stop("internal: unknown mode");
  }
  gmmmi::EmResult r = gmmmi::em_run(data.X.data(), n, d, w, g0, opt, ex, &monitor);
  r.events.insert(r.events.begin(), ev0.begin(), ev0.end());
  std::vector<double> all(1, r.loglik);
  return result_to_r(r, all, 0);
}

// Evaluate a model at points x (n x d): "log_density" (n), "log_component" (n x K matrix of
// log(w_k N_k(x))), "responsibilities" (n x K).
// [[Rcpp::export(.gmm_eval_cpp)]]
SEXP gmm_eval_cpp(Rcpp::NumericVector weights, Rcpp::NumericMatrix means, Rcpp::NumericVector covs,
                  Rcpp::NumericMatrix x, std::string what, int n_threads) {
  gmmmi::Gmm g = gmmmi_r::gmm_from_r(weights, means, covs);
  if (!g.prepare()) Rcpp::stop("the model's covariances are not positive definite");
  const std::size_t n = x.nrow();
  const int d = x.ncol(), K = g.K;
  if (d != g.d) Rcpp::stop("internal: dimension mismatch");
  const std::vector<double> X = gmmmi_r::rows_of(x);
  gmmmi_r::ParallelExecutor ex(n_threads);
  if (what == "log_density") {
    std::vector<double> out(n);
    gmmmi::log_density(g, X.data(), n, out.data(), ex);
    return Rcpp::NumericVector(out.begin(), out.end());
  }
  const bool resp = what == "responsibilities";
  std::vector<double> out(n * K);  // K x n
  gmmmi::Blocks blocks(n, 2048);
  gmmmi::parallel_for(ex, blocks.count, 1, [&](std::size_t b) {
    gmmmi::Mat L;
    const std::size_t s = blocks.begin(b), m = blocks.end(b) - s;
    gmmmi::component_log_dens(g, X.data() + s * d, m, L);
    for (std::size_t i = 0; i < m; ++i) {
      double* o = out.data() + (s + i) * K;
      const double* l = L.data() + i * K;
      if (!resp) {
        for (int k = 0; k < K; ++k) o[k] = l[k];
        continue;
      }
      double mx = l[0];
      for (int k = 1; k < K; ++k) mx = l[k] > mx ? l[k] : mx;
      double sum = 0.0;
      for (int k = 0; k < K; ++k) sum += (o[k] = std::exp(l[k] - mx));
      for (int k = 0; k < K; ++k) o[k] /= sum;
    }
  });
  return gmmmi_r::matrix_of_rows(out.data(), n, K);
}

// Draw n points from the model (one stream); returns n x d, attribute "component" (1-based).
// [[Rcpp::export(.gmm_sample_cpp)]]
Rcpp::NumericMatrix gmm_sample_cpp(Rcpp::NumericVector weights, Rcpp::NumericMatrix means,
                                   Rcpp::NumericVector covs, int n, Rcpp::NumericVector seed) {
  gmmmi::Gmm g = gmmmi_r::gmm_from_r(weights, means, covs);
  if (!g.prepare()) Rcpp::stop("the model's covariances are not positive definite");
  const int d = g.d;
  std::vector<double> out(static_cast<std::size_t>(n) * d);
  std::vector<int> lab(n);
  gmmmi::Stream rng(gmmmi_r::seed_arg(seed), 0);
  gmmmi::sample(g, rng, n, out.data(), lab.data());
  Rcpp::NumericMatrix res = gmmmi_r::matrix_of_rows(out.data(), n, d);
  Rcpp::IntegerVector comp(lab.begin(), lab.end());
  for (int i = 0; i < n; ++i) comp[i] += 1;
  res.attr("component") = comp;
  return res;
}
