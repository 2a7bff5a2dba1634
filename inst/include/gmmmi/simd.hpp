// SIMD vector types and run-time CPU dispatch, written once for the whole core.
//
// Four-lane vectors. The hot kernels (EM pass, Monte Carlo log-densities and sampling) are
// written once with v4d (or v8d) and compiled several times: for the baseline target, where the
// compiler lowers each v4d operation to two SSE2 (or NEON) operations, and, on x86-64, for AVX2
// (target attribute), where it is one 256-bit operation, and (the Monte Carlo log-densities) for
// AVX-512 with eight lanes. simd_dispatch() picks the clone at run time. AVX2 does not include
// FMA, and the AVX-512 clone is built with fp-contract=off, so no multiply-add is contracted and
// every lane does exactly the same IEEE operations in every clone: results are bitwise
// identical whichever clone runs (tested). Vectors are passed by reference only (passing 32-byte
// vectors by value changes the ABI between the targets).
//
// (The vector exp/log of fastmath.hpp rely on IEEE round-to-nearest arithmetic, so -ffast-math
// builds get no vector types and use the scalar kernels.)
//
// API (namespace gmmmi):
//   v4d v4l v4u v8d v8l     vector types (when GMMMI_HAVE_V4D is defined)
//   VecBuffer               64-byte aligned storage for vectors
//   simd_mode()             which clones may run: 2 widest (default), 1 at most AVX2, 0 baseline
//   use_avx2() use_avx512() whether that clone runs
//   simd_dispatch<I>(f)     calls f(IsaBase()), f(IsaAvx2()) or f(IsaAvx512()) inside a function
//                           compiled for that target (I: the widest clone the call site has)
//   with_dim<N>(d, f)       calls f(std::integral_constant<int, d>) for 1 <= d <= N, else with 0
//                           (a kernel with the dimension known at compile time)
// Lambdas passed to simd_dispatch and with_dim inside a kernel must be GMMMI_LAMBDA_INLINE, so
// that the kernel is compiled inside the target clone.
#ifndef GMMMI_SIMD_HPP
#define GMMMI_SIMD_HPP

#include <cstddef>
#include <cstdint>
#include <type_traits>
#include <vector>

#if defined(__GNUC__)
#define GMMMI_LAMBDA_INLINE __attribute__((always_inline))
#define GMMMI_FORCE_INLINE inline __attribute__((always_inline))
#else
#define GMMMI_LAMBDA_INLINE
#define GMMMI_FORCE_INLINE inline
#endif

#if defined(__GNUC__) && !defined(__FAST_MATH__) && !defined(GMMMI_NO_VECTOR_EXT)
#define GMMMI_HAVE_V4D 1
#define GMMMI_INLINE inline __attribute__((always_inline))
#if (defined(__x86_64__) || defined(__i386__)) && !defined(__AVX2__) && !defined(GMMMI_NO_DISPATCH)
#define GMMMI_AVX2_CLONES 1
#define GMMMI_TARGET_AVX2 __attribute__((target("avx2")))
// The Monte Carlo kernel (whose points are independent lane by lane) also has an eight-lane
// AVX-512 clone. AVX-512F includes FMA, so the clone is built with fp-contract=off (a GCC
// function attribute; other compilers do not get this clone): no multiply-add is fused and the
// lanes do the same IEEE operations as in the other clones.
#if defined(__GNUC__) && !defined(__clang__) && !defined(__AVX512F__)
#define GMMMI_AVX512_CLONES 1
#define GMMMI_TARGET_AVX512 __attribute__((target("avx512f"), optimize("fp-contract=off")))
#endif
#endif
#endif

namespace gmmmi {

#ifdef GMMMI_HAVE_V4D
typedef double v4d __attribute__((vector_size(32)));
typedef long long v4l __attribute__((vector_size(32)));
typedef unsigned long long v4u __attribute__((vector_size(32)));

typedef double v8d __attribute__((vector_size(64)));
typedef long long v8l __attribute__((vector_size(64)));

// Storage for n vectors aligned to 64 bytes (std::vector<v4d> is not aligned enough: operator
// new only guarantees 16 before C++17). get() serves v4d, get<V>() any vector type.
class VecBuffer {
 public:
  template <class V = v4d>
  V* get(std::size_t n) {
    raw_.resize((sizeof(V) / sizeof(double)) * n + 8);
    const std::uintptr_t p = reinterpret_cast<std::uintptr_t>(raw_.data());
    return reinterpret_cast<V*>((p + 63) & ~static_cast<std::uintptr_t>(63));
  }

