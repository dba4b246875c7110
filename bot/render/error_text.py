"""Root-cause analysis in words: the phrases Slack and the terminal share, the terminal's text, the CSV table."""

from __future__ import annotations

from bot.rca.analysis import CategoryErrors, CategoryView, ErrorsView, Excess, ParetoRow
from bot.wording import p_value, percent, plural

CATEGORIES_SHOWN = 10
REPEATS_SHOWN = 10
_OUTCOMES = (("false_positive", "FP"), ("false_negative", "FN"), ("wrong_label", "wrong label"))


def scope_words(scopes: dict[str, str]) -> str:
    """'vendor Acme BPO queue video-uploads': the scope as it is typed again."""
    return " ".join(f"{kind} {label}" for kind, label in scopes.items()) or "org"


def rate(value: float | None) -> str:
    return "n/a" if value is None else f"{value:.1f}"


def change_words(row: ParetoRow) -> str:
    """'4.1 per 1,000 audits (was 3.3; +0.8, significant, p=0.003)'."""
    now = f"{rate(row.rate)} per 1,000 audits"
    if row.previous_rate is None or row.rate is None:
        return f"{now} (no audits in the previous period to compare with)"
    verdict = "significant" if row.significant else "not significant"
    return (f"{now} (was {rate(row.previous_rate)}; {row.rate - row.previous_rate:+.1f}, {verdict}, "
            f"{p_value(row.p_value)})")


def split_words(counts: CategoryErrors) -> str:
    """'critical 10 · major 50 · minor 60 | FP 20 · FN 90 · wrong label 10'."""
    severities = " · ".join(f"{level} {n:,}" for level, n in counts.severities.items())
    outcomes = " · ".join(f"{name} {getattr(counts, field):,}" for field, name in _OUTCOMES)
    return f"{severities} | {outcomes}"


def excess_line(part: Excess) -> str:
    verdict = "significant" if part.significant else "within chance"
    return (f"{part.name}: {part.errors:,} errors where its {part.audits:,} audits predict {part.expected:.1f} "
            f"({part.excess:+.1f}, {verdict}, {p_value(part.p_value)})")


def category_headline(view: CategoryView) -> str:
    share = view.errors / view.audits * 1000 if view.audits else None
    return (f"*{view.errors:,}* errors of *{view.category}* in {view.audits:,} audits: {rate(share)} per 1,000. "
            "Below, the parts with more of them than their volume predicts at that rate (p-values adjusted for "
            "the number of parts compared, Holm).")


def root_cause_words(view: ErrorsView) -> str:
    if view.root_causes is None:
        return "Escalations name a vendor and a queue only, so they can't be matched to this scope."
    if not view.root_causes:
        return "none resolved in this period"
    return " · ".join(f"{cause} {count:,}" for cause, count in view.root_causes)


def errors_text(view: ErrorsView | CategoryView) -> str:
    """What `qabot errors` prints."""
    if isinstance(view, CategoryView):
        return _category_text(view)
    pareto = view.pareto
    lines = [f"{view.label} · errors · {view.period.describe()}",
             f"  {pareto.audits:,} audits, {pareto.errors:,} errors"
             + (f"; {pareto.vital_few} of {len(pareto.rows)} categories make 80% of them" if pareto.errors else "")]
    for position, row in enumerate(pareto.rows, start=1):
        lines += [f"  {position:>2}. {row.category}: {row.counts.errors:,} ({percent(row.share, 0)}, "
                  f"cumulative {percent(row.cumulative_share, 0)})",
                  f"      {change_words(row)}",
                  f"      {split_words(row.counts)}"]
    lines.append(f"  Repeat errors ({view.repeat_min}+ of one category): "
                 + (", ".join(f"{r.agent_id} {r.category} x{r.errors}" for r in view.repeats) or "nobody"))
    lines.append(f"  Resolved escalations by root cause: {root_cause_words(view)}")
    return "\n".join(lines)


def _category_text(view: CategoryView) -> str:
    lines = [f"{view.label} · {view.category} · {view.period.describe()}",
             "  " + category_headline(view).replace("*", "")]
    for kind, parts in view.sources:
        lines.append(f"  {plural(kind).capitalize()} with more than their share:")
        lines += [f"    {excess_line(part)}" for part in parts] or ["    none above what its volume predicts"]
    if view.examples:
        lines.append("  Examples: " + ", ".join(view.examples))
    return "\n".join(lines)


def errors_table(view: ErrorsView | CategoryView) -> tuple[list[str], list[list]]:
    """The view as a table (header, rows) for `--csv`: every row, none left out."""
    if isinstance(view, CategoryView):
        return (["kind", "name", "audits", "errors", "expected", "excess", "p_value"],
                [[kind, part.name, part.audits, part.errors, round(part.expected, 3), round(part.excess, 3),
                  part.p_value] for kind, parts in view.sources for part in parts])
    header = ["category", "errors", "share", "cumulative_share", "critical", "major", "minor", "unspecified",
              "false_positive", "false_negative", "wrong_label", "rate_per_1000", "previous_rate_per_1000", "p_value"]
    rows = []
    for row in view.pareto.rows:
        counts = row.counts
        rows.append([row.category, counts.errors, round(row.share, 6), round(row.cumulative_share, 6), counts.critical,
                     counts.major, counts.minor, counts.severities.get("unspecified", 0), counts.false_positive,
                     counts.false_negative, counts.wrong_label, row.rate, row.previous_rate, row.p_value])
    return header, rows
