#!/usr/bin/python3
"""Reference values for the results tests, independent of the C# code.

Generates a small acquisition campaign member by member (deterministic seed), aggregates it into the rows Measurement's
attribution maintains (cell_stats, step_stats, step_responders; members, purchases, customer_scores for the scans), and
computes the expected figures from the raw per-member values with SciPy / statsmodels. Writes ResultsFixture.cs (the
rows) and ResultsExpected.cs (the figures) beside this script. Run by hand: /usr/bin/python3 results_reference.py
"""
import os
import uuid
from datetime import datetime, timedelta, timezone

import numpy as np
from scipy import stats
from statsmodels.stats.multitest import multipletests
from statsmodels.stats.proportion import proportion_confint, proportions_ztest

HERE = os.path.dirname(os.path.abspath(__file__))
rng = np.random.RandomState(20261130)
CONF = 0.95
Z = stats.norm.ppf(0.975)
LAUNCH = datetime(2026, 1, 1, tzinfo=timezone.utc)
WAVES = {1: LAUNCH, 2: LAUNCH + timedelta(days=7)}
NOW = datetime(2026, 7, 15, tzinfo=timezone.utc)
SIZES = {"control": 50, "a": 100, "b": 100, "global_control": 10}
CONVERT = {"control": 0.10, "a": 0.22, "b": 0.15, "global_control": 0.10}
RESPOND = {"control": 0.12, "a": 0.30, "b": 0.20, "global_control": 0.12}
TIERS = ["top", "middle", "bottom", ""]
OFFER_COST = 5.0
CONTACT_COST = 1.5

members = []
n = 0
for cell, size in SIZES.items():
    treated = cell in ("a", "b")
    for i in range(size):
        n += 1
        cid = str(uuid.UUID(int=0x5000_0000_0000_0000_0000_0000_0000_0000 + n))
        wave = 1 + (i % 2)
        tier = TIERS[rng.randint(4)]
        pre = round(float(rng.gamma(1.2, 60.0)) if rng.rand() < 0.8 else 0.0, 2)
        contacted = treated and rng.rand() < 0.9
        boost = 1.0 + pre / 200.0
        converted = rng.rand() < CONVERT[cell] * boost
        responded = converted or rng.rand() < RESPOND[cell] * 0.5
        reached = responded or (contacted and rng.rand() < 0.6)
        revenue = round(float(rng.lognormal(3.5, 0.8)) * boost, 2) if converted else 0.0
        if not converted and rng.rand() < 0.05:
            revenue = -round(float(rng.uniform(5, 20)), 2)  # a return
        margin = round(0.4 * revenue, 2)
        redeemed = cell == "a" and converted and rng.rand() < 0.7
        contact_cost = CONTACT_COST if contacted else 0.0
        offer_cost = OFFER_COST if redeemed else 0.0
        start = WAVES[wave]
        first = start + timedelta(days=int(rng.randint(0, 30)), hours=int(rng.randint(0, 24))) if converted else None
        second_after = int(rng.choice([10, 60, 150, 400])) if converted and rng.rand() < 0.7 else None
        members.append(dict(
            customer=cid, cell=cell, wave=wave, tier=tier, pre=pre, contacted=contacted, reached=reached, responded=responded,
            converted=converted, redeemed=redeemed, orders=1 if converted else 0, revenue=revenue, margin=margin,
            contact_cost=contact_cost, offer_cost=offer_cost, profit=round(margin - contact_cost - offer_cost, 2),
            active90=converted and second_after is not None and second_after >= 90, first=first, second_after=second_after,
            scored=converted and rng.rand() < 0.8, deal_seeker=bool(rng.rand() < (0.6 if cell == "a" else 0.3)),
            clv=round(float(rng.gamma(2.0, 40.0)), 2)))

def arr(cell, key, contacted=None):
    return np.array([float(m[key]) for m in members if m["cell"] == cell and (contacted is None or m["contacted"] == contacted)])

