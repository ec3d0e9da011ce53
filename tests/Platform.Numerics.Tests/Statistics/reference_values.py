#!/usr/bin/python3
"""Reference values for Platform.Numerics.Statistics, computed independently of the C# code.

Rerun (from the repository root) after changing a case, then commit the JSON it writes:

    /usr/bin/python3 tests/Platform.Numerics.Tests/Statistics/reference_values.py

It writes tests/Platform.Numerics.Tests/Statistics/reference_values.json beside this script; the xUnit tests
(ReferenceValueTests) and Measurement's calculator integration tests read it. CI does not run Python.

Sources, per statistic (Debian's python3-scipy 1.10 / python3-statsmodels 0.13 / numpy 1.24):
- Wilson: statsmodels proportion_confint(method='wilson').
- Two-proportion z: statsmodels proportions_ztest (pooled variance), confint_proportions_2indep(method='wald',
  compare='diff') for the difference, compare='ratio', method='log' for the relative lift (interval minus 1).
- Welch: statsmodels ttest_ind(usevar='unequal') for t, p and df, CompareMeans.tconfint_diff(usevar='unequal') for the
  interval, both on raw simulated vectors (the C# side sees only n, sum, sum of squares).
- Relative lift of means: the delta method on log(ratio) written out with numpy and scipy.stats.t (no library has it).
- Holm: statsmodels multipletests(method='holm'). SRM: scipy.stats.chisquare.
- CUPED: theta and the adjusted vectors computed on raw simulated (x, y) in numpy, then the same library tests as above.
- Confidence sequence: the two-sided asymptotic CS of Waudby-Smith et al. (arXiv:2103.06476, eq. 9 and the rho of
  eq. 161, as GrowthBook's gbstats uses it) written out in numpy.
- Power for means: statsmodels NormalIndPower.power (two-sided, both tails) solved with brentq (its solve_power is
  only good to ~1e-6). Power for rates: Fleiss' margin solved with
  scipy.optimize.brentq. ROI: the delta method on raw vectors with numpy's covariance.
"""
import json
import os

import numpy as np
from scipy import optimize, stats
from statsmodels.stats.multitest import multipletests
from statsmodels.stats.power import NormalIndPower
from statsmodels.stats.proportion import (confint_proportions_2indep, proportion_confint, proportions_ztest)
from statsmodels.stats.weightstats import CompareMeans, DescrStatsW, ttest_ind

HERE = os.path.dirname(os.path.abspath(__file__))
rng = np.random.default_rng(20261130)


def moments(y, x=None):
    m = {"units": float(len(y)), "sum": float(np.sum(y)), "sumOfSquares": float(np.sum(y * y))}
    if x is not None:
        m.update({"covariateSum": float(np.sum(x)), "covariateSumOfSquares": float(np.sum(x * x)), "crossProducts": float(np.sum(x * y))})
    return m


def sequential(diff, se, n, tuning, confidence):
    """Two-sided asymptotic confidence sequence (Waudby-Smith et al., eq. 9; rho from eq. 161) and its e-value p."""
    alpha = 1 - confidence
    rho2 = (-2 * np.log(alpha) + np.log(-2 * np.log(alpha) + 1)) / tuning
    s2 = se ** 2 * n
    half = np.sqrt(s2) * np.sqrt(2 * (n * rho2 + 1) * np.log(np.sqrt(n * rho2 + 1) / alpha) / (n ** 2 * rho2))
    st2 = n * diff ** 2 / se ** 2
    evalue = np.exp(rho2 * st2 / (2 * (n * rho2 + 1))) / np.sqrt(n * rho2 + 1)
    return [float(diff - half), float(diff + half)], float(min(1.0, 1.0 / evalue))


def welch_case(name, yc, yt, confidence, tuning):
    alpha = 1 - confidence
    t, p, df = ttest_ind(yt, yc, usevar="unequal")
    lo, hi = CompareMeans(DescrStatsW(yt), DescrStatsW(yc)).tconfint_diff(alpha=alpha, usevar="unequal")
    mc, mt = np.mean(yc), np.mean(yt)
    vc, vt = np.var(yc, ddof=1), np.var(yt, ddof=1)
    se = np.sqrt(vt / len(yt) + vc / len(yc))
    case = {"name": name, "confidence": confidence, "sequentialTuning": tuning, "control": moments(yc), "treatment": moments(yt),
            "controlMean": float(mc), "treatmentMean": float(mt), "absolute": float(mt - mc), "interval": [float(lo), float(hi)],
            "standardError": float(se), "statistic": float(t), "pValue": float(p), "df": float(df)}
    case.update(relative_means(mc, vc, len(yc), mt, vt, len(yt), alpha))
    case["sequentialInterval"], case["sequentialPValue"] = sequential(mt - mc, se, len(yc) + len(yt), tuning, confidence)
    return case


