// Glue for the scale-robust column statistics (inst/include/gmmmi/stats.hpp), used by the input
// checks and standardisation of R/validate.R.
#include "executor.h"
#include <gmmmi/stats.hpp>

// Column means, standard deviations (n - 1 denominator, two passes, long double sums as R's
// colMeans and var use) and largest absolute values of a numeric matrix, for input checks and
// standardisation without R-level copies of the data.
// [[Rcpp::export(.col_stats)]]
Rcpp::List col_stats(Rcpp::NumericMatrix x) {
  const R_xlen_t n = x.nrow();
  const int d = x.ncol();
  Rcpp::NumericVector mean(d), sd(d), absmax(d);
  for (int j = 0; j < d; ++j) {  // scale-robust: see gmmmi/stats.hpp
    const gmmmi::ColumnStats st = gmmmi::column_stats(&x[static_cast<R_xlen_t>(j) * n], n);
    mean[j] = n > 0 ? st.mean : NA_REAL;
    sd[j] = n > 1 ? st.sd : NA_REAL;
    absmax[j] = st.absmax;
  }
  return Rcpp::List::create(Rcpp::Named("mean") = mean, Rcpp::Named("sd") = sd,
                            Rcpp::Named("absmax") = absmax);
}
