// The Monte Carlo kernels of the mixture MI functionals (mixture_mi.hpp): the expectation of an
// integrand made of log-density terms (LogTerm: a mixture evaluated on some coordinates of the
// sampled point, with the log-densities of its leading-prefix marginals for free), evaluated
// scalar or with the vector exp in the baseline, AVX2 or AVX-512 clone (simd.hpp), on draws from
// mc_sampler.hpp. n_mc draws in chunks; chunk c uses its own streams, and per-chunk mean and sum
// of squared deviations are combined in chunk order (Chan et al.), so the result is bitwise
// identical for any thread count.
#ifndef GMMMI_MC_KERNELS_HPP
#define GMMMI_MC_KERNELS_HPP

#include <Eigen/Dense>
#include <algorithm>
#include <cmath>
#include <cstdint>
#include <cstring>
#include <limits>
#include <numeric>
#include <vector>

#include "fastmath.hpp"
#include "gmm.hpp"
#include "mc_sampler.hpp"
#include "parallel.hpp"
#include "simd.hpp"

namespace gmmmi {

struct McResult {
  double value = std::numeric_limits<double>::quiet_NaN();
  double std_error = std::numeric_limits<double>::quiet_NaN();
  double n = 0.0;  // number of Monte Carlo draws
};

namespace detail {

// sum_k exp(a[k] - mx) with mx = max_k a[k] (so the sum is in [1, K]); terms more than 40 below
// the maximum (relative weight < 4e-18) are skipped. A non-finite maximum gives sum 1 and mx as is.
inline double sum_exp(const double* a, int K, double& mx) {
  mx = a[0];
  for (int k = 1; k < K; ++k) mx = a[k] > mx ? a[k] : mx;
  if (!std::isfinite(mx)) return 1.0;
  double s = 0.0;
  for (int k = 0; k < K; ++k) {
    const double u = a[k] - mx;
    if (u > -40.0) s += std::exp(u);
  }
  return s;
}

// Running mean / sum of squared deviations, merged in a fixed order.
struct Moments {
  double n = 0.0, mean = 0.0, m2 = 0.0;
  void add_block(const double* v, std::size_t m) {
    if (m == 0) return;
    double s = 0.0;
    for (std::size_t i = 0; i < m; ++i) s += v[i];
    const double mu = s / static_cast<double>(m);
    double q = 0.0;
    for (std::size_t i = 0; i < m; ++i) q += (v[i] - mu) * (v[i] - mu);
    Moments b;
    b.n = static_cast<double>(m);
    b.mean = mu;
    b.m2 = q;
    merge(b);
  }
  void merge(const Moments& b) {
    if (b.n == 0.0) return;
    if (n == 0.0) {
      *this = b;
      return;
    }
    const double nn = n + b.n, delta = b.mean - mean;
    mean += delta * b.n / nn;
    m2 += b.m2 + delta * delta * n * b.n / nn;
    n = nn;
  }
  McResult result() const {
    McResult r;
    r.n = n;
    r.value = mean;
    r.std_error = n > 1 ? std::sqrt(m2 / (n - 1) / n) : std::numeric_limits<double>::quiet_NaN();
    return r;
  }
};

// One log-density term of a Monte Carlo integrand: a prepared mixture `g` evaluated on the
// coordinates `dims` of the sampled point (empty = all, in order), whose leading-prefix marginals
// of lengths `prefixes[j]` enter the integrand with coefficient `coefs[j]`.
struct LogTerm {
  Gmm g;
  std::vector<int> dims;
  std::vector<int> prefixes;
  std::vector<double> coefs;
  std::vector<Vec> prefix_norm;  // per prefix: K values log w_k - 0.5 (m log 2pi + logdet of prefix)

  bool setup() {
    if (!g.prepare()) return false;
    pack();
    prefix_norm.assign(prefixes.size(), Vec(g.K));
    for (std::size_t j = 0; j < prefixes.size(); ++j) {
      const int m = prefixes[j];
      for (int k = 0; k < g.K; ++k) {
        double logdet = 0.0;
        for (int a = 0; a < m; ++a) logdet += 2.0 * std::log(g.chol[k](a, a));
        prefix_norm[j][k] = g.log_weights[k] - 0.5 * (m * kLog2Pi + logdet);
      }
    }
    pn.resize(prefixes.size() * static_cast<std::size_t>(g.K));
    for (std::size_t j = 0; j < prefixes.size(); ++j)
      for (int k = 0; k < g.K; ++k) pn[j * g.K + k] = prefix_norm[j][k];
    return true;
  }

