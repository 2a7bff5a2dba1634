// Exact k-nearest-neighbour search and the classical kNN estimators of gmmmi:
// KSG-1 / KSG-2 mutual information (Kraskov, Stoegbauer & Grassberger 2004), the KSG-style
// conditional MI of Frenzel & Pompe (2007), Kozachenko-Leonenko
// neighbour distances for entropy, and the Ross (2014) discrete-continuous MI estimator.
//
// Distances. Two norms are supported: the max-norm (Chebyshev) and the Euclidean norm. Internally
// every comparison uses a "measure": the max-norm distance itself, or the SQUARED Euclidean
// distance (no square roots in the search). Callers convert with measure_to_log_distance().
//
// Exactness. The k-d tree prunes a node with the bound of the norm itself: for the max-norm the
// per-dimension gaps are combined by a MAXIMUM (never a sum, the bug of additive pruning), for the
// Euclidean norm by a sum of squares. Node bounds are built from coordinates of actual points, and
// floating-point subtraction, squaring, max and addition are monotone, so a bound computed for a
// box is never larger (lower bound) or smaller (upper bound) than the same expression computed for
// any point inside it: results equal brute force bit for bit.
//
// Ties. k-nearest neighbours are ordered by (distance, original row index): among points at the
// same distance the one with the smaller row index comes first. The k-th distance is therefore
// well defined under ties, and the neighbour SET (used by KSG-2 extents) is deterministic.
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

#if defined(__SSE2__)
#include <emmintrin.h>
#endif

#include "parallel.hpp"
#include "rng.hpp"
#include "simd.hpp"

namespace gmmmi {
namespace knn {

enum class Norm { Max = 0, Euclidean = 1 };

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
// Norm policies: measure of one coordinate difference, and how measures combine.
struct MaxPolicy {
  static double term(double diff) { return std::fabs(diff); }
  static double combine(double acc, double t) { return acc > t ? acc : t; }
};
struct EuclidPolicy {
  static double term(double diff) { return diff * diff; }
  static double combine(double acc, double t) { return acc + t; }
};

// ---------------------------------------------------------------------------------------------
// Measures from q to the m points of a leaf stored column by column (col[j * m + p]).
// Generic scalar form; the max-norm has an SSE2 form (two points per instruction). Both compute
// exactly the same floating-point values as the row-wise loop (max is exact; the Euclidean sum
// keeps the order j = 0, 1, ...).
template <class P>
inline void leaf_measures(const double* col, std::size_t m, std::size_t d, const double* q, double* acc) {
  const double q0 = q[0];
  for (std::size_t p = 0; p < m; ++p) acc[p] = P::term(col[p] - q0);
  for (std::size_t j = 1; j < d; ++j) {
    col += m;
    const double qj = q[j];
    for (std::size_t p = 0; p < m; ++p) acc[p] = P::combine(acc[p], P::term(col[p] - qj));
  }
}

#if defined(__SSE2__)
template <>
inline void leaf_measures<MaxPolicy>(const double* col, std::size_t m, std::size_t d, const double* q,
                                     double* acc) {
  const __m128d sign = _mm_set1_pd(-0.0);
  std::size_t p = 0;
  for (; p + 4 <= m; p += 4) {
    __m128d a0 = _mm_setzero_pd(), a1 = _mm_setzero_pd();
    const double* c = col + p;
    for (std::size_t j = 0; j < d; ++j, c += m) {
      const __m128d qj = _mm_set1_pd(q[j]);
      a0 = _mm_max_pd(a0, _mm_andnot_pd(sign, _mm_sub_pd(_mm_loadu_pd(c), qj)));
      a1 = _mm_max_pd(a1, _mm_andnot_pd(sign, _mm_sub_pd(_mm_loadu_pd(c + 2), qj)));
    }
    _mm_storeu_pd(acc + p, a0);
    _mm_storeu_pd(acc + p + 2, a1);
  }
  for (; p < m; ++p) {
    double a = 0.0;
    const double* c = col + p;
    for (std::size_t j = 0; j < d; ++j, c += m) a = MaxPolicy::combine(a, MaxPolicy::term(*c - q[j]));
    acc[p] = a;
  }
}
#endif

// Leaf size: small leaves in low d; in high d most leaves are scanned anyway, and large leaves
// make the column-wise scans efficient (measured on 5-D x 5-D KSG).
inline std::size_t leaf_size_for(std::size_t d) { return d <= 3 ? 8 : 64; }

// ---------------------------------------------------------------------------------------------
// k-d tree over n points in d dimensions (input row-major: point i is data[i*d .. i*d+d-1]).
// D > 0 fixes the dimension at compile time (fast paths), D = 0 reads it at run time.
template <int D, class P>
class KDTree {
 public:
  KDTree() : n_(0), d_(0) {}
  KDTree(const double* data, std::size_t n, std::size_t d, std::size_t leaf_size = 12) {
    build(data, n, d, leaf_size);
  }

