// Four xoshiro256** streams side by side (Stream4) and four ziggurat normals at a time
// (normal4), for the vectorised Monte Carlo sampler (mc_kernels.hpp). Lane l of Stream4(seed,
// index) produces exactly the numbers of Stream(seed, 4 index + l) (rng.hpp), and a lane's normals
// are a pure function of its stream. Available when GMMMI_HAVE_V4D is defined (simd.hpp).
#ifndef GMMMI_STREAM4_HPP
#define GMMMI_STREAM4_HPP

#include <cstdint>

#include "rng.hpp"
#include "simd.hpp"
#include "ziggurat.hpp"

namespace gmmmi {

#ifdef GMMMI_HAVE_V4D
// Four xoshiro256** streams side by side: lane l produces exactly the numbers of
// Stream(seed, 4 index + l) (the multiplications by 5 and 9 are shifts and adds).
struct Stream4 {
  v4u s0, s1, s2, s3;
  Stream4(std::uint64_t seed, std::uint64_t index) {
    for (int l = 0; l < 4; ++l) set_lane(l, Stream(seed, 4 * index + static_cast<std::uint64_t>(l)));
  }
  GMMMI_INLINE void next(v4u& out) {
    const v4u a = s1 + (s1 << 2);      // s1 * 5
    const v4u r = (a << 7) | (a >> 57);  // rotl 7
    out = r + (r << 3);                // * 9
    const v4u t = s1 << 17;
    s2 ^= s0;
    s3 ^= s1;
    s1 ^= s2;
    s0 ^= s3;
    s2 ^= t;
    s3 = (s3 << 45) | (s3 >> 19);
  }
  Stream lane(int l) const {
    Stream st;
    const std::uint64_t v[4] = {s0[l], s1[l], s2[l], s3[l]};
    st.set_state(v);
    return st;
  }
  void set_lane(int l, const Stream& st) {
    std::uint64_t v[4];
    st.get_state(v);
    s0[l] = v[0];
    s1[l] = v[1];
    s2[l] = v[2];
    s3[l] = v[3];
  }
};

// Uniforms on (0, 1) from the top 52 bits of b: ((b >> 12) + 1/2) / 2^52.
GMMMI_INLINE void uniform4(const v4u& b, v4d& u) {
  const v4u m = (b >> 12) | 0x4330000000000000ULL;  // the double 2^52 + (b >> 12), exactly
  u = (((v4d)m - 4503599627370496.0) + 0.5) * (1.0 / 4503599627370496.0);
}

// Four standard normals by the ziggurat (as normal_zig, one draw per lane: layer from bits 0-7,
// sign from bit 8, a 52-bit uniform from bits 12-63). A lane whose candidate falls outside its
// layer's rectangle (about 1% of draws) finishes with the scalar wedge / tail code on its own
// stream, so every lane is a pure function of its stream.
GMMMI_INLINE void normal4(Stream4& g, v4d& out) {
  v4u b;
  g.next(b);
  const v4u i = b & 255ULL;
  const v4u sign = (b & 256ULL) << 55;
  v4d u;
  uniform4(b, u);
  const double* X = zig_detail::table_x();
  const double* R = zig_detail::table_ratio();
  const v4d xi = {X[i[0]], X[i[1]], X[i[2]], X[i[3]]};
  const v4d ri = {R[i[0]], R[i[1]], R[i[2]], R[i[3]]};
  out = (v4d)((v4u)(u * xi) ^ sign);
  const v4l inside = u < ri;
  if (inside[0] & inside[1] & inside[2] & inside[3]) return;
  for (int l = 0; l < 4; ++l) {
    if (inside[l]) continue;
    Stream st = g.lane(l);
    double o;
    if (!zig_detail::slow(st, static_cast<int>(i[l]), sign[l] != 0, u[l], o)) o = normal_zig(st);
    out[l] = o;
    g.set_lane(l, st);
  }
}
#endif  // GMMMI_HAVE_V4D

}  // namespace gmmmi

#endif  // GMMMI_STREAM4_HPP
