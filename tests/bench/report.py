#!/usr/bin/env python3
"""report.py - turns a tests/bench/run.sh run into the table of BENCH.md.

    python3 tests/bench/report.py RUN_DIR BENCH.md SIZE SMALL API_SIZE

Reads RUN_DIR/results (key=value), RUN_DIR/<name>.time (/usr/bin/time -v),
RUN_DIR/*.requests (the sandbox's request log), RUN_DIR/rate-load.requests.json
(the rate-limited sandbox's log, as `GET /__control/requests` gives it) and
RUN_DIR/commands; writes
the generated part of BENCH.md between the bench markers (the rest of the
file, the findings, is kept) and prints it.  Standard library only.
"""
import datetime
import json
import math
import os
import platform
import re
import sys
from urllib.parse import parse_qs

BEGIN = "<!-- bench:begin (tests/bench/report.py writes this part) -->"
END = "<!-- bench:end -->"
MB = 1e6
MIB = 1024 * 1024


def load_results(run):
    out = {}
    with open(os.path.join(run, "results")) as f:
        for line in f:
            k, _, v = line.strip().partition("=")
            out[k] = v
    return out


def parse_time(run, name):
    """wall, user, sys seconds and max RSS bytes of RUN/name.time, or None."""
    path = os.path.join(run, name + ".time")
    if not os.path.exists(path):
        return None
    t = {}
    with open(path) as f:
        for line in f:
            line = line.strip()
            if line.startswith("Elapsed (wall clock) time"):
                parts = line.rsplit(" ", 1)[1].split(":")
                secs = 0.0
                for p in parts:
                    secs = secs * 60 + float(p)
                t["wall"] = secs
            elif line.startswith("User time (seconds)"):
                t["user"] = float(line.rsplit(" ", 1)[1])
            elif line.startswith("System time (seconds)"):
                t["sys"] = float(line.rsplit(" ", 1)[1])
            elif line.startswith("Maximum resident set size (kbytes)"):
                t["rss"] = int(line.rsplit(" ", 1)[1]) * 1024
    t["cpu"] = t.get("user", 0) + t.get("sys", 0)
    return t


def requests(run, name):
    path = os.path.join(run, name + ".requests")
    out = []
    if os.path.exists(path):
        with open(path) as f:
            for line in f:
                parts = line.rstrip("\n").split(" ", 3)
                while len(parts) < 4:
                    parts.append("")
                out.append(parts)
    return out


def rate_requests(run):
    """The finance requests of the rate-limited load as (seconds since epoch, method, status), or None."""
    path = os.path.join(run, "rate-load.requests.json")
    if not os.path.exists(path):
        return None
    with open(path) as f:
        log = json.load(f)["requests"]
    out = []
    for q in log:
        if q["api"] in ("crm", "oauth", "unknown"):
            continue
        at = datetime.datetime.strptime(q["at"], "%Y-%m-%dT%H:%M:%S.%fZ").replace(tzinfo=datetime.timezone.utc)
        out.append((at.timestamp(), q["method"], q["status"]))
    return sorted(out)


