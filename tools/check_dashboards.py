#!/usr/bin/env python3
"""Run every query of the Grafana dashboards against a Prometheus and report which return no series.

    tools/check_dashboards.py --prometheus http://10.0.0.5:9090 --dashboards roles/grafana_dashboards/files/dashboards

Each panel target's `expr` (rows and nested panels included) is sent to /api/v1/query after its
template variables are replaced: Grafana's interval variables ($__rate_interval, $__interval,
$__range, ...) by fixed durations, a dashboard variable by its "All" regex (".+") when it has one,
else by its current value; `--var name=value` overrides either. The exit status is 0 when every
query returned at least one series, 1 when one returned none or failed, 2 on bad input.
`--absent-ok 'REGEX=REASON'` accepts no series from queries matching REGEX (they must still run
without error) and prints them as n/a with the reason, e.g. ENA counters on hosts without ENA.
Standard library only, so it runs on any host with Python 3.
"""

from __future__ import annotations

import argparse
import json
import re
import sys
import urllib.error
import urllib.parse
import urllib.request
from collections.abc import Iterator
from dataclasses import asdict, dataclass
from pathlib import Path
from typing import Any

# Grafana's built-in interval variables, with values that suit scrape intervals of 1-15 s.
BUILTIN_VARS = {
    "__rate_interval": "1m",
    "__interval": "15s",
    "__interval_ms": "15000",
    "__range": "5m",
    "__range_s": "300",
    "__range_ms": "300000",
}
# $name, ${name}, ${name:format} and the deprecated [[name]].
VAR_RE = re.compile(r"\$\{(\w+)(?::[^}]*)?\}|\$(\w+)|\[\[(\w+)\]\]")


@dataclass
class QueryResult:
    dashboard: str
    panel: str
    ref_id: str
    expr: str
    series: int
    error: str = ""
    absent_reason: str = ""  # why no series is acceptable for this query here, if it is

    @property
    def ok(self) -> bool:
        return not self.error and (self.series > 0 or bool(self.absent_reason))

    @property
    def status(self) -> str:
        if self.error or not self.ok:
            return "FAIL"
        return "ok" if self.series else "n/a"


def dashboard_variables(dashboard: dict[str, Any]) -> dict[str, str]:
    """Substitutions for the dashboard's own template variables."""
    values: dict[str, str] = {}
    for var in dashboard.get("templating", {}).get("list", []):
        name = var.get("name")
        if not name or var.get("type") == "datasource":
            continue
        if var.get("includeAll") and var.get("allValue"):
            values[name] = var["allValue"]
            continue
        current = (var.get("current") or {}).get("value")
        if isinstance(current, list):
            current = current[0] if current else None
        if current in (None, "", "$__all"):
            options = [o.get("value") for o in var.get("options", []) if o.get("value")]
            current = options[0] if options else ".+"
        values[name] = str(current)
    return values


def substitute(expr: str, values: dict[str, str]) -> str:
    def replace(match: re.Match[str]) -> str:
        name = match.group(1) or match.group(2) or match.group(3)
        return values.get(name, match.group(0))

    return VAR_RE.sub(replace, expr)


def panels(items: list[dict[str, Any]]) -> Iterator[dict[str, Any]]:
    """Every panel, including those inside (collapsed) rows."""
    for panel in items:
        yield panel
        yield from panels(panel.get("panels", []))


def queries(dashboard: dict[str, Any], overrides: dict[str, str]) -> Iterator[tuple[str, str, str]]:
    """(panel title, refId, expr with variables replaced) for every panel target that has an expr."""
    values = {**BUILTIN_VARS, **dashboard_variables(dashboard), **overrides}
    for panel in panels(dashboard.get("panels", [])):
        for target in panel.get("targets", []):
            expr = target.get("expr", "").strip()
            if expr and not target.get("hide"):
                yield panel.get("title", "?"), target.get("refId", "?"), substitute(expr, values)


