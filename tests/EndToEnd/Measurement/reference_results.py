#!/usr/bin/python3
"""Expected results of the real-data campaigns, computed on the raw files independently of the platform.

Run by hand from the repository root (CI does not run python):

    /usr/bin/python3 tests/EndToEnd/Measurement/reference_results.py

It writes tests/EndToEnd/Measurement/reference_results.json, which RealDataResultsTests compares with what
Measurement's GET /v1/campaigns/{id}/results answers after the same rows went through the platform.

Data sets (tests/data/campaigns, copies of ../shared/data/campaigns):
- hillstrom.csv.gz: a men's e-mail, a women's e-mail and no e-mail (control). Outcomes in the two weeks after the
  e-mail: visit (imported as a `clicked` response), conversion (a `converted` response) and spend (one order of that
  amount in the window). `history` (prior-year spend) is the assignment's net_revenue_365: the CUPED covariate.
- wi_ballot_secrecy.csv.gz: a letter or none before the June 2012 Wisconsin recall election; turnout in the recall
  (vs_12_update, "outcome_voted_recall" in the data set's cleaning script) is imported as a `converted` response.
- wi_group_competition.csv.gz: the same design (another letter); turnout the same way; the number of the 36 earlier
  elections the voter took part in (vg/vp/vs 2000-2011) is the covariate, so CUPED on a rate is checked too.

Every row of every file is used: the three go through the whole platform in about 80 s on two cores (Hillstrom's
64,000 rows about 50 s), so CI takes them whole.

Methods (the textbook ones, from SciPy / statsmodels where they exist):
- rates: Wilson score interval (statsmodels proportion_confint method="wilson"); two-proportion z-test with pooled
  variance (statsmodels proportions_ztest); interval of the difference with unpooled (Wald) variance
  (statsmodels confint_proportions_2indep method="wald"); relative lift's interval by the delta method on
  log(p_t / p_c): se² = (1-p_t)/(n_t p_t) + (1-p_c)/(n_c p_c), normal quantile.
- money per assigned customer: Welch's t-test (scipy ttest_ind equal_var=False), df by Welch–Satterthwaite, interval
  of the difference with the t quantile at that df; relative lift by the delta method on log(m_t / m_c):
  se² = s_t²/(n_t m_t²) + s_c²/(n_c m_c²), with the t quantile at the Welch–Satterthwaite df of those two terms.
- CUPED: θ is the slope of y on x in an ordinary least-squares fit with an intercept per arm (statsmodels OLS of
  y on [x, arm, 1]: the pooled within-arm regression, so the treatment effect does not leak into θ); y' = y − θ(x − x̄)
  with x̄ over both arms; then Welch on y' (money), or for rates the z-test on y' as on a rate: n-denominator
  variances, the test with the variance of y' over both arms together, the interval unpooled, normal quantiles.
- always-valid interval: the asymptotic confidence sequence of Waudby-Smith et al. (Annals of Statistics 2024,
  arXiv:2103.06476, eq. 9 with ρ² from eq. 161), as GrowthBook's gbstats applies it to a difference with standard
  error SE after N = n_c + n_t units: σ̂² = SE²·N, ρ² = (−2 ln α + ln(1 − 2 ln α)) / 5000,
  half-width = σ̂ √(2(Nρ² + 1)/(N²ρ²) · ln(√(Nρ² + 1)/α)).
- Holm: statsmodels multipletests(method="holm") over the treated cells of a campaign, per metric (unadjusted and
  CUPED apart).

Metric names follow the results' (responseRate, conversionRate, revenuePerCustomer: per assigned customer, intent to
treat); "responded" is a visit or a conversion (a clicked or a converted response), as the attribution counts it.
"""

import gzip
import json
import math
import os

import numpy as np
import pandas as pd
import statsmodels.api as sm
from scipy import stats
from statsmodels.stats.multitest import multipletests
from statsmodels.stats.proportion import confint_proportions_2indep, proportion_confint, proportions_ztest

HERE = os.path.dirname(os.path.abspath(__file__))
ROOT = os.path.abspath(os.path.join(HERE, "..", "..", ".."))
Z = stats.norm.ppf(0.975)
ALPHA = 0.05
TUNING = 5000.0


def data_path(name):
    beside = os.path.join(ROOT, "..", "shared", "data", "campaigns", name)
    return beside if os.path.exists(beside) else os.path.join(ROOT, "tests", "data", "campaigns", name)


