"""Consistency checks of an audit's figures (issue 18; domain.md §7: the 2023 case of
three years of energy and water data contradicting each other, online monitoring left
out; end-of-pipe treatment presented as cleaner production).

Each check returns a signal `{"code", "params"}` (plain JSON, the shape of
assessments.compliance) whose params carry the figures side by side, under "figures":
a list of rows, each a dict of the numbers and names the panel compares. None is a
verdict: each is a question for the panel.
"""

import re
from decimal import Decimal

from audits.choices import BalanceKind, Indicator
from audits.models import Balance, Option, OptionBenefit

from . import energy
from .choices import LineCategory
from .models import MonitoringImport, Survey

# A target's baseline may differ from the survey by this much (rounding, a partial year).
BASELINE_TOLERANCE_PCT = Decimal(5)
# Words that mark treatment at the end of the pipe, in the option's title (domain.md §7).
END_OF_PIPE_WORDS = (
    "treatment",
    "wastewater plant",
    "desulfuri",
    "denitri",
    "dust collector",
    "dust filter",
    "bag filter",
    "scrubber",
    "incinerat",
    "activated carbon adsorption",
    "end-of-pipe",
    "end of pipe",
    "末端",
    "治理",
    "污水处理",
    "废水处理",
    "废气处理",
    "脱硫",
    "脱硝",
    "除尘",
    "活性炭吸附",
    "焚烧",
)
# A pollutant by any of its usual names.
POLLUTANT_ALIASES = {
    "cod": "cod",
    "codcr": "cod",
    "化学需氧量": "cod",
    "ammonia nitrogen": "ammonia_nitrogen",
    "nh3-n": "ammonia_nitrogen",
    "氨氮": "ammonia_nitrogen",
    "so2": "so2",
    "sulphur dioxide": "so2",
    "sulfur dioxide": "so2",
    "二氧化硫": "so2",
    "nox": "nox",
    "nitrogen oxides": "nox",
    "氮氧化物": "nox",
    "particulates": "particulates",
    "particulate matter": "particulates",
    "dust": "particulates",
    "颗粒物": "particulates",
    "烟尘": "particulates",
    "粉尘": "particulates",
    "vocs": "vocs",
    "voc": "vocs",
    "挥发性有机物": "vocs",
}
# The benefit indicators (api.md) and the survey total each is bounded by.
BENEFIT_BOUNDS = {
    Indicator.WATER: ("category", LineCategory.WATER),
    Indicator.WASTEWATER: ("category", LineCategory.WASTEWATER),
    Indicator.RAW_MATERIAL: ("category", LineCategory.RAW_MATERIAL),
    Indicator.SOLID_WASTE: ("category", LineCategory.SOLID_WASTE),
    Indicator.HAZARDOUS_WASTE: ("category", LineCategory.HAZARDOUS_WASTE),
    Indicator.ENERGY: ("tce", None),
    Indicator.ELECTRICITY: ("carrier", "electricity"),
    Indicator.COD: ("pollutant", "cod"),
    Indicator.AMMONIA_NITROGEN: ("pollutant", "ammonia_nitrogen"),
    Indicator.SO2: ("pollutant", "so2"),
    Indicator.NOX: ("pollutant", "nox"),
    Indicator.PARTICULATES: ("pollutant", "particulates"),
    Indicator.VOCS: ("pollutant", "vocs"),
}
# Water is counted in tonnes or cubic metres alike.
SAME_AS_TONNES = {LineCategory.WATER, LineCategory.WASTEWATER}


def text(value) -> str | None:
    """A figure as plain text, six significant digits at most."""
    if value is None:
        return None
    value = Decimal(value)
    if value == 0:
        return "0"
    return format(Decimal(f"{value:.6g}").normalize(), "f")


def pct(value) -> str:
    return format(Decimal(value).quantize(Decimal("0.1")), "f")


def pollutant_key(name: str) -> str:
    key = re.sub(r"\s+", " ", name.strip().lower())
    return POLLUTANT_ALIASES.get(key, key)


def _in_tonnes(line) -> Decimal | None:
    """The scale of a line's unit to tonnes (m³ of water counted as tonnes)."""
    known = energy.base(line.unit)
    if known is None:
        return None
    unit, scale = known
    if unit == "t" or (unit == "m³" and line.category in SAME_AS_TONNES):
        return scale
    return None