# ---- cell_stats rows
rows = {}
for m in members:
    k = (m["cell"], m["wave"], m["tier"], m["contacted"])
    r = rows.setdefault(k, dict(members=0, reached=0, responders=0, converters=0, redeemers=0, active=0, orders=0,
                                rev=0.0, rev2=0.0, mar=0.0, mar2=0.0, pro=0.0, pro2=0.0, cost=0.0, cost2=0.0, pc=0.0,
                                cc=0.0, oc=0.0, x=0.0, x2=0.0, xr=0.0, xm=0.0, xp=0.0, xresp=0.0, xconv=0.0))
    cost = m["contact_cost"] + m["offer_cost"]
    r["members"] += 1; r["reached"] += m["reached"]; r["responders"] += m["responded"]; r["converters"] += m["converted"]
    r["redeemers"] += m["redeemed"]; r["active"] += m["active90"]; r["orders"] += m["orders"]
    r["rev"] += m["revenue"]; r["rev2"] += m["revenue"] ** 2; r["mar"] += m["margin"]; r["mar2"] += m["margin"] ** 2
    r["pro"] += m["profit"]; r["pro2"] += m["profit"] ** 2; r["cost"] += cost; r["cost2"] += cost ** 2; r["pc"] += m["profit"] * cost
    r["cc"] += m["contact_cost"]; r["oc"] += m["offer_cost"]; r["x"] += m["pre"]; r["x2"] += m["pre"] ** 2
    r["xr"] += m["pre"] * m["revenue"]; r["xm"] += m["pre"] * m["margin"]; r["xp"] += m["pre"] * m["profit"]
    r["xresp"] += m["pre"] * m["responded"]; r["xconv"] += m["pre"] * m["converted"]

# ---- expected figures
E = {}
def wilson(k, nn):
    lo, hi = proportion_confint(k, nn, alpha=1 - CONF, method="wilson")
    return k / nn, lo, hi

for cell in ("control", "a", "b", "global_control"):
    conv = arr(cell, "converted"); resp = arr(cell, "responded"); rev = arr(cell, "revenue")
    E[f"{cell}.assigned"] = len(conv)
    E[f"{cell}.contacted"] = int(arr(cell, "contacted").sum())
    E[f"{cell}.responders"] = int(resp.sum())
    E[f"{cell}.converters"] = int(conv.sum())
    E[f"{cell}.conversionRate"], E[f"{cell}.conversionRate.lower"], E[f"{cell}.conversionRate.upper"] = wilson(conv.sum(), len(conv))
    E[f"{cell}.responseRate"], E[f"{cell}.responseRate.lower"], E[f"{cell}.responseRate.upper"] = wilson(resp.sum(), len(resp))
    lo, hi = stats.t.interval(CONF, len(rev) - 1, loc=rev.mean(), scale=stats.sem(rev))
    E[f"{cell}.revenuePerAssigned"], E[f"{cell}.revenuePerAssigned.lower"], E[f"{cell}.revenuePerAssigned.upper"] = rev.mean(), lo, hi
    contacted_rev = arr(cell, "revenue", contacted=True)
    if len(contacted_rev):
        E[f"{cell}.revenuePerContacted"] = contacted_rev.mean()

def rate_lift(c, t):
    pc, pt = c.mean(), t.mean()
    diff = pt - pc
    se = np.sqrt(pc * (1 - pc) / len(c) + pt * (1 - pt) / len(t))
    z, p = proportions_ztest([t.sum(), c.sum()], [len(t), len(c)])
    rse = np.sqrt((1 - pt) / (len(t) * pt) + (1 - pc) / (len(c) * pc))
    return dict(absolute=diff, lower=diff - Z * se, upper=diff + Z * se, statistic=z, p=p,
                relative=pt / pc - 1, relLower=np.exp(np.log(pt / pc) - Z * rse) - 1, relUpper=np.exp(np.log(pt / pc) + Z * rse) - 1)

def mean_lift(c, t):
    res = stats.ttest_ind(t, c, equal_var=False)
    vt, vc = t.var(ddof=1) / len(t), c.var(ddof=1) / len(c)
    se = np.sqrt(vt + vc)
    df = (vt + vc) ** 2 / (vt ** 2 / (len(t) - 1) + vc ** 2 / (len(c) - 1))
    q = stats.t.ppf(0.975, df)
    diff = t.mean() - c.mean()
    out = dict(absolute=diff, lower=diff - q * se, upper=diff + q * se, statistic=res.statistic, p=res.pvalue, df=df, se=se)
    if c.mean() > 0 and t.mean() > 0:
        # delta method on the log ratio, with t on the Welch-Satterthwaite df of the two log-scale terms
        lt, lc = vt / t.mean() ** 2, vc / c.mean() ** 2
        rse = np.sqrt(lt + lc)
        qlog = stats.t.ppf(0.975, (lt + lc) ** 2 / (lt ** 2 / (len(t) - 1) + lc ** 2 / (len(c) - 1)))
        out.update(relative=t.mean() / c.mean() - 1, relLower=np.exp(np.log(t.mean() / c.mean()) - qlog * rse) - 1,
                   relUpper=np.exp(np.log(t.mean() / c.mean()) + qlog * rse) - 1)
    return out