def relative_means(mc, vc, nc, mt, vt, nt, alpha):
    # Delta method on log(mt/mc); t quantile on the Welch-Satterthwaite df of the two log-scale terms.
    a, b = vt / (nt * mt ** 2), vc / (nc * mc ** 2)
    df = (a + b) ** 2 / (a ** 2 / (nt - 1) + b ** 2 / (nc - 1))
    q = stats.t.ppf(1 - alpha / 2, df)
    log = np.log(mt / mc)
    se = np.sqrt(a + b)
    return {"relative": float(mt / mc - 1), "relativeInterval": [float(np.exp(log - q * se) - 1), float(np.exp(log + q * se) - 1)]}


def rates_case(name, nc, sc, nt, st, confidence, tuning):
    alpha = 1 - confidence
    z, p = proportions_ztest([st, sc], [nt, nc])
    lo, hi = confint_proportions_2indep(st, nt, sc, nc, method="wald", compare="diff", alpha=alpha)
    pc, pt = sc / nc, st / nt
    se = np.sqrt(pc * (1 - pc) / nc + pt * (1 - pt) / nt)
    case = {"name": name, "confidence": confidence, "sequentialTuning": tuning,
            "control": {"units": nc, "conversions": sc}, "treatment": {"units": nt, "conversions": st},
            "controlMean": pc, "treatmentMean": pt, "absolute": pt - pc, "interval": [float(lo), float(hi)],
            "standardError": float(se), "statistic": float(z), "pValue": float(p)}
    if sc > 0 and st > 0:
        rlo, rhi = confint_proportions_2indep(st, nt, sc, nc, method="log", compare="ratio", alpha=alpha)
        case["relative"] = pt / pc - 1
        case["relativeInterval"] = [float(rlo - 1), float(rhi - 1)]
    case["sequentialInterval"], case["sequentialPValue"] = sequential(pt - pc, se, nc + nt, tuning, confidence)
    return case


def cuped_case(name, xc, yc, xt, yt, is_rate, confidence, tuning):
    alpha = 1 - confidence
    # theta: pooled within-arm covariance over pooled within-arm variance of x; adjust around the pooled mean of x.
    sxy = np.sum((xc - xc.mean()) * (yc - yc.mean())) + np.sum((xt - xt.mean()) * (yt - yt.mean()))
    sxx = np.sum((xc - xc.mean()) ** 2) + np.sum((xt - xt.mean()) ** 2)
    theta = sxy / sxx
    xbar = np.concatenate([xc, xt]).mean()
    ac, at = yc - theta * (xc - xbar), yt - theta * (xt - xbar)
    mc, mt = ac.mean(), at.mean()
    case = {"name": name, "isRate": is_rate, "confidence": confidence, "sequentialTuning": tuning,
            "control": moments(yc, xc), "treatment": moments(yt, xt), "theta": float(theta), "covariateMean": float(xbar),
            "controlMean": float(mc), "treatmentMean": float(mt), "absolute": float(mt - mc)}
    unadjusted_var = None
    if is_rate:
        vc, vt = np.var(ac), np.var(at)
        se = np.sqrt(vc / len(ac) + vt / len(at))
        pooled = np.var(np.concatenate([ac, at]))
        z = (mt - mc) / np.sqrt(pooled * (1 / len(ac) + 1 / len(at)))
        q = stats.norm.ppf(1 - alpha / 2)
        case.update({"interval": [float(mt - mc - q * se), float(mt - mc + q * se)], "statistic": float(z),
                     "pValue": float(2 * stats.norm.sf(abs(z)))})
        log = np.log(mt / mc)
        lse = np.sqrt(vt / (len(at) * mt ** 2) + vc / (len(ac) * mc ** 2))
        case.update({"relative": float(mt / mc - 1), "relativeInterval": [float(np.exp(log - q * lse) - 1), float(np.exp(log + q * lse) - 1)]})
        unadjusted_var = np.var(yc) / len(yc) + np.var(yt) / len(yt)
    else:
        vc, vt = np.var(ac, ddof=1), np.var(at, ddof=1)
        se = np.sqrt(vc / len(ac) + vt / len(at))
        t, p, df = ttest_ind(at, ac, usevar="unequal")
        lo, hi = CompareMeans(DescrStatsW(at), DescrStatsW(ac)).tconfint_diff(alpha=alpha, usevar="unequal")
        case.update({"interval": [float(lo), float(hi)], "statistic": float(t), "pValue": float(p), "df": float(df)})
        case.update(relative_means(mc, vc, len(ac), mt, vt, len(at), alpha))
        unadjusted_var = np.var(yc, ddof=1) / len(yc) + np.var(yt, ddof=1) / len(yt)
    case["standardError"] = float(se)
    case["controlVariance"], case["treatmentVariance"] = float(vc), float(vt)
    case["varianceReduction"] = float(1 - se ** 2 / unadjusted_var)
    case["sequentialInterval"], case["sequentialPValue"] = sequential(mt - mc, se, len(ac) + len(at), tuning, confidence)
    return case


