// Draws from a prepared Gaussian mixture for the Monte Carlo integrals (mc_kernels.hpp):
// the component counts by inverse CDF, then the points component by component (mean + L z, z by
// the ziggurat). sample_chunk uses the four-lane streams of stream4.hpp in the baseline or AVX2
// clone (simd.hpp) when vector extensions are available, else the scalar Stream(seed, index).
#ifndef GMMMI_MC_SAMPLER_HPP
#define GMMMI_MC_SAMPLER_HPP

#include <Eigen/Dense>
#include <algorithm>
#include <cmath>
#include <cstdint>
#include <cstring>
#include <limits>
#include <numeric>
#include <vector>

#include "gmm.hpp"
#include "rng.hpp"
#include "simd.hpp"
#include "stream4.hpp"
#include "ziggurat.hpp"

namespace gmmmi {

namespace detail {

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
// The same with four-lane streams (stream4.hpp): first the m component draws, four at a time,
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

}  // namespace detail

}  // namespace gmmmi

#endif  // GMMMI_MC_SAMPLER_HPP
