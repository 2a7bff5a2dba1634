// RcppParallel (TBB) executor for the gmmmi core, and the R-side monitor (progress + interrupts).
#ifndef GMMMI_SRC_EXECUTOR_H
#define GMMMI_SRC_EXECUTOR_H

#include <RcppParallel.h>
#include <Rcpp.h>
#include <R_ext/Utils.h>
#include <gmmmi/parallel.hpp>

#include "convert.h"

#include <chrono>
#include <condition_variable>
#include <exception>
#include <mutex>
#include <thread>

namespace gmmmi_r {

struct RangeWorker : public RcppParallel::Worker {
  const gmmmi::RangeFn& fn;
  explicit RangeWorker(const gmmmi::RangeFn& f) : fn(f) {}
  void operator()(std::size_t begin, std::size_t end) { fn(begin, end); }
};

// TRUE if the user asked for an interrupt; the pending interrupt is consumed (the caller rethrows
// it as Rcpp::internal::InterruptedException, which Rcpp turns back into an R interrupt).
// Main thread only: R_ToplevelExec catches the longjmp of R_CheckUserInterrupt.
inline void check_interrupt_fn(void*) { R_CheckUserInterrupt(); }
inline bool interrupt_pending() { return R_ToplevelExec(check_interrupt_fn, nullptr) == FALSE; }

// The parallel work of each run() goes to a helper thread (which runs it serially or hands it to
// TBB); meanwhile the main thread checks for user interrupts every kPollMs. On an interrupt it
// raises the core's cancel flag, so workers stop at their next unit of work or EM iteration,
// waits for the helper to finish the batch, clears the flag and throws the interrupt on the
// main thread. The helper is started on the first run() and reused (starting a thread and
// attaching it to TBB for every batch cost ~150 us, a third more time for EM on 1e4 rows); the
// destructor joins it, so no thread outlives the call. Which thread runs a unit never changes
// its result, so results stay bitwise identical for any thread count. Calls from any other
// thread than the one that built the executor (nested use) run directly, without polling R.
class ParallelExecutor : public gmmmi::Executor {
 public:
  enum { kPollMs = 20 };  // an enum: a static constexpr member would be odr-used below (C++14)
  explicit ParallelExecutor(int n_threads)
      : n_(n_threads < 1 ? 1 : n_threads), owner_(std::this_thread::get_id()) {}
  ParallelExecutor(const ParallelExecutor&) = delete;
  ParallelExecutor& operator=(const ParallelExecutor&) = delete;
  ~ParallelExecutor() override {
    if (helper_.joinable()) {
      {
        std::lock_guard<std::mutex> lock(m_);
        stop_ = true;
      }
      cv_.notify_all();
      helper_.join();
    }
  }
  std::size_t n_threads() const override { return static_cast<std::size_t>(n_); }
  void run(std::size_t n, std::size_t grain, const gmmmi::RangeFn& fn) const override {
    if (n == 0) return;
    if (std::this_thread::get_id() != owner_) {
      direct(n, grain, fn);
      return;
    }
    std::unique_lock<std::mutex> lock(m_);
    if (!helper_.joinable()) helper_ = std::thread([this]() { loop(); });
    job_ = Job{&fn, n, grain};
    has_job_ = true;
    done_ = false;
    err_ = nullptr;
    cv_.notify_all();
    bool interrupted = false;
    while (!done_) {
      cv_.wait_for(lock, std::chrono::milliseconds(kPollMs));
      if (done_ || interrupted) continue;
      lock.unlock();
      if (interrupt_pending()) {
        interrupted = true;
        gmmmi::cancel_flag().store(true);
      }
      lock.lock();
    }
    std::exception_ptr err = err_;
    lock.unlock();
    if (interrupted || gmmmi::cancel_requested()) {
      gmmmi::cancel_flag().store(false);
      throw Rcpp::internal::InterruptedException();
    }
    if (err) std::rethrow_exception(err);
  }

 private:
  struct Job {
    const gmmmi::RangeFn* fn;
    std::size_t n, grain;
  };
  void direct(std::size_t n, std::size_t grain, const gmmmi::RangeFn& fn) const {
    if (n_ <= 1 || n <= grain) {
      fn(0, n);
      return;
    }
    RangeWorker w(fn);
    RcppParallel::parallelFor(0, n, w, grain, n_);
  }
  void loop() const {
    std::unique_lock<std::mutex> lock(m_);
    for (;;) {
      cv_.wait(lock, [this]() { return has_job_ || stop_; });
      if (stop_) return;
      const Job job = job_;
      has_job_ = false;
      lock.unlock();
      std::exception_ptr err;
      try {
        direct(job.n, job.grain, *job.fn);
      } catch (...) {
        err = std::current_exception();
      }
      lock.lock();
      err_ = err;
      done_ = true;
      cv_.notify_all();
    }
  }
  int n_;
  std::thread::id owner_;
  mutable std::thread helper_;
  mutable std::mutex m_;
  mutable std::condition_variable cv_;
  mutable Job job_{nullptr, 0, 0};
  mutable bool has_job_ = false, done_ = true, stop_ = false;
  mutable std::exception_ptr err_;
};

// The one R-side monitor: checks for user interrupts and calls an optional R progress callback
// as callback(phase, done, total), on the main thread only. It serves plain Monitor users (EM
// between iterations; phase stays 0) and the phases of gmm_mi (selection, full fit, bootstrap,
// permutations).
class RMonitor : public gmmmi::PhaseMonitor {
 public:
  explicit RMonitor(Rcpp::Nullable<Rcpp::Function> cb = R_NilValue)
      : has_cb_(cb.isNotNull()), owner_(std::this_thread::get_id()) {
    if (has_cb_) cb_ = Rcpp::Function(cb.get());
  }
  void phase(int which, std::size_t total) override {
    phase_ = which;
    if (has_cb_ && std::this_thread::get_id() == owner_) cb_(which, 0.0, static_cast<double>(total));
  }
  void step(std::size_t done, std::size_t total) override {
    // R only on the thread that built the monitor (the main thread); elsewhere, only the core's
    // cancel flag, which the executor raises on an interrupt
    if (std::this_thread::get_id() != owner_) {
      gmmmi::check_cancel();
      return;
    }
    if (interrupt_pending()) throw Rcpp::internal::InterruptedException();
    if (has_cb_) cb_(phase_, static_cast<double>(done), static_cast<double>(total));
  }

 private:
  bool has_cb_;
  int phase_ = 0;
  std::thread::id owner_;
  Rcpp::Function cb_ = Rcpp::Function("identity");
};

}  // namespace gmmmi_r

#endif