  // For the m points X (D x m, sampled order), adds sum_j coefs[j] * log p_prefix_j(x_i) to
  // lin[i] + log(prod[i]): each log-sum-exp contributes its maximum to lin and its scaled sum
  // (in [1, K]) multiplied (coef +1) or divided (coef -1) into prod, so the caller takes a single
  // logarithm per point. Other coefficients go to lin directly.
  void accumulate(const double* X, int D, std::size_t m, double* lin, double* prod,
                  std::vector<double>& L, std::vector<double>& xbuf) const {
    with_dim<4>(g.d, [&](auto DD) { accumulate_impl<decltype(DD)::value>(X, D, m, lin, prod, L, xbuf); });
  }

#ifdef GMMMI_HAVE_V4D
  // The same, W = 4 (or, in the AVX-512 clone, 8) points at a time (lane l = point i + l) with
  // the vectorised exp, in blocks of up to 256 points: first every log-density term of the
  // block (P x K x groups of W), then per prefix the maximum over components and the sum of
  // exponentials in flat loops over the block's groups. The sums over components run in the same
  // order for every point, so a point's value depends neither on its lane partners nor on the
  // block nor on the kernel clone.
  // An enum constant, not a static constexpr member: std::min takes references, and under C++14
  // an odr-used static constexpr member needs an out-of-line definition (the package failed to
  // load at -O0/-O1 with an undefined symbol).
  enum : std::size_t { kBlock = 256 };
  // (Here the sums of terms with coefficient -1 are multiplied into den instead of dividing prod.)
  void accumulate(const double* X, int D, std::size_t m, double* lin, double* prod, double* den,
                  VecBuffer& vb) const {
    simd_dispatch<2>([&](auto isa) GMMMI_LAMBDA_INLINE {
      typedef Lanes<decltype(isa)> L;
      accumulate_any<typename L::V, typename L::I, L::W>(X, D, m, lin, prod, den, vb);
    });
  }
  template <class V, class I, int W>
  GMMMI_INLINE void accumulate_any(const double* X, int D, std::size_t m, double* lin, double* prod,
                                   double* den, VecBuffer& vb) const {
    with_dim<4>(g.d, [&](auto DD) GMMMI_LAMBDA_INLINE {
      accumulate_vec<decltype(DD)::value, V, I, W>(X, D, m, lin, prod, den, vb);
    });
  }

  // Lane l of t = x_l[a] (one coordinate of W points).
  GMMMI_INLINE static void load_lanes(const double* const* xp, int a, v4d& t) {
    const v4d v = {xp[0][a], xp[1][a], xp[2][a], xp[3][a]};
    t = v;
  }
  GMMMI_INLINE static void load_lanes(const double* const* xp, int a, v8d& t) {
    const v8d v = {xp[0][a], xp[1][a], xp[2][a], xp[3][a], xp[4][a], xp[5][a], xp[6][a], xp[7][a]};
    t = v;
  }