class Figures:
    """The survey's yearly totals, read once from its prefetched lines."""

    def __init__(self, survey: Survey):
        self.survey = survey
        self.years = survey.years
        self.lines = list(survey.lines.all())

    def of(self, category) -> list:
        return [line for line in self.lines if line.category == category]

    def total(self, lines, index) -> Decimal | None:
        """The lines' sum in tonnes for year `index`, or None without any value."""
        values = [
            line.values[index] * scale
            for line in lines
            if line.values[index] is not None and (scale := _in_tonnes(line)) is not None
        ]
        return sum(values, Decimal(0)) if values else None

    def category_totals(self, category) -> list:
        return [self.total(self.of(category), i) for i in range(len(self.years))]

    def tce_totals(self) -> list:
        lines = self.of(LineCategory.ENERGY)
        totals = []
        for index in range(len(self.years)):
            values = [line.tce[index] for line in lines if line.tce[index] is not None]
            totals.append(sum(values, Decimal(0)) if values else None)
        return totals

    def carrier_totals(self, carrier) -> list:
        """An energy carrier's yearly totals in its base unit."""
        lines = [line for line in self.of(LineCategory.ENERGY) if line.carrier == carrier]
        totals = []
        for index in range(len(self.years)):
            values = [
                line.values[index] * known[1]
                for line in lines
                if line.values[index] is not None and (known := energy.base(line.unit))
            ]
            totals.append(sum(values, Decimal(0)) if values else None)
        return totals

    def pollutant_totals(self, key) -> list:
        pollutants = self.of(LineCategory.POLLUTANT)
        lines = [line for line in pollutants if pollutant_key(line.name) == key]
        return [self.total(lines, i) for i in range(len(self.years))] if lines else None

    def output(self) -> tuple[list, str] | None:
        """The yearly output: the output lines in the first one's unit, summed."""
        outputs = self.of(LineCategory.OUTPUT)
        if not outputs:
            return None
        unit = energy.normal_unit(outputs[0].unit)
        same = [line for line in outputs if energy.normal_unit(line.unit) == unit]
        totals = []
        for index in range(len(self.years)):
            values = [line.values[index] for line in same if line.values[index] is not None]
            totals.append(sum(values, Decimal(0)) if values else None)
        return totals, outputs[0].unit

    def series(self) -> list[dict]:
        """What is compared per unit of output: the energy in tce, and every line that
        is not an output or an energy carrier."""
        energy_lines = self.of(LineCategory.ENERGY)
        series = []
        if energy_lines:
            series.append(
                {
                    "line": "tce",
                    "unit": "tce",
                    "values": self.tce_totals(),
                    "reason": " ".join(line.reason for line in energy_lines if line.reason),
                }
            )
        for line in self.lines:
            if line.category not in (LineCategory.OUTPUT, LineCategory.ENERGY):
                series.append(
                    {
                        "line": line.name,
                        "unit": line.unit,
                        "values": line.values,
                        "reason": line.reason,
                    }
                )
        return series


def load(audit) -> Figures | None:
    survey = Survey.objects.filter(audit=audit).prefetch_related("lines").first()
    return None if survey is None else Figures(survey)


def intensity_jumps(figures: Figures) -> dict | None:
    """A year whose intensity (per unit of output) moves more than the survey's threshold
    against the year before, without a reason stated on its line."""
    output = figures.output()
    if output is None:
        return None
    outputs, output_unit = output
    threshold = figures.survey.intensity_threshold_pct
    rows = []
    for series in figures.series():
        if series["reason"].strip():
            continue
        intensity = [
            value / out if value is not None and out else None
            for value, out in zip(series["values"], outputs, strict=True)
        ]
        for index in range(1, len(intensity)):
            before, now = intensity[index - 1], intensity[index]
            if not before or now is None:
                continue
            change = (now - before) / before * 100
            if abs(change) > threshold:
                rows.append(
                    {
                        "line": series["line"],
                        "unit": f"{series['unit']}/{output_unit}",
                        "year_before": figures.years[index - 1],
                        "intensity_before": text(before),
                        "year": figures.years[index],
                        "intensity": text(now),
                        "change_pct": pct(change),
                    }
                )
    if not rows:
        return None
    return {"code": "intensity_jump", "params": {"threshold": pct(threshold), "figures": rows}}