def run_query(prometheus: str, expr: str, timeout: float) -> tuple[int, str]:
    """(series count, error text) of an instant query."""
    url = prometheus.rstrip("/") + "/api/v1/query?" + urllib.parse.urlencode({"query": expr})
    try:
        with urllib.request.urlopen(url, timeout=timeout) as resp:
            body = json.load(resp)
    except urllib.error.HTTPError as exc:
        try:
            body = json.load(exc)
        except ValueError:
            return 0, f"HTTP {exc.code}"
    except (urllib.error.URLError, TimeoutError, ValueError) as exc:
        return 0, f"request failed: {exc}"
    if body.get("status") != "success":
        return 0, f"{body.get('errorType', 'error')}: {body.get('error', 'unknown error')}"
    data = body["data"]
    if data["resultType"] in ("scalar", "string"):
        return 1, ""
    return len(data["result"]), ""


def check(
    prometheus: str,
    directory: Path,
    overrides: dict[str, str],
    timeout: float,
    absent_ok: list[tuple[re.Pattern[str], str]] | None = None,
) -> list[QueryResult]:
    results = []
    for path in sorted(directory.glob("*.json")):
        dashboard = json.loads(path.read_text(encoding="utf-8"))
        name = dashboard.get("title") or path.stem
        for title, ref_id, expr in queries(dashboard, overrides):
            series, error = run_query(prometheus, expr, timeout)
            reason = next((why for pattern, why in absent_ok or [] if pattern.search(expr)), "")
            results.append(QueryResult(name, title, ref_id, expr, series, error, reason))
    return results


def parse_args(argv: list[str] | None) -> argparse.Namespace:
    parser = argparse.ArgumentParser(description=__doc__.split("\n\n")[0])
    parser.add_argument("--prometheus", required=True, help="base URL, e.g. http://10.0.0.5:9090")
    parser.add_argument("--dashboards", required=True, type=Path, help="directory of dashboard *.json files")
    parser.add_argument(
        "--var", action="append", default=[], metavar="NAME=VALUE", help="override a variable"
    )
    parser.add_argument(
        "--absent-ok",
        action="append",
        default=[],
        metavar="REGEX=REASON",
        help="queries matching REGEX may return no series here, for REASON",
    )
    parser.add_argument("--timeout", type=float, default=10.0, help="seconds per query (default 10)")
    parser.add_argument("--json", action="store_true", help="print the results as JSON")
    return parser.parse_args(argv)


def main(argv: list[str] | None = None) -> int:
    args = parse_args(argv)
    overrides = {}
    for item in args.var:
        name, sep, value = item.partition("=")
        if not sep or not name:
            print(f"--var {item!r}: expected NAME=VALUE", file=sys.stderr)
            return 2
        overrides[name] = value
    absent_ok = []
    for item in args.absent_ok:
        pattern, sep, reason = item.partition("=")
        if not sep or not pattern or not reason:
            print(f"--absent-ok {item!r}: expected REGEX=REASON", file=sys.stderr)
            return 2
        try:
            absent_ok.append((re.compile(pattern), reason))
        except re.error as exc:
            print(f"--absent-ok {item!r}: {exc}", file=sys.stderr)
            return 2
    if not args.dashboards.is_dir():
        print(f"{args.dashboards}: not a directory", file=sys.stderr)
        return 2
    try:
        results = check(args.prometheus, args.dashboards, overrides, args.timeout, absent_ok)
    except (OSError, ValueError) as exc:
        print(f"cannot read the dashboards: {exc}", file=sys.stderr)
        return 2
    if not results:
        print(f"no panel queries found in {args.dashboards}/*.json", file=sys.stderr)
        return 2
    failed = [r for r in results if not r.ok]
    if args.json:
        print(json.dumps([{**asdict(r), "ok": r.ok, "status": r.status} for r in results], indent=2))
    else:
        for r in results:
            detail = r.error or (f"{r.series} series" if r.series else f"no series: {r.absent_reason}")
            print(f"{r.status:4}  {r.dashboard} / {r.panel} [{r.ref_id}]: {detail}\n      {r.expr}")
        absent = sum(1 for r in results if r.ok and not r.series)
        print(
            f"{len(results) - len(failed) - absent}/{len(results)} queries returned series, "
            f"{absent} accepted without series (--absent-ok), {len(failed)} failed"
        )
    return 1 if failed else 0


if __name__ == "__main__":
    sys.exit(main())
