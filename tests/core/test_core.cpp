// The C++ core without R: a few checks of the header-only library in inst/include/gmmmi/ with
// the serial executor, compiled and run by tests/core/run.sh (called by .ci/run), so that "the
// core is usable without R" is checked. Exact values where they exist (closed forms), otherwise
// stated tolerances. Prints "N passed, N failed" and exits non-zero on a failure.
#include <cmath>
#include <algorithm>
#include <cstdio>
#include <vector>

#include "gmmmi/em.hpp"
#include "gmmmi/gmm_mi.hpp"
#include "gmmmi/ksg.hpp"
#include "gmmmi/mixture_mi.hpp"
#include "gmmmi/parallel.hpp"
#include "gmmmi/rng.hpp"

static int passed = 0, failed = 0;

static void check(bool ok, const char* what, double got, double want) {
  if (ok) {
    ++passed;
  } else {
    ++failed;
    std::printf("FAILED: %s (got %.10g, expected %.10g)\n", what, got, want);
  }
}

// n rows of a bivariate Gaussian with correlation rho, row-major (x, y) pairs
static std::vector<double> gaussian_pairs(std::size_t n, double rho, std::uint64_t seed) {
  gmmmi::Stream rng(seed, 0);
  std::vector<double> X(2 * n);
  for (std::size_t i = 0; i < n; ++i) {
    const double a = rng.normal(), b = rng.normal();
    X[2 * i] = a;
    X[2 * i + 1] = rho * a + std::sqrt(1.0 - rho * rho) * b;
  }
  return X;
}