  std::size_t size() const { return n_; }
  // Original row index of the point at tree position p (tree order groups nearby points, so
  // processing queries in this order is cache friendly).
  std::size_t original(std::size_t p) const { return idx_[p]; }
  // The points in tree order, row-major (point at position p: points() + p * dim()).
  const double* points() const { return pts_.data(); }
  std::size_t dim() const { return D > 0 ? static_cast<std::size_t>(D) : d_; }

  void build(const double* data, std::size_t n, std::size_t d, std::size_t leaf_size = 12) {
    if (D > 0 && d != static_cast<std::size_t>(D)) throw InputError("KDTree: dimension mismatch");
    n_ = n;
    d_ = d;
    leaf_ = leaf_size < 1 ? 1 : leaf_size;
    idx_.resize(n);
    std::iota(idx_.begin(), idx_.end(), std::size_t(0));
    nodes_.clear();
    lo_.clear();
    hi_.clear();
    // The rows are permuted in place (contiguous) while the tree is built, so the final buffer
    // is already in tree order.
    pts_.assign(data, data + n * d);
    if (n == 0) return;
    nodes_.reserve(2 * (n / leaf_ + 1));
    lo_.reserve(2 * (n / leaf_ + 1) * d);
    hi_.reserve(2 * (n / leaf_ + 1) * d);
    std::vector<double> lo(d), hi(d);
    for (std::size_t j = 0; j < d; ++j) {
      lo[j] = std::numeric_limits<double>::infinity();
      hi[j] = -std::numeric_limits<double>::infinity();
    }
    for (std::size_t p = 0; p < n; ++p)
      for (std::size_t j = 0; j < d; ++j) {
        const double v = pts_[p * d + j];
        if (v < lo[j]) lo[j] = v;
        if (v > hi[j]) hi[j] = v;
      }
    build_node(0, n, lo.data(), hi.data());
    // Leaves stored column by column as well (used for d >= 4, where most leaves are scanned).
    soa_.clear();
    if (d >= 4) {
      soa_.resize(n * d);
      for (std::size_t id = 0; id < nodes_.size(); ++id) {
        const Node& nd = nodes_[id];
        if (nd.left != 0) continue;
        const std::size_t m = nd.end - nd.begin;
        for (std::size_t p = nd.begin; p < nd.end; ++p)
          for (std::size_t j = 0; j < d; ++j) soa_[nd.begin * d + j * m + (p - nd.begin)] = pts_[p * d + j];
      }
    }
  }

  // k nearest neighbours of query q, skipping the point whose ORIGINAL index is `self`
  // (pass n or more to skip nothing). Output sorted by (measure, original index):
  // meas[0..k-1] and index[0..k-1] (original indices). Requires k <= number of candidates.
  void knn(const double* q, std::size_t self, int k, double* meas, std::size_t* index) const {
    for (int j = 0; j < k; ++j) {
      meas[j] = std::numeric_limits<double>::infinity();
      index[j] = std::numeric_limits<std::size_t>::max();
    }
    if (n_ == 0 || k <= 0) return;
    search(0, q, self, k, meas, index, box_lower(0, q));
  }

  // Number of points p (including any point equal to q itself) with measure(p - q) < r (strict)
  // or <= r (non-strict).
  std::size_t count_within(const double* q, double r, bool strict) const {
    if (n_ == 0) return 0;
    return count_node(0, q, r, strict);
  }

 private:
  struct Node {
    std::size_t begin, end;
    std::size_t left, right;  // 0 for leaves (the root is never a child)
  };

  static const std::size_t kMaxScan = 128;
  std::size_t n_, d_, leaf_;
  std::vector<std::size_t> idx_;
  std::vector<double> pts_, soa_, lo_, hi_;
  std::vector<Node> nodes_;

