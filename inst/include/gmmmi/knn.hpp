// Shared pieces of the classical kNN estimators (ksg.hpp, mixed.hpp) on the k-d tree of
// kdtree.hpp: digamma, exact 1-D marginal counts, all k nearest neighbours and range counts of
// every point, Kozachenko-Leonenko distance sums for entropy, seeded jitter and permutations.
//
// Range counts use exactly the comparisons of the definitions (strict < for KSG-1, <= for KSG-2
// and Ross), so integer or rounded data give deterministic, exactly defined counts.
//
// Parallelism. Queries are processed in fixed blocks of rows; per-block partial sums are added in
// block order on the calling thread, so results are bitwise identical for any Executor.
// Everything here is reentrant (no global state); the serial ksg_1d() is meant to be called per
// slice from inside a parallel loop over slices.
#ifndef GMMMI_KNN_HPP
#define GMMMI_KNN_HPP

#include <algorithm>
#include <cmath>
#include <cstddef>
#include <cstdint>
#include <limits>
#include <numeric>
#include <vector>

#include "kdtree.hpp"
#include "parallel.hpp"
#include "rng.hpp"
#include "simd.hpp"

namespace gmmmi {
namespace knn {

// ---------------------------------------------------------------------------------------------
// Digamma function (asymptotic series after upward recurrence; about 1e-15 relative accuracy).
inline double digamma(double x) {
  double r = 0.0;
  while (x < 10.0) {
    r -= 1.0 / x;
    x += 1.0;
  }
  const double f = 1.0 / (x * x);
  const double t =
      f * (-1.0 / 12 +
           f * (1.0 / 120 +
                f * (-1.0 / 252 + f * (1.0 / 240 + f * (-1.0 / 132 + f * (691.0 / 32760))))));
  return r + std::log(x) - 0.5 / x + t;
}

// psi(0..n) for integer arguments (psi(0) is set to 0 and never used).
inline std::vector<double> digamma_table(std::size_t n) {
  std::vector<double> t(n + 1, 0.0);
  for (std::size_t i = 1; i <= n; ++i) t[i] = digamma(static_cast<double>(i));
  return t;
}

// ---------------------------------------------------------------------------------------------
// 1-D marginal counts on a sorted array: number of values v with |v - x| < eps (strict) or <= eps.
// Uses the same floating-point expressions as a brute-force loop (|v - x| = fl(v - x) in absolute
// value), so counts are exact. The search starts from r, a position of x in the sorted array s
// (s[r] == x), and gallops outward, so the cost grows with log(count) and memory access stays local.
inline std::size_t count_sorted_from(const std::vector<double>& s, std::size_t r, double x,
                                     double eps, bool strict) {
  auto in_left = [&](double v) { return strict ? x - v < eps : x - v <= eps; };
  auto in_right = [&](double v) { return strict ? v - x < eps : v - x <= eps; };
  if (!in_left(s[r])) return 0;  // strict and eps == 0
  const std::size_t n = s.size();
  // Left end: in_left is false ... false true ... true over positions 0..r.
  std::size_t good = r, step = 1;
  while (good >= step && in_left(s[good - step])) {
    good -= step;
    step *= 2;
  }
  const std::size_t lo0 = good >= step ? good - step + 1 : 0;
  const std::size_t lo = static_cast<std::size_t>(
      std::partition_point(s.begin() + lo0, s.begin() + good, [&](double v) { return !in_left(v); }) -
      s.begin());
  // Right end: in_right is true ... true false ... false over positions r..n-1.
  good = r;
  step = 1;
  while (good + step < n && in_right(s[good + step])) {
    good += step;
    step *= 2;
  }
  const std::size_t hi0 = good + step < n ? good + step : n;
  const std::size_t hi = static_cast<std::size_t>(
      std::partition_point(s.begin() + good + 1, s.begin() + hi0, in_right) - s.begin());
  return hi - lo;
}

// Sorted copy of v and the position of each element in it.
inline void sort_with_ranks(const double* v, std::size_t n, std::vector<double>& sorted,
                            std::vector<std::size_t>& rank) {
  std::vector<std::pair<double, std::size_t> > o(n);
  for (std::size_t i = 0; i < n; ++i) o[i] = std::make_pair(v[i], i);
  std::sort(o.begin(), o.end());
  sorted.resize(n);
  rank.resize(n);
  for (std::size_t p = 0; p < n; ++p) {
    sorted[p] = o[p].first;
    rank[o[p].second] = p;
  }
}

// Column-major (n x d, as in R) to row-major.
inline std::vector<double> to_row_major(const double* colmajor, std::size_t n, std::size_t d) {
  std::vector<double> out(n * d);
  for (std::size_t j = 0; j < d; ++j)
    for (std::size_t i = 0; i < n; ++i) out[i * d + j] = colmajor[j * n + i];
  return out;
}

// Log of a distance from its measure.
inline double measure_to_log_distance(double m, Norm norm) {
  return norm == Norm::Euclidean ? 0.5 * std::log(m) : std::log(m);
}

// ---------------------------------------------------------------------------------------------
// Brute force reference (tests): k nearest of every point, sorted by (measure, index).
inline void brute_knn(const double* rows, std::size_t n, std::size_t d, int k, Norm norm,
                      double* meas, std::size_t* index) {
  for (std::size_t i = 0; i < n; ++i) {
    std::vector<std::pair<double, std::size_t> > c;
    c.reserve(n);
    for (std::size_t j = 0; j < n; ++j) {
      if (j == i) continue;
      double acc = 0.0;
      for (std::size_t l = 0; l < d; ++l) {
        const double diff = rows[j * d + l] - rows[i * d + l];
        acc = norm == Norm::Max ? MaxPolicy::combine(acc, MaxPolicy::term(diff))
                                : EuclidPolicy::combine(acc, EuclidPolicy::term(diff));
      }
      c.push_back(std::make_pair(acc, j));
    }
    std::partial_sort(c.begin(), c.begin() + k, c.end());
    for (int j = 0; j < k; ++j) {
      meas[i * k + j] = c[j].first;
      index[i * k + j] = c[j].second;
    }
  }
}

// All k nearest neighbours of every point (excluding itself), in parallel over fixed blocks.
template <int D, class P>
void all_knn_t(const double* rows, std::size_t n, std::size_t d, int k, const Executor& ex,
               double* meas, std::size_t* index) {
  KDTree<D, P> tree(rows, n, d, leaf_size_for(d));
  const Blocks blocks(n, 512);
  parallel_for(ex, blocks.count, 1, [&](std::size_t b) {
    for (std::size_t i = blocks.begin(b); i < blocks.end(b); ++i)
      tree.knn(rows + i * d, i, k, meas + i * k, index + i * k);
  });
}

inline void all_knn(const double* rows, std::size_t n, std::size_t d, int k, Norm norm,
                    const Executor& ex, double* meas, std::size_t* index) {
  if (k < 1 || static_cast<std::size_t>(k) >= n) throw InputError("all_knn: need 1 <= k < n");
  if (norm == Norm::Max) {
    with_dim<2>(static_cast<int>(d), [&](auto D) { all_knn_t<decltype(D)::value, MaxPolicy>(rows, n, d, k, ex, meas, index); });
  } else {
    with_dim<2>(static_cast<int>(d), [&](auto D) { all_knn_t<decltype(D)::value, EuclidPolicy>(rows, n, d, k, ex, meas, index); });
  }
}

// Range counts of every point (including itself) in the ball of radius r[i] (as a measure).
inline void all_counts(const double* rows, std::size_t n, std::size_t d, const double* r,
                       bool strict, Norm norm, const Executor& ex, std::size_t* out) {
  const Blocks blocks(n, 512);
  if (norm == Norm::Max) {
    KDTree<0, MaxPolicy> tree(rows, n, d, leaf_size_for(d));
    parallel_for(ex, blocks.count, 1, [&](std::size_t b) {
      for (std::size_t i = blocks.begin(b); i < blocks.end(b); ++i)
        out[i] = tree.count_within(rows + i * d, r[i], strict);
    });
  } else {
    KDTree<0, EuclidPolicy> tree(rows, n, d, leaf_size_for(d));
    parallel_for(ex, blocks.count, 1, [&](std::size_t b) {
      for (std::size_t i = blocks.begin(b); i < blocks.end(b); ++i)
        out[i] = tree.count_within(rows + i * d, r[i], strict);
    });
  }
}

// ---------------------------------------------------------------------------------------------
// Kozachenko-Leonenko: sums over points of log rho_{j,i} for j = 1..k (rho = distance to the j-th
// neighbour), computed in fixed blocks. Zero distances give -Inf terms and are counted per j.
struct KlSums {
  std::vector<double> sum_log;     // k values
  std::vector<std::size_t> zeros;  // k values: points with rho_{j,i} == 0
};

inline KlSums kl_log_distance_sums(const double* rows, std::size_t n, std::size_t d, int k,
                                   Norm norm, const Executor& ex) {
  std::vector<double> meas(n * k);
  std::vector<std::size_t> index(n * k);
  all_knn(rows, n, d, k, norm, ex, meas.data(), index.data());
  const Blocks blocks(n, 1024);
  std::vector<double> part(blocks.count * k, 0.0);
  std::vector<std::size_t> zpart(blocks.count * k, 0);
  parallel_for(ex, blocks.count, 1, [&](std::size_t b) {
    for (std::size_t i = blocks.begin(b); i < blocks.end(b); ++i)
      for (int j = 0; j < k; ++j) {
        const double m = meas[i * k + j];
        if (m == 0.0) {
          ++zpart[b * k + j];
          part[b * k + j] = -std::numeric_limits<double>::infinity();
        } else {
          part[b * k + j] += measure_to_log_distance(m, norm);
        }
      }
  });
  KlSums out;
  out.sum_log.assign(k, 0.0);
  out.zeros.assign(k, 0);
  for (std::size_t b = 0; b < blocks.count; ++b)
    for (int j = 0; j < k; ++j) {
      out.sum_log[j] += part[b * k + j];
      out.zeros[j] += zpart[b * k + j];
    }
  return out;
}

// Seeded jitter: column j (column-major n x d) gets amplitude[j] * U(-1, 1) noise from its own
// stream (derive_seed(seed, 1), j). Deterministic given the seed.
inline void add_jitter(double* colmajor, std::size_t n, std::size_t d, const double* amplitude,
                       std::uint64_t seed) {
  for (std::size_t j = 0; j < d; ++j) {
    Stream st(derive_seed(seed, 1), j);
    for (std::size_t i = 0; i < n; ++i)
      colmajor[j * n + i] += amplitude[j] * (2.0 * st.uniform() - 1.0);
  }
}

// Seeded random permutation of 0..n-1 (Fisher-Yates on the stream (derive_seed(seed, 2), 0)).
inline std::vector<std::size_t> permutation(std::size_t n, std::uint64_t seed) {
  std::vector<std::size_t> p(n);
  std::iota(p.begin(), p.end(), std::size_t(0));
  Stream st(derive_seed(seed, 2), 0);
  for (std::size_t i = n; i > 1; --i) {
    const std::size_t j = static_cast<std::size_t>(st.below(i));
    std::swap(p[i - 1], p[j]);
  }
  return p;
}

}  // namespace knn
}  // namespace gmmmi

#endif  // GMMMI_KNN_HPP
