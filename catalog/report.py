"""`internscope report`: an HTML report of the catalog a person can open without any tool.

DIR/index.html holds the small tables and refers to three PNG plots beside it:
price per week by country (EUR, the catalog's index currency), red-flag prevalence
by provider, and price changes over time (from `program_changes`). Every figure
has a caption saying how it was derived; the page says which catalog and when.

Plots are drawn with matplotlib's Agg renderer on `Figure` objects (not pyplot),
so no display is needed and no global backend state leaks into the caller.
matplotlib is imported inside the drawing functions: other commands never pay for it.
An empty catalog, or one without price changes, gives plots that say "no data".
"""

from __future__ import annotations

import html
import json
import os
import statistics
from collections.abc import Sequence
from dataclasses import dataclass, field
from datetime import UTC, datetime
from pathlib import Path
from typing import TYPE_CHECKING, Any

import click
import sqlite_utils

from catalog.cli_common import CliError, db_option, open_read
from catalog.rates import INDEX_CURRENCY
from pipelines.record import FLAG_CODES, FLAG_SEVERITY

if TYPE_CHECKING:
    from matplotlib.figure import Figure

__all__ = ["PLOTS", "Report", "collect", "report", "write_report"]

# Plot file names, in the order the page shows them.
PLOTS: tuple[str, ...] = ("price_per_week_by_country.png", "flag_prevalence_by_provider.png", "price_changes.png")
# Beyond these, a plot gets unreadable; the caption says what was left out.
MAX_COUNTRIES = 40
MAX_PROVIDERS = 30
MAX_TABLE_ROWS = 200
MAX_DOTS = 400
_DPI = 110
_NO_COUNTRY = "(none)"
_NO_PROVIDER = "(unknown)"


@dataclass
class Report:
    """Everything the page shows, read from the catalog in one go."""

    catalog: str
    generated_at: str
    programs: int = 0
    active: int = 0
    gone: int = 0
    providers: int = 0
    last_crawl: str | None = None
    rates_dates: list[str] = field(default_factory=list)
    # country -> EUR prices per week of its active programs
    prices_by_country: dict[str, list[float]] = field(default_factory=dict)
    # (country, active, gone, with a price) per country
    per_country: list[tuple[str, int, int, int]] = field(default_factory=list)
    # (provider, active, gone, with a flag) per provider
    per_provider: list[tuple[str, int, int, int]] = field(default_factory=list)
    # provider -> flag code -> active programs carrying it
    flags_by_provider: dict[str, dict[str, int]] = field(default_factory=dict)
    price_changes: list[dict[str, Any]] = field(default_factory=list)
    gone_programs: list[dict[str, Any]] = field(default_factory=list)


def _scalar(db: sqlite_utils.Database, sql: str) -> Any:
    return db.execute(sql).fetchone()[0]