def fleiss_margin(p0, d, nc, nt, power, alpha):
    p1 = p0 + d
    pbar = (nc * p0 + nt * p1) / (nc + nt)
    return d - stats.norm.ppf(1 - alpha / 2) * np.sqrt(pbar * (1 - pbar) * (1 / nc + 1 / nt)) - stats.norm.ppf(power) * np.sqrt(p0 * (1 - p0) / nc + p1 * (1 - p1) / nt)


def money(n, zero_share, rng):
    spend = np.round(rng.lognormal(3.5, 1.0, n), 2)
    return np.where(rng.random(n) < zero_share, 0.0, spend)


out = {"wilson": [], "rates": [], "means": [], "cuped": [], "holm": [], "srm": [], "powerMeans": [], "powerRates": [],
       "sequential": [], "roi": []}

for s, n, conf in [(0, 10, 0.95), (1, 10, 0.95), (10, 10, 0.95), (37, 1000, 0.95), (5123, 20000, 0.99), (3, 7, 0.9)]:
    lo, hi = proportion_confint(s, n, alpha=1 - conf, method="wilson")
    out["wilson"].append({"successes": s, "units": n, "confidence": conf, "lower": float(lo), "upper": float(hi)})

for args in [("small", 500, 40, 480, 57, 0.95, 5000.0), ("large", 100000, 2013, 100000, 2190, 0.95, 5000.0),
             ("unequal", 2000, 130, 18000, 1350, 0.9, 1000.0), ("negative", 5000, 600, 5000, 540, 0.99, 20000.0)]:
    out["rates"].append(rates_case(*args))

out["means"].append(welch_case("normal", rng.normal(10, 3, 400).round(2), rng.normal(10.8, 4, 350).round(2), 0.95, 5000.0))
out["means"].append(welch_case("zero-heavy revenue", money(3000, 0.9, rng), money(3200, 0.88, rng), 0.95, 5000.0))
out["means"].append(welch_case("small", rng.normal(5, 1, 8).round(2), rng.normal(6, 2, 12).round(2), 0.9, 100.0))

for k, (rate, n) in enumerate([(False, 2000), (True, 3000)]):
    xc = money(n, 0.6, rng)
    xt = money(n + 150, 0.6, rng)
    if rate:
        yc = (rng.random(n) < 0.05 + 0.002 * np.sqrt(xc)).astype(float)
        yt = (rng.random(n + 150) < 0.06 + 0.002 * np.sqrt(xt)).astype(float)
    else:
        yc = np.round(0.6 * xc + money(n, 0.8, rng), 2)
        yt = np.round(0.6 * xt + money(n + 150, 0.78, rng) + 2, 2)
    out["cuped"].append(cuped_case("rate" if rate else "revenue", xc, yc, xt, yt, rate, 0.95, 5000.0))

for ps in [[0.01, 0.04, 0.03, 0.2], [0.5, 0.001, 0.6], [0.04], [0.02, 0.02, 0.9]]:
    out["holm"].append({"pValues": ps, "adjusted": [float(v) for v in multipletests(ps, method="holm")[1]]})

for obs, shares in [([5000, 5100], [1, 1]), ([1000, 4150, 4850], [0.1, 0.45, 0.45]), ([10000, 10500], [0.5, 0.5]), ([480, 9520], [5, 95])]:
    total = sum(obs)
    exp = [total * s / sum(shares) for s in shares]
    chi, p = stats.chisquare(obs, exp)
    out["srm"].append({"observed": obs, "shares": shares, "chiSquare": float(chi), "pValue": float(p), "expected": exp})

