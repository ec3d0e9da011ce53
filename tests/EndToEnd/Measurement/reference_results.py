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

Each data set is computed twice: on every row ("full", for the manual run MEASUREMENT_REALDATA_FULL=1) and on the
deterministic subsample CI uses ("ci": data rows whose 1-based number n has n % every == 1).

Methods (the textbook ones, from SciPy / statsmodels where they exist):
- rates: Wilson score interval (statsmodels proportion_confint method="wilson"); two-proportion z-test with pooled
  variance (statsmodels proportions_ztest); interval of the difference with unpooled (Wald) variance
  (statsmodels confint_proportions_2indep method="wald"); relative lift's interval by the delta method on
  log(p_t / p_c): se² = (1-p_t)/(n_t p_t) + (1-p_c)/(n_c p_c).
- money per assigned customer: Welch's t-test (scipy ttest_ind equal_var=False), df by Welch–Satterthwaite, interval
  of the difference with the t quantile at that df; relative lift by the delta method on log(m_t / m_c):
  se² = s_t²/(n_t m_t²) + s_c²/(n_c m_c²), normal quantile.
- CUPED: y' = y - θ (x - x̄) with θ = cov(x, y) / var(x) and x̄ over both arms pooled (the two arms' rows together),
  then Welch (money) or the unpooled/pooled z as above on the adjusted outcome (rates: the adjusted rows' means and
  sample variances; the test statistic is the difference over its unpooled standard error, normal p-value).
- Holm: statsmodels multipletests(method="holm") over the treated cells of a campaign, per metric.
"""

import gzip
import json
import math
import os

import numpy as np
import pandas as pd
from scipy import stats
from statsmodels.stats.multitest import multipletests
from statsmodels.stats.proportion import confint_proportions_2indep, proportion_confint, proportions_ztest

HERE = os.path.dirname(os.path.abspath(__file__))
ROOT = os.path.abspath(os.path.join(HERE, "..", "..", ".."))
CI_EVERY = {"hillstrom": 4, "wi_ballot_secrecy": 1, "wi_group_competition": 1}
Z = stats.norm.ppf(0.975)


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
    return {"control": pc, "treatment": pt, "absolute": pt - pc, "absoluteInterval": [float(lo), float(hi)],
            "standardError": math.sqrt(pt * (1 - pt) / nt + pc * (1 - pc) / nc),
            "relative": relative, "relativeInterval": rel_interval, "statistic": float(z), "pValue": float(p)}


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
        rse = math.sqrt(vt / (nt * mt * mt) + vc / (nc * mc * mc))
        rel_interval = [math.exp(math.log(mt / mc) - Z * rse) - 1, math.exp(math.log(mt / mc) + Z * rse) - 1]
    return {"control": mc, "treatment": mt, "absolute": mt - mc, "absoluteInterval": [mt - mc - q * se, mt - mc + q * se],
            "standardError": se, "relative": relative, "relativeInterval": rel_interval,
            "statistic": float(test.statistic), "degreesOfFreedom": float(df), "pValue": float(test.pvalue)}


def cuped(control, treated, column, is_rate):
    both = pd.concat([control, treated])
    x, y = both["x"].to_numpy(float), both[column].to_numpy(float)
    var_x = np.var(x, ddof=1)
    theta = float(np.cov(x, y, ddof=1)[0, 1] / var_x) if var_x > 0 else 0.0
    x_bar = float(np.mean(x))
    yc = control[column].to_numpy(float) - theta * (control["x"].to_numpy(float) - x_bar)
    yt = treated[column].to_numpy(float) - theta * (treated["x"].to_numpy(float) - x_bar)
    lift = mean_lift(yc, yt)
    if is_rate:
        # A z-test on the adjusted rows: normal quantile and p-value, no df.
        se = lift["standardError"]
        lift["absoluteInterval"] = [lift["absolute"] - Z * se, lift["absolute"] + Z * se]
        lift["statistic"] = lift["absolute"] / se
        lift["pValue"] = float(2 * stats.norm.sf(abs(lift["statistic"])))
        del lift["degreesOfFreedom"]
    lift["theta"] = theta
    return lift


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
        lift = {"responseRate": rate_lift(c["responders"], c["assigned"], t["responders"], t["assigned"]),
                "conversionRate": rate_lift(c["converters"], c["assigned"], t["converters"], t["assigned"])}
        if money:
            lift["revenuePerAssigned"] = mean_lift(control["revenue"].to_numpy(float), treated["revenue"].to_numpy(float))
            lift["revenuePerAssignedCuped"] = cuped(control, treated, "revenue", is_rate=False)
        if covariate and not money:
            lift["conversionRateCuped"] = cuped(control, treated, "converted", is_rate=True)
        lifts[cell] = lift
    metrics = sorted({m for lift in lifts.values() for m in lift})
    for metric in metrics:
        treated_cells = sorted(lifts)
        adjusted = multipletests([lifts[c][metric]["pValue"] for c in treated_cells], method="holm")[1]
        for c, p in zip(treated_cells, adjusted):
            lifts[c][metric]["pValueHolm"] = float(p)
    return {"rows": len(frame), "cells": cells, "lifts": lifts}


def main():
    sets = {
        "hillstrom": (hillstrom(), True, True),
        "wi_ballot_secrecy": (wi("wi_ballot_secrecy", None), False, False),
        "wi_group_competition": (wi("wi_group_competition", prior_elections), False, True),
    }
    out = {"generatedBy": "tests/EndToEnd/Measurement/reference_results.py", "ciEvery": CI_EVERY}
    for name, (frame, money, covariate) in sets.items():
        every = CI_EVERY[name]
        sample = frame.iloc[[i for i in range(len(frame)) if (i + 1) % every == 1 % every]]
        out[name] = {"full": compute(frame, money, covariate), "ci": compute(sample, money, covariate)}
    with open(os.path.join(HERE, "reference_results.json"), "w", encoding="utf-8") as f:
        json.dump(out, f, indent=1, sort_keys=True)
        f.write("\n")


if __name__ == "__main__":
    main()