def cuped(c, t, xc, xt):
    # theta: pooled within-arm slope of y on x (separate intercept per arm, so the treatment effect does not leak into it)
    x = np.concatenate([xc, xt])
    sxy = ((xc - xc.mean()) * (c - c.mean())).sum() + ((xt - xt.mean()) * (t - t.mean())).sum()
    sxx = ((xc - xc.mean()) ** 2).sum() + ((xt - xt.mean()) ** 2).sum()
    theta = sxy / sxx
    return mean_lift(c - theta * (xc - x.mean()), t - theta * (xt - x.mean())), theta

lifts = {}
for cell in ("a", "b"):
    lifts[(cell, "conversionRate")] = rate_lift(arr("control", "converted"), arr(cell, "converted"))
    lifts[(cell, "responseRate")] = rate_lift(arr("control", "responded"), arr(cell, "responded"))
    lifts[(cell, "revenuePerCustomer")] = mean_lift(arr("control", "revenue"), arr(cell, "revenue"))
    lifts[(cell, "marginPerCustomer")] = mean_lift(arr("control", "margin"), arr(cell, "margin"))
    cu, theta = cuped(arr("control", "revenue"), arr(cell, "revenue"), arr("control", "pre"), arr(cell, "pre"))
    lifts[(cell, "revenuePerCustomer.cuped")] = cu
    E[f"{cell}.revenuePerCustomer.cuped.theta"] = theta
# by wave: cell a's wave-2 members against control's wave-2 members
def wave_arr(cell, key, wave):
    return np.array([float(m[key]) for m in members if m["cell"] == cell and m["wave"] == wave])
for key, value in rate_lift(wave_arr("control", "converted", 2), wave_arr("a", "converted", 2)).items():
    E[f"a.wave2.lift.conversionRate.{key}"] = value
for key, value in mean_lift(wave_arr("control", "revenue", 2), wave_arr("a", "revenue", 2)).items():
    E[f"a.wave2.lift.revenuePerCustomer.{key}"] = value
for metric in ("conversionRate", "responseRate", "revenuePerCustomer", "marginPerCustomer", "revenuePerCustomer.cuped"):
    holm = multipletests([lifts[("a", metric)]["p"], lifts[("b", metric)]["p"]], method="holm")[1]
    lifts[("a", metric)]["holm"], lifts[("b", metric)]["holm"] = holm
for (cell, metric), values in lifts.items():
    for key, value in values.items():
        E[f"{cell}.lift.{metric}.{key}"] = value

# money (cell a): increments = per-customer difference x assigned; costs as recorded; cost per incremental acquisition
na = len(arr("a", "converted"))
for metric, name in (("conversionRate", "incrementalConversions"), ("revenuePerCustomer", "incrementalRevenue"), ("marginPerCustomer", "incrementalMargin")):
    lf = lifts[("a", metric)]
    E[f"a.money.{name}"], E[f"a.money.{name}.lower"], E[f"a.money.{name}.upper"] = lf["absolute"] * na, lf["lower"] * na, lf["upper"] * na
profit = mean_lift(arr("control", "margin"), arr("a", "profit"))
E["a.money.incrementalProfit"], E["a.money.incrementalProfit.lower"], E["a.money.incrementalProfit.upper"] = profit["absolute"] * na, profit["lower"] * na, profit["upper"] * na
total_cost = arr("a", "contact_cost").sum() + arr("a", "offer_cost").sum()
E["a.money.contactCost"], E["a.money.offerCost"] = arr("a", "contact_cost").sum(), arr("a", "offer_cost").sum()
E["a.money.roi"] = (arr("a", "profit").mean() - arr("control", "margin").mean()) / (total_cost / na)
inc = E["a.money.incrementalConversions"]
E["a.money.costPerIncrementalAcquisition"] = total_cost / inc
E["a.money.costPerIncrementalAcquisition.lower"] = total_cost / E["a.money.incrementalConversions.upper"]
E["a.money.costPerIncrementalAcquisition.upper"] = total_cost / E["a.money.incrementalConversions.lower"] if E["a.money.incrementalConversions.lower"] > 0 else float("inf")

# SRM of the designed cells (global control excluded)
chi = stats.chisquare([SIZES["control"], SIZES["a"], SIZES["b"]], f_exp=np.array([0.2, 0.4, 0.4]) * 250)
E["srm.chiSquare"], E["srm.p"] = chi.statistic, chi.pvalue
skew = stats.chisquare([1000, 1100, 900], f_exp=np.array([0.2, 0.4, 0.4]) * 3000)
E["srmSkewed.chiSquare"], E["srmSkewed.p"] = skew.statistic, skew.pvalue