def _balance_basis(balance, figures: Figures):
    """The survey's yearly totals a balance of the focus must stay within, in the
    balance's unit, or None when the units do not compare (a balance per day)."""
    unit = energy.normal_unit(balance.unit)
    if "/" in unit:
        return None
    known = energy.base(unit)
    if known is None:
        return None
    base_unit, scale = known
    if balance.kind == BalanceKind.ENERGY and base_unit == "tce":
        totals = figures.tce_totals()
    elif balance.kind == BalanceKind.WATER and base_unit in ("t", "m³"):
        totals = figures.category_totals(LineCategory.WATER)
    elif balance.kind == BalanceKind.MATERIAL and base_unit == "t":
        totals = figures.category_totals(LineCategory.RAW_MATERIAL)
    else:
        return None
    return [None if t is None else t / scale for t in totals]


def balance_contradictions(audit, figures: Figures) -> dict | None:
    """A balance of the audit focus (a part of the plant) that takes in more than the
    whole plant used in every year of the survey."""
    rows = []
    for balance in Balance.objects.filter(audit=audit).prefetch_related("flows"):
        totals = _balance_basis(balance, figures)
        if totals is None or all(t is None for t in totals):
            continue
        inputs, _outputs = balance.totals()
        ceiling = max(t for t in totals if t is not None)
        if inputs > ceiling * (1 + balance.tolerance_pct / 100):
            rows.append(
                {
                    "balance": balance.title,
                    "unit": balance.unit,
                    "inputs": text(inputs),
                    "survey": [text(t) for t in totals],
                    "years": figures.years,
                }
            )
    if not rows:
        return None
    return {"code": "balance_exceeds_survey", "params": {"figures": rows}}


def _target_basis(target, figures: Figures) -> list | None:
    """The survey's yearly figures a target's baseline stands for: a line named in the
    target's indicator, as a total (same unit) or per unit of output ("t/t"); the
    energy in tce when the target speaks of energy."""
    indicator = target.indicator.lower()
    unit = energy.normal_unit(target.unit)
    output = figures.output()
    output_unit = energy.normal_unit(output[1]) if output else None
    candidates = []
    if unit.startswith("tce") and any(w in indicator for w in ("energy", "能耗", "能源")):
        candidates.append(("tce", figures.tce_totals()))
    for line in figures.lines:
        if line.category == LineCategory.OUTPUT or line.name.lower() not in indicator:
            continue
        candidates.append((energy.normal_unit(line.unit), line.values))
    for line_unit, values in candidates:
        if unit == line_unit:
            return values
        if output and unit == f"{line_unit}/{output_unit}":
            return [
                value / out if value is not None and out else None
                for value, out in zip(values, output[0], strict=True)
            ]
    return None


def target_baselines(audit, figures: Figures) -> dict | None:
    """A target whose baseline is none of the survey's figures for it (within 5 %): the
    report says one thing and the survey another."""
    rows = []
    for target in audit.targets.all():
        if target.baseline is None:
            continue
        values = _target_basis(target, figures)
        if values is None or values[-1] is None:
            continue
        latest = values[-1]
        if not latest:
            continue
        difference = abs(target.baseline - latest) / abs(latest) * 100
        if difference > BASELINE_TOLERANCE_PCT:
            rows.append(
                {
                    "target": target.indicator,
                    "unit": target.unit,
                    "baseline": text(target.baseline),
                    "year": figures.years[-1],
                    "survey": text(latest),
                    "difference_pct": pct(difference),
                }
            )
    if not rows:
        return None
    return {"code": "target_differs_from_survey", "params": {"figures": rows}}


