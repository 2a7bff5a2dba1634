// The EM hot loop (em.hpp): one fused pass over fixed row blocks computes, for every point, the
// whitened residuals, the log densities, the log-sum-exp and the responsibilities, and
// accumulates the M-step's whitened sufficient statistics (N_k, s_k, S_k). Each block writes its
// own statistics; blocks are added in block order on the calling thread, so results are bitwise
// identical for any executor.
//   Packed(g)                 the parameters in the layout of the hot loop
//   block_pass<D, STATS>      scalar kernel (builds without vector extensions)
//   block_pass_v4<D, STATS>   four-lane kernel, compiled in the baseline and AVX2 clones (simd.hpp)
//   fused_pass                all blocks, statistics and log-likelihood (E-step + M-step sums)
//   log_dens_pass             all blocks, log p(x_i) and log-likelihood
#ifndef GMMMI_EM_KERNELS_HPP
#define GMMMI_EM_KERNELS_HPP

#include <Eigen/Dense>
#include <algorithm>
#include <cmath>
#include <cstddef>
#include <cstring>
#include <limits>
#include <numeric>
#include <vector>

#include "fastmath.hpp"
#include "gmm.hpp"
#include "parallel.hpp"
#include "simd.hpp"

namespace gmmmi {

namespace em_detail {

// Packed parameters for the hot loop: per component the lower-triangular inverse Cholesky
// factor row-wise (tri = d(d+1)/2 values), b = U mu (d values) and c = log w - 0.5 (d log 2pi + logdet).
struct Packed {
  int K = 0, d = 0, tri = 0;
  std::vector<double> U, b, c;
  explicit Packed(const Gmm& g) : K(g.K), d(g.d), tri(g.d * (g.d + 1) / 2) {
    U.resize(static_cast<std::size_t>(K) * tri);
    b.resize(static_cast<std::size_t>(K) * d);
    c.resize(K);
    for (int k = 0; k < K; ++k) {
      double* u = U.data() + static_cast<std::size_t>(k) * tri;
      for (int j = 0; j < d; ++j)
        for (int l = 0; l <= j; ++l) *u++ = g.prec_chol[k](j, l);
      for (int j = 0; j < d; ++j) b[k * d + j] = g.prec_mean(j, k);
      c[k] = g.log_norm[k];
    }
  }
};

// One block [begin, end): log-likelihood contribution (returned) and, when STATS, the whitened
// sufficient statistics into st (K x S, S = 1 + d + tri: N, s (d), S (tri, row-wise lower)).
// lse_out (optional) receives log p(x_i) for rows in the block (index i - begin).
template <int D, bool STATS>
inline double block_pass(const Packed& P, const double* X, const double* w, std::size_t begin,
                         std::size_t end, double* st, double* lse_out, double* zbuf, double* lbuf) {
  const int d = D > 0 ? D : P.d;
  const int K = P.K;
  const int tri = D > 0 ? D * (D + 1) / 2 : P.tri;
  const int S = 1 + d + tri;
  const double* U = P.U.data();
  const double* b = P.b.data();
  const double* c = P.c.data();
  double ll = 0.0;
  for (std::size_t i = begin; i < end; ++i) {
    const double wi = w ? w[i] : 1.0;
    if (wi == 0.0) {
      if (lse_out) lse_out[i - begin] = std::numeric_limits<double>::infinity();
      continue;
    }
    const double* x = X + i * static_cast<std::size_t>(d);
    double mx = -std::numeric_limits<double>::infinity();
    for (int k = 0; k < K; ++k) {
      const double* u = U + static_cast<std::size_t>(k) * tri;
      const double* bk = b + static_cast<std::size_t>(k) * d;
      double* z = zbuf + static_cast<std::size_t>(k) * d;
      double q = 0.0;
      for (int j = 0; j < d; ++j) {
        double s = -bk[j];
        for (int l = 0; l <= j; ++l) s += u[l] * x[l];
        u += j + 1;
        z[j] = s;
        q += s * s;
      }
      const double lk = c[k] - 0.5 * q;
      lbuf[k] = lk;
      mx = lk > mx ? lk : mx;
    }
    double sum = 0.0;
    for (int k = 0; k < K; ++k) {
      const double e = std::exp(lbuf[k] - mx);
      lbuf[k] = e;
      sum += e;
    }
    const double lse = mx + std::log(sum);
    if (lse_out) lse_out[i - begin] = lse;
    ll += wi * lse;
    if (STATS) {
      const double inv = wi / sum;
      for (int k = 0; k < K; ++k) {
        const double r = lbuf[k] * inv;
        double* sk = st + static_cast<std::size_t>(k) * S;
        const double* z = zbuf + static_cast<std::size_t>(k) * d;
        sk[0] += r;
        double* s1 = sk + 1;
        double* s2 = sk + 1 + d;
        for (int j = 0; j < d; ++j) {
          const double rz = r * z[j];
          s1[j] += rz;
          for (int l = 0; l <= j; ++l) *s2++ += rz * z[l];
        }
      }
    }
  }
  return ll;
}

template <bool STATS>
inline double block_dispatch_scalar(const Packed& P, const double* X, const double* w, std::size_t begin,
                             std::size_t end, double* st, double* lse_out) {
  const std::size_t need = static_cast<std::size_t>(P.K) * (P.d + 1);
  double stackbuf[512];
  std::vector<double> heap;
  double* buf = stackbuf;
  if (need > 512) {
    heap.resize(need);
    buf = heap.data();
  }
  double* zbuf = buf;
  double* lbuf = buf + static_cast<std::size_t>(P.K) * P.d;
  return with_dim<3>(P.d, [&](auto D) {
    return block_pass<decltype(D)::value, STATS>(P, X, w, begin, end, st, lse_out, zbuf, lbuf);
  });
}

#ifdef GMMMI_HAVE_V4D
#define GMMMI_EM_VECTOR 1
// Four-lane kernel with the vector helpers of fastmath.hpp. Lane l of every vector is point
// i + l of a quad, so the arithmetic per point is the same as the scalar kernel's except for
// exp, and the four lane partial sums are added in a fixed order: results depend neither on
// threads nor on which clone (baseline or AVX2) runs.
template <int D, bool STATS>
GMMMI_INLINE double block_pass_v4(const Packed& P, const double* X, const double* w, std::size_t begin,
                                  std::size_t end, double* st, double* lse_out, VecBuffer& vb) {
  const int d = D > 0 ? D : P.d;
  const int K = P.K;
  const int tri = D > 0 ? D * (D + 1) / 2 : P.tri;
  const int S = 1 + d + tri;
  const double* U = P.U.data();
  const double* b = P.b.data();
  const double* c = P.c.data();
  const double inf = std::numeric_limits<double>::infinity();
  const std::size_t nq = (end - begin + 3) / 4;  // quads in the block
  v4d* zbuf = vb.get(static_cast<std::size_t>(K) * (d + 1 + (STATS ? S : 0)) + d + 3 * nq);
  v4d* lbuf = zbuf + static_cast<std::size_t>(K) * d;
  v4d* acc = lbuf + K;
  v4d* xv = acc + (STATS ? static_cast<std::size_t>(K) * S : 0);
  // per quad: the sum of exponentials, the maximum and the weights; log p = max + log(sum) is
  // taken after the loop, where the logarithms of consecutive quads overlap in the pipeline
  v4d* qsum = xv + d;
  v4d* qmax = qsum + nq;
  v4d* qw = qmax + nq;
  const v4d zero = {0.0, 0.0, 0.0, 0.0};
  if (STATS)
    for (std::size_t j = 0; j < static_cast<std::size_t>(K) * S; ++j) acc[j] = zero;
  for (std::size_t i = begin; i < end; i += 4) {
    const std::size_t qi = (i - begin) / 4;
    const std::size_t nl = std::min<std::size_t>(4, end - i);  // live lanes
    const double* xr[4];
    v4d wv;
    if (nl == 4) {
      for (int l = 0; l < 4; ++l) xr[l] = X + (i + l) * static_cast<std::size_t>(d);
      if (w)
        std::memcpy(&wv, w + i, sizeof wv);
      else
        wv = zero + 1.0;
    } else {  // the block's last, partial quad: dead lanes repeat row i with weight 0
      wv = zero;
      for (std::size_t l = 0; l < 4; ++l) {
        const bool live = l < nl;
        xr[l] = X + (live ? i + l : i) * static_cast<std::size_t>(d);
        if (live) wv[l] = w ? w[i + l] : 1.0;
      }
    }
    if (w) {
      const v4l nz = wv != zero;
      if (!(nz[0] | nz[1] | nz[2] | nz[3])) {  // no weight: log p = 0 + log 1, times 0
        qsum[qi] = zero + 1.0;
        qmax[qi] = zero;
        qw[qi] = zero;
        continue;
      }
    }
    for (int j = 0; j < d; ++j) {
      const v4d t = {xr[0][j], xr[1][j], xr[2][j], xr[3][j]};
      xv[j] = t;
    }
    v4d mx = zero - inf;
    for (int k = 0; k < K; ++k) {
      const double* u = U + static_cast<std::size_t>(k) * tri;
      const double* bk = b + static_cast<std::size_t>(k) * d;
      v4d* z = zbuf + static_cast<std::size_t>(k) * d;
      v4d q = zero;
      for (int j = 0; j < d; ++j) {
        v4d s = zero - bk[j];
        for (int l = 0; l <= j; ++l) s += u[l] * xv[l];
        u += j + 1;
        z[j] = s;
        q += s * s;
      }
      const v4d lk = c[k] - 0.5 * q;
      lbuf[k] = lk;
      mx = lk > mx ? lk : mx;
    }
    v4d sum = zero;
    for (int k = 0; k < K; ++k) {
      v4d e = lbuf[k] - mx;
      vexp_le0(e);
      lbuf[k] = e;
      sum += e;
    }
    qsum[qi] = sum;
    qmax[qi] = mx;
    qw[qi] = wv;
    if (STATS) {
      const v4d inv = wv / sum;
      for (int k = 0; k < K; ++k) {
        const v4d r = lbuf[k] * inv;
        v4d* ak = acc + static_cast<std::size_t>(k) * S;
        const v4d* z = zbuf + static_cast<std::size_t>(k) * d;
        ak[0] += r;
        v4d* a1 = ak + 1;
        v4d* a2 = ak + 1 + d;
        for (int j = 0; j < d; ++j) {
          const v4d rz = r * z[j];
          a1[j] += rz;
          for (int l = 0; l <= j; ++l) *a2++ += rz * z[l];
        }
      }
    }
  }
  if (STATS)
    for (std::size_t j = 0; j < static_cast<std::size_t>(K) * S; ++j)
      st[j] += ((acc[j][0] + acc[j][1]) + acc[j][2]) + acc[j][3];
  v4d llv = zero;
  for (std::size_t qi = 0; qi < nq; ++qi) {
    v4d lse = qsum[qi];
    vlog(lse);
    lse += qmax[qi];
    const v4d wv = qw[qi];
    if (lse_out) {
      const std::size_t i = begin + 4 * qi, nl = std::min<std::size_t>(4, end - i);
      for (std::size_t l = 0; l < nl; ++l) lse_out[i + l - begin] = wv[l] == 0.0 ? inf : lse[l];
    }
    // zero-weight lanes contribute exactly 0 (their lse is finite)
    llv += wv * lse;
  }
  return ((llv[0] + llv[1]) + llv[2]) + llv[3];
}

// The kernel for the dimension at hand (compile-time for d <= 4), in one clone or the other.
template <bool STATS>
GMMMI_INLINE double block_v4(const Packed& P, const double* X, const double* w, std::size_t begin,
                             std::size_t end, double* st, double* lse_out, VecBuffer& vb) {
  return with_dim<4>(P.d, [&](auto D) GMMMI_LAMBDA_INLINE {
    return block_pass_v4<decltype(D)::value, STATS>(P, X, w, begin, end, st, lse_out, vb);
  });
}
#endif  // vector extensions

template <bool STATS>
inline double block_dispatch(const Packed& P, const double* X, const double* w, std::size_t begin,
                             std::size_t end, double* st, double* lse_out) {
#ifdef GMMMI_EM_VECTOR
  // baseline or AVX2 clone (the EM kernel has no AVX-512 clone)
  return simd_dispatch<1>([&](auto) GMMMI_LAMBDA_INLINE {
    VecBuffer vb;
    return block_v4<STATS>(P, X, w, begin, end, st, lse_out, vb);
  });
#else
  return block_dispatch_scalar<STATS>(P, X, w, begin, end, st, lse_out);
#endif
}

// Fused pass over all blocks; totals (K x S) and the log-likelihood, reduced in block order.
inline double fused_pass(const Gmm& g, const double* X, std::size_t n, const double* w,
                         std::size_t block_size, const Executor& ex, std::vector<double>& totals,
                         std::vector<double>& scratch) {
  const Packed P(g);
  const int S = 1 + P.d + P.tri;
  const std::size_t stride = static_cast<std::size_t>(P.K) * S + 1;
  Blocks blocks(n, block_size);
  scratch.assign(blocks.count * stride, 0.0);
  parallel_for(ex, blocks.count, 1, [&](std::size_t bi) {
    double* st = scratch.data() + bi * stride;
    st[stride - 1] = block_dispatch<true>(P, X, w, blocks.begin(bi), blocks.end(bi), st, nullptr);
  });
  totals.assign(stride - 1, 0.0);
  double ll = 0.0;
  for (std::size_t bi = 0; bi < blocks.count; ++bi) {
    const double* st = scratch.data() + bi * stride;
    for (std::size_t j = 0; j + 1 < stride; ++j) totals[j] += st[j];
    ll += st[stride - 1];
  }
  return ll;
}

// log p(x_i) for all rows under g (rows with weight 0 get +Inf), parallel over blocks.
inline double log_dens_pass(const Gmm& g, const double* X, std::size_t n, const double* w,
                            std::size_t block_size, const Executor& ex, double* lse) {
  const Packed P(g);
  Blocks blocks(n, block_size);
  std::vector<double> part(blocks.count, 0.0);
  parallel_for(ex, blocks.count, 1, [&](std::size_t bi) {
    const std::size_t s = blocks.begin(bi);
    part[bi] = block_dispatch<false>(P, X, w, s, blocks.end(bi), nullptr, lse ? lse + s : nullptr);
  });
  double ll = 0.0;
  for (std::size_t bi = 0; bi < blocks.count; ++bi) ll += part[bi];
  return ll;
}

}  // namespace em_detail

}  // namespace gmmmi

#endif  // GMMMI_EM_KERNELS_HPP