# winsorized revenue at the 90th percentile of all members (percentile_cont = linear interpolation)
everyone = np.array([m["revenue"] for m in members])
cap = np.percentile(everyone, 90)
E["winsorize.cap"] = cap
w = mean_lift(np.minimum(arr("control", "revenue"), cap), np.minimum(arr("a", "revenue"), cap))
for key, value in w.items():
    E[f"a.lift.revenuePerCustomerWinsorized.{key}"] = value

# acquired cohort: repeat purchase within N days of the first, among those at least N days past it
for cell in ("control", "a", "b"):
    acquired = [m for m in members if m["cell"] == cell and m["converted"]]
    E[f"{cell}.cohort.acquired"] = len(acquired)
    for days in (30, 90, 180):
        matured = [m for m in acquired if m["first"] <= NOW - timedelta(days=days)]
        repeaters = [m for m in matured if m["second_after"] is not None and m["second_after"] < days]
        E[f"{cell}.cohort.matured{days}"], E[f"{cell}.cohort.repeat{days}"] = len(matured), len(repeaters)
    scored = [m for m in acquired if m["scored"]]
    E[f"{cell}.cohort.scored"] = len(scored)
    E[f"{cell}.cohort.dealSeekers"] = sum(m["deal_seeker"] for m in scored)
    E[f"{cell}.cohort.meanClv"] = float(np.mean([m["clv"] for m in scored])) if scored else float("nan")
    E[f"{cell}.cohort.clvs"] = [m["clv"] for m in scored]
for days in (30, 90):
    c = np.array([1.0] * E[f"control.cohort.repeat{days}"] + [0.0] * (E[f"control.cohort.matured{days}"] - E[f"control.cohort.repeat{days}"]))
    t = np.array([1.0] * E[f"a.cohort.repeat{days}"] + [0.0] * (E[f"a.cohort.matured{days}"] - E[f"a.cohort.repeat{days}"]))
    for key, value in rate_lift(c, t).items():
        E[f"a.cohort.repeat{days}.lift.{key}"] = value
clv = mean_lift(np.array(E["control.cohort.clvs"]), np.array(E["a.cohort.clvs"]))
E["a.cohort.clvLift.absolute"], E["a.cohort.clvLift.p"] = clv["absolute"], clv["p"]
E["a.cohort.ltvToCac"] = E["a.cohort.meanClv"] * inc / total_cost
for cell in ("control", "a", "b"):
    del E[f"{cell}.cohort.clvs"]

# global control: targeted customers outside (treatment) against inside (control)
gc_rng = np.random.RandomState(7)
def group(size, buy):
    x = np.round(gc_rng.gamma(1.5, 50.0, size), 2)
    b = (gc_rng.rand(size) < buy * (1 + x / 300)).astype(float)
    y = np.where(b == 1, np.round(gc_rng.lognormal(3.8, 0.7, size) * (1 + x / 300), 2), 0.0)
    return x, b, y
gx, gb, gy = group(60, 0.25)
tx, tb, ty = group(600, 0.35)
GC = {True: (gx, gb, gy), False: (tx, tb, ty)}
for key, value in rate_lift(gb, tb).items():
    E[f"global.buyerRate.{key}"] = value
for key, value in mean_lift(gy, ty).items():
    E[f"global.revenue.{key}"] = value
cu, theta = cuped(gy, ty, gx, tx)
for key, value in cu.items():
    E[f"global.revenue.cuped.{key}"] = value

# ---- C#
def lit(v):
    if isinstance(v, (bool, np.bool_)):
        return "true" if v else "false"
    if isinstance(v, (int, np.integer)):
        return str(int(v))
    v = float(v)
    if np.isinf(v):
        return "double.PositiveInfinity"
    if np.isnan(v):
        return "double.NaN"
    return repr(v)

def s(v):
    return '"' + v + '"'

def ts(d):
    return "null" if d is None else f'DateTimeOffset.Parse("{d.isoformat()}", CultureInfo.InvariantCulture)'

