"""Helper of scripts/failover-steps.sh: one repetition's steps, and the table.

  failover_steps.py row SCENARIO FAULT LB1_LOG LB2_LOG MONITOR CAPTURE PROBE VIP
      prints "SCENARIO<TAB>detected<TAB>advert<TAB>peer_master<TAB>vip<TAB>garp<TAB>client",
      milliseconds since FAULT (unix time), "-" where a step was not seen
  failover_steps.py table DIR SETUP...
      the medians of DIR/SETUP.tsv as a Markdown table per scenario
"""
import datetime
import re
import statistics
import sys

STEPS = ["detected", "advert", "peer MASTER", "VIP added", "first GARP", "client ok"]
SCENARIOS = {"1": "proxy killed (-9) on the master", "5": "the master's link down"}


def log_time(line):
    # "2026-12-07 21:50:01.123 vrrpd[42]: <info> ..." (local time)
    m = re.match(r"(\d{4}-\d\d-\d\d \d\d:\d\d:\d\d\.\d{3}) ", line)
    if not m:
        return None
    return datetime.datetime.strptime(m.group(1), "%Y-%m-%d %H:%M:%S.%f").timestamp()


def first_log(path, fault, needle):
    with open(path, errors="replace") as f:
        for line in f:
            if needle not in line:
                continue
            t = log_time(line)
            if t is not None and t >= fault - 0.001:
                return t
    return None


def first_vip(path, fault, vip):
    pattern = re.compile(r"^\[([^\]]+)\] \d+: eth1\s+inet " + re.escape(vip) + "/")
    with open(path, errors="replace") as f:
        for line in f:
            m = pattern.match(line)
            if m:
                t = datetime.datetime.strptime(m.group(1), "%Y-%m-%dT%H:%M:%S.%f").timestamp()
                if t >= fault:
                    return t
    return None


def first_garp(path, fault, vip):
    v = re.escape(vip)
    pattern = re.compile(r"^(\d+\.\d+) ARP, Request who-has " + v + r"( \([0-9a-f:]+\))? tell " + v + r",")
    with open(path, errors="replace") as f:
        for line in f:
            m = pattern.match(line)
            if m and float(m.group(1)) >= fault:
                return float(m.group(1))
    return None


def garp_delay(path, fault):
    # "(VI_1) first gratuitous ARP sent 48us after the VIPs were added"
    with open(path, errors="replace") as f:
        for line in f:
            m = re.search(r"first gratuitous ARP sent (\d+)us after the VIPs were added", line)
            t = log_time(line) if m else None
            if t is not None and t >= fault - 0.001:
                return int(m.group(1)) / 1e6
    return None


def first_ok(path, since):
    start = None
    with open(path, errors="replace") as f:
        rows = []
        for line in f:
            words = line.split()
            if len(words) >= 2 and words[0] == "start":
                start = float(words[1])
            elif len(words) >= 2 and words[1] == "ok":
                rows.append(float(words[0]))
    if start is None:
        return None
    after = [start + ms / 1000 for ms in rows if start + ms / 1000 >= since]
    return min(after) if after else None


def row(args):
    scenario, fault = args[0], float(args[1])
    lb1, lb2, monitor, capture, probe, vip = args[2:8]
    detected = "Track pid proxyd" if scenario == "1" else "Netlink reports eth1 down"
    garp = first_garp(capture, fault, vip)
    delay = garp_delay(lb2, fault)
    added = garp - delay if garp is not None and delay is not None else first_vip(monitor, fault, vip)
    times = [
        first_log(lb1, fault, detected),
        first_log(lb1, fault, "(VI_1) sent 0 priority") if scenario == "1" else None,
        first_log(lb2, fault, "(VI_1) Entering MASTER STATE"),
        added,
        garp,
        first_ok(probe, added) if added is not None else None,
    ]
    cells = ["-" if t is None else "%.2f" % ((t - fault) * 1000) for t in times]
    print("\t".join([scenario] + cells))


def table(args):
    out, setups = args[0], args[1:]
    data = {}
    for setup in setups:
        try:
            with open("%s/%s.tsv" % (out, setup)) as f:
                for line in f:
                    cells = line.rstrip("\n").split("\t")
                    data.setdefault((setup, cells[0]), []).append(cells[1:])
        except FileNotFoundError:
            pass
    for scenario, name in SCENARIOS.items():
        print("\nScenario %s, %s: median ms from the fault (repetitions)" % (scenario, name))
        print("| step | " + " | ".join(setups) + " |")
        print("|---|" + "---|" * len(setups))
        for i, step in enumerate(STEPS):
            cells = []
            for setup in setups:
                values = [float(r[i]) for r in data.get((setup, scenario), []) if r[i] != "-"]
                runs = len(data.get((setup, scenario), []))
                cells.append("%.1f (%d)" % (statistics.median(values), len(values)) if values else "- (%d)" % runs)
            print("| %s | %s |" % (step, " | ".join(cells)))


if __name__ == "__main__":
    {"row": row, "table": table}[sys.argv[1]](sys.argv[2:])