def hillstrom():
    d = pd.read_csv(data_path("hillstrom.csv.gz"))
    cell = d["segment"].map({"Mens E-Mail": "mens_email", "Womens E-Mail": "womens_email", "No E-Mail": "control"})
    return pd.DataFrame({"cell": cell, "responded": d["visit"] | d["conversion"], "converted": d["conversion"],
                         "revenue": d["spend"], "x": d["history"]})


def wi(name, covariate):
    d = pd.read_csv(data_path(name + ".csv.gz"))
    x = covariate(d) if covariate else np.zeros(len(d))
    turnout = d["vs_12_update"].astype(int)
    return pd.DataFrame({"cell": np.where(d["treat"] == 1, "letter", "control"), "responded": turnout,
                         "converted": turnout, "revenue": np.zeros(len(d)), "x": x})


def prior_elections(d):
    columns = [c for c in d.columns if c[:2] in ("vg", "vp", "vs") and c[3:5].isdigit() and int(c[3:5]) <= 11]
    assert len(columns) == 36, columns
    return d[columns].sum(axis=1).astype(float)


def wilson(k, n):
    lo, hi = proportion_confint(k, n, alpha=0.05, method="wilson")
    return [float(lo), float(hi)]


def rate_lift(kc, nc, kt, nt):
    pc, pt = kc / nc, kt / nt
    z, p = proportions_ztest([kt, kc], [nt, nc], value=0, alternative="two-sided", prop_var=False)
    lo, hi = confint_proportions_2indep(kt, nt, kc, nc, method="wald", compare="diff", alpha=0.05)
    relative = pt / pc - 1 if pc > 0 and pt > 0 else None
    rel_interval = None
    if relative is not None:
        se = math.sqrt((1 - pt) / (nt * pt) + (1 - pc) / (nc * pc))
        rel_interval = [math.exp(math.log(pt / pc) - Z * se) - 1, math.exp(math.log(pt / pc) + Z * se) - 1]
    se = math.sqrt(pt * (1 - pt) / nt + pc * (1 - pc) / nc)
    return {"control": pc, "treatment": pt, "absolute": pt - pc, "absoluteInterval": [float(lo), float(hi)],
            "standardError": se, "sequentialInterval": sequential(pt - pc, se, nc + nt),
            "relative": relative, "relativeInterval": rel_interval, "statistic": float(z), "pValue": float(p)}


def sequential(difference, se, units):
    rho2 = (-2 * math.log(ALPHA) + math.log(1 - 2 * math.log(ALPHA))) / TUNING
    variance = se * se * units
    nr = units * rho2 + 1
    half = math.sqrt(variance * 2 * nr / (units * units * rho2) * math.log(math.sqrt(nr) / ALPHA))
    return [difference - half, difference + half]


def mean_lift(yc, yt):
    nc, nt = len(yc), len(yt)
    mc, mt = float(np.mean(yc)), float(np.mean(yt))
    vc, vt = float(np.var(yc, ddof=1)), float(np.var(yt, ddof=1))
    test = stats.ttest_ind(yt, yc, equal_var=False)
    se = math.sqrt(vt / nt + vc / nc)
    df = (vt / nt + vc / nc) ** 2 / ((vt / nt) ** 2 / (nt - 1) + (vc / nc) ** 2 / (nc - 1))
    q = stats.t.ppf(0.975, df)
    relative = mt / mc - 1 if mc > 0 and mt > 0 else None
    rel_interval = None
    if relative is not None:
        lt, lc = vt / (nt * mt * mt), vc / (nc * mc * mc)
        log_df = (lt + lc) ** 2 / (lt ** 2 / (nt - 1) + lc ** 2 / (nc - 1))
        rq = stats.t.ppf(0.975, log_df)
        rse = math.sqrt(lt + lc)
        rel_interval = [math.exp(math.log(mt / mc) - rq * rse) - 1, math.exp(math.log(mt / mc) + rq * rse) - 1]
    return {"control": mc, "treatment": mt, "absolute": mt - mc, "absoluteInterval": [mt - mc - q * se, mt - mc + q * se],
            "standardError": se, "sequentialInterval": sequential(mt - mc, se, nc + nt), "relative": relative, "relativeInterval": rel_interval,
            "statistic": float(test.statistic), "degreesOfFreedom": float(df), "pValue": float(test.pvalue)}


