// Mutual information of a fitted Gaussian mixture by Monte Carlo (GMM-MI, step 7), its
// conditional and categorical variants, and pointwise MI of data points.
//
// Marginals of a GMM are GMMs with the same weights and the sub-blocks of every mean and
// covariance. A useful identity saves work: if L is the lower Cholesky factor of a covariance
// ordered (a, b), then the leading block of L is the Cholesky factor of the a-block, and the
// leading block of U = L^{-1} is its inverse. So when a point is whitened by the joint U_k, the
// first m coordinates of U_k x - U_k mu_k are exactly the whitened a-block: the log-density of
// every leading ("prefix") marginal comes for free with the joint. We order the dimensions so
// that as many marginals as possible are prefixes: (x, y) for MI (p(x) is a prefix, p(y) is a
// separate mixture), and (z, x, y) for conditional MI (p(z) and p(z, x) are prefixes, p(z, y)
// is separate).
//
// Monte Carlo: n_mc draws in chunks of `chunk` draws; chunk c uses its own streams (four-lane
// Stream4(seed, c), i.e. Stream(seed, 4c + l) for lane l; see sample_chunk), so
// the draws do not depend on the executor; per-chunk mean and sum of squared deviations are
// combined in chunk order (Chan et al.), so the result is bitwise identical for any thread count.
//
// The Monte Carlo machinery (sampling, log-density kernels and their CPU-specific clones) is in
// mc_kernels.hpp and mc_sampler.hpp; this file holds the MI functionals of a given mixture. (The
// estimator that fits the mixtures to data is gmm_mi.hpp.)
#ifndef GMMMI_MIXTURE_MI_HPP
#define GMMMI_MIXTURE_MI_HPP

#include <Eigen/Dense>
#include <algorithm>
#include <cmath>
#include <cstdint>
#include <cstring>
#include <limits>
#include <numeric>
#include <vector>

#include "gmm.hpp"
#include "mc_kernels.hpp"
#include "parallel.hpp"