  template <int DD, class V, class I, int W>
  GMMMI_INLINE void accumulate_vec(const double* X, int D, std::size_t m, double* lin, double* prod,
                                  double* den, VecBuffer& vb) const {
    const int d = DD > 0 ? DD : g.d, K = g.K;
    const std::size_t P = prefixes.size(), NQ = kBlock / W;  // groups of W points per block
    V* L = vb.get<V>(P * static_cast<std::size_t>(K) * NQ + 2 * NQ + static_cast<std::size_t>(d) * (NQ + 1));
    V* mxv = L + P * K * NQ;  // per group
    V* smv = mxv + NQ;        // per group
    V* XB = smv + NQ;         // d x NQ
    V* cs = XB + static_cast<std::size_t>(d) * NQ;  // cumulative squared norms of the whitened coordinates
    const V zero = {};
    const V one = zero + 1.0;
    const bool sub = !dims.empty();
    int pref[8];
    const int np_ = static_cast<int>(std::min<std::size_t>(P, 8));
    for (int j = 0; j < np_; ++j) pref[j] = prefixes[j] - 1;
    for (std::size_t i0 = 0; i0 < m; i0 += kBlock) {
      const std::size_t mb = std::min<std::size_t>(m - i0, kBlock), nq = (mb + W - 1) / W;
      // the block's coordinates, lane = point: XB[a NQ + q]
      for (std::size_t q = 0; q < nq; ++q) {
        const std::size_t i = i0 + W * q;
        const double* xp[W];
        for (std::size_t l = 0; l < static_cast<std::size_t>(W); ++l) xp[l] = X + (i + l < m ? i + l : i) * D;
        for (int a = 0; a < d; ++a) load_lanes(xp, sub ? dims[a] : a, XB[static_cast<std::size_t>(a) * NQ + q]);
      }
      // log-density terms, component by component (its parameters stay in registers)
      for (int k = 0; k < K; ++k) {
        const double* U = packed.data() + static_cast<std::size_t>(k) * packed_size;
        const double* pm = g.prec_mean.data() + static_cast<std::size_t>(k) * d;
        for (std::size_t q = 0; q < nq; ++q) {
          V ss = zero;
          for (int a = 0; a < d; ++a) {
            V z = zero - pm[a];
            const double* Ua = U + a * (a + 1) / 2;
            for (int b = 0; b <= a; ++b) z += Ua[b] * XB[static_cast<std::size_t>(b) * NQ + q];
            ss += z * z;
            cs[a] = ss;
          }
          for (std::size_t j = 0; j < P; ++j)
            L[(j * K + k) * NQ + q] = pn[j * K + k] - 0.5 * cs[j < 8 ? pref[j] : prefixes[j] - 1];
        }
      }
      for (std::size_t j = 0; j < P; ++j) {
        const V* Lj = L + j * K * NQ;
        for (std::size_t q = 0; q < nq; ++q) {
          const V* Lq = Lj + q;
          V mx = Lq[0];
          for (int k = 1; k < K; ++k) {
            const V l = Lq[static_cast<std::size_t>(k) * NQ];
            mx = l > mx ? l : mx;
          }
          V sm = Lq[0] - mx;
          vexp_le0(sm);
          for (int k = 1; k < K; ++k) {
            V e = Lq[static_cast<std::size_t>(k) * NQ] - mx;
            vexp_le0(e);
            sm += e;
          }
          mxv[q] = mx;
          smv[q] = sm;
        }
        const double c = coefs[j];
        double* li = lin + i0;
        double* pr = (c == 1.0 ? prod : den) + i0;
        if (c == 1.0 || c == -1.0) {
          // full groups: lin += c mx, prod (c = 1) or den (c = -1) *= sum (1 if mx is not finite)
          const std::size_t full = mb / W;
          for (std::size_t q = 0; q < full; ++q) {
            const V mx = mxv[q];
            const V sm = (mx - mx) == zero ? smv[q] : one;
            V lv, pv;
            std::memcpy(&lv, li + W * q, sizeof lv);
            std::memcpy(&pv, pr + W * q, sizeof pv);
            lv += c * mx;
            pv *= sm;
            std::memcpy(li + W * q, &lv, sizeof lv);
            std::memcpy(pr + W * q, &pv, sizeof pv);
          }
          for (std::size_t t = W * full; t < mb; ++t) {
            const double mt = mxv[t / W][t % W], st = std::isfinite(mt) ? smv[t / W][t % W] : 1.0;
            li[t] += c * mt;
            pr[t] *= st;
          }
        } else {
          for (std::size_t t = 0; t < mb; ++t) {
            const double mt = mxv[t / W][t % W], st = std::isfinite(mt) ? smv[t / W][t % W] : 1.0;
            li[t] += c * (mt + std::log(st));
          }
        }
      }
    }
  }
#endif

