// The Ross (2014) mutual information between a discrete and a continuous variable, on the exact
// neighbour search of knn.hpp / kdtree.hpp.
#ifndef GMMMI_MIXED_HPP
#define GMMMI_MIXED_HPP

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
// Ross (2014): discrete x (classes 0..C-1) and continuous y (row-major n x d).
// For each point: k_i = min(k, n_c - 1); d_i = distance to its k_i-th neighbour within its class;
// m_i = number of other points (any class) within d_i (<=).
// I = psi(n') - mean psi(n_c) + mean psi(k_i) - mean psi(m_i), over the n' points whose class has
// at least 2 members (singleton classes carry no neighbour and are dropped).
struct MixedResult {
  double estimate;
  std::size_t n_used, n_dropped, zero_radius;
  std::size_t duplicates;  // points with an exact copy in their own class
};

template <class P>
MixedResult mixed_ross_t(const double* rows, std::size_t n, std::size_t d, const int* cls,
                         int n_classes, int k, const Executor& ex) {
  std::vector<std::vector<std::size_t> > members(n_classes);
  for (std::size_t i = 0; i < n; ++i) {
    if (cls[i] < 0 || cls[i] >= n_classes) throw InputError("mixed: class label out of range");
    members[cls[i]].push_back(i);
  }
  std::vector<KDTree<0, P> > trees(n_classes);
  std::vector<std::size_t> pos(n);  // position of point i inside its class
  for (int c = 0; c < n_classes; ++c) {
    const std::vector<std::size_t>& m = members[c];
    std::vector<double> sub(m.size() * d);
    for (std::size_t a = 0; a < m.size(); ++a) {
      std::copy(rows + m[a] * d, rows + m[a] * d + d, &sub[a * d]);
      pos[m[a]] = a;
    }
    if (m.size() >= 2) trees[c].build(sub.data(), m.size(), d, leaf_size_for(d));
  }
  KDTree<0, P> all(rows, n, d, leaf_size_for(d));
  const std::vector<double> psi = digamma_table(n + 1);
  const Blocks blocks(n, 512);
  std::vector<double> sums(blocks.count * 3, 0.0);
  std::vector<std::size_t> used(blocks.count, 0), zeros(blocks.count, 0), dups(blocks.count, 0);
  parallel_for(ex, blocks.count, 1, [&](std::size_t b) {
    std::vector<double> meas(k);
    std::vector<std::size_t> index(k);
    double s_nc = 0.0, s_k = 0.0, s_m = 0.0;
    std::size_t u = 0, z = 0, du = 0;
    for (std::size_t i = blocks.begin(b); i < blocks.end(b); ++i) {
      const std::size_t nc = members[cls[i]].size();
      if (nc < 2) continue;
      const int ki = static_cast<int>(std::min<std::size_t>(k, nc - 1));
      trees[cls[i]].knn(rows + i * d, pos[i], ki, meas.data(), index.data());
      const double r = meas[ki - 1];
      z += r == 0.0;
      du += meas[0] == 0.0;
      const std::size_t m = all.count_within(rows + i * d, r, false) - 1;
      s_nc += psi[nc];
      s_k += psi[ki];
      s_m += psi[m];
      ++u;
    }
    sums[3 * b] = s_nc;
    sums[3 * b + 1] = s_k;
    sums[3 * b + 2] = s_m;
    used[b] = u;
    zeros[b] = z;
    dups[b] = du;
  });
  double s_nc = 0.0, s_k = 0.0, s_m = 0.0;
  MixedResult res;
  res.n_used = 0;
  res.zero_radius = 0;
  res.duplicates = 0;
  for (std::size_t b = 0; b < blocks.count; ++b) {
    res.duplicates += dups[b];
    s_nc += sums[3 * b];
    s_k += sums[3 * b + 1];
    s_m += sums[3 * b + 2];
    res.n_used += used[b];
    res.zero_radius += zeros[b];
  }
  res.n_dropped = n - res.n_used;
  if (res.n_used < 2) throw InputError("mixed: fewer than 2 points in classes with >= 2 members");
  const double nu = static_cast<double>(res.n_used);
  res.estimate = digamma(nu) + (s_k - s_nc - s_m) / nu;
  return res;
}

inline MixedResult mixed_ross(const double* rows, std::size_t n, std::size_t d, const int* cls,
                              int n_classes, int k, Norm norm, const Executor& ex) {
  if (k < 1) throw InputError("mixed: need k >= 1");
  return norm == Norm::Max ? mixed_ross_t<MaxPolicy>(rows, n, d, cls, n_classes, k, ex)
                           : mixed_ross_t<EuclidPolicy>(rows, n, d, cls, n_classes, k, ex);
}

}  // namespace knn
}  // namespace gmmmi

#endif  // GMMMI_MIXED_HPP
