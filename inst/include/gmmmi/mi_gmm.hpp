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
#ifndef GMMMI_MI_GMM_HPP
#define GMMMI_MI_GMM_HPP

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
#include "parallel.hpp"
#include "rng.hpp"
#include "simd.hpp"
#include "stream4.hpp"
#include "ziggurat.hpp"

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

// Draw m points from the prepared mixture g (D x m into out). First the component of every draw
// (inverse CDF on the weights, m uniforms), of which only the counts are kept: the points are
// then generated component by component (mean + L z, z standard normal by the ziggurat, L the
// packed lower Cholesky factor), so the output is grouped by component. The order of the draws
// within a chunk does not matter to the Monte Carlo average.
inline void sample_points(const Gmm& g, const std::vector<double>& cdf, const std::vector<double>& packedL,
                          Stream& rng, std::size_t m, double* out, std::vector<std::size_t>& counts) {
  const int d = g.d, K = g.K;
  const std::size_t ps = static_cast<std::size_t>(d) * (d + 1) / 2;
  counts.assign(K, 0);
  const double total = cdf[K - 1];
  if (K <= 16) {
    for (std::size_t i = 0; i < m; ++i) {
      const double u = rng.uniform() * total;
      int k = 0;
      for (int j = 0; j < K - 1; ++j) k += !(u < cdf[j]);
      ++counts[k];
    }
  } else {
    for (std::size_t i = 0; i < m; ++i) {
      const double u = rng.uniform() * total;
      int k = static_cast<int>(std::upper_bound(cdf.begin(), cdf.end(), u) - cdf.begin());
      if (k >= K) k = K - 1;
      ++counts[k];
    }
  }
  double z[64];
  std::vector<double> zheap;
  double* zp = z;
  if (d > 64) {
    zheap.resize(d);
    zp = zheap.data();
  }
  double* x = out;
  for (int k = 0; k < K; ++k) {
    const double* Lk = packedL.data() + static_cast<std::size_t>(k) * ps;
    const double* mu = g.means.data() + static_cast<std::size_t>(k) * d;
    for (std::size_t t = 0; t < counts[k]; ++t, x += d) {
      for (int a = 0; a < d; ++a) zp[a] = normal_zig(rng);
      for (int a = 0; a < d; ++a) {
        const double* La = Lk + a * (a + 1) / 2;
        double v = mu[a];
        for (int b = 0; b <= a; ++b) v += La[b] * zp[b];
        x[a] = v;
      }
    }
  }
}