def per_minute(reqs):
    """Each minute from the first request: [(requests not refused, 429 answers, seconds from its first to its last)]."""
    t0 = reqs[0][0]
    minutes = []
    for t, _, status in reqs:
        m = int((t - t0) // 60)
        while len(minutes) <= m:
            minutes.append([0, 0, None, None])
        b = minutes[m]
        b[0] += status != 429
        b[1] += status == 429
        b[2] = t if b[2] is None else b[2]
        b[3] = t
    return [(n, n429, (last - first) if first is not None else 0) for n, n429, first, last in minutes]


def fmt_int(n):
    return "{:,}".format(int(n))


def fmt_rate(x):
    return "{:,.0f}".format(x) if x >= 100 else "{:,.1f}".format(x)


def machine():
    model = "unknown"
    try:
        with open("/proc/cpuinfo") as f:
            for line in f:
                if line.startswith("model name"):
                    model = line.split(":", 1)[1].strip()
                    break
    except OSError:
        pass
    mem = 0
    try:
        with open("/proc/meminfo") as f:
            for line in f:
                if line.startswith("MemTotal:"):
                    mem = int(line.split()[1]) * 1024
    except OSError:
        pass
    return "%d CPUs (`nproc`), %s, %.1f GiB memory, %s %s" % (
        os.cpu_count() or 0, model, mem / 1024 ** 3, platform.system(), platform.release())


class Report:
    def __init__(self, run, size, small, api_size):
        self.run = run
        self.r = load_results(run)
        self.size, self.small, self.api_size = size, small, api_size
        self.lines = []
        self.targets = []

    def num(self, key):
        return float(self.r.get(key, 0) or 0)

    def t(self, name):
        """The run's times; of NAME and NAME-2 (run twice), the faster; of
        NAME, NAME-2 and NAME-3 (run three times), the median wall and the
        median CPU time, each on its own."""
        runs = [t for t in (parse_time(self.run, n) for n in (name, name + "-2", name + "-3")) if t]
        if len(runs) == 3:
            mid = sorted(runs, key=lambda t: t["wall"])[1]
            return dict(mid, cpu=sorted(t["cpu"] for t in runs)[1])
        if len(runs) == 2:
            return min(runs, key=lambda t: t["wall"])
        return runs[0] if runs else None

    def row(self, what, records, t, nbytes, note="", use_cpu=False, unit="records"):
        if not t:
            return None
        secs = t["cpu"] if use_cpu else t["wall"]
        rate = records / secs if secs else 0
        mbs = nbytes / MB / secs if secs and nbytes else 0
        self.lines.append("| %s | %s | %.1f%s | %s | %s | %.1f | %s | %s |" % (
            what, fmt_int(records), secs, " (CPU)" if use_cpu else "", fmt_rate(rate),
            "%.1f" % mbs if mbs else "", t["cpu"], "%.1f" % (t["rss"] / MIB) if t.get("rss") else "",
            note))
        return {"rate": rate, "mbs": mbs, "secs": secs, "rss": t.get("rss", 0), "cpu": t["cpu"]}

    def target(self, what, value, ok, note):
        verdict = "not run" if ok is None else "**holds**" if ok else "**misses**"
        self.targets.append("| %s | %s | %s | %s |" % (what, value, verdict, note))

    def main_table(self):
        size, small = self.size, self.small
        self.lines += [
            "| measurement | records | seconds | records/s | MB/s | CPU s | peak RSS MiB | notes |",
            "| --- | ---: | ---: | ---: | ---: | ---: | ---: | --- |",
        ]
        res = {}
        res["extract"] = self.row(
            "extract from CSV, %s accounts" % fmt_int(size), self.num("big.extract_records"),
            self.t("big-extract"), self.num("big.extract_bytes"),
            "MB/s of NDJSON written (%.0f MB); CSV read: %.0f MB" % (
                self.num("big.extract_bytes") / MB, self.num("big.csv_bytes") / MB))
        res["gzip"] = self.row(
            "`gzip -1` of that NDJSON", self.num("big.extract_records"), self.t("big-gzip"),
            self.num("big.extract_bytes"), "gzip's own CPU time (zcat feeds it)", use_cpu=True)
        acc = self.num("big.accounts")
        abytes = self.num("big.accounts_bytes")
        res["xf"] = self.row("transform, accounts only: **finsync**", acc, self.t("big-transform-accounts"),
                             abytes, "the same staged accounts.ndjson.gz for the four; median of 3 runs")
        res["jq"] = self.row("transform, accounts only: jq", acc, self.t("big-jq"), abytes,
                             "`zcat \\| jq -c -f tests/bench/transform.jq \\| gzip -1`")
        res["jq_plain"] = self.row("transform, accounts only: jq, the plain mapping", acc, self.t("big-jq-plain"),
                                   abytes, "`zcat \\| jq -c '{contact_name: .Account_Name, …}' \\| gzip -1` "
                                   "(tests/bench/mapping.jq: the payload alone, no duplicate check); median of 3 runs")
        res["py"] = self.row("transform, accounts only: Python 3", acc, self.t("big-python"), abytes,
                             "tests/bench/transform.py (mapping + dict duplicate check); median of 3 runs")
        res["full"] = self.row(
            "transform, accounts + contacts, vendors, items", self.num("big.extract_records"),
            self.t("big-transform"), self.num("big.extract_bytes"),
            "the realistic job (jobs/demo.json's sync); contacts are read twice")
        res["extract_small"] = self.row(
            "extract from CSV, %s accounts" % fmt_int(small), self.num("small.extract_records"),
            self.t("small-extract"), self.num("small.extract_bytes"), "for the peak RSS comparison")
        res["full_small"] = self.row(
            "transform (realistic job), %s accounts" % fmt_int(small), self.num("small.extract_records"),
            self.t("small-transform"), self.num("small.extract_bytes"), "for the peak RSS comparison")
        res["api_extract"] = self.row(
            "extract through the CRM API, %s accounts" % fmt_int(self.api_size),
            self.num("api.extract_records"), self.t("api-extract"), self.num("api.extract_bytes"),
            "sandbox on 127.0.0.1, 200 records per page")
        res["api_transform"] = self.row(
            "transform (realistic job), %s accounts" % fmt_int(self.api_size),
            self.num("api.extract_records"), self.t("api-transform"), self.num("api.extract_bytes"), "")
        load_reqs = requests(self.run, "api-load")
        writes = [q for q in load_reqs if q[0] not in ("oauth", "crm") and q[1] in ("POST", "PUT")]
        res["load"] = self.row(
            "load into the sandbox (creates)", len(writes), self.t("api-load"), 0,
            "records/s = finance creates per second; `requests_per_minute: 0`; best of 2 runs")
        self.row("second run, nothing changed (`finsync run`)", self.num("api.rerun_records"),
                 self.t("api-rerun"), 0, "incremental extract, transform, load: records staged (none when "
                 "nothing changed), zero writes expected")
        self.res = res
        self.rate_row()

    def rate_row(self):
        """The load against the rate-limited sandbox; self.rate is None when it did not run."""
        limit, minutes = int(self.num("rate.limit")), int(self.num("rate.minutes"))
        reqs = rate_requests(self.run)
        what = "load at %d requests/minute (sandbox limited to %d)" % (limit, limit)
        self.rate = None
        if not minutes or not reqs:
            self.lines.append("| %s | | | | | | | not run (`BENCH_RATE_MINUTES=0`) |" % what)
            return
        mins = per_minute(reqs)
        full = mins[:-1]  # the last minute is partial
        rate = sum(m[0] for m in full) / len(full) if full else None
        late429 = sum(m[1] for m in mins[1:])
        creates = [q for q in reqs if q[1] in ("POST", "PUT") and 200 <= q[2] < 300]
        self.rate = {"limit": limit, "minutes": minutes, "mins": mins, "rate": rate, "n": len(reqs),
                     "span": reqs[-1][0] - reqs[0][0], "late429": late429,
                     "all429": sum(m[1] for m in mins), "creates": len(creates)}
        self.row("%s, %s accounts" % (what, fmt_int(self.num("rate.accounts"))), len(creates),
                 self.t("rate-load"), 0,
                 "records/s = finance creates per second; %s finance requests a minute (mean of the %d "
                 "complete minutes), %d answered 429; ran in the background" % (
                     "%.1f" % rate if rate is not None else "?", len(full), self.rate["all429"]))

    def target_table(self):
        res = self.res
        self.targets += ["| target | measured | | why / how |", "| --- | --- | --- | --- |"]
        if res.get("xf") and res.get("jq"):
            ratio = res["xf"]["rate"] / res["jq"]["rate"]
            self.target("transform ≥ 2× jq's records/s (tests/bench/transform.jq)", "%.1f×" % ratio, ratio >= 2,
                        "%s vs %s records/s" % (fmt_rate(res["xf"]["rate"]), fmt_rate(res["jq"]["rate"])))
        # By wall time (records/s) and by CPU time (user + sys, every process
        # of the pipeline): finsync compresses and reads on threads of its
        # own, so its wall time alone would flatter it.
        for key, what in (("jq_plain", "the plain jq mapping"), ("py", "Python")):
            if res.get("xf") and res.get(key):
                ratio = res["xf"]["rate"] / res[key]["rate"]
                cpu_ratio = res[key]["cpu"] / res["xf"]["cpu"] if res["xf"]["cpu"] else 0
                self.target("transform ≥ 2× %s, by wall and by CPU time" % what,
                            "%.1f× wall, %.1f× CPU" % (ratio, cpu_ratio), ratio >= 2 and cpu_ratio >= 2,
                            "%s vs %s records/s; CPU time %.1f vs %.1f s" % (
                                fmt_rate(res["xf"]["rate"]), fmt_rate(res[key]["rate"]),
                                res["xf"]["cpu"], res[key]["cpu"]))
        if res.get("extract") and res.get("gzip"):
            ratio = res["extract"]["mbs"] / res["gzip"]["mbs"]
            self.target("extract from CSV ≥ 50 % of `gzip -1` MB/s", "%.0f %%" % (ratio * 100), ratio >= 0.5,
                        "%.1f vs %.1f MB/s of NDJSON" % (res["extract"]["mbs"], res["gzip"]["mbs"]))
        for stage, big, small in (("extract", "extract", "extract_small"), ("transform", "full", "full_small")):
            if res.get(big) and res.get(small):
                b, s = res[big]["rss"] / MIB, res[small]["rss"] / MIB
                self.target("%s peak RSS ≤ 64 MiB at %s accounts" % (stage, fmt_int(self.size)),
                            "%.1f MiB" % b, b <= 64, "")
                self.target("%s peak RSS ≤ 110 %% of the %s-account figure" % (stage, fmt_int(self.small)),
                            "%.0f %%" % (100 * b / s if s else 0), b <= 1.10 * s,
                            "%.1f MiB at %s" % (s, fmt_int(self.small)))
        if res.get("load"):
            self.target("load ≥ 5,000 finance creates/s (no rate limit)", fmt_rate(res["load"]["rate"]) + "/s",
                        res["load"]["rate"] >= 5000, "")
        self.rate_target()

    def rate_target(self):
        rt = self.rate
        limit = int(self.num("rate.limit")) or 100
        minutes = int(self.num("rate.minutes")) or 10
        what = ("load at %d requests/minute for %d minutes: ≥ 95 %% of the rate, zero 429 after the first minute"
                % (limit, minutes))
        if not rt:
            self.target(what, "-", None, "`BENCH_RATE_MINUTES=0`")
            return
        if rt["rate"] is None:
            self.target(what, "under a minute", False, "%d finance requests in %.0f s" % (rt["n"], rt["span"]))
            return
        share = rt["rate"] / rt["limit"]
        self.target(what, "%.0f %%, %d × 429 after minute 1" % (share * 100, rt["late429"]),
                    share >= 0.95 and rt["late429"] == 0,
                    "%.1f finance requests a minute over the %d complete minutes; %s requests in %d min %02d s "
                    "(first to last), %d answered 429 in all" % (
                        rt["rate"], len(rt["mins"]) - 1, fmt_int(rt["n"]), rt["span"] // 60, rt["span"] % 60,
                        rt["all429"]))

    def rate_section(self):
        rt = self.rate
        if not rt:
            return ["Not run (`BENCH_RATE_MINUTES=0`)."]
        mins = rt["mins"]
        out = [
            "| minute | " + " | ".join(str(i + 1) for i in range(len(mins))) + " |",
            "| --- |" + " ---: |" * len(mins),
            "| finance requests (429 not counted) | " + " | ".join(str(m[0]) for m in mins) + " |",
            "| answered 429 | " + " | ".join(str(m[1]) for m in mins) + " |",
            "| seconds, first to last request | " + " | ".join("%.2f" % m[2] for m in mins) + " |",
            "",
            "Minutes count from the first finance request of `finsync load` (%s accounts, accounts only: one "
            "create each; extract and transform ran before it, with no limit). The job paces the finance API at "
            "%d requests a minute (`finance.requests_per_minute`) and the sandbox refuses more "
            "(`POST /__control/limits`); the last minute is partial and left out of the mean. "
            "%d finance creates, %d answered 429 in all, %d after the first minute. "
            "The load ran in the background while the parts above ran: it waits on the limit nearly all the "
            "time, so it took little from them (%s CPU s in %s s)." % (
                fmt_int(self.num("rate.accounts")), rt["limit"], rt["creates"], rt["all429"], rt["late429"],
                "%.1f" % self.t("rate-load")["cpu"] if self.t("rate-load") else "?",
                "%.0f" % self.t("rate-load")["wall"] if self.t("rate-load") else "?"),
        ]
        return out

    def economy(self):
        out = ["| CRM module | records | list calls | field batches | calls per batch | ⌈N/200⌉ | |",
               "| --- | ---: | ---: | ---: | ---: | ---: | --- |"]
        reqs = requests(self.run, "api-extract")
        for m in ("Accounts", "Contacts", "Products", "Vendors"):
            n = int(self.num("api.records." + m))
            calls = [q for q in reqs if q[0] == "crm" and q[1] == "GET" and q[2] == "/crm/v8/" + m]
            batches = {tuple(parse_qs(q[3]).get("fields", [""])) for q in calls}
            per = len(calls) / len(batches) if batches else 0
            want = max(1, math.ceil(n / 200))
            out.append("| %s | %s | %d | %d | %.0f | %d | %s |" % (
                m, fmt_int(n), len(calls), len(batches), per, want, "as expected" if per == want else "**differs**"))
        rerun = requests(self.run, "api-rerun")
        crm_list = [q for q in rerun if q[0] == "crm" and q[1] == "GET"]
        fin_get = [q for q in rerun if q[0] not in ("crm", "oauth", "unknown") and q[1] == "GET"]
        writes = [q for q in rerun if q[0] != "oauth" and q[1] != "GET"]
        oauth = [q for q in rerun if q[0] == "oauth"]
        self.economy_lines = out + [
            "",
            "No-change second run (`finsync run`): %d CRM GET calls (list, deleted feeds, field metadata), "
            "%d finance GET calls (the organisation, and the finance snapshot's paged lists when the CRM gave something to plan), **%d writes**, %d token requests."
            % (len(crm_list), len(fin_get), len(writes), len(oauth)),
        ]
        self.target("no-change run makes zero writes", "%d writes" % len(writes), not writes,
                    "%d CRM and %d finance GET calls" % (len(crm_list), len(fin_get)))

    def commands(self, top):
        out = []
        with open(os.path.join(self.run, "commands")) as f:
            for line in f:
                name, _, cmd = line.rstrip("\n").partition("\t")
                cmd = cmd.replace(top + "/", "")
                out.append("%-24s %s" % (name, cmd))
        return out

    def render(self, top):
        self.main_table()
        self.target_table()
        self.economy()
        when = datetime.datetime.now(datetime.timezone.utc).strftime("%Y-%m-%d %H:%M UTC")
        total = self.num("total_seconds")
        gens = ["%s accounts (%s) %s s" % (fmt_int(k.split("-")[1]), k.split("-")[0][4:], v)
                for k, v in self.r.items() if k.startswith("gen.")]
        rate_part = ("rate-limited load %d min at %s accounts, in the background" % (
            self.num("rate.minutes"), fmt_int(self.num("rate.accounts")))
            if self.num("rate.minutes") else "no rate-limited load")
        text = [
            BEGIN,
            "",
            "Measured on %s, %s; `make bench` took %d min %02d s in all "
            "(BENCH_SIZE=%s, API part %s accounts, %s; data generated in this run: %s). "
            "Load average at the start %s, at the end %s; CPU time stolen by the hypervisor during the run: "
            "%.0f s (other jobs shared the machine)." % (
                when, machine(), total // 60, total % 60, fmt_int(self.size), fmt_int(self.api_size), rate_part,
                ", ".join(gens) if gens else "none, reused from var/bench/data",
                self.r.get("load_start", "?"), self.r.get("load_end", "?"),
                (self.num("steal_end") - self.num("steal_start")) / os.sysconf("SC_CLK_TCK")),
            "",
        ] + self.lines + [
            "",
            "Seconds are wall-clock time (finsync compresses on a second thread, so its CPU time can exceed it), "
            "except for gzip. MB are 10^6 bytes of uncompressed NDJSON. Peak RSS is `/usr/bin/time -v`'s "
            "maximum resident set size.",
            "",
            "### Targets",
            "",
        ] + self.targets + [
            "",
            "### API economy (sandbox request log, `GET /__control/requests`)",
            "",
        ] + self.economy_lines + [
            "",
            "### Load at the finance rate limit (sandbox request log)",
            "",
        ] + self.rate_section() + [
            "",
            "### Commands",
            "",
            "```",
        ] + self.commands(top) + [
            "```",
            "",
            END,
        ]
        return "\n".join(text) + "\n"


def main():
    run, path, size, small, api_size = sys.argv[1], sys.argv[2], int(sys.argv[3]), int(sys.argv[4]), int(sys.argv[5])
    # The repository (three levels up): command lines are shown relative to it.
    top = os.path.dirname(os.path.dirname(os.path.dirname(os.path.abspath(__file__))))
    part = Report(run, size, small, api_size).render(top)
    old = open(path).read() if os.path.exists(path) else "# BENCH.md\n\n" + BEGIN + "\n" + END + "\n"
    if BEGIN in old and END in old:
        new = old[:old.index(BEGIN)] + part + old[old.index(END) + len(END) + 1:]
    else:
        new = old.rstrip("\n") + "\n\n" + part
    with open(path, "w") as f:
        f.write(new)
    sys.stdout.write(part)


if __name__ == "__main__":
    main()
