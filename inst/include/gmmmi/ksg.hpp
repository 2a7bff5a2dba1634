// KSG-1 / KSG-2 mutual information (Kraskov, Stoegbauer & Grassberger 2004), the 1-D x 1-D fast
// path used per slice by sliced MI, and the KSG-style conditional MI of Frenzel & Pompe (2007),
// on the exact neighbour search of knn.hpp / kdtree.hpp (ties and exactness: see kdtree.hpp).
#ifndef GMMMI_KSG_HPP
#define GMMMI_KSG_HPP

#include <algorithm>
#include <cmath>
#include <cstddef>
#include <cstdint>
#include <limits>
#include <numeric>
#include <vector>

#include "kdtree.hpp"
#include "knn.hpp"
#include "parallel.hpp"

namespace gmmmi {
namespace knn {

// ---------------------------------------------------------------------------------------------
// KSG mutual information.
struct KsgResult {
  double estimate;          // nats
  std::size_t zero_radius;  // points whose k-th joint neighbour is at distance 0
  std::size_t duplicates;   // points with an exact copy (nearest joint neighbour at distance 0)
};

// Per-point KSG terms for rows [b, e) are accumulated into a block sum; returns the MI.
inline double ksg_finish(const std::vector<double>& block_sums, std::size_t n, int k, int variant) {
  double s = 0.0;
  for (std::size_t b = 0; b < block_sums.size(); ++b) s += block_sums[b];
  const double mean = s / static_cast<double>(n);
  const double base = digamma(k) + digamma(static_cast<double>(n));
  return variant == 1 ? base - mean : base - 1.0 / k - mean;
}

// Assemble a KsgResult from the per-block sums and counts (added in block order).
inline KsgResult ksg_result(const std::vector<double>& sums, const std::vector<std::size_t>& zeros,
                            const std::vector<std::size_t>& dups, std::size_t n, int k, int variant) {
  KsgResult res;
  res.estimate = ksg_finish(sums, n, k, variant);
  res.zero_radius = 0;
  res.duplicates = 0;
  for (std::size_t b = 0; b < zeros.size(); ++b) {
    res.zero_radius += zeros[b];
    res.duplicates += dups[b];
  }
  return res;
}

// 1-D x 1-D KSG (the fast path, also used per slice by sliced MI).
// x, y: n values each, ALREADY STANDARDISED by the caller (KSG is not scale invariant).
// Joint neighbours from a 2-D max-norm k-d tree (queries in tree order); marginal counts by
// galloping binary searches on sorted copies, starting at the point's own rank. O(n log n).
// Ties: see the header comment (deterministic; exact strict/non-strict counts). No noise is
// added here: with exact duplicates the k-th distance can be 0 (reported in zero_radius and
// duplicates); callers wanting the jitter policy of the R wrapper apply it before calling.
// Reentrant (no shared state): sliced MI may call the serial form below concurrently from a
// parallel loop over slices.
inline KsgResult ksg_1d(const double* x, const double* y, std::size_t n, int k, int variant,
                        const Executor& ex) {
  if (variant != 1 && variant != 2) throw InputError("ksg: variant must be 1 or 2");
  if (k < 1 || static_cast<std::size_t>(k) >= n) throw InputError("ksg: need 1 <= k < n");
  std::vector<double> rows(2 * n);
  for (std::size_t i = 0; i < n; ++i) {
    rows[2 * i] = x[i];
    rows[2 * i + 1] = y[i];
  }
  KDTree<2, MaxPolicy> tree;
  std::vector<double> psi;
  parallel_for(ex, 2, 1, [&](std::size_t t) {
    if (t == 0) tree.build(rows.data(), n, 2, 8);
    else psi = digamma_table(n + 1);
  });
  // Everything below is indexed by TREE POSITION p, so the query loop reads memory in order.
  const double* pts = tree.points();
  std::vector<double> sx, sy;
  std::vector<std::size_t> rx, ry;  // rank of the point at tree position p in sorted x / y
  parallel_for(ex, 2, 1, [&](std::size_t t) {
    std::vector<double> v(n);
    for (std::size_t p = 0; p < n; ++p) v[p] = pts[2 * p + t];
    if (t == 0) sort_with_ranks(v.data(), n, sx, rx);
    else sort_with_ranks(v.data(), n, sy, ry);
  });
  const Blocks blocks(n, 1024);
  std::vector<double> sums(blocks.count, 0.0);
  std::vector<std::size_t> zeros(blocks.count, 0), dups(blocks.count, 0);
  parallel_for(ex, blocks.count, 1, [&](std::size_t b) {
    std::vector<double> meas(k);
    std::vector<std::size_t> index(k);
    double s = 0.0;
    std::size_t z = 0, du = 0;
    for (std::size_t p = blocks.begin(b); p < blocks.end(b); ++p) {
      const double xp = pts[2 * p], yp = pts[2 * p + 1];
      tree.knn(pts + 2 * p, tree.original(p), k, meas.data(), index.data());
      du += meas[0] == 0.0;
      if (variant == 1) {
        const double eps = meas[k - 1];
        z += eps == 0.0;
        const std::size_t nx = count_sorted_from(sx, rx[p], xp, eps, true) - (eps > 0.0);
        const std::size_t ny = count_sorted_from(sy, ry[p], yp, eps, true) - (eps > 0.0);
        s += psi[nx + 1] + psi[ny + 1];
      } else {
        double ex_ = 0.0, ey_ = 0.0;
        for (int j = 0; j < k; ++j) {
          const double dx = std::fabs(x[index[j]] - xp), dy = std::fabs(y[index[j]] - yp);
          if (dx > ex_) ex_ = dx;
          if (dy > ey_) ey_ = dy;
        }
        z += meas[k - 1] == 0.0;
        const std::size_t nx = count_sorted_from(sx, rx[p], xp, ex_, false) - 1;
        const std::size_t ny = count_sorted_from(sy, ry[p], yp, ey_, false) - 1;
        s += psi[nx] + psi[ny];
      }
    }
    sums[b] = s;
    zeros[b] = z;
    dups[b] = du;
  });
  return ksg_result(sums, zeros, dups, n, k, variant);
}

// Serial convenience form: returns the MI in nats. Inputs already standardised.
inline double ksg_1d(const double* x, const double* y, std::size_t n, int k, int variant) {
  SerialExecutor ex;
  return ksg_1d(x, y, n, k, variant, ex).estimate;
}

// General KSG: x is n x dx and y is n x dy, both ROW-MAJOR and already standardised (if wanted).
// Max-norm in the joint space and in each marginal space.
inline KsgResult ksg(const double* x, std::size_t dx, const double* y, std::size_t dy,
                     std::size_t n, int k, int variant, const Executor& ex) {
  if (dx == 1 && dy == 1) return ksg_1d(x, y, n, k, variant, ex);
  if (variant != 1 && variant != 2) throw InputError("ksg: variant must be 1 or 2");
  if (k < 1 || static_cast<std::size_t>(k) >= n) throw InputError("ksg: need 1 <= k < n");
  const std::size_t d = dx + dy;
  std::vector<double> rows(n * d);
  for (std::size_t i = 0; i < n; ++i) {
    std::copy(x + i * dx, x + i * dx + dx, &rows[i * d]);
    std::copy(y + i * dy, y + i * dy + dy, &rows[i * d + dx]);
  }
  KDTree<0, MaxPolicy> joint(rows.data(), n, d, leaf_size_for(d));
  // Marginals: sorted arrays for 1-D, k-d trees otherwise.
  std::vector<double> sx, sy;
  std::vector<std::size_t> rkx, rky;
  KDTree<0, MaxPolicy> tx, ty;
  if (dx == 1) {
    sort_with_ranks(x, n, sx, rkx);
  } else {
    tx.build(x, n, dx, leaf_size_for(dx));
  }
  if (dy == 1) {
    sort_with_ranks(y, n, sy, rky);
  } else {
    ty.build(y, n, dy, leaf_size_for(dy));
  }
  auto maxdist = [](const double* a, const double* b, std::size_t dd) {
    double m = 0.0;
    for (std::size_t j = 0; j < dd; ++j) {
      const double t = std::fabs(a[j] - b[j]);
      if (t > m) m = t;
    }
    return m;
  };
  const std::vector<double> psi = digamma_table(n + 1);
  const Blocks blocks(n, 256);
  std::vector<double> sums(blocks.count, 0.0);
  std::vector<std::size_t> zeros(blocks.count, 0), dups(blocks.count, 0);
  parallel_for(ex, blocks.count, 1, [&](std::size_t b) {
    std::vector<double> meas(k);
    std::vector<std::size_t> index(k);
    double s = 0.0;
    std::size_t z = 0, du = 0;
    for (std::size_t p = blocks.begin(b); p < blocks.end(b); ++p) {
      const std::size_t i = joint.original(p);  // queries in tree order (locality)
      const double* xi = x + i * dx;
      const double* yi = y + i * dy;
      joint.knn(&rows[i * d], i, k, meas.data(), index.data());
      z += meas[k - 1] == 0.0;
      du += meas[0] == 0.0;
      double rx, ry;
      bool strict;
      if (variant == 1) {
        rx = ry = meas[k - 1];
        strict = true;
      } else {
        rx = ry = 0.0;
        for (int j = 0; j < k; ++j) {
          rx = std::max(rx, maxdist(x + index[j] * dx, xi, dx));
          ry = std::max(ry, maxdist(y + index[j] * dy, yi, dy));
        }
        strict = false;
      }
      const std::size_t cx =
          dx == 1 ? count_sorted_from(sx, rkx[i], xi[0], rx, strict) : tx.count_within(xi, rx, strict);
      const std::size_t cy =
          dy == 1 ? count_sorted_from(sy, rky[i], yi[0], ry, strict) : ty.count_within(yi, ry, strict);
      // Remove the point itself (counted when 0 < r, or always for <=).
      const std::size_t nx = cx - (strict ? (rx > 0.0) : 1);
      const std::size_t ny = cy - (strict ? (ry > 0.0) : 1);
      s += variant == 1 ? psi[nx + 1] + psi[ny + 1] : psi[nx] + psi[ny];
    }
    sums[b] = s;
    zeros[b] = z;
    dups[b] = du;
  });
  return ksg_result(sums, zeros, dups, n, k, variant);
}

// ---------------------------------------------------------------------------------------------
// Conditional MI I(X;Y|Z) by the KSG-1 construction of Frenzel & Pompe (2007), max-norm
// throughout: eps_i is the distance from point i to its k-th neighbour in the joint (x, y, z)
// space; n_xz(i), n_yz(i), n_z(i) are the numbers of OTHER points strictly within eps_i in the
// (x, z), (y, z) and z subspaces, and
//   I = psi(k) - mean_i [ psi(n_xz + 1) + psi(n_yz + 1) - psi(n_z + 1) ].
// x, y, z: n x dx, n x dy, n x dz, ROW-MAJOR, already standardised by the caller (if wanted).
// The joint neighbours come from all_knn(), the three counts from all_counts() (the same exact
// k-d tree as ksg()), so ties are handled as there: strict counts, and a point whose k-th joint
// neighbour is at distance 0 has all three counts 0 (reported in zero_radius). Per-point terms
// are summed in fixed blocks added in block order: bitwise identical for any Executor.
struct CmiResult {
  double estimate;          // nats
  std::size_t zero_radius;  // points whose k-th joint neighbour is at distance 0
  std::size_t duplicates;   // points with an exact copy in the joint space
};

inline CmiResult ksg_cmi(const double* x, std::size_t dx, const double* y, std::size_t dy,
                         const double* z, std::size_t dz, std::size_t n, int k, const Executor& ex) {
  if (dx < 1 || dy < 1 || dz < 1) throw InputError("ksg_cmi: x, y and z need at least one column");
  if (k < 1 || static_cast<std::size_t>(k) >= n) throw InputError("ksg_cmi: need 1 <= k < n");
  const std::size_t d = dx + dy + dz, dxz = dx + dz, dyz = dy + dz;
  std::vector<double> joint(n * d), xz(n * dxz), yz(n * dyz);
  for (std::size_t i = 0; i < n; ++i) {
    const double* xi = x + i * dx;
    const double* yi = y + i * dy;
    const double* zi = z + i * dz;
    double* j = &joint[i * d];
    std::copy(xi, xi + dx, j);
    std::copy(yi, yi + dy, j + dx);
    std::copy(zi, zi + dz, j + dx + dy);
    std::copy(xi, xi + dx, &xz[i * dxz]);
    std::copy(zi, zi + dz, &xz[i * dxz + dx]);
    std::copy(yi, yi + dy, &yz[i * dyz]);
    std::copy(zi, zi + dz, &yz[i * dyz + dy]);
  }
  std::vector<double> eps(n);
  std::size_t dups = 0, zeros = 0;
  {
    std::vector<double> meas(n * k);
    std::vector<std::size_t> index(n * k);
    all_knn(joint.data(), n, d, k, Norm::Max, ex, meas.data(), index.data());
    for (std::size_t i = 0; i < n; ++i) {
      eps[i] = meas[i * k + (k - 1)];
      dups += meas[i * k] == 0.0;
      zeros += eps[i] == 0.0;
    }
  }
  std::vector<std::size_t> cxz(n), cyz(n), cz(n);
  all_counts(xz.data(), n, dxz, eps.data(), true, Norm::Max, ex, cxz.data());
  all_counts(yz.data(), n, dyz, eps.data(), true, Norm::Max, ex, cyz.data());
  all_counts(z, n, dz, eps.data(), true, Norm::Max, ex, cz.data());
  const std::vector<double> psi = digamma_table(n + 1);
  const Blocks blocks(n, 1024);
  std::vector<double> sums(blocks.count, 0.0);
  parallel_for(ex, blocks.count, 1, [&](std::size_t b) {
    double s = 0.0;
    for (std::size_t i = blocks.begin(b); i < blocks.end(b); ++i) {
      // the point itself is inside its own ball exactly when eps_i > 0
      const std::size_t self = eps[i] > 0.0;
      s += psi[cxz[i] - self + 1] + psi[cyz[i] - self + 1] - psi[cz[i] - self + 1];
    }
    sums[b] = s;
  });
  double s = 0.0;
  for (std::size_t b = 0; b < blocks.count; ++b) s += sums[b];
  CmiResult res;
  res.estimate = digamma(k) - s / static_cast<double>(n);
  res.zero_radius = zeros;
  res.duplicates = dups;
  return res;
}

}  // namespace knn
}  // namespace gmmmi

#endif  // GMMMI_KSG_HPP