def collect(db: sqlite_utils.Database, catalog: str, *, now: datetime | None = None) -> Report:
    """Read what the report shows. Gone programs count in the tables, but only active ones in the plots."""
    now = now or datetime.now(UTC)
    rep = Report(catalog=catalog, generated_at=now.strftime("%Y-%m-%d %H:%M UTC"))
    rep.programs = _scalar(db, "SELECT count(*) FROM programs")
    rep.active = _scalar(db, "SELECT count(*) FROM programs WHERE status = 'active'")
    rep.gone = _scalar(db, "SELECT count(*) FROM programs WHERE status = 'gone'")
    rep.providers = _scalar(db, "SELECT count(DISTINCT provider) FROM programs WHERE provider IS NOT NULL")
    rep.last_crawl = _scalar(db, "SELECT max(coalesce(finished_at, started_at)) FROM crawl_runs")
    rep.rates_dates = [r[0] for r in db.execute(
        "SELECT DISTINCT price_rates_date FROM programs WHERE price_rates_date IS NOT NULL ORDER BY 1")]
    for country, eur in db.execute(
        "SELECT coalesce(country, ?), price_per_week_eur FROM programs "
        "WHERE status = 'active' AND price_per_week_eur IS NOT NULL", [_NO_COUNTRY]
    ):
        rep.prices_by_country.setdefault(country, []).append(float(eur))
    rep.per_country = [tuple(r) for r in db.execute(
        """
        SELECT coalesce(country, ?) AS c, sum(status = 'active'), sum(status = 'gone'),
               sum(status = 'active' AND price_per_week_eur IS NOT NULL)
        FROM programs GROUP BY c ORDER BY sum(status = 'active') DESC, c
        """, [_NO_COUNTRY])]
    rep.per_provider = [tuple(r) for r in db.execute(
        """
        SELECT coalesce(provider, ?) AS p, sum(status = 'active'), sum(status = 'gone'),
               sum(status = 'active' AND flag_codes != '[]')
        FROM programs GROUP BY p ORDER BY sum(status = 'active') DESC, p
        """, [_NO_PROVIDER])]
    for provider, code, count in db.execute(
        """
        SELECT coalesce(p.provider, ?), f.code, count(DISTINCT p.id)
        FROM flags f JOIN programs p ON p.url = f.program_url
        WHERE p.status = 'active' GROUP BY 1, 2
        """, [_NO_PROVIDER]
    ):
        rep.flags_by_provider.setdefault(provider, {})[code] = count
    rep.price_changes = [dict(r) for r in db.query(
        """
        SELECT c.changed_at, c.field, c.old_value, c.new_value, p.title, p.provider, p.country,
               p.price_currency AS currency, c.program_url AS url
        FROM program_changes c JOIN programs p ON p.url = c.program_url
        WHERE c.field IN ('price_per_week', 'price_4_weeks')
        ORDER BY c.changed_at, c.program_url, c.field
        """)]
    for change in rep.price_changes:
        change["old_value"] = json.loads(change["old_value"]) if change["old_value"] is not None else None
        change["new_value"] = json.loads(change["new_value"]) if change["new_value"] is not None else None
        old, new = change["old_value"], change["new_value"]
        change["percent"] = (new - old) / old * 100 if isinstance(old, int | float) and old and \
            isinstance(new, int | float) else None
    rep.gone_programs = [dict(r) for r in db.query(
        "SELECT gone_since, title, provider, country, first_seen, url FROM programs WHERE status = 'gone' "
        "ORDER BY gone_since DESC, url")]
    return rep


# ---------------------------------------------------------------- plots


def _figure(width: float, height: float) -> Figure:
    from matplotlib.backends.backend_agg import FigureCanvasAgg
    from matplotlib.figure import Figure

    fig = Figure(figsize=(width, height), dpi=_DPI, layout="constrained")
    FigureCanvasAgg(fig)  # the Agg renderer, whatever backend the process has configured
    return fig


def _no_data(title: str, why: str) -> Figure:
    fig = _figure(7, 2.4)
    ax = fig.add_subplot()
    ax.set_axis_off()
    ax.set_title(title)
    ax.text(0.5, 0.5, f"no data\n{why}", ha="center", va="center", fontsize=12, color="0.35",
            transform=ax.transAxes)
    return fig


