"""bench/run's table, from what the run recorded in var/bench/results.jsonl: one line per
scenario and factor, written by ``python -m bench.report add``; ``python -m bench.report
table`` prints the markdown table, and ``reset FACTOR...`` forgets those factors' lines.

Ratios are to the baseline measured at the same factor in the same run: requests per
second as a share of the static file's, and median latency as a multiple of its median.
"alone" is one request on an idle server, after the warm-up: a scenario's cost without
queueing, even when few requests finish under load.
"""

import json
import re
import sys
from pathlib import Path

RESULTS = Path("var/bench/results.jsonl")


def add(factor: str, scenarios_file: str, name: str, wrk_output: str, alone: str) -> None:
    """Records one scenario's wrk summary (the last line of its output) with its queries
    and the seconds one request took alone (``bench.fetch``'s JSON)."""
    scenario = next(
        item for item in json.loads(Path(scenarios_file).read_text()) if item["name"] == name
    )
    lines = [line for line in Path(wrk_output).read_text().splitlines() if line.startswith("{")]
    measured = json.loads(lines[-1])
    RESULTS.parent.mkdir(parents=True, exist_ok=True)
    with RESULTS.open("a") as results:
        record = {
            "factor": int(factor),
            **scenario,
            **measured,
            "alone_us": json.loads(alone)["total_s"] * 1e6,
        }
        record.pop("cookies", None)
        results.write(json.dumps(record) + "\n")


def forget(factors: list[str]) -> None:
    """Drops the records of the factors about to be measured again; a run of one factor
    keeps the others' from an earlier run."""
    if not RESULTS.exists():
        return
    again = {int(factor) for factor in factors}
    kept = [
        line
        for line in RESULTS.read_text().splitlines()
        if line and json.loads(line)["factor"] not in again
    ]
    RESULTS.write_text("".join(f"{line}\n" for line in kept))


def fmt_ms(microseconds: float) -> str:
    milliseconds = microseconds / 1000
    return f"{milliseconds:.1f}" if milliseconds < 100 else f"{milliseconds:.0f}"


def fmt_rate(per_second: float) -> str:
    return f"{per_second:.1f}" if per_second < 10 else f"{per_second:,.0f}"


def same_scenario(name: str) -> str:
    """A scenario's name without its numbers, which may differ between factors (an export
    is named with its rows), so each factor's line finds its line at factor 1."""
    return re.sub(r"\d[\d,]*", "#", name)


def table() -> str:
    records = [json.loads(line) for line in RESULTS.read_text().splitlines() if line]
    baseline = {r["factor"]: r for r in records if r["name"].startswith("static file")}
    at_one = {same_scenario(r["name"]): r for r in records if r["factor"] == 1}
    lines = [
        "| scenario | factor | req/s | median ms | p95 ms | queries/req | req/s ÷ baseline "
        "| median × baseline | median × factor 1 | requests | errors | alone ms |",
        "| --- | ---: | ---: | ---: | ---: | ---: | ---: | ---: | ---: | ---: | ---: | ---: |",
    ]
    for record in sorted(records, key=lambda r: (r["factor"], records.index(r))):
        seconds = record["duration_us"] / 1e6
        rps = record["requests"] / seconds if seconds else 0
        base = baseline.get(record["factor"])
        base_rps = base["requests"] / (base["duration_us"] / 1e6) if base else 0
        first = at_one.get(same_scenario(record["name"]))
        versus_one = (
            f"{record['p50_us'] / first['p50_us']:.2f}"
            if record["factor"] != 1 and first and first["p50_us"]
            else ""
        )
        errors = record["errors_status"] + record["errors_socket"]
        if not record["requests"]:
            lines.append(
                f"| {record['name']} | {record['factor']} | none finished in the run | | "
                f"| {record['queries']} | | | | 0 | {errors or ''} "
                f"| {fmt_ms(record['alone_us'])} |"
            )
            continue
        lines.append(
            f"| {record['name']} | {record['factor']} | {fmt_rate(rps)} "
            f"| {fmt_ms(record['p50_us'])} "
            f"| {fmt_ms(record['p95_us'])} | {record['queries']} "
            f"| {rps / base_rps if base_rps else 0:.2f} "
            f"| {record['p50_us'] / base['p50_us'] if base and base['p50_us'] else 0:.1f} "
            f"| {versus_one} | {record['requests']} | {errors or ''} "
            f"| {fmt_ms(record['alone_us'])} |"
        )
    return "\n".join(lines)


if __name__ == "__main__":
    if sys.argv[1] == "add":
        add(*sys.argv[2:7])
    elif sys.argv[1] == "reset":
        forget(sys.argv[2:])
    else:
        print(table())  # noqa: T201