#ifdef GMMMI_HAVE_V4D
// The same with four-lane streams (fastmath.hpp): first the m component draws, four at a time,
// of which only the counts are kept, then the points component by component, four at a time
// (lane = point): d calls of normal4 and mean + L z. The output is grouped by component.
GMMMI_INLINE void sample_points_v4(const Gmm& g, const std::vector<double>& cdf,
                                   const std::vector<double>& packedL, Stream4& rng, std::size_t m,
                                   double* out, std::vector<std::size_t>& counts, std::vector<double>& zbuf) {
  const int d = g.d, K = g.K;
  const std::size_t ps = static_cast<std::size_t>(d) * (d + 1) / 2;
  counts.assign(K, 0);
  const double total = cdf[K - 1];
  for (std::size_t i = 0; i < m; i += 4) {
    const std::size_t nl = m - i < 4 ? m - i : 4;
    v4u b;
    rng.next(b);
    v4d u;
    uniform4(b, u);
    u = u * total;
    if (K <= 16) {
      v4l k = {0, 0, 0, 0};
      for (int j = 0; j < K - 1; ++j) k -= (v4l)(u >= cdf[j]);  // true is -1
      for (std::size_t l = 0; l < nl; ++l) ++counts[static_cast<std::size_t>(k[l])];
    } else {
      for (std::size_t l = 0; l < nl; ++l) {
        int k = static_cast<int>(std::upper_bound(cdf.begin(), cdf.end(), u[l]) - cdf.begin());
        if (k >= K) k = K - 1;
        ++counts[k];
      }
    }
  }
  // points of component k in quads (lane = point; a partial last quad draws and drops its dead
  // lanes): d normal4 calls give z (coordinate a in zq[a]), then x = mu + L z per coordinate
  zbuf.resize(4 * static_cast<std::size_t>(d));  // zbuf[4 a + l]: coordinate a of lane l
  double* x = out;
  for (int k = 0; k < K; ++k) {
    const double* Lk = packedL.data() + static_cast<std::size_t>(k) * ps;
    const double* mu = g.means.data() + static_cast<std::size_t>(k) * d;
    for (std::size_t t = 0; t < counts[k]; t += 4) {
      const std::size_t nl = counts[k] - t < 4 ? counts[k] - t : 4;
      for (int a = 0; a < d; ++a) {
        v4d z;
        normal4(rng, z);
        std::memcpy(zbuf.data() + 4 * a, &z, sizeof z);
      }
      for (int a = 0; a < d; ++a) {
        const double* La = Lk + a * (a + 1) / 2;
        v4d v = {mu[a], mu[a], mu[a], mu[a]};
        for (int b = 0; b <= a; ++b) {
          v4d zb;
          std::memcpy(&zb, zbuf.data() + 4 * b, sizeof zb);
          v += La[b] * zb;
        }
        for (std::size_t l = 0; l < nl; ++l) x[l * d + a] = v[l];
      }
      x += nl * d;
    }
  }
}
#endif

// m draws from the mixture for Monte Carlo chunk `index` of the stream family `seed`
// (four-lane streams when vector extensions are available, else the scalar Stream(seed, index)).
inline void sample_chunk(const Gmm& g, const std::vector<double>& cdf, const std::vector<double>& packedL,
                         std::uint64_t seed, std::uint64_t index, std::size_t m, double* out,
                         std::vector<std::size_t>& counts) {
#ifdef GMMMI_HAVE_V4D
  Stream4 rng(seed, index);
  std::vector<double> zbuf;
  simd_dispatch<1>([&](auto) GMMMI_LAMBDA_INLINE { sample_points_v4(g, cdf, packedL, rng, m, out, counts, zbuf); });
#else
  Stream rng(seed, index);
  sample_points(g, cdf, packedL, rng, m, out, counts);
#endif
}

// The tables sample_points needs for the prepared mixture g: cumulative weights and the packed
// lower Cholesky factors.
inline void sampler_tables(const Gmm& g, std::vector<double>& cdf, std::vector<double>& packedL) {
  const int D = g.d, K = g.K;
  cdf.resize(K);
  packedL.resize(static_cast<std::size_t>(K) * D * (D + 1) / 2);
  double acc = 0.0;
  for (int k = 0; k < K; ++k) cdf[k] = (acc += g.weights[k]);
  for (int k = 0, o = 0; k < K; ++k)
    for (int a = 0; a < D; ++a)
      for (int b = 0; b <= a; ++b) packedL[o++] = g.chol[k](a, b);
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
  // reorder to (z, x, y)
  std::vector<int> perm = detail::iota_vec(dx + dy, d);
  for (int a = 0; a < dx + dy; ++a) perm.push_back(a);
  std::vector<detail::LogTerm> terms(2);
  terms[0].g = g.marginal(perm);
  terms[0].prefixes = {dz, dz + dx, d};
  terms[0].coefs = {1.0, -1.0, 1.0};
  std::vector<int> zy = detail::iota_vec(0, dz);
  for (int a = dz + dx; a < d; ++a) zy.push_back(a);  // positions in the (z, x, y) order
  terms[1].g = terms[0].g.marginal(zy);
  terms[1].dims = zy;
  terms[1].prefixes = {dz + dy};
  terms[1].coefs = {-1.0};
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

#endif  // GMMMI_MI_GMM_HPP