def cuped(control, treated, column, is_rate):
    both = pd.concat([control, treated])
    x, y = both["x"].to_numpy(float), both[column].to_numpy(float)
    arm = np.concatenate([np.zeros(len(control)), np.ones(len(treated))])
    fit = sm.OLS(y, np.column_stack([x, arm, np.ones(len(y))])).fit()
    theta = float(fit.params[0]) if np.var(x) > 0 else 0.0
    x_bar = float(np.mean(x))
    yc = control[column].to_numpy(float) - theta * (control["x"].to_numpy(float) - x_bar)
    yt = treated[column].to_numpy(float) - theta * (treated["x"].to_numpy(float) - x_bar)
    if not is_rate:
        lift = mean_lift(yc, yt)
        lift["theta"] = theta
        return lift
    nc, nt = len(yc), len(yt)
    mc, mt = float(np.mean(yc)), float(np.mean(yt))
    vc, vt = float(np.var(yc)), float(np.var(yt))
    se = math.sqrt(vt / nt + vc / nc)
    pooled = float(np.var(np.concatenate([yc, yt])))
    z = (mt - mc) / math.sqrt(pooled * (1 / nc + 1 / nt))
    rse = math.sqrt(vt / (nt * mt * mt) + vc / (nc * mc * mc))
    return {"control": mc, "treatment": mt, "absolute": mt - mc, "absoluteInterval": [mt - mc - Z * se, mt - mc + Z * se],
            "standardError": se, "sequentialInterval": sequential(mt - mc, se, nc + nt), "relative": mt / mc - 1,
            "relativeInterval": [math.exp(math.log(mt / mc) - Z * rse) - 1, math.exp(math.log(mt / mc) + Z * rse) - 1],
            "statistic": z, "pValue": float(2 * stats.norm.sf(abs(z))), "theta": theta}


def compute(frame, money, covariate):
    cells = {}
    for cell, rows in frame.groupby("cell"):
        n = len(rows)
        k_resp, k_conv = int(rows["responded"].sum()), int(rows["converted"].sum())
        cells[cell] = {"assigned": n, "responders": k_resp, "converters": k_conv,
                       "revenue": round(float(rows["revenue"].sum()), 2),
                       "responseRate": k_resp / n, "responseRateInterval": wilson(k_resp, n),
                       "conversionRate": k_conv / n, "conversionRateInterval": wilson(k_conv, n),
                       "revenuePerAssigned": float(rows["revenue"].mean()),
                       "covariateSum": round(float(rows["x"].sum()), 2)}
    control = frame[frame["cell"] == "control"]
    lifts = {}
    for cell in sorted(c for c in cells if c != "control"):
        treated = frame[frame["cell"] == cell]
        c, t = cells["control"], cells[cell]
        lift = {"responseRate": {"unadjusted": rate_lift(c["responders"], c["assigned"], t["responders"], t["assigned"])},
                "conversionRate": {"unadjusted": rate_lift(c["converters"], c["assigned"], t["converters"], t["assigned"])}}
        if covariate:
            lift["responseRate"]["cuped"] = cuped(control, treated, "responded", is_rate=True)
            lift["conversionRate"]["cuped"] = cuped(control, treated, "converted", is_rate=True)
        if money:
            lift["revenuePerCustomer"] = {"unadjusted": mean_lift(control["revenue"].to_numpy(float), treated["revenue"].to_numpy(float)),
                                          "cuped": cuped(control, treated, "revenue", is_rate=False)}
        lifts[cell] = lift
    treated_cells = sorted(lifts)
    for metric in sorted({m for lift in lifts.values() for m in lift}):
        for kind in ("unadjusted", "cuped"):
            present = [c for c in treated_cells if kind in lifts[c].get(metric, {})]
            if present:
                adjusted = multipletests([lifts[c][metric][kind]["pValue"] for c in present], method="holm")[1]
                for c, p in zip(present, adjusted):
                    lifts[c][metric][kind]["holmPValue"] = float(p)
    return {"rows": len(frame), "cells": cells, "lifts": lifts}


def main():
    sets = {
        "hillstrom": (hillstrom(), True, True),
        "wi_ballot_secrecy": (wi("wi_ballot_secrecy", None), False, False),
        "wi_group_competition": (wi("wi_group_competition", prior_elections), False, True),
    }
    out = {"generatedBy": "tests/EndToEnd/Measurement/reference_results.py"}
    for name, (frame, money, covariate) in sets.items():
        out[name] = compute(frame, money, covariate)
    with open(os.path.join(HERE, "reference_results.json"), "w", encoding="utf-8") as f:
        json.dump(out, f, indent=1, sort_keys=True)
        f.write("\n")


if __name__ == "__main__":
    main()
