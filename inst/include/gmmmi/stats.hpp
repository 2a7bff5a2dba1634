// Scale-robust column statistics, and the standardisation of the GMM-MI estimator.
//
// A column's spread is computed on the column divided by a power of two close to its largest
// absolute value, then scaled back. Dividing by a power of two is exact, so for ordinary data the
// results are bitwise the same as the direct formulas; for data near the ends of the double range
// (|x| ~ 1e154 and above, whose squares overflow, or ~1e-300, whose squares underflow) they stay
// correct instead of becoming Inf or 0.
#ifndef GMMMI_STATS_HPP
#define GMMMI_STATS_HPP

#include <cmath>
#include <cstddef>
#include <limits>
#include <vector>

namespace gmmmi {

// 2^-e with 2^(e-1) <= absmax < 2^e (1 if absmax is 0 or not finite): v * pow2_inv_scale(max|v|)
// lies in [-1, 1].
inline double pow2_inv_scale(double absmax) {
  if (!(absmax > 0.0) || !std::isfinite(absmax)) return 1.0;
  int e = 0;
  std::frexp(absmax, &e);
  return std::ldexp(1.0, -e);
}

struct ColumnStats {
  double mean, sd, absmax;
};

// Mean, standard deviation (n - 1 denominator, two passes, long double sums) and largest
// absolute value of c[0..n). mean is NaN for n = 0, sd NaN for n < 2.
inline ColumnStats column_stats(const double* c, std::size_t n) {
  ColumnStats out;
  const double nan = std::numeric_limits<double>::quiet_NaN();
  double mx = 0.0;
  for (std::size_t i = 0; i < n; ++i) {
    const double a = std::fabs(c[i]);
    mx = a > mx ? a : mx;
  }
  out.absmax = mx;
  const double f = pow2_inv_scale(mx);
  long double s = 0.0L;
  for (std::size_t i = 0; i < n; ++i) s += c[i] * f;
  const double m = n > 0 ? static_cast<double>(s / static_cast<long double>(n)) : nan;
  long double q = 0.0L;
  for (std::size_t i = 0; i < n; ++i) {
    const long double dlt = static_cast<long double>(c[i] * f) - m;
    q += dlt * dlt;
  }
  out.mean = m / f;
  out.sd = n > 1 ? std::sqrt(static_cast<double>(q / static_cast<long double>(n - 1))) / f : nan;
  return out;
}

// Centre and scale v[0..n) to unit standard deviation in place (a constant is only centred).
inline void standardise_inplace(double* v, std::size_t n) {
  if (n == 0) return;
  double mx = 0.0;
  for (std::size_t i = 0; i < n; ++i) {
    const double a = std::fabs(v[i]);
    mx = a > mx ? a : mx;
  }
  const double f = pow2_inv_scale(mx);
  double mean = 0.0;
  for (std::size_t i = 0; i < n; ++i) mean += v[i] * f;
  mean /= static_cast<double>(n);
  double ss = 0.0;
  for (std::size_t i = 0; i < n; ++i) ss += (v[i] * f - mean) * (v[i] * f - mean);
  const double sd = n > 1 ? std::sqrt(ss / static_cast<double>(n - 1)) : 0.0;
  const double inv = sd > 0.0 ? 1.0 / sd : 1.0;
  for (std::size_t i = 0; i < n; ++i) v[i] = (v[i] * f - mean) * inv;
}

// The per-column affine map x -> (x - center) / scale under which GMM-MI fits its mixtures (MI is
// invariant to it). gmm_mi() and permutation_statistics() apply it to the data they are given
// and undo it on the mixtures they return (unstandardised() in gmm.hpp), so callers only ever
// see the data's own scale.
struct Standardisation {
  std::vector<double> center, scale;
  // sum_j log scale_j: the log-Jacobian of the map is its negative. Summed in long double, as R's
  // sum() does.
  double log_scale_sum() const {
    long double s = 0.0L;
    for (double v : scale) s += std::log(v);
    return static_cast<double>(s);
  }
};

// Mean and sd (column_stats) of every column of the rows of several blocks taken together, in
// order (block b: n[b] rows of d values, row-major); a scale that is 0 or not finite is 1.
inline Standardisation pooled_standardisation(const std::vector<const double*>& blocks,
                                              const std::vector<std::size_t>& n, int d) {
  std::size_t total = 0;
  for (std::size_t v : n) total += v;
  Standardisation st;
  st.center.resize(d);
  st.scale.resize(d);
  std::vector<double> col(total);
  for (int j = 0; j < d; ++j) {
    std::size_t at = 0;
    for (std::size_t b = 0; b < blocks.size(); ++b)
      for (std::size_t i = 0; i < n[b]; ++i) col[at++] = blocks[b][i * d + j];
    const ColumnStats cs = column_stats(col.data(), total);
    st.center[j] = cs.mean;
    st.scale[j] = std::isfinite(cs.sd) && cs.sd != 0.0 ? cs.sd : 1.0;
  }
  return st;
}

// The n rows of X (row-major, d columns) under the map.
inline std::vector<double> standardised(const double* X, std::size_t n, int d, const Standardisation& st) {
  std::vector<double> out(n * d);
  for (std::size_t i = 0; i < n; ++i)
    for (int j = 0; j < d; ++j) out[i * d + j] = (X[i * d + j] - st.center[j]) / st.scale[j];
  return out;
}

}  // namespace gmmmi

#endif  // GMMMI_STATS_HPP