  void swap_rows(std::size_t a, std::size_t b) {
    if (a == b) return;
    const std::size_t d = dim();
    for (std::size_t j = 0; j < d; ++j) std::swap(pts_[a * d + j], pts_[b * d + j]);
    std::swap(idx_[a], idx_[b]);
  }
  bool row_less(std::size_t a, std::size_t b, std::size_t j) const {
    const std::size_t d = dim();
    const double va = pts_[a * d + j], vb = pts_[b * d + j];
    return va < vb || (va == vb && idx_[a] < idx_[b]);
  }

  // Quickselect on rows [b, e) by coordinate j, ordered by (value, original index): afterwards
  // row m holds the m-th smallest, rows before it are smaller and rows after larger.
  // Deterministic (median-of-three pivots, no randomness).
  void select_rows(std::size_t b, std::size_t e, std::size_t m, std::size_t j) {
    while (e - b > 1) {
      const std::size_t mid = b + (e - b) / 2;
      if (row_less(mid, b, j)) swap_rows(mid, b);
      if (row_less(e - 1, b, j)) swap_rows(e - 1, b);
      if (row_less(mid, e - 1, j)) swap_rows(mid, e - 1);
      const std::size_t piv = e - 1;
      std::size_t store = b;
      for (std::size_t p = b; p < piv; ++p)
        if (row_less(p, piv, j)) swap_rows(p, store++);
      swap_rows(store, piv);
      if (store == m) return;
      if (m < store) e = store;
      else b = store + 1;
    }
  }

  // blo/bhi: a box containing rows [b, e) (inherited from the parent, possibly loose; it only
  // chooses the split). The stored box of every node is tight, computed bottom-up.
  std::size_t build_node(std::size_t b, std::size_t e, const double* blo, const double* bhi) {
    const std::size_t d = dim();
    const std::size_t id = nodes_.size();
    nodes_.push_back(Node{b, e, 0, 0});
    lo_.resize((id + 1) * d);
    hi_.resize((id + 1) * d);
    std::size_t split = 0;
    double spread = -1.0;
    for (std::size_t j = 0; j < d; ++j) {
      const double sp = bhi[j] - blo[j];
      if (sp > spread) {
        spread = sp;
        split = j;
      }
    }
    if (e - b > leaf_ && spread > 0.0) {
      const std::size_t mid = b + (e - b) / 2;
      select_rows(b, e, mid, split);
      const double cut = pts_[mid * d + split];
      std::vector<double> box(4 * d);
      double *llo = &box[0], *lhi = &box[d], *rlo = &box[2 * d], *rhi = &box[3 * d];
      for (std::size_t j = 0; j < d; ++j) {
        llo[j] = rlo[j] = blo[j];
        lhi[j] = rhi[j] = bhi[j];
      }
      lhi[split] = cut;
      rlo[split] = cut;
      const std::size_t l = build_node(b, mid, llo, lhi);
      const std::size_t r = build_node(mid, e, rlo, rhi);
      nodes_[id].left = l;
      nodes_[id].right = r;
      for (std::size_t j = 0; j < d; ++j) {
        lo_[id * d + j] = std::min(lo_[l * d + j], lo_[r * d + j]);
        hi_[id * d + j] = std::max(hi_[l * d + j], hi_[r * d + j]);
      }
      return id;
    }
    for (std::size_t j = 0; j < d; ++j) {
      double mn = std::numeric_limits<double>::infinity(), mx = -mn;
      for (std::size_t p = b; p < e; ++p) {
        const double v = pts_[p * d + j];
        if (v < mn) mn = v;
        if (v > mx) mx = v;
      }
      lo_[id * d + j] = mn;
      hi_[id * d + j] = mx;
    }
    return id;
  }

  double box_lower(std::size_t id, const double* q) const {
    const std::size_t d = dim();
    const double* lo = &lo_[id * d];
    const double* hi = &hi_[id * d];
    double acc = 0.0;
    for (std::size_t j = 0; j < d; ++j) {
      double g = 0.0;
      if (q[j] < lo[j]) g = P::term(lo[j] - q[j]);
      else if (q[j] > hi[j]) g = P::term(q[j] - hi[j]);
      acc = P::combine(acc, g);
    }
    return acc;
  }

