"""Medians and ranges over runs (dicts of figures), formatted for the markdown tables."""

import statistics


def figures(runs, key):
    """(median, min, max) of `key` over the runs that have it, or None."""
    values = [r[key] for r in runs if r.get(key) is not None]
    if not values:
        return None
    return statistics.median(values), min(values), max(values)


def fmt(fig, digits=2, unit=""):
    if fig is None:
        return "n/a"
    med, lo, hi = fig
    if lo == hi:
        return f"{med:.{digits}f}{unit}"
    return f"{med:.{digits}f}{unit} ({lo:.{digits}f}–{hi:.{digits}f})"


def med(runs, key):
    fig = figures(runs, key)
    return fig[0] if fig else None


def spread(count, rounds):
    """`count` round indexes spread evenly over `rounds` (the first and the last included)."""
    if count >= rounds:
        return set(range(rounds))
    if count == 1:
        return {0}
    return {round(i * (rounds - 1) / (count - 1)) for i in range(count)}


def verdict(ok, text):
    """One target's line in the report: PASS, FAIL, or n/a when it could not be measured."""
    if ok is None:
        return f"- n/a  {text}"
    return f"- {'PASS' if ok else 'FAIL'} {text}"
