// Rcpp glue for GMM-MI: Monte Carlo MI of given mixtures, pointwise MI, and the estimator.
#include "executor.h"
#include <gmmmi/mi_gmm.hpp>

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

// [[Rcpp::export(.gmm_pmi_categorical)]]
Rcpp::NumericVector gmm_pmi_categorical(Rcpp::List models, Rcpp::NumericVector p, Rcpp::IntegerVector labels,
                                        Rcpp::NumericMatrix Y, int n_threads) {
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
  if (!gmmmi::pointwise_mi_categorical(gs, pp, lab.data(), Yt.data(), n, o.data(), ex))
    Rcpp::stop("degenerate mixture");
  return Rcpp::NumericVector(o.begin(), o.end());
}