  double box_upper(std::size_t id, const double* q) const {
    const std::size_t d = dim();
    const double* lo = &lo_[id * d];
    const double* hi = &hi_[id * d];
    double acc = 0.0;
    for (std::size_t j = 0; j < d; ++j) {
      const double a = P::term(q[j] - lo[j]), c = P::term(hi[j] - q[j]);
      acc = P::combine(acc, a > c ? a : c);
    }
    return acc;
  }

  // Insert (m, i) into the sorted arrays if it beats the current k-th entry.
  static void insert(double m, std::size_t i, int k, double* meas, std::size_t* index) {
    const int last = k - 1;
    if (m > meas[last] || (m == meas[last] && i >= index[last])) return;
    int p = last;
    while (p > 0 && (meas[p - 1] > m || (meas[p - 1] == m && index[p - 1] > i))) {
      meas[p] = meas[p - 1];
      index[p] = index[p - 1];
      --p;
    }
    meas[p] = m;
    index[p] = i;
  }

  void search(std::size_t id, const double* q, std::size_t self, int k, double* meas,
              std::size_t* index, double bound) const {
    // A node can hold a better neighbour only if its lower bound is <= the current k-th measure
    // (equality matters: an equally distant point with a smaller index wins the tie).
    if (bound > meas[k - 1]) return;
    const Node& nd = nodes_[id];
    if (nd.left == 0) {
      const std::size_t d = dim();
      const std::size_t m = nd.end - nd.begin;
      if (!soa_.empty() && m <= kMaxScan) {
        // Column-wise, branch-free distances for the whole leaf (high d): the same
        // floating-point operations in the same order as the row-wise loop below.
        double acc[kMaxScan];
        leaf_measures<P>(&soa_[nd.begin * d], m, d, q, acc);
        for (std::size_t p = 0; p < m; ++p) {
          if (acc[p] > meas[k - 1]) continue;
          const std::size_t orig = idx_[nd.begin + p];
          if (orig != self) insert(acc[p], orig, k, meas, index);
        }
        return;
      }
      for (std::size_t p = nd.begin; p < nd.end; ++p) {
        const std::size_t orig = idx_[p];
        if (orig == self) continue;
        const double* x = &pts_[p * d];
        const double worst = meas[k - 1];
        double acc = 0.0;
        bool out = false;
        for (std::size_t j = 0; j < d; ++j) {
          acc = P::combine(acc, P::term(x[j] - q[j]));
          if (acc > worst) {
            out = true;
            break;
          }
        }
        if (!out) insert(acc, orig, k, meas, index);
      }
      return;
    }
    const double bl = box_lower(nd.left, q), br = box_lower(nd.right, q);
    if (bl <= br) {
      search(nd.left, q, self, k, meas, index, bl);
      search(nd.right, q, self, k, meas, index, br);
    } else {
      search(nd.right, q, self, k, meas, index, br);
      search(nd.left, q, self, k, meas, index, bl);
    }
  }

  std::size_t count_node(std::size_t id, const double* q, double r, bool strict) const {
    const double lb = box_lower(id, q);
    if (strict ? !(lb < r) : !(lb <= r)) return 0;
    const Node& nd = nodes_[id];
    const double ub = box_upper(id, q);
    if (strict ? ub < r : ub <= r) return nd.end - nd.begin;
    if (nd.left == 0) {
      const std::size_t d = dim();
      const std::size_t m = nd.end - nd.begin;
      std::size_t c = 0;
      if (!soa_.empty() && m <= kMaxScan) {
        double acc[kMaxScan];
        leaf_measures<P>(&soa_[nd.begin * d], m, d, q, acc);
        if (strict) {
          for (std::size_t p = 0; p < m; ++p) c += acc[p] < r;
        } else {
          for (std::size_t p = 0; p < m; ++p) c += acc[p] <= r;
        }
        return c;
      }
      for (std::size_t p = nd.begin; p < nd.end; ++p) {
        const double* x = &pts_[p * d];
        double acc = 0.0;
        for (std::size_t j = 0; j < d; ++j) acc = P::combine(acc, P::term(x[j] - q[j]));
        c += strict ? (acc < r) : (acc <= r);
      }
      return c;
    }
    return count_node(nd.left, q, r, strict) + count_node(nd.right, q, r, strict);
  }
};

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
