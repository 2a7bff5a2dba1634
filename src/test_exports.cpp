// The Rcpp entry points that exist only for the tests (tests/testthat): they expose pieces of
// the core (initialisation, Monte Carlo MI of a given mixture, random streams, vector math, CPU
// dispatch, k-d tree searches, the serial 1-D KSG, error propagation from workers) that the
// package's own functions reach only inside larger computations. Production glue lives in the
// file named after its estimator; conversions in convert.h.
#include "executor.h"
#include <gmmmi/em.hpp>
#include <gmmmi/fastmath.hpp>
#include <gmmmi/knn.hpp>
#include <gmmmi/ksg.hpp>
#include <gmmmi/mixture_mi.hpp>
#include <gmmmi/rng.hpp>
#include <gmmmi/stream4.hpp>
#include <gmmmi/ziggurat.hpp>

#include <stdexcept>
#include <string>

// ---- EM and mixtures ----

// Starting model of one initialisation (stream `index` of `seed`), for tests of the init rules.
// [[Rcpp::export(.gmm_init_cpp)]]
Rcpp::List gmm_init_cpp(Rcpp::NumericMatrix x, Rcpp::Nullable<Rcpp::NumericVector> weights, int K,
                        std::string init, double reg_covar, double scale, Rcpp::NumericVector seed,
                        int index) {
  const gmmmi_r::WeightedRows data(x, weights);
  const std::size_t n = data.n;
  const int d = data.d;
  const double* w = data.weights();
  gmmmi::EmOptions opt;
  opt.reg_covar = reg_covar;
  opt.scale = scale;
  opt.init = gmmmi_r::init_method(init);
  gmmmi::Stream rng(gmmmi_r::seed_arg(seed), static_cast<std::uint64_t>(index));
  return gmmmi_r::gmm_to_r(gmmmi::em_initialise(data.X.data(), n, d, w, K, opt, rng));
}

// MI (dz = 0) or conditional MI (dz > 0) of one mixture by Monte Carlo.
// [[Rcpp::export(.gmm_mi_mc)]]
Rcpp::NumericVector gmm_mi_mc(Rcpp::List model, int dx, int dy, double n_mc, Rcpp::NumericVector seed,
                              int n_threads) {
  const gmmmi::Gmm g = gmmmi_r::gmm_from_r(model);
  gmmmi_r::ParallelExecutor ex(n_threads);
  const std::uint64_t s = gmmmi_r::seed_arg(seed);
  const std::size_t nm = static_cast<std::size_t>(n_mc);
  if (dx + dy == g.d) return gmmmi_r::mc_to_r(gmmmi::mi_mc(g, dx, nm, s, ex));
  return gmmmi_r::mc_to_r(gmmmi::cmi_mc(g, dx, dy, nm, s, ex));
}

// MI of a categorical X (class probabilities p) and Y with class mixtures `models`.
// [[Rcpp::export(.gmm_mi_categorical_mc)]]
Rcpp::NumericVector gmm_mi_categorical_mc(Rcpp::List models, Rcpp::NumericVector p, double n_mc,
                                          Rcpp::NumericVector seed, int n_threads) {
  const std::vector<gmmmi::Gmm> gs = gmmmi_r::gmms_from_r(models);
  gmmmi_r::ParallelExecutor ex(n_threads);
  std::vector<double> pp(p.begin(), p.end());
  return gmmmi_r::mc_to_r(gmmmi::mi_categorical_mc(gs, pp, static_cast<std::size_t>(n_mc),
                                          gmmmi_r::seed_arg(seed), ex));
}

// ---- random streams ----