namespace gmmmi {

namespace detail {

inline std::vector<int> iota_vec(int from, int to) {
  std::vector<int> v;
  for (int a = from; a < to; ++a) v.push_back(a);
  return v;
}

inline McResult failed() { return McResult(); }

// log det of the sub-block of cov over dims (NaN if not positive definite).
inline double block_logdet(const Mat& cov, const std::vector<int>& dims) {
  const int m = static_cast<int>(dims.size());
  Mat S(m, m);
  for (int a = 0; a < m; ++a)
    for (int b = 0; b < m; ++b) S(a, b) = cov(dims[a], dims[b]);
  Eigen::LLT<Mat> llt(S);
  if (llt.info() != Eigen::Success) return std::numeric_limits<double>::quiet_NaN();
  double ld = 0.0;
  for (int a = 0; a < m; ++a) ld += 2.0 * std::log(llt.matrixL()(a, a));
  return ld;
}

// A single Gaussian has closed-form (conditional) MI; the Monte Carlo integral converges to it.
inline McResult exact(double v) {
  McResult r;
  if (std::isfinite(v)) {
    r.value = v;
    r.std_error = 0.0;
  }
  return r;
}

// The log-density terms of MI = E[log p(x,y) - log p(x) - log p(y)] with x = the first dx
// coordinates: the joint with its x-prefix (one Cholesky gives both), and the y-marginal.
inline std::vector<LogTerm> mi_terms(const Gmm& g, int dx) {
  std::vector<LogTerm> terms(2);
  terms[0].g = g;
  terms[0].prefixes = {dx, g.d};
  terms[0].coefs = {-1.0, 1.0};
  terms[1].g = g.marginal(iota_vec(dx, g.d));
  terms[1].dims = iota_vec(dx, g.d);
  terms[1].prefixes = {g.d - dx};
  terms[1].coefs = {-1.0};
  return terms;
}

}  // namespace detail

// Default chunk of Monte Carlo draws (one random stream each).
constexpr std::size_t kMcChunk = 4096;

// MI between the first dx coordinates (x) and the remaining d - dx (y) of the mixture g.
// A single component (a Gaussian) gets its closed form (std_error 0, n 0) instead of Monte Carlo.
// Returns NaN (value and std_error) if a covariance is not positive definite.
inline McResult mi_mc(const Gmm& g, int dx, std::size_t n_mc, std::uint64_t seed,
                      const Executor& ex, std::size_t chunk = kMcChunk) {
  if (dx < 1 || dx >= g.d) throw InputError("mi_mc: dx must be in 1..d-1");
  if (g.K == 1) {  // Gaussian: 0.5 (log|S_xx| + log|S_yy| - log|S|), exact
    const std::vector<int> xs = detail::iota_vec(0, dx), ys = detail::iota_vec(dx, g.d),
                           all = detail::iota_vec(0, g.d);
    return detail::exact(0.5 * (detail::block_logdet(g.covs[0], xs) + detail::block_logdet(g.covs[0], ys) -
                                detail::block_logdet(g.covs[0], all)));
  }
  std::vector<detail::LogTerm> terms = detail::mi_terms(g, dx);
  for (auto& t : terms)
    if (!t.setup()) return detail::failed();
  return detail::mc_expect(terms[0].g, terms, n_mc, seed, ex, chunk);
}

namespace detail {
// The coordinates (z, x, y) in terms of (x, y, z): the order in which log p(z) and log p(z, x) are
// prefixes of the joint.
inline std::vector<int> zxy_order(int dx, int dy, int d) {
  std::vector<int> perm = iota_vec(dx + dy, d);
  for (int a = 0; a < dx + dy; ++a) perm.push_back(a);
  return perm;
}

// The log-density terms of the conditional MI, on points in the (z, x, y) order:
// log p(z) - log p(z,x) + log p(z,x,y) (prefixes of the reordered joint) - log p(z,y).
inline std::vector<LogTerm> cmi_terms(const Gmm& g, int dx, int dy) {
  const int d = g.d, dz = d - dx - dy;
  std::vector<LogTerm> terms(2);
  terms[0].g = g.marginal(zxy_order(dx, dy, d));
  terms[0].prefixes = {dz, dz + dx, d};
  terms[0].coefs = {1.0, -1.0, 1.0};
  std::vector<int> zy = iota_vec(0, dz);
  for (int a = dz + dx; a < d; ++a) zy.push_back(a);  // positions in the (z, x, y) order
  terms[1].g = terms[0].g.marginal(zy);
  terms[1].dims = zy;
  terms[1].prefixes = {dz + dy};
  terms[1].coefs = {-1.0};
  return terms;
}
}  // namespace detail

// Conditional MI I(X; Y | Z) of the mixture g over (x, y, z) = coordinates
// [0, dx), [dx, dx + dy), [dx + dy, d):  E[log p(x,y,z) + log p(z) - log p(x,z) - log p(y,z)].
inline McResult cmi_mc(const Gmm& g, int dx, int dy, std::size_t n_mc, std::uint64_t seed,
                       const Executor& ex, std::size_t chunk = kMcChunk) {
  const int d = g.d, dz = d - dx - dy;
  if (dx < 1 || dy < 1 || dz < 1) throw InputError("cmi_mc: dx, dy and dz must be >= 1");
  if (g.K == 1) {  // Gaussian: 0.5 (log|S_xz| + log|S_yz| - log|S| - log|S_zz|), exact
    std::vector<int> xz = detail::iota_vec(0, dx), yz = detail::iota_vec(dx, dx + dy);
    const std::vector<int> zs = detail::iota_vec(dx + dy, d), all = detail::iota_vec(0, d);
    for (int a : zs) {
      xz.push_back(a);
      yz.push_back(a);
    }
    const Mat& S = g.covs[0];
    return detail::exact(0.5 * (detail::block_logdet(S, xz) + detail::block_logdet(S, yz) -
                                detail::block_logdet(S, all) - detail::block_logdet(S, zs)));
  }
  std::vector<detail::LogTerm> terms = detail::cmi_terms(g, dx, dy);
  for (auto& t : terms)
    if (!t.setup()) return detail::failed();
  return detail::mc_expect(terms[0].g, terms, n_mc, seed, ex, chunk);
}

// MI between a categorical X with class probabilities p (summing to 1) and Y, whose
// class-conditional densities are the mixtures gs[c] (all of dimension dy):
//   sum_c p_c E_{y ~ p(y|c)}[log p(y|c) - log sum_c' p_c' p(y|c')].
// With dz > 0 the first dz coordinates of every class model are a conditioning variable Z and the
// result is the conditional MI I(X; Y | Z) of the same models:
//   sum_c p_c E_{(z,y) ~ p(z,y|c)}[log p(y|z,c) - log p(y|z)]
//   = sum_c p_c E[log p(z,y|c) - log p(z|c) - log p(z,y) + log p(z)],
// where p(z|c) and p(z) are leading-prefix marginals of the class and pooled mixtures.
// Class c gets max(min_per_class, round(n_mc p_c)) draws (stratified Monte Carlo), from streams
// (derive_seed(seed, c), chunk). The standard error combines the per-class errors.
inline McResult mi_categorical_mc(const std::vector<Gmm>& gs, const std::vector<double>& p,
                                  std::size_t n_mc, std::uint64_t seed, const Executor& ex,
                                  std::size_t chunk = kMcChunk, std::size_t min_per_class = 1000,
                                  int dz = 0) {
  const int C = static_cast<int>(gs.size());
  if (C < 2 || static_cast<int>(p.size()) != C) throw InputError("mi_categorical_mc: need >= 2 classes");
  const int dy = gs[0].d;
  if (dz < 0 || dz >= dy) throw InputError("mi_categorical_mc: dz must be in 0..d-1");
  // the mixture over classes: all components, weights p_c w_ck
  int Ktot = 0;
  std::vector<int> offset(C + 1, 0);
  for (int c = 0; c < C; ++c) {
    if (gs[c].d != dy) throw InputError("mi_categorical_mc: class models differ in dimension");
    offset[c + 1] = offset[c] + gs[c].K;
  }
  Ktot = offset[C];
  Gmm mix(Ktot, dy);
  for (int c = 0; c < C; ++c) {
    for (int k = 0; k < gs[c].K; ++k) {
      mix.weights[offset[c] + k] = p[c] * gs[c].weights[k];
      mix.means.col(offset[c] + k) = gs[c].means.col(k);
      mix.covs[offset[c] + k] = gs[c].covs[k];
    }
  }
  // per class c the integrand log p(y|c) - log p(y) as two log-density terms, and the sampler
  std::vector<std::vector<detail::LogTerm>> terms(C);
  std::vector<std::vector<double>> cdfs(C), packs(C);
  for (int c = 0; c < C; ++c) {
    terms[c].resize(2);
    terms[c][0].g = gs[c];
    terms[c][1].g = mix;
    if (dz == 0) {
      terms[c][0].prefixes = {dy};
      terms[c][0].coefs = {1.0};
      terms[c][1].prefixes = {dy};
      terms[c][1].coefs = {-1.0};
    } else {
      terms[c][0].prefixes = {dz, dy};
      terms[c][0].coefs = {-1.0, 1.0};
      terms[c][1].prefixes = {dz, dy};
      terms[c][1].coefs = {1.0, -1.0};
    }
    for (auto& t : terms[c])
      if (!t.setup()) return detail::failed();
    detail::sampler_tables(terms[c][0].g, cdfs[c], packs[c]);
  }
  // units: (class, chunk)
  std::vector<std::size_t> n_c(C), first_unit(C + 1, 0);
  for (int c = 0; c < C; ++c) {
    const double want = std::round(static_cast<double>(n_mc) * p[c]);
    n_c[c] = std::max<std::size_t>(min_per_class, static_cast<std::size_t>(want));
    first_unit[c + 1] = first_unit[c] + (n_c[c] + chunk - 1) / chunk;
  }
  const std::size_t U = first_unit[C];
  std::vector<detail::Moments> parts(U);
  std::vector<int> unit_class(U);
  for (int c = 0; c < C; ++c)
    for (std::size_t u = first_unit[c]; u < first_unit[c + 1]; ++u) unit_class[u] = c;
  parallel_for(ex, U, 1, [&](std::size_t u) {
    const int c = unit_class[u];
    const std::size_t j = u - first_unit[c];
    const std::size_t b = j * chunk, m = std::min(chunk, n_c[c] - b);
    std::vector<double> Y(static_cast<std::size_t>(dy) * m), lc(m);
    std::vector<std::size_t> counts;
    detail::sample_chunk(terms[c][0].g, cdfs[c], packs[c], derive_seed(seed, static_cast<std::uint64_t>(c)), j,
                         m, Y.data(), counts);
    detail::Workspace ws;
    detail::eval_terms(terms[c], Y.data(), dy, m, lc.data(), ws);
    parts[u].add_block(lc.data(), m);
  });
  double value = 0.0, var = 0.0, ntot = 0.0;
  for (int c = 0; c < C; ++c) {
    detail::Moments mc;
    for (std::size_t u = first_unit[c]; u < first_unit[c + 1]; ++u) mc.merge(parts[u]);
    const McResult r = mc.result();
    value += p[c] * r.value;
    var += p[c] * p[c] * r.std_error * r.std_error;
    ntot += r.n;
  }
  McResult out;
  out.value = std::isfinite(value) ? value : std::numeric_limits<double>::quiet_NaN();
  out.std_error = std::sqrt(var);
  out.n = ntot;
  return out;
}

// Pointwise MI log p(x,y) - log p(x) - log p(y) of n points X (d x n, x = first dx coordinates).
// Returns false if the model is degenerate.
inline bool pointwise_mi(const Gmm& g, int dx, const double* X, std::size_t n, double* out,
                         const Executor& ex) {
  if (dx < 1 || dx >= g.d) throw InputError("pointwise_mi: dx must be in 1..d-1");
  std::vector<detail::LogTerm> terms = detail::mi_terms(g, dx);
  for (auto& t : terms)
    if (!t.setup()) return false;
  Blocks blocks(n, kMcChunk);
  parallel_for(ex, blocks.count, 1, [&](std::size_t b) {
    detail::Workspace ws;
    const std::size_t s = blocks.begin(b);
    detail::eval_terms(terms, X + s * g.d, g.d, blocks.end(b) - s, out + s, ws);
  });
  return true;
}

// Pointwise conditional MI log p(x,y,z) + log p(z) - log p(x,z) - log p(y,z) of n points X
// (d x n in the (x, y, z) order of cmi_mc). Returns false if the model is degenerate.
inline bool pointwise_cmi(const Gmm& g, int dx, int dy, const double* X, std::size_t n, double* out,
                          const Executor& ex) {
  const int d = g.d;
  if (dx < 1 || dy < 1 || dx + dy >= d) throw InputError("pointwise_cmi: dx, dy and dz must be >= 1");
  std::vector<detail::LogTerm> terms = detail::cmi_terms(g, dx, dy);
  for (auto& t : terms)
    if (!t.setup()) return false;
  const std::vector<int> perm = detail::zxy_order(dx, dy, d);
  Blocks blocks(n, kMcChunk);
  parallel_for(ex, blocks.count, 1, [&](std::size_t b) {
    detail::Workspace ws;
    const std::size_t s = blocks.begin(b), m = blocks.end(b) - s;
    std::vector<double> P(m * d);  // the block's points in the (z, x, y) order
    for (std::size_t i = 0; i < m; ++i)
      for (int a = 0; a < d; ++a) P[i * d + a] = X[(s + i) * d + perm[a]];
    detail::eval_terms(terms, P.data(), d, m, out + s, ws);
  });
  return true;
}

// Pointwise MI of labelled points for a categorical X: log p(y|c) - log sum_c' p_c' p(y|c').
// With dz > 0 (the first dz coordinates are Z): the pointwise conditional MI
// log p(z,y|c) - log p(z|c) - log p(z,y) + log p(z).
inline bool pointwise_mi_categorical(const std::vector<Gmm>& gs, const std::vector<double>& p,
                                     const int* labels, const double* Y, std::size_t n, double* out,
                                     const Executor& ex, int dz = 0) {
  const int C = static_cast<int>(gs.size());
  const int dy = gs[0].d;
  int Ktot = 0;
  for (const auto& g : gs) Ktot += g.K;
  Gmm mix(Ktot, dy);
  int o = 0;
  for (int c = 0; c < C; ++c)
    for (int k = 0; k < gs[c].K; ++k, ++o) {
      mix.weights[o] = p[c] * gs[c].weights[k];
      mix.means.col(o) = gs[c].means.col(k);
      mix.covs[o] = gs[c].covs[k];
    }
  if (!mix.prepare()) return false;
  std::vector<Gmm> cls(gs);
  for (auto& g : cls)
    if (!g.prepare()) return false;
  std::vector<double> lm(n);
  log_density(mix, Y, n, lm.data(), ex);
  parallel_for(ex, n, 256, [&](std::size_t i) {
    double lc = 0.0;
    log_density(cls[labels[i]], Y + i * dy, 1, &lc);
    out[i] = lc - lm[i];
  });
  if (dz == 0) return true;
  // the z-marginal terms: - log p(z|c) + log p(z)
  const std::vector<int> zd = detail::iota_vec(0, dz);
  Gmm mixz = mix.marginal(zd);
  if (!mixz.prepare()) return false;
  std::vector<Gmm> clz;
  for (const auto& g : gs) {
    clz.push_back(g.marginal(zd));
    if (!clz.back().prepare()) return false;
  }
  std::vector<double> Z(n * static_cast<std::size_t>(dz)), lmz(n);
  for (std::size_t i = 0; i < n; ++i)
    for (int a = 0; a < dz; ++a) Z[i * dz + a] = Y[i * dy + a];
  log_density(mixz, Z.data(), n, lmz.data(), ex);
  parallel_for(ex, n, 256, [&](std::size_t i) {
    double lcz = 0.0;
    log_density(clz[labels[i]], Z.data() + i * dz, 1, &lcz);
    out[i] += lmz[i] - lcz;
  });
  return true;
}

}  // namespace gmmmi

#endif  // GMMMI_MIXTURE_MI_HPP
