// RcppParallel (TBB) executor for the gmmmi core, and an R-side monitor (progress + interrupts).
#ifndef GMMMI_SRC_EXECUTOR_H
#define GMMMI_SRC_EXECUTOR_H

#include <RcppParallel.h>
#include <Rcpp.h>
#include <gmmmi/parallel.hpp>

namespace gmmmi_r {

struct RangeWorker : public RcppParallel::Worker {
  const gmmmi::RangeFn& fn;
  explicit RangeWorker(const gmmmi::RangeFn& f) : fn(f) {}
  void operator()(std::size_t begin, std::size_t end) { fn(begin, end); }
};

class ParallelExecutor : public gmmmi::Executor {
 public:
  explicit ParallelExecutor(int n_threads) : n_(n_threads < 1 ? 1 : n_threads) {}
  std::size_t n_threads() const override { return static_cast<std::size_t>(n_); }
  void run(std::size_t n, std::size_t grain, const gmmmi::RangeFn& fn) const override {
    if (n == 0) return;
    if (n_ <= 1 || n <= grain) {
      fn(0, n);
      return;
    }
    RangeWorker w(fn);
    RcppParallel::parallelFor(0, n, w, grain, n_);
  }

 private:
  int n_;
};

// Calls an R callback (progress) and checks for user interrupts, on the main thread only.
class RMonitor : public gmmmi::Monitor {
 public:
  explicit RMonitor(Rcpp::Nullable<Rcpp::Function> cb) : has_cb_(cb.isNotNull()) {
    if (has_cb_) cb_ = Rcpp::Function(cb.get());
  }
  void step(std::size_t done, std::size_t total) override {
    Rcpp::checkUserInterrupt();
    if (has_cb_) cb_(static_cast<double>(done), static_cast<double>(total));
  }

 private:
  bool has_cb_;
  Rcpp::Function cb_ = Rcpp::Function("identity");
};

inline std::uint64_t seed_arg(const Rcpp::NumericVector& seed) {
  if (seed.size() != 2) Rcpp::stop("internal: seed must have two halves");
  return (static_cast<std::uint64_t>(seed[0]) << 32) ^ static_cast<std::uint64_t>(seed[1]);
}

}  // namespace gmmmi_r

#endif
