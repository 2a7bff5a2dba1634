// Standard normal draws by the ziggurat method (Marsaglia & Tsang 2000, 256 layers, 53-bit
// uniforms as in Doornik 2005), on the streams of rng.hpp:
//   normal_zig(rng)   one standard normal from a Stream
// The tables are literal constants (ziggurat_tables.hpp), so draws are the same on every
// platform up to the libm exp/log used in the rare wedge and tail tests; they are a pure function
// of the stream.
#ifndef GMMMI_ZIGGURAT_HPP
#define GMMMI_ZIGGURAT_HPP

#include <cmath>
#include <cstdint>

#include "rng.hpp"
#include "ziggurat_tables.hpp"

namespace gmmmi {

namespace zig_detail {
// The rare cases: the tail beyond r (layer 0; Marsaglia 1964) and the wedges (other layers).
// Returns false when the candidate is rejected (draw again).
#if defined(__GNUC__)
__attribute__((noinline))
#endif
inline bool slow(Stream& rng, int i, bool neg, double u, double& out) {
  const double* X = table_x();
  if (i == 0) {
    const double r = X[1];
    double a, c;
    do {
      a = -std::log(rng.uniform()) / r;
      c = -std::log(rng.uniform());
    } while (c + c < a * a);
    out = neg ? -(r + a) : r + a;
    return true;
  }
  const double x = u * X[i];
  const double* F = table_f();
  const double y = F[i] + rng.uniform() * (F[i + 1] - F[i]);
  if (y < std::exp(-0.5 * x * x)) {
    out = neg ? -x : x;
    return true;
  }
  return false;
}
}  // namespace zig_detail

// Standard normal draw by the ziggurat method: one 64-bit word per draw in about 99% of cases
// (layer from bits 0-7, sign from bit 8, a 53-bit uniform from bits 11-63).
inline double normal_zig(Stream& rng) {
  const double* X = zig_detail::table_x();
  const double* R = zig_detail::table_ratio();
  for (;;) {
    const std::uint64_t b = rng.next_u64();
    const int i = static_cast<int>(b & 255u);
    const bool neg = (b >> 8) & 1u;
    const double u = (static_cast<double>(b >> 11) + 0.5) * (1.0 / 9007199254740992.0);  // (0, 1)
    if (u < R[i]) {
      const double x = u * X[i];
      return neg ? -x : x;
    }
    double out;
    if (zig_detail::slow(rng, i, neg, u, out)) return out;
  }
}

}  // namespace gmmmi

#endif  // GMMMI_ZIGGURAT_HPP