def plot_prices(rep: Report) -> Figure:
    title = f"Lowest price per week by country ({INDEX_CURRENCY})"
    if not rep.prices_by_country:
        return _no_data(title, "no active program has a price per week")
    ranked = sorted(rep.prices_by_country.items(), key=lambda kv: (-len(kv[1]), kv[0]))[:MAX_COUNTRIES]
    # Cheapest median at the top, so the eye reads down the price ladder.
    ranked.sort(key=lambda kv: (statistics.median(kv[1]), kv[0]), reverse=True)
    fig = _figure(8, max(2.6, 0.38 * len(ranked) + 1.3))
    ax = fig.add_subplot()
    data = [values for _, values in ranked]
    ax.boxplot(data, orientation="horizontal", widths=0.55, showfliers=False,
               medianprops={"color": "tab:red", "linewidth": 2})
    for i, values in enumerate(data, start=1):
        # Programs as dots over their country's box (every one, or an even sample of MAX_DOTS in a
        # big catalog); a fixed offset pattern, not randomness, keeps regenerated reports identical.
        dots = sorted(values)[:: max(1, len(values) // MAX_DOTS)]
        offsets = [((k % 5) - 2) * 0.06 for k in range(len(dots))]
        ax.scatter(dots, [i + o for o in offsets], s=14, alpha=0.6, color="tab:blue", zorder=3)
    ax.set_yticks(range(1, len(ranked) + 1), [f"{c} (n={len(v)})" for c, v in ranked])
    ax.set_xlabel(f"lowest price per week, {INDEX_CURRENCY}")
    ax.set_xlim(left=0)
    ax.grid(axis="x", alpha=0.3)
    ax.set_title(title)
    return fig


def plot_flags(rep: Report) -> Figure:
    title = "Red-flag prevalence by provider (share of its active programs)"
    totals = {p: active for p, active, _gone, _flagged in rep.per_provider if active}
    if not totals:
        return _no_data(title, "no active programs")
    providers = sorted(totals, key=lambda p: (-totals[p], p))[:MAX_PROVIDERS]
    providers.sort(key=str.casefold)
    codes = list(FLAG_CODES)
    shares = [[rep.flags_by_provider.get(p, {}).get(c, 0) / totals[p] for c in codes] for p in providers]
    fig = _figure(max(7.5, 0.9 * len(codes) + 3.5), max(2.8, 0.42 * len(providers) + 2.2))
    ax = fig.add_subplot()
    image = ax.imshow(shares, cmap="Reds", vmin=0, vmax=1, aspect="auto")
    ax.set_xticks(range(len(codes)), [f"{c}\n({FLAG_SEVERITY[c]})" for c in codes], rotation=35, ha="right",
                  fontsize=8)
    ax.set_yticks(range(len(providers)), [f"{p[:40]} (n={totals[p]})" for p in providers], fontsize=8)
    for y, row in enumerate(shares):
        for x, share in enumerate(row):
            if share:
                ax.text(x, y, f"{share:.0%}", ha="center", va="center", fontsize=7,
                        color="white" if share > 0.6 else "black")
    from matplotlib.ticker import PercentFormatter

    fig.colorbar(image, ax=ax, label="share of active programs", format=PercentFormatter(xmax=1))
    ax.set_title(title)
    return fig


def _when(change: dict[str, Any]) -> datetime:
    return datetime.fromisoformat(str(change["changed_at"]).replace("Z", "+00:00"))


def plot_changes(rep: Report) -> Figure:
    title = "Price changes over time"
    points = [c for c in rep.price_changes if c["percent"] is not None]
    if not points:
        return _no_data(title, "no recorded change of a price per week or 4-week price")
    from datetime import timedelta

    from matplotlib.dates import AutoDateLocator, ConciseDateFormatter
    from matplotlib.ticker import PercentFormatter

    fig = _figure(8, 3.6)
    ax = fig.add_subplot()
    for fieldname, label, marker in (("price_per_week", "lowest price per week", "o"),
                                      ("price_4_weeks", "price of 4 weeks", "s")):
        mine = [c for c in points if c["field"] == fieldname]
        if mine:
            ax.scatter([_when(c) for c in mine], [c["percent"] for c in mine], marker=marker, s=36, alpha=0.75,
                       label=label, zorder=3)
    if len(points) <= 12:
        # Few enough to name: which program moved is the first question.
        for c in points:
            label = c["title"] if len(c["title"]) <= 32 else c["title"][:31] + "…"
            ax.annotate(label, (_when(c), c["percent"]), xytext=(6, 0), textcoords="offset points",
                        fontsize=7, va="center", color="0.3")
    # Left alone, one crawl's changes (all at one moment) get an axis spanning years.
    first, last = min(map(_when, points)), max(map(_when, points))
    pad = max((last - first) * 0.08, timedelta(days=1))
    ax.set_xlim(first - pad, last + pad * (3 if len(points) <= 12 else 1))
    ax.axhline(0, color="0.4", linewidth=0.8)
    locator = AutoDateLocator()
    ax.xaxis.set_major_locator(locator)
    ax.xaxis.set_major_formatter(ConciseDateFormatter(locator))
    ax.yaxis.set_major_formatter(PercentFormatter())
    ax.set_ylabel("change, % of the old price")
    ax.grid(alpha=0.3)
    ax.legend(loc="best", fontsize=8)
    ax.set_title(title)
    return fig


# ---------------------------------------------------------------- HTML


def _e(value: Any) -> str:
    return html.escape("" if value is None else str(value))


def _num(value: Any) -> str:
    if value is None:
        return "-"
    if isinstance(value, float):
        return f"{value:,.2f}".rstrip("0").rstrip(".")
    return str(value)


def _table(table_id: str, headers: Sequence[str], rows: Sequence[Sequence[Any]], empty: str) -> str:
    if not rows:
        return f'<p class="empty" id="{table_id}">{_e(empty)}</p>'
    head = "".join(f"<th>{_e(h)}</th>" for h in headers)
    body = "\n".join("<tr>" + "".join(f"<td>{cell}</td>" for cell in row) + "</tr>" for row in rows)
    return f'<table id="{table_id}">\n<thead><tr>{head}</tr></thead>\n<tbody>\n{body}\n</tbody>\n</table>'


def _link(url: str, text: str) -> str:
    return f'<a href="{_e(url)}">{_e(text)}</a>'


def _median(values: list[float] | None) -> str:
    return _num(round(statistics.median(values), 2)) if values else "-"


def render_html(rep: Report) -> str:
    rates = ", ".join(rep.rates_dates) or "none"
    countries, providers = len(rep.prices_by_country), sum(1 for r in rep.per_provider if r[1])
    which_countries = (f" (the {MAX_COUNTRIES} with most priced programs of {countries})"
                       if countries > MAX_COUNTRIES else "")
    which_providers = (f" (the {MAX_PROVIDERS} with most active programs of {providers})"
                       if providers > MAX_PROVIDERS else "")
    country_rows = [
        [_e(c), str(active), str(gone), str(priced), _median(rep.prices_by_country.get(c))]
        for c, active, gone, priced in rep.per_country
    ]
    provider_rows = [[_e(p), str(active), str(gone), str(flagged)] for p, active, gone, flagged in rep.per_provider]
    change_rows = [
        [_e(c["changed_at"]), _link(c["url"], c["title"]), _e(c["provider"]),
         "per week" if c["field"] == "price_per_week" else "4 weeks",
         _e(_num(c["old_value"])), _e(_num(c["new_value"])), _e(c["currency"]),
         "-" if c["percent"] is None else f"{c['percent']:+.1f}%"]
        for c in reversed(rep.price_changes[-MAX_TABLE_ROWS:])
    ]
    gone_rows = [
        [_e(g["gone_since"]), _link(g["url"], g["title"]), _e(g["provider"]), _e(g["country"]), _e(g["first_seen"])]
        for g in rep.gone_programs[:MAX_TABLE_ROWS]
    ]
    more_changes = (f" The newest {MAX_TABLE_ROWS} of {len(rep.price_changes)} are listed."
                    if len(rep.price_changes) > MAX_TABLE_ROWS else "")
    more_gone = (f" The {MAX_TABLE_ROWS} most recent of {len(rep.gone_programs)} are listed."
                 if len(rep.gone_programs) > MAX_TABLE_ROWS else "")
    return f"""<!DOCTYPE html>
<html lang="en">
<head>
<meta charset="utf-8">
<title>internscope report: {_e(Path(rep.catalog).name)}</title>
<style>
body {{ font-family: system-ui, sans-serif; max-width: 70rem; margin: 2rem auto; padding: 0 1rem; color: #222; }}
figure {{ margin: 1.5rem 0; }} figure img {{ max-width: 100%; border: 1px solid #ddd; }}
figcaption {{ font-size: 0.92rem; color: #444; max-width: 52rem; }}
table {{ border-collapse: collapse; margin: 0.5rem 0 1.5rem; font-size: 0.92rem; }}
th, td {{ border: 1px solid #ccc; padding: 0.25rem 0.6rem; text-align: left; }}
td:not(:first-child) {{ font-variant-numeric: tabular-nums; }}
.empty {{ color: #666; font-style: italic; }}
</style>
</head>
<body>
<h1>internscope report</h1>
<p>Catalog <code>{_e(rep.catalog)}</code>, generated {_e(rep.generated_at)};
last crawl {_e(rep.last_crawl or "none")}.
<span id="totals">{rep.programs} programs ({rep.active} active, {rep.gone} gone)
from {rep.providers} providers.</span></p>
<p>Prices are compared in {INDEX_CURRENCY}, the catalog's index currency: each program's lowest price per week
(<code>programs.price_per_week_eur</code>) is derived from the fees its page states, in the page's own
currency, and converted with the dated exchange rates in <code>exchange_rates</code> (rates of {_e(rates)}).
"Gone" programs are pages a complete crawl of their site no longer found; they stay in the catalog.</p>

<h2>Price per week by country</h2>
<figure>
<img src="{PLOTS[0]}" alt="Lowest price per week by country, {INDEX_CURRENCY}">
<figcaption>One box per placement country{which_countries}, one dot per active
program with a price: its lowest price per week in {INDEX_CURRENCY} (a weekly rate as stated, a monthly rate
x 12/52, a daily rate x 7, or a total divided by its weeks; one-time fees left out), converted at the rates of
<code>price_rates_date</code>. The red line is the median, the box the middle half. Programs without a stated
program fee are left out.</figcaption>
</figure>

<h2>Red-flag prevalence by provider</h2>
<figure>
<img src="{PLOTS[1]}" alt="Red-flag prevalence by provider">
<figcaption>For each provider{which_providers} and red-flag code (with its
severity), the share of the provider's active programs whose page raised that flag (<code>flags</code> table;
n is the provider's number of active programs). A flag is raised from what a page says or leaves out, e.g.
<code>no_supervision</code> when no supervision is claimed.</figcaption>
</figure>

<h2>Price changes over time</h2>
<figure>
<img src="{PLOTS[2]}" alt="Price changes over time">
<figcaption>Each point is one recorded change (<code>program_changes</code>, fields <code>price_per_week</code>
and <code>price_4_weeks</code>) at the time the crawl saw it, as a percentage of the old price; both prices are
in the program's own currency, so exchange rates do not move them. A price that appeared or disappeared has no
percentage and is only listed below.</figcaption>
</figure>
<h3>Price changes</h3>
<p>Newest first; amounts in the program's own currency.{more_changes}</p>
{_table("price-changes", ["changed", "program", "provider", "price", "old", "new", "currency", "change"],
        change_rows, "No price changes recorded.")}

<h2>Programs per country</h2>
<p>All programs of the catalog by placement country; "with a price" counts active programs with a price per week;
the median is of those prices, in {INDEX_CURRENCY}.</p>
{_table("programs-per-country", ["country", "active", "gone", "with a price", f"median per week ({INDEX_CURRENCY})"],
        country_rows, "No programs.")}

<h2>Programs per provider</h2>
<p>"With a red flag" counts active programs with at least one flag.</p>
{_table("programs-per-provider", ["provider", "active", "gone", "with a red flag"], provider_rows, "No programs.")}

<h2>Gone programs</h2>
<p>Most recently gone first.{more_gone}</p>
{_table("gone-programs", ["gone since", "program", "provider", "country", "first seen"], gone_rows,
        "No gone programs.")}
</body>
</html>
"""


def write_report(db: sqlite_utils.Database, out_dir: Path, *, catalog: str, now: datetime | None = None) -> Path:
    """Write index.html and the plots into `out_dir` (created); returns the index path."""
    rep = collect(db, catalog, now=now)
    out_dir.mkdir(parents=True, exist_ok=True)
    for name, draw in zip(PLOTS, (plot_prices, plot_flags, plot_changes), strict=True):
        draw(rep).savefig(out_dir / name, dpi=_DPI)
    index = out_dir / "index.html"
    # Written last, under a temporary name: a reader never opens a page whose plots are missing.
    tmp = out_dir / ".index.html.tmp"
    tmp.write_text(render_html(rep), encoding="utf-8")
    os.replace(tmp, index)
    return index


@click.command()
@db_option
@click.option("--out", "out_dir", required=True, metavar="DIR",
              type=click.Path(file_okay=False, path_type=Path), help="Directory for index.html and the plots.")
def report(db_path: Path, out_dir: Path) -> None:
    """Write an HTML report (DIR/index.html and PNG plots): prices by country, flags by provider, price changes."""
    if out_dir.exists() and not out_dir.is_dir():
        raise CliError(f"--out {out_dir} exists and is not a directory")
    db = open_read(db_path)
    try:
        try:
            index = write_report(db, out_dir, catalog=str(db_path.resolve()))
        except OSError as e:
            raise CliError(f"cannot write the report to {out_dir}: {e.strerror or e}") from None
    finally:
        db.close()
    click.echo(f"Wrote {index} and {len(PLOTS)} plots")