HEADER = "// <auto-generated> by results_reference.py: do not edit; change the script and run it again. </auto-generated>\n"
with open(os.path.join(HERE, "ResultsFixture.cs"), "w") as f:
    f.write(HEADER + "using System.Globalization;\n\nnamespace Measurement.IntegrationTests.Results;\n\n")
    f.write("/// <summary>The generated campaign: its members and the statistics rows the attribution would keep for them.</summary>\n")
    f.write("internal static class ResultsFixture\n{\n")
    f.write(f"    public static readonly DateTimeOffset Launch = {ts(LAUNCH)};\n")
    f.write(f"    public static readonly DateTimeOffset Now = {ts(NOW)};\n")
    f.write(f"    public static readonly DateTimeOffset Wave2 = {ts(WAVES[2])};\n")
    f.write("\n    /// <summary>customer, cell, wave, tier, pre_revenue, contacted, reached, responded, converted, revenue, margin, first purchase, days to the second, scored, deal seeker, clv.</summary>\n")
    f.write("    public static readonly ResultsFixtureMember[] Members =\n    [\n")
    for m in members:
        f.write(f"        new(Guid.Parse({s(m['customer'])}), {s(m['cell'])}, {m['wave']}, {s(m['tier'])}, {lit(m['pre'])}m, {lit(m['contacted'])}, {lit(m['reached'])}, "
                f"{lit(m['responded'])}, {lit(m['converted'])}, {lit(m['revenue'])}m, {lit(m['margin'])}m, {ts(m['first'])}, "
                f"{'null' if m['second_after'] is None else m['second_after']}, {lit(m['scored'])}, {lit(m['deal_seeker'])}, {lit(m['clv'])}),\n")
    f.write("    ];\n\n")
    f.write("    /// <summary>cell_stats rows: cell, wave, tier, contacted, then the counts and sums in the table's column order.</summary>\n")
    f.write("    public static readonly object[][] CellStats =\n    [\n")
    for (cell, wave, tier, contacted), r in sorted(rows.items()):
        vals = [s(cell), str(wave), s(tier), lit(contacted)] + [lit(r[k]) for k in (
            "members", "reached", "responders", "converters", "redeemers", "active", "orders", "rev", "rev2", "mar", "mar2", "pro", "pro2",
            "cost", "cost2", "pc", "cc", "oc", "x", "x2", "xr", "xm", "xp", "xresp", "xconv")]
        f.write("        [" + ", ".join(vals) + "],\n")
    f.write("    ];\n\n")
    steps = []
    for cell in ("a", "b"):
        for wave in (1, 2):
            cm = [m for m in members if m["cell"] == cell and m["wave"] == wave]
            contacted = [m for m in cm if m["contacted"]]
            steps.append((cell, wave, 1, "email", "dispatched", "", len(contacted), CONTACT_COST * len(contacted)))
            steps.append((cell, wave, 1, "", "blocked", "no_consent", len(cm) - len(contacted), 0.0))
    f.write("    /// <summary>step_stats rows: cell, wave, step, channel, status, block reason, contacts, cost.</summary>\n")
    f.write("    public static readonly object[][] StepStats =\n    [\n")
    for st in steps:
        f.write(f"        [{s(st[0])}, {st[1]}, {st[2]}, {s(st[3])}, {s(st[4])}, {s(st[5])}, {st[6]}L, {lit(st[7])}],\n")
    f.write("    ];\n\n")
    f.write("    /// <summary>step_responders rows: cell, wave, step, responders among the contacted.</summary>\n")
    f.write("    public static readonly object[][] StepResponders =\n    [\n")
    for cell in ("a", "b"):
        for wave in (1, 2):
            k = sum(1 for m in members if m["cell"] == cell and m["wave"] == wave and m["contacted"] and m["responded"])
            f.write(f"        [{s(cell)}, {wave}, 1, {k}L],\n")
    f.write("    ];\n\n")
    f.write("    /// <summary>global_control_stats rows: global_control, customers, buyers, Σrevenue, Σrevenue², Σx, Σx², Σx·revenue, Σx·buyer.</summary>\n")
    f.write("    public static readonly object[][] GlobalControlStats =\n    [\n")
    for flag, (x, b, y) in GC.items():
        f.write(f"        [{lit(flag)}, {len(x)}L, {int(b.sum())}L, {lit(y.sum())}, {lit((y * y).sum())}, {lit(x.sum())}, {lit((x * x).sum())}, {lit((x * y).sum())}, {lit((x * b).sum())}],\n")
    f.write("    ];\n}\n")

with open(os.path.join(HERE, "ResultsExpected.cs"), "w") as f:
    f.write(HEADER + "namespace Measurement.IntegrationTests.Results;\n\n")
    f.write("/// <summary>The figures SciPy / statsmodels computed from the generated members (keys: cell.figure).</summary>\n")
    f.write("internal static class ResultsExpected\n{\n    public static readonly Dictionary<string, double> Values = new()\n    {\n")
    for key, value in E.items():
        f.write(f"        [{s(key)}] = {lit(value)},\n")
    f.write("    };\n}\n")
print(len(members), "members,", len(rows), "cell_stats rows,", len(E), "expected values")