int main() {
  gmmmi::SerialExecutor serial;
  const double rho = 0.6, truth = -0.5 * std::log(1.0 - rho * rho);

  // 1. streams: the same (seed, unit) gives the same numbers; another unit others
  {
    gmmmi::Stream a(42, 7), b(42, 7), c(42, 8);
    bool same = true, differ = false;
    for (int i = 0; i < 100; ++i) {
      const std::uint64_t u = a.next_u64();
      same = same && u == b.next_u64();
      differ = differ || u != c.next_u64();
    }
    check(same && differ, "streams are reproducible per (seed, unit)", same, 1);
  }

  // 2. MI of a single Gaussian: the closed form -0.5 log(1 - rho^2), exactly (no Monte Carlo)
  {
    gmmmi::Gmm g(1, 2);
    g.covs[0] << 1.0, rho, rho, 1.0;
    check(g.prepare(), "a valid Gaussian prepares", 0, 1);
    const gmmmi::McResult r = gmmmi::mi_mc(g, 1, 10000, 1, serial);
    check(std::fabs(r.value - truth) < 1e-12, "MI of one Gaussian equals its closed form", r.value, truth);
  }

  // 3. MI of a two-component mixture with independent blocks inside each component but
  // shifted means: Monte Carlo within 4 standard errors of a second, larger Monte Carlo run
  {
    gmmmi::Gmm g(2, 2);
    g.means << -2.0, 2.0, -2.0, 2.0;  // component means (-2, -2) and (2, 2)
    check(g.prepare(), "a valid mixture prepares", 0, 1);
    const gmmmi::McResult a = gmmmi::mi_mc(g, 1, 200000, 3, serial);
    const gmmmi::McResult b = gmmmi::mi_mc(g, 1, 2000000, 4, serial);
    const double se = std::sqrt(a.std_error * a.std_error + b.std_error * b.std_error);
    check(a.value > 0.3 && std::fabs(a.value - b.value) < 4 * se, "Monte Carlo MI agrees with a larger run", a.value, b.value);
  }

  // 4. EM on Gaussian data at K = 1 is the closed form: the sample mean and covariance
  {
    const std::size_t n = 5000;
    const std::vector<double> X = gaussian_pairs(n, rho, 11);
    gmmmi::EmOptions opt;
    gmmmi::Stream rng(5, 0);
    const gmmmi::EmResult r = gmmmi::em_fit(X.data(), n, 2, nullptr, 1, opt, rng, serial);
    double m0 = 0, m1 = 0;
    for (std::size_t i = 0; i < n; ++i) m0 += X[2 * i], m1 += X[2 * i + 1];
    m0 /= n;
    m1 /= n;
    double c01 = 0;
    for (std::size_t i = 0; i < n; ++i) c01 += (X[2 * i] - m0) * (X[2 * i + 1] - m1);
    c01 /= n;
    check(std::fabs(r.model.means(0, 0) - m0) < 1e-12 && std::fabs(r.model.means(1, 0) - m1) < 1e-12,
          "EM at K = 1 gives the sample mean", r.model.means(0, 0), m0);
    check(std::fabs(r.model.covs[0](0, 1) - c01) < 1e-10, "EM at K = 1 gives the sample covariance",
          r.model.covs[0](0, 1), c01);
  }

  // 4b. pointwise conditional MI of a 3-component mixture over (x, y, z) (d = 4, z two-dimensional)
  // equals log p(x,y,z) + log p(z) - log p(x,z) - log p(y,z) from the marginals, to 1e-10; and its
  // mean over draws agrees with the Monte Carlo CMI within 4 standard errors
  {
    gmmmi::Gmm g(3, 4);
    g.weights << 0.5, 0.3, 0.2;
    g.means << 0, 2, -1, 0, 1, 2, 1, -1, 0, 0, 1, 3;
    g.covs[0] << 1, 0.5, 0.2, 0, 0.5, 1, 0.3, 0.1, 0.2, 0.3, 1, 0.2, 0, 0.1, 0.2, 1;
    g.covs[1] << 2, -0.4, 0, 0.3, -0.4, 1, 0.2, 0, 0, 0.2, 0.5, 0.1, 0.3, 0, 0.1, 1;
    check(g.prepare(), "a valid 4-D mixture prepares", 0, 1);
    const std::size_t n = 4000;
    std::vector<double> P(n * 4);
    gmmmi::Stream rng(5, 0);
    gmmmi::sample(g, rng, n, P.data());
    std::vector<double> pc(n);
    check(gmmmi::pointwise_cmi(g, 1, 1, P.data(), n, pc.data(), serial), "pointwise_cmi runs", 0, 1);
    gmmmi::Gmm gxz = g.marginal({0, 2, 3}), gyz = g.marginal({1, 2, 3}), gz = g.marginal({2, 3});
    gxz.prepare();
    gyz.prepare();
    gz.prepare();
    double worst = 0, mean = 0;
    for (std::size_t i = 0; i < n; ++i) {
      const double* p = P.data() + 4 * i;
      const double pxz[3] = {p[0], p[2], p[3]}, pyz[3] = {p[1], p[2], p[3]}, pz[2] = {p[2], p[3]};
      double a, b, c, e;
      gmmmi::log_density(g, p, 1, &a);
      gmmmi::log_density(gxz, pxz, 1, &b);
      gmmmi::log_density(gyz, pyz, 1, &c);
      gmmmi::log_density(gz, pz, 1, &e);
      worst = std::max(worst, std::fabs(pc[i] - (a + e - b - c)));
      mean += pc[i] / n;
    }
    check(worst < 1e-10, "pointwise CMI equals the marginals' formula", worst, 0);
    double var = 0;
    for (double v : pc) var += (v - mean) * (v - mean) / (n - 1);
    const gmmmi::McResult r = gmmmi::cmi_mc(g, 1, 1, 400000, 9, serial);
    check(r.value > 0.05 && std::fabs(mean - r.value) < 4 * std::sqrt(r.std_error * r.std_error + var / n),
          "mean pointwise CMI agrees with Monte Carlo CMI", mean, r.value);
  }

  // 5. the whole estimator (K chosen by cross-validation, bootstrap) on Gaussian data: within
  // 4 bootstrap sd + 0.03 of the truth, and bitwise the same when run twice
  {
    const std::size_t n = 2000;
    const std::vector<double> X = gaussian_pairs(n, rho, 21);
    gmmmi::Representation rep;
    rep.groups.push_back(gmmmi::Group{X.data(), n});
    gmmmi::MiSpec spec;
    gmmmi::GmmMiOptions opt;
    opt.n_bootstrap = 20;
    opt.n_mc = 20000;
    opt.em.init = gmmmi::InitMethod::Kmeans;
    gmmmi::PhaseMonitor mon;
    const gmmmi::GmmMiResult a = gmmmi::gmm_mi({rep}, 2, spec, opt, 99, serial, mon);
    const gmmmi::GmmMiResult b = gmmmi::gmm_mi({rep}, 2, spec, opt, 99, serial, mon);
    double mean = 0, sd = 0;
    for (double v : a.boot.mi) mean += v;
    mean /= a.boot.mi.size();
    for (double v : a.boot.mi) sd += (v - mean) * (v - mean);
    sd = std::sqrt(sd / (a.boot.mi.size() - 1));
    check(std::fabs(a.point.value - truth) < 4 * sd + 0.03, "gmm_mi() of Gaussian data is near the truth", a.point.value, truth);
    check(a.point.value == b.point.value && a.boot.mi == b.boot.mi, "gmm_mi() is reproducible", a.point.value, b.point.value);
  }

  // 5b. gmm_mi() owns the standardisation: data on another scale (x * 1000 + 5, y / 8 - 3) give
  // the full-data fit on that scale. Its reported log-likelihood is the data's log-likelihood
  // under the returned mixture, and at K = 1 its means are the sample means; the MI is that of
  // the standardised data up to rounding.
  {
    const std::size_t n = 2000;
    std::vector<double> X = gaussian_pairs(n, rho, 21);
    const gmmmi::Standardisation st = gmmmi::pooled_standardisation({X.data()}, {n}, 2);
    std::vector<double> Y(X);
    double m0 = 0, m1 = 0;
    for (std::size_t i = 0; i < n; ++i) {
      Y[2 * i] = X[2 * i] * 1000 + 5;
      Y[2 * i + 1] = X[2 * i + 1] / 8 - 3;
      m0 += Y[2 * i];
      m1 += Y[2 * i + 1];
    }
    m0 /= n;
    m1 /= n;
    gmmmi::Representation rep;
    rep.groups.push_back(gmmmi::Group{Y.data(), n});
    gmmmi::MiSpec spec;
    gmmmi::GmmMiOptions opt;
    opt.n_bootstrap = 0;
    opt.n_mc = 20000;
    opt.fixed_k = {1};
    gmmmi::PhaseMonitor mon;
    const gmmmi::GmmMiResult r = gmmmi::gmm_mi({rep}, 2, spec, opt, 7, serial, mon);
    gmmmi::Gmm g = r.fits[0].model;
    check(g.prepare(), "the returned fit is a usable mixture", 0, 0);
    std::vector<double> ld(n);
    gmmmi::log_density(g, Y.data(), n, ld.data());
    double ll = 0;
    for (double v : ld) ll += v;
    check(std::fabs(ll - r.fits[0].loglik) < 1e-8 * std::fabs(ll), "the fit's log-likelihood is on the data's scale",
          r.fits[0].loglik, ll);
    check(std::fabs(g.means(0, 0) - m0) < 1e-9 * 1000 && std::fabs(g.means(1, 0) - m1) < 1e-9,
          "the fit's means are on the data's scale", g.means(0, 0), m0);
    check(std::fabs(r.standardisation.scale[0] / st.scale[0] - 1000) < 1e-9, "the standardisation is reported",
          r.standardisation.scale[0] / st.scale[0], 1000);
  }

  // 6. KSG on Gaussian data: within 0.05 of the truth at n = 5000
  {
    const std::size_t n = 5000;
    const std::vector<double> X = gaussian_pairs(n, rho, 31);
    std::vector<double> x(n), y(n);
    for (std::size_t i = 0; i < n; ++i) x[i] = X[2 * i], y[i] = X[2 * i + 1];
    const gmmmi::knn::KsgResult r = gmmmi::knn::ksg(x.data(), 1, y.data(), 1, n, 5, 1, serial);
    check(std::fabs(r.estimate - truth) < 0.05, "KSG of Gaussian data is near the truth", r.estimate, truth);
  }

  std::printf("%d passed, %d failed\n", passed, failed);
  return failed == 0 ? 0 : 1;
}
