// Scale-robust column statistics.
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

}  // namespace gmmmi

#endif  // GMMMI_STATS_HPP
