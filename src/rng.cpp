// Glue for the random streams (used by tests to check reproducibility across thread counts).
#include "executor.h"
#include <gmmmi/rng.hpp>

// [[Rcpp::export(.rng_draws)]]
Rcpp::NumericMatrix rng_draws(Rcpp::NumericVector seed, int n_streams, int n_per, int n_threads,
                              std::string type) {
  const std::uint64_t s = gmmmi_r::seed_arg(seed);
  std::vector<double> out(static_cast<std::size_t>(n_streams) * n_per);
  const int kind = type == "normal" ? 0 : (type == "uniform" ? 1 : 2);
  gmmmi_r::ParallelExecutor ex(n_threads);
  gmmmi::parallel_for(ex, n_streams, 1, [&](std::size_t j) {
    gmmmi::Stream st(s, j);
    for (int i = 0; i < n_per; ++i) {
      out[j * n_per + i] = kind == 0 ? st.normal() : (kind == 1 ? st.uniform() : st.exponential());
    }
  });
  Rcpp::NumericMatrix m(n_per, n_streams);
  std::copy(out.begin(), out.end(), m.begin());
  return m;
}

// [[Rcpp::export(.parallel_throw)]]
int parallel_throw(int n, int bad, int n_threads) {
  gmmmi_r::ParallelExecutor ex(n_threads);
  std::vector<int> v(n, 0);
  gmmmi::parallel_for(ex, n, 1, [&](std::size_t i) {
    if (static_cast<int>(i) == bad) throw std::runtime_error("unit " + std::to_string(i) + " failed");
    v[i] = 1;
  });
  return n;
}