for sd, nc, nt, power, alpha in [(50.0, 1000, 1000, 0.8, 0.05), (120.0, 2000, 18000, 0.9, 0.05), (3.0, 50, 80, 0.8, 0.1)]:
    # NormalIndPower.power solved tightly: its own solve_power stops near 1e-6 of the power, too loose for a reference.
    effect = optimize.brentq(lambda e: NormalIndPower().power(e, nc, alpha, ratio=nt / nc) - power, 1e-9, 10, xtol=1e-15, rtol=1e-14)
    out["powerMeans"].append({"kind": "mde", "standardDeviation": sd, "controlSize": nc, "treatedSize": nt, "power": power, "alpha": alpha, "lift": float(effect * sd)})
for sd, lift, power, alpha in [(50.0, 5.0, 0.8, 0.05), (120.0, 3.0, 0.9, 0.01)]:
    n = optimize.brentq(lambda n: NormalIndPower().power(lift / sd, n, alpha, ratio=1.0) - power, 2, 1e9, xtol=1e-9, rtol=1e-14)
    out["powerMeans"].append({"kind": "size", "standardDeviation": sd, "lift": lift, "power": power, "alpha": alpha, "sizePerArm": float(n)})

for p0, nc, nt, power, alpha in [(0.02, 10000, 40000, 0.8, 0.05), (0.1, 685.5968583253607, 685.5968583253607, 0.8, 0.05), (0.3, 500, 2500, 0.9, 0.01)]:
    d = optimize.brentq(lambda d: fleiss_margin(p0, d, nc, nt, power, alpha), 1e-12, 1 - p0, xtol=1e-15, rtol=1e-14)
    out["powerRates"].append({"kind": "mde", "baseline": p0, "controlSize": nc, "treatedSize": nt, "power": power, "alpha": alpha, "lift": float(d)})
for p0, lift, power, alpha in [(0.1, 0.05, 0.8, 0.05), (0.02, 0.004, 0.9, 0.05)]:
    za, zb = stats.norm.ppf(1 - alpha / 2), stats.norm.ppf(power)
    p1 = p0 + lift
    pbar = (p0 + p1) / 2
    n = (za * np.sqrt(2 * pbar * (1 - pbar)) + zb * np.sqrt(p0 * (1 - p0) + p1 * (1 - p1))) ** 2 / lift ** 2
    out["powerRates"].append({"kind": "size", "baseline": p0, "lift": lift, "power": power, "alpha": alpha, "sizePerArm": float(n)})

for diff, se, n, tuning, conf in [(0.01, 0.004, 10000, 5000.0, 0.95), (2.5, 1.1, 500, 5000.0, 0.95), (-0.3, 0.2, 200000, 5000.0, 0.9), (0.0, 0.5, 5000, 100.0, 0.99)]:
    interval, p = sequential(diff, se, n, tuning, conf)
    out["sequential"].append({"difference": diff, "standardError": se, "units": n, "tuning": tuning, "confidence": conf, "interval": interval, "pValue": p})

# ROI: treated profit = margin - contact cost - offer cost (offer cost only when redeemed); control margin.
for nt, nc in [(4000, 1000), (20000, 5000)]:
    redeemed = rng.random(nt) < 0.08
    margin_t = np.where(redeemed | (rng.random(nt) < 0.05), np.round(rng.lognormal(3.6, 0.8, nt), 2), 0.0)
    cost_t = np.round(0.8 + np.where(redeemed, 5.0, 0.0), 2)
    profit_t = margin_t - cost_t
    margin_c = np.where(rng.random(nc) < 0.06, np.round(rng.lognormal(3.6, 0.8, nc), 2), 0.0)
    d = profit_t.mean() - margin_c.mean()
    c = cost_t.mean()
    cov = np.cov(np.vstack([profit_t, cost_t]), ddof=1)
    var_d = cov[0, 0] / nt + np.var(margin_c, ddof=1) / nc
    var_c = cov[1, 1] / nt
    cov_dc = cov[0, 1] / nt
    r = d / c
    var_r = var_d / c ** 2 - 2 * d * cov_dc / c ** 3 + d ** 2 * var_c / c ** 4
    z = stats.norm.ppf(0.975)
    out["roi"].append({"treatmentProfit": moments(profit_t), "treatmentCost": moments(cost_t), "profitCostCrossProducts": float(np.sum(profit_t * cost_t)),
                       "controlMargin": moments(margin_c), "confidence": 0.95, "estimate": float(r),
                       "interval": [float(r - z * np.sqrt(var_r)), float(r + z * np.sqrt(var_r))]})

with open(os.path.join(HERE, "reference_values.json"), "w") as f:
    json.dump(out, f, indent=1)
    f.write("\n")
print("wrote", sum(len(v) for v in out.values()), "cases")