  // DD > 0: the dimension is a compile-time constant (small d, the common case); 0: runtime.
  template <int DD>
  void accumulate_impl(const double* X, int D, std::size_t m, double* lin, double* prod,
                       std::vector<double>& L, std::vector<double>& xbuf) const {
    const int d = DD > 0 ? DD : g.d, K = g.K;
    const std::size_t P = prefixes.size();
    L.resize(P * static_cast<std::size_t>(K));
    xbuf.resize(2 * static_cast<std::size_t>(d));
    double* cs = xbuf.data() + d;  // cumulative squared norms of the whitened coordinates
    for (std::size_t i = 0; i < m; ++i) {
      const double* xi = X + i * D;
      if (!dims.empty()) {
        for (int a = 0; a < d; ++a) xbuf[a] = xi[dims[a]];
        xi = xbuf.data();
      }
      for (int k = 0; k < K; ++k) {
        const double* U = packed.data() + static_cast<std::size_t>(k) * packed_size;
        const double* pm = g.prec_mean.data() + static_cast<std::size_t>(k) * d;
        double ss = 0.0;
        for (int a = 0; a < d; ++a) {
          double z = -pm[a];
          const double* Ua = U + a * (a + 1) / 2;
          for (int b = 0; b <= a; ++b) z += Ua[b] * xi[b];
          ss += z * z;
          cs[a] = ss;
        }
        for (std::size_t j = 0; j < P; ++j) L[j * K + k] = prefix_norm[j][k] - 0.5 * cs[prefixes[j] - 1];
      }
      for (std::size_t j = 0; j < P; ++j) {
        double mx;
        const double sum = sum_exp(L.data() + j * K, K, mx);
        const double c = coefs[j];
        if (c == 1.0) {
          lin[i] += mx;
          prod[i] *= sum;
        } else if (c == -1.0) {
          lin[i] -= mx;
          prod[i] /= sum;
        } else {
          lin[i] += c * (mx + std::log(sum));
        }
      }
    }
  }
  std::vector<double> pn;      // prefix_norm flattened, prefix-major (P x K)
  std::vector<double> packed;  // per component, U row by row (lower triangle)
  std::size_t packed_size = 0;
  void pack() {
    const int d = g.d;
    packed_size = static_cast<std::size_t>(d) * (d + 1) / 2;
    packed.assign(packed_size * g.K, 0.0);
    for (int k = 0; k < g.K; ++k) {
      double* U = packed.data() + k * packed_size;
      for (int a = 0; a < d; ++a)
        for (int b = 0; b <= a; ++b) U[a * (a + 1) / 2 + b] = g.prec_chol[k](a, b);
    }
  }
};

struct Workspace {
  std::vector<double> L, xbuf, prod, den;
#ifdef GMMMI_HAVE_V4D
  VecBuffer Lv;
#endif
};

inline void eval_terms(const std::vector<LogTerm>& terms, const double* X, int D, std::size_t m,
                       double* out, Workspace& ws) {
  std::fill(out, out + m, 0.0);
  ws.prod.assign(m, 1.0);
#ifdef GMMMI_HAVE_V4D
  ws.den.assign(m, 1.0);
  for (const auto& t : terms) t.accumulate(X, D, m, out, ws.prod.data(), ws.den.data(), ws.Lv);
  add_log_ratio(out, ws.prod.data(), ws.den.data(), m);
#else
  for (const auto& t : terms) t.accumulate(X, D, m, out, ws.prod.data(), ws.L, ws.xbuf);
  for (std::size_t i = 0; i < m; ++i) out[i] += std::log(ws.prod[i]);
#endif
}

// Monte Carlo expectation of the integrand under `sampler` (prepared).
inline McResult mc_expect(const Gmm& sampler, const std::vector<LogTerm>& terms, std::size_t n_mc,
                          std::uint64_t seed, const Executor& ex, std::size_t chunk) {
  if (n_mc == 0) return McResult();
  Blocks blocks(n_mc, chunk);
  std::vector<Moments> parts(blocks.count);
  const int D = sampler.d;
  std::vector<double> cdf, packedL;
  sampler_tables(sampler, cdf, packedL);
  parallel_for(ex, blocks.count, 1, [&](std::size_t c) {
    const std::size_t m = blocks.end(c) - blocks.begin(c);
    std::vector<double> X(static_cast<std::size_t>(D) * m), v(m);
    std::vector<std::size_t> counts;
    sample_chunk(sampler, cdf, packedL, seed, c, m, X.data(), counts);
    Workspace ws;
    eval_terms(terms, X.data(), D, m, v.data(), ws);
    parts[c].add_block(v.data(), m);
  });
  Moments tot;
  for (const auto& p : parts) tot.merge(p);
  McResult r = tot.result();
  if (!std::isfinite(r.value)) r.value = std::numeric_limits<double>::quiet_NaN();
  return r;
}

}  // namespace detail

}  // namespace gmmmi

#endif  // GMMMI_MC_KERNELS_HPP