def monitoring_differences(audit, figures: Figures) -> dict | None:
    """Monitored or permitted emissions (the latest import of each source) that differ
    from the declared ones beyond the survey's tolerance, or were not declared at all."""
    latest = {}
    imports = MonitoringImport.objects.filter(audit=audit).prefetch_related("figures")
    for record in imports.order_by("imported_at", "id"):
        latest[record.source] = record
    tolerance = figures.survey.monitoring_tolerance_pct
    rows = []
    for source, record in sorted(latest.items()):
        for figure in record.figures.all():
            if figure.year not in figures.years:
                continue
            known = energy.base(figure.unit)
            if known is None or known[0] != "t":
                continue
            monitored = figure.quantity * known[1]
            index = figures.years.index(figure.year)
            totals = figures.pollutant_totals(pollutant_key(figure.pollutant))
            declared = totals[index] if totals else None
            if declared is None:
                difference = None
            elif monitored:
                difference = abs(declared - monitored) / monitored * 100
            else:
                difference = Decimal(0) if not declared else Decimal(100)
            if difference is None or difference > tolerance:
                rows.append(
                    {
                        "pollutant": figure.pollutant,
                        "year": figure.year,
                        "unit": "t",
                        "declared": text(declared),
                        "monitored": text(monitored),
                        "source": source,
                        "difference_pct": None if difference is None else pct(difference),
                    }
                )
    if not rows:
        return None
    return {
        "code": "monitoring_differs",
        "params": {"tolerance": pct(tolerance), "figures": rows},
    }


def _bound(figures: Figures, indicator) -> tuple[Decimal, int] | None:
    """The most the survey shows the plant used or emitted of what a benefit saves, in
    any of its years, with that year."""
    kind, key = BENEFIT_BOUNDS.get(indicator, (None, None))
    if kind == "category":
        totals = figures.category_totals(key)
    elif kind == "tce":
        totals = figures.tce_totals() if figures.of(LineCategory.ENERGY) else None
    elif kind == "carrier":
        totals = figures.carrier_totals(key)
    elif kind == "pollutant":
        totals = figures.pollutant_totals(key)
    else:
        return None
    if not totals or all(t is None for t in totals):
        return None
    value, year = max((t, y) for t, y in zip(totals, figures.years, strict=True) if t is not None)
    return value, year


def impossible_benefits(audit, figures: Figures) -> dict | None:
    """An option (or all options together) saving more of something than the plant used
    or emitted in any year of the survey, e.g. more water than it takes in."""
    benefits = OptionBenefit.objects.filter(option__audit=audit).select_related("option")
    by_indicator: dict[str, list] = {}
    for benefit in benefits.order_by("option__code"):
        by_indicator.setdefault(benefit.indicator, []).append(benefit)
    rows = []
    for indicator, items in by_indicator.items():
        bound = _bound(figures, indicator)
        if bound is None:
            continue
        ceiling, year = bound
        claims = [(b.option.code, max(b.expected or 0, b.actual or 0)) for b in items]
        total = sum((claim for _code, claim in claims), Decimal(0))
        over = [(code, claim) for code, claim in claims if claim > ceiling]
        if len(claims) > 1 and total > ceiling and not over:
            over = [("+".join(code for code, _claim in claims), total)]
        for code, claim in over:
            rows.append(
                {
                    "option": code,
                    "indicator": indicator,
                    "benefit": text(claim),
                    "year": year,
                    "survey": text(ceiling),
                }
            )
    if not rows:
        return None
    return {"code": "benefit_exceeds_survey", "params": {"figures": rows}}


def end_of_pipe(audit) -> dict | None:
    """Options marked as end-of-pipe treatment, or whose title speaks of treatment."""
    rows = []
    for option in Option.objects.filter(audit=audit).order_by("code"):
        title = option.title.lower()
        word = next((w for w in END_OF_PIPE_WORDS if w in title), None)
        if option.end_of_pipe or word:
            rows.append(
                {
                    "option": option.code,
                    "title": option.title,
                    "cost_class": option.cost_class,
                    "marked": option.end_of_pipe,
                    "matched": word or "",
                }
            )
    if not rows:
        return None
    return {"code": "end_of_pipe", "params": {"count": len(rows), "figures": rows}}


def figure_signals(audit) -> list[dict]:
    """Every figure signal of the audit, in a fixed order."""
    signals = []
    figures = load(audit)
    if figures is not None:
        signals += [
            intensity_jumps(figures),
            balance_contradictions(audit, figures),
            target_baselines(audit, figures),
            monitoring_differences(audit, figures),
            impossible_benefits(audit, figures),
        ]
    signals.append(end_of_pipe(audit))
    return [signal for signal in signals if signal]
