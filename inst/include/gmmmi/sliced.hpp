// Sliced mutual information (Goldfeld & Greenewald 2021): the MI of random one-dimensional
// projections of x and y, averaged over slices.
//
// Layout: here X and Y are R's n x dx and n x dy column-major matrices (one column contiguous),
// because a projection is a weighted sum of columns. Directions are given (drawn on the main
// thread from the run's seed); the slices are independent units estimated in parallel, each
// written to its own output slot, so the result does not depend on the number of threads.
#ifndef GMMMI_SLICED_HPP
#define GMMMI_SLICED_HPP

#include <cstddef>
#include <vector>

#include "parallel.hpp"

namespace gmmmi {

// out[i] = sum_j X[i + j n] * dir[j]
inline void project_columns(const double* X, std::size_t n, int d, const double* dir, double* out) {
  for (std::size_t i = 0; i < n; ++i) out[i] = 0.0;
  for (int j = 0; j < d; ++j) {
    const double a = dir[j];
    const double* col = X + static_cast<std::size_t>(j) * n;
    for (std::size_t i = 0; i < n; ++i) out[i] += a * col[i];
  }
}

// Per-slice values of a 1-D MI estimator est(px, py, n) for the m slice pairs
// (theta: dx x m, phi: dy x m, column per slice). out has m entries.
template <class Est1D>
void sliced_values(const double* X, int dx, const double* Y, int dy, std::size_t n,
                   const double* theta, const double* phi, std::size_t m, Est1D est,
                   const Executor& ex, double* out) {
  parallel_for(ex, m, 1, [&](std::size_t s) {
    std::vector<double> px(n), py(n);
    project_columns(X, n, dx, theta + s * static_cast<std::size_t>(dx), px.data());
    project_columns(Y, n, dy, phi + s * static_cast<std::size_t>(dy), py.data());
    out[s] = est(px.data(), py.data(), n);
  });
}

}  // namespace gmmmi

#endif  // GMMMI_SLICED_HPP
