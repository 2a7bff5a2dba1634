// Random streams for gmmmi: one independent, reproducible stream per unit of work.
//
// A run draws one 64-bit seed from R's RNG on the main thread; every unit of work (an
// initialisation, a CV fold fit, a bootstrap replicate, a Monte Carlo chunk, a projection)
// builds its own Stream from (seed, unit index). Nothing here depends on the thread that runs a
// unit, so results are bitwise identical for any number of threads. The generator is
// xoshiro256** (Blackman & Vigna 2018) seeded through splitmix64; the normal sampler is
// Box-Muller on our own uniforms, so it does not depend on the standard library's
// std::normal_distribution (whose output differs between implementations). The ziggurat normal
// sampler is ziggurat.hpp; four streams side by side (for the vector kernels) are stream4.hpp.
#ifndef GMMMI_RNG_HPP
#define GMMMI_RNG_HPP

#include <cmath>
#include <cstdint>
#include <cstddef>

namespace gmmmi {

inline std::uint64_t splitmix64(std::uint64_t& state) {
  std::uint64_t z = (state += 0x9E3779B97F4A7C15ULL);
  z = (z ^ (z >> 30)) * 0xBF58476D1CE4E5B9ULL;
  z = (z ^ (z >> 27)) * 0x94D049BB133111EBULL;
  return z ^ (z >> 31);
}

// Derive the seed of a sub-stream (e.g. unit b of phase p): a pure function of its inputs.
inline std::uint64_t derive_seed(std::uint64_t seed, std::uint64_t index) {
  std::uint64_t s = seed ^ (0xD1B54A32D192ED03ULL * (index + 1));
  splitmix64(s);
  return splitmix64(s);
}

class Stream {
 public:
  Stream() : Stream(0, 0) {}
  Stream(std::uint64_t seed, std::uint64_t index) {
    std::uint64_t sm = derive_seed(seed, index);
    for (int i = 0; i < 4; ++i) s_[i] = splitmix64(sm);
    has_spare_ = false;
    spare_ = 0.0;
  }

  std::uint64_t next_u64() {
    const std::uint64_t result = rotl(s_[1] * 5, 7) * 9;
    const std::uint64_t t = s_[1] << 17;
    s_[2] ^= s_[0];
    s_[3] ^= s_[1];
    s_[1] ^= s_[2];
    s_[0] ^= s_[3];
    s_[2] ^= t;
    s_[3] = rotl(s_[3], 45);
    return result;
  }

  // Uniform on the open interval (0, 1): never exactly 0 or 1.
  double uniform() { return (static_cast<double>(next_u64() >> 11) + 0.5) * (1.0 / 9007199254740992.0); }

  // Uniform integer in [0, n), n >= 1 (Lemire's nearly-divisionless method, unbiased).
  std::uint64_t below(std::uint64_t n) {
    std::uint64_t x = next_u64();
    __uint128_t m = static_cast<__uint128_t>(x) * n;
    std::uint64_t l = static_cast<std::uint64_t>(m);
    if (l < n) {
      const std::uint64_t t = (0 - n) % n;
      while (l < t) {
        x = next_u64();
        m = static_cast<__uint128_t>(x) * n;
        l = static_cast<std::uint64_t>(m);
      }
    }
    return static_cast<std::uint64_t>(m >> 64);
  }

  // Standard normal by Box-Muller; the second value of each pair is kept for the next call.
  double normal() {
    if (has_spare_) {
      has_spare_ = false;
      return spare_;
    }
    const double u1 = uniform(), u2 = uniform();
    const double r = std::sqrt(-2.0 * std::log(u1));
    const double a = 6.283185307179586476925286766559 * u2;
    spare_ = r * std::sin(a);
    has_spare_ = true;
    return r * std::cos(a);
  }

  // Exponential(1).
  double exponential() { return -std::log(uniform()); }

  // The xoshiro state (for the four-lane streams of stream4.hpp, which run four Streams side
  // by side and hand a lane back to scalar code for rare cases).
  void get_state(std::uint64_t out[4]) const {
    for (int i = 0; i < 4; ++i) out[i] = s_[i];
  }
  void set_state(const std::uint64_t in[4]) {
    for (int i = 0; i < 4; ++i) s_[i] = in[i];
    has_spare_ = false;
  }

 private:
  static std::uint64_t rotl(std::uint64_t x, int k) { return (x << k) | (x >> (64 - k)); }
  std::uint64_t s_[4];
  bool has_spare_;
  double spare_;
};

// Build a 64-bit seed from two 32-bit halves drawn in R (see R/threads.R: draw_seed()).
inline std::uint64_t seed_from_halves(double hi, double lo) {
  return (static_cast<std::uint64_t>(hi) << 32) ^ static_cast<std::uint64_t>(lo);
}

}  // namespace gmmmi

#endif  // GMMMI_RNG_HPP
