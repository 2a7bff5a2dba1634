// Exact k-d tree for k-nearest-neighbour search and range counts (knn.hpp, ksg.hpp, mixed.hpp).
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
#ifndef GMMMI_KDTREE_HPP
#define GMMMI_KDTREE_HPP

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

namespace gmmmi {
namespace knn {

enum class Norm { Max = 0, Euclidean = 1 };

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

}  // namespace knn
}  // namespace gmmmi

#endif  // GMMMI_KDTREE_HPP