 private:
  std::vector<double> raw_;
};
#endif  // GMMMI_HAVE_V4D

// Which kernel clones run: 2 (default) the widest the CPU has (AVX-512 for the Monte Carlo
// kernel, AVX2 elsewhere), 1 at most AVX2, 0 the baseline clones always (for tests: all must
// give identical results).
inline int& simd_mode() {
  static int mode = 2;
  return mode;
}

inline bool use_avx2() {
#ifdef GMMMI_AVX2_CLONES
  static const bool has = __builtin_cpu_supports("avx2");
  return has && simd_mode() >= 1;
#else
  return false;
#endif
}

inline bool use_avx512() {
#ifdef GMMMI_AVX512_CLONES
  static const bool has = __builtin_cpu_supports("avx512f");
  return has && simd_mode() >= 2;
#else
  return false;
#endif
}

// Clone tags: f(IsaBase()) etc. Kernels choose their vector width from the tag (Lanes).
struct IsaBase {
  enum : int { level = 0 };
};
struct IsaAvx2 {
  enum : int { level = 1 };
};
struct IsaAvx512 {
  enum : int { level = 2 };
};

namespace simd_detail {
template <class F>
inline auto run_base(F& f) -> decltype(f(IsaBase())) {
  return f(IsaBase());
}
#ifdef GMMMI_AVX2_CLONES
template <class F>
GMMMI_TARGET_AVX2 auto run_avx2(F& f) -> decltype(f(IsaAvx2())) {
  return f(IsaAvx2());
}
#endif
#ifdef GMMMI_AVX512_CLONES
template <class F>
GMMMI_TARGET_AVX512 auto run_avx512(F& f) -> decltype(f(IsaAvx512())) {
  return f(IsaAvx512());
}
#endif
}  // namespace simd_detail

namespace simd_detail {
template <int MaxLevel>
struct Dispatch;
template <>
struct Dispatch<0> {
  template <class F>
  static auto run(F& f) -> decltype(f(IsaBase())) {
    return run_base(f);
  }
};
template <>
struct Dispatch<1> {
  template <class F>
  static auto run(F& f) -> decltype(f(IsaBase())) {
#ifdef GMMMI_AVX2_CLONES
    if (use_avx2()) return run_avx2(f);
#endif
    return run_base(f);
  }
};
template <>
struct Dispatch<2> {
  template <class F>
  static auto run(F& f) -> decltype(f(IsaBase())) {
#ifdef GMMMI_AVX512_CLONES
    if (use_avx512()) return run_avx512(f);
#endif
    return Dispatch<1>::run(f);
  }
};
}  // namespace simd_detail

// Run f in the widest clone the CPU has (and simd_mode() allows), up to MaxLevel (0 baseline,
// 1 AVX2, 2 AVX-512): the one clone-and-dispatch of the core. f is called with the clone's tag.
template <int MaxLevel, class F>
inline auto simd_dispatch(F&& f) -> decltype(f(IsaBase())) {
  return simd_detail::Dispatch<MaxLevel>::run(f);
}

#ifdef GMMMI_HAVE_V4D
// The vector types of a clone: four lanes, eight in the AVX-512 clone.
template <class Isa>
struct Lanes {
  typedef v4d V;
  typedef v4l I;
  enum : int { W = 4 };
};
template <>
struct Lanes<IsaAvx512> {
  typedef v8d V;
  typedef v8l I;
  enum : int { W = 8 };
};
#endif

namespace simd_detail {
template <int N>
struct DimSwitch {
  template <class F>
  GMMMI_FORCE_INLINE static auto run(int d, F& f) -> decltype(f(std::integral_constant<int, 0>())) {
    if (d == N) return f(std::integral_constant<int, N>());
    return DimSwitch<N - 1>::run(d, f);
  }
};
template <>
struct DimSwitch<0> {
  template <class F>
  GMMMI_FORCE_INLINE static auto run(int, F& f) -> decltype(f(std::integral_constant<int, 0>())) {
    return f(std::integral_constant<int, 0>());
  }
};
}  // namespace simd_detail

// f(std::integral_constant<int, d>()) when 1 <= d <= N, else f(std::integral_constant<int, 0>())
// (the kernel with a run-time dimension). One place for the compile-time dimension switch; each
// call site keeps its own limit N.
template <int N, class F>
GMMMI_FORCE_INLINE auto with_dim(int d, F&& f) -> decltype(f(std::integral_constant<int, 0>())) {
  return simd_detail::DimSwitch<N>::run(d, f);
}

}  // namespace gmmmi

#endif  // GMMMI_SIMD_HPP
