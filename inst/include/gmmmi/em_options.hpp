// Options, results and recovery events of the EM fit (em.hpp).
#ifndef GMMMI_EM_OPTIONS_HPP
#define GMMMI_EM_OPTIONS_HPP

#include <cstddef>
#include <vector>

#include "gmm.hpp"

namespace gmmmi {

enum class InitMethod { Random, Kmeans, RandomizedKmeans, Minmax };

struct EmOptions {
  double tol = 1e-5;          // stop when |change in weighted mean log-lik per sample| < tol
  int max_iter = 10000;
  double reg_covar = 1e-12;   // added to covariance diagonals at init and every M-step
  InitMethod init = InitMethod::Random;
  double scale = 1.0;         // randomized_kmeans perturbation scale
  std::size_t block_size = 1024;  // rows per block for the parallel E/M sufficient statistics
};

// kind: 1 = component re-seeded (vanished weight or unusable statistics),
//       2 = component regularisation raised (covariance not positive definite).
// iteration 0 means while preparing the starting model.
struct RecoveryEvent {
  int iteration;
  int component;
  int kind;
};

struct EmResult {
  Gmm model;                 // prepared (prepare() called, true)
  double loglik;             // sum_i w_i log p(x_i)
  double mean_loglik;        // loglik / sum_i w_i
  int iterations;            // number of M-steps performed
  bool converged;
  std::vector<RecoveryEvent> events;
};

}  // namespace gmmmi

#endif  // GMMMI_EM_OPTIONS_HPP