// [[Rcpp::export(.rng_draws)]]
Rcpp::NumericMatrix rng_draws(Rcpp::NumericVector seed, int n_streams, int n_per, int n_threads,
                              std::string type) {
  const std::uint64_t s = gmmmi_r::seed_arg(seed);
  std::vector<double> out(static_cast<std::size_t>(n_streams) * n_per);
  const int kind = type == "normal" ? 0 : (type == "uniform" ? 1 : 2);
  gmmmi_r::ParallelExecutor ex(n_threads);
  gmmmi::parallel_for(ex, n_streams, 1, [&](std::size_t j) {
    gmmmi::Stream st(s, j);
    for (int i = 0; i < n_per; ++i) {
      out[j * n_per + i] = kind == 0 ? st.normal() : (kind == 1 ? st.uniform() : st.exponential());
    }
  });
  Rcpp::NumericMatrix m(n_per, n_streams);
  std::copy(out.begin(), out.end(), m.begin());
  return m;
}

// Ziggurat normal draws (ziggurat.hpp), n_streams columns of n_per, for the tests.
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

// The four-lane streams of stream4.hpp, for the tests: n_per draws of Stream4(seed, index) as
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

// ---- vector math and CPU dispatch ----

// Kernel clone selection (simd.hpp), for the tests: mode 2 (default) lets the widest clones
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

// ---- k-d tree and KSG ----

// [[Rcpp::export(.knn_search)]]
Rcpp::List knn_search(Rcpp::NumericMatrix x, int k, std::string norm, int n_threads, bool brute) {
  const std::size_t n = x.nrow(), d = x.ncol();
  std::vector<double> rows = gmmmi_r::rows_of(x);
  std::vector<double> meas(n * k);
  std::vector<std::size_t> index(n * k);
  const gmmmi::knn::Norm nm = gmmmi_r::norm_arg(norm);
  if (brute) {
    gmmmi::knn::brute_knn(rows.data(), n, d, k, nm, meas.data(), index.data());
  } else {
    gmmmi_r::ParallelExecutor ex(n_threads);
    gmmmi::knn::all_knn(rows.data(), n, d, k, nm, ex, meas.data(), index.data());
  }
  Rcpp::NumericMatrix dist(n, k);
  Rcpp::IntegerMatrix idx(n, k);
  for (std::size_t i = 0; i < n; ++i)
    for (int j = 0; j < k; ++j) {
      const double m = meas[i * k + j];
      dist(i, j) = nm == gmmmi::knn::Norm::Euclidean ? std::sqrt(m) : m;
      idx(i, j) = static_cast<int>(index[i * k + j]) + 1;
    }
  return Rcpp::List::create(Rcpp::Named("distance") = dist, Rcpp::Named("index") = idx);
}

// Radii are given as measures (max-norm distance, or squared Euclidean distance).
// [[Rcpp::export(.knn_count)]]
Rcpp::IntegerVector knn_count(Rcpp::NumericMatrix x, Rcpp::NumericVector r, bool strict,
                              std::string norm, int n_threads) {
  const std::size_t n = x.nrow(), d = x.ncol();
  std::vector<double> rows = gmmmi_r::rows_of(x);
  std::vector<double> rr(r.begin(), r.end());
  std::vector<std::size_t> out(n);
  gmmmi_r::ParallelExecutor ex(n_threads);
  gmmmi::knn::all_counts(rows.data(), n, d, rr.data(), strict, gmmmi_r::norm_arg(norm), ex, out.data());
  return Rcpp::IntegerVector(out.begin(), out.end());
}

// Serial 1-D entry point (the one sliced MI uses per slice), exposed for tests.
// [[Rcpp::export(.ksg_1d_serial)]]
double ksg_1d_serial(Rcpp::NumericVector x, Rcpp::NumericVector y, int k, int variant) {
  return gmmmi::knn::ksg_1d(x.begin(), y.begin(), x.size(), k, variant);
}

// ---- the executor ----

// A unit of parallel work that throws: the error must reach R (test-threads.R).
// [[Rcpp::export(.parallel_throw)]]
int parallel_throw(int n, int bad, int n_threads) {
  gmmmi_r::ParallelExecutor ex(n_threads);
  std::vector<int> v(n, 0);
  gmmmi::parallel_for(ex, n, 1, [&](std::size_t i) {
    if (static_cast<int>(i) == bad) throw std::runtime_error("unit " + std::to_string(i) + " failed");
    v[i] = 1;
  });
  return n;
}
