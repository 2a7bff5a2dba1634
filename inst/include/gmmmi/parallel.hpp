// Parallel execution for the gmmmi core, independent of any threading library.
//
// The core never creates threads itself: it receives an Executor. SerialExecutor runs everything
// on the calling thread (used in tests and for n_threads = 1); src/executor.h supplies an
// RcppParallel (TBB) executor. Work is always split into units whose results do not depend on
// which thread runs them, and reductions add fixed blocks in block order, so results are bitwise
// identical for any thread count.
#ifndef GMMMI_PARALLEL_HPP
#define GMMMI_PARALLEL_HPP

#include <atomic>
#include <cstddef>
#include <exception>
#include <functional>
#include <mutex>
#include <stdexcept>
#include <string>
#include <vector>

namespace gmmmi {

using RangeFn = std::function<void(std::size_t, std::size_t)>;

class Executor {
 public:
  virtual ~Executor() {}
  virtual std::size_t n_threads() const = 0;
  // Call fn(begin, end) on disjoint sub-ranges covering [0, n), possibly concurrently.
  virtual void run(std::size_t n, std::size_t grain, const RangeFn& fn) const = 0;
};

class SerialExecutor : public Executor {
 public:
  std::size_t n_threads() const override { return 1; }
  void run(std::size_t n, std::size_t, const RangeFn& fn) const override {
    if (n > 0) fn(0, n);
  }
};

// Keeps the first exception thrown by any worker; later workers skip their work.
class ExceptionGuard {
 public:
  ExceptionGuard() : failed_(false) {}
  bool failed() const { return failed_.load(std::memory_order_relaxed); }
  void capture() {
    std::lock_guard<std::mutex> lock(mutex_);
    if (!failed_) {
      first_ = std::current_exception();
      failed_ = true;
    }
  }
  void rethrow() {
    if (failed_) std::rethrow_exception(first_);
  }

 private:
  std::atomic<bool> failed_;
  std::mutex mutex_;
  std::exception_ptr first_;
};

// Cooperative cancellation (user interrupts). An executor that watches for interrupts on the main
// thread (src/executor.h) sets the flag; parallel_for stops starting units, and long loops inside
// a unit (EM iterations, Monte Carlo chunks) call check_cancel(), which throws Interrupted. The
// executor joins its threads, clears the flag and reports the interrupt on the main thread. The
// flag is process-wide, so it reaches inner serial executors too; without such an executor it
// stays false and costs one relaxed load per check.
class Interrupted : public std::runtime_error {
 public:
  Interrupted() : std::runtime_error("interrupted") {}
};

inline std::atomic<bool>& cancel_flag() {
  static std::atomic<bool> flag(false);
  return flag;
}
inline bool cancel_requested() { return cancel_flag().load(std::memory_order_relaxed); }
inline void check_cancel() {
  if (cancel_requested()) throw Interrupted();
}

// Run f(i) for i in [0, n); exceptions in workers are caught and rethrown on the calling thread.
// Every unit writes only its own results, so stopping between units (on a cancel) never mixes
// partial results into a returned value: the cancel is rethrown instead.
template <class F>
void parallel_for(const Executor& ex, std::size_t n, std::size_t grain, F&& f) {
  ExceptionGuard guard;
  ex.run(n, grain == 0 ? 1 : grain, [&](std::size_t b, std::size_t e) {
    for (std::size_t i = b; i < e; ++i) {
      if (guard.failed()) return;
      if (cancel_requested()) {
        try {
          throw Interrupted();
        } catch (...) {
          guard.capture();
        }
        return;
      }
      try {
        f(i);
      } catch (...) {
        guard.capture();
        return;
      }
    }
  });
  guard.rethrow();
}

// Fixed-size row blocks: the block layout depends only on n and block_size, never on threads.
struct Blocks {
  std::size_t n, size, count;
  Blocks(std::size_t n_, std::size_t size_) : n(n_), size(size_ == 0 ? 1 : size_) {
    count = (n + size - 1) / size;
  }
  std::size_t begin(std::size_t b) const { return b * size; }
  std::size_t end(std::size_t b) const { return (b + 1) * size < n ? (b + 1) * size : n; }
};

// Progress and interrupts: the core calls step() on the calling (main) thread between batches of
// parallel work. Implementations may throw to abort (e.g. on a user interrupt).
class Monitor {
 public:
  virtual ~Monitor() {}
  virtual void step(std::size_t /*done*/, std::size_t /*total*/) {}
};

// A Monitor told which phase of a longer job is running. For gmm_mi (called between batches, on
// the main thread): 0 = selection (step(K, last) per K tried, once per group and representation;
// see select_k), 1 = full fit, 2 = bootstrap, 3 = permutations.
class PhaseMonitor : public Monitor {
 public:
  virtual void phase(int /*which*/, std::size_t /*total*/) {}
};

// Error for invalid arguments reaching the core (R validates first; this is a safety net).
class InputError : public std::invalid_argument {
 public:
  explicit InputError(const std::string& what) : std::invalid_argument(what) {}
};

}  // namespace gmmmi

#endif  // GMMMI_PARALLEL_HPP
