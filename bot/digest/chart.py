"""The digest's chart: estimated cost per day (typically the last 14), stacked by model, as PNG bytes.

Headless and free of process-wide state: a `Figure` drawn by its own `FigureCanvasAgg`, never pyplot (whose figure
registry leaks figures unless closed and is not thread-safe), so no `matplotlib.use("Agg")` either — a canvas
attached by hand needs no backend switch. matplotlib is imported inside the functions, so importing this module is
cheap; the first chart of a process pays for the import.

Fonts: a title may be Korean. `hangul_font()` looks once per process for an installed font that draws Hangul —
known names first (Noto Sans CJK, Noto Sans KR, NanumGothic, Malgun Gothic, AppleGothic, …), then any font whose
character map covers Hangul syllables. matplotlib's bundled "Last Resort" font claims every character but draws
boxes, so it never counts. With such a font, every text uses it (DejaVu Sans after it for any glyph it lacks).
Without one, a title containing Hangul is replaced by `fallback_title`, or, when that is None, by the title with
its non-ASCII characters removed — never drawn as empty boxes. Legend names are drawn as given.

Output: 1000×500 px (10×5 in at 100 dpi), PNG without the "Software" text chunk, so the bytes depend only on the
data and on the matplotlib/FreeType build that draws them.
"""

from __future__ import annotations

import io
import re
from collections.abc import Callable, Mapping, Sequence
from datetime import date
from decimal import Decimal
from functools import cache
from typing import TYPE_CHECKING

if TYPE_CHECKING:
    from matplotlib.axes import Axes
    from matplotlib.figure import Figure
    from matplotlib.font_manager import FontProperties

OTHER = "Other"
NO_USAGE = "no usage"
WIDTH_IN, HEIGHT_IN, DPI = 10, 5, 100
MAX_LABELLED_BARS = 14  # more bars than this: no totals above them, tilted day labels
HANGUL_FONT_NAMES = (
    "Noto Sans CJK",
    "Noto Serif CJK",
    "Noto Sans KR",
    "NanumGothic",
    "Nanum Gothic",
    "NanumBarunGothic",
    "Malgun",
    "AppleGothic",
    "Apple SD Gothic",
    "Source Han Sans",
    "UnDotum",
)
_NOT_HANGUL = ("Last Resort",)  # claims every code point, draws boxes
_HANGUL_PROBES = (0xAC00, 0xD55C, 0xD7A3)  # 가 한 힣
_HANGUL = re.compile("[\u1100-\u11ff\u3130-\u318f\uac00-\ud7a3]")
_OTHER_COLOUR = "#b0b0b0"


def stack(series: Mapping[str, Sequence[Decimal]], top: int) -> dict[str, list[Decimal]]:
    """The series to draw, bottom of the stack first: the `top` models by total cost under their own names
    (largest first, ties by name), then every other model summed day by day as "Other". Models whose total is
    zero are left out. Raises ValueError when the series differ in length or `top` < 1."""
    if top < 1:
        raise ValueError(f"top must be at least 1, not {top}")
    if len({len(values) for values in series.values()}) > 1:
        raise ValueError("every series must have one value per day")
    totals = {name: sum(values, Decimal(0)) for name, values in series.items()}
    ranked = sorted((name for name, total in totals.items() if total != 0), key=lambda n: (-totals[n], n))
    drawn = {name: list(series[name]) for name in ranked[:top]}
    rest = ranked[top:]
    if rest:
        other = [sum(day, Decimal(0)) for day in zip(*(series[name] for name in rest), strict=True)]
        previous = drawn.pop(OTHER, [Decimal(0)] * len(other))  # a model literally named "Other" joins the bucket
        drawn[OTHER] = [a + b for a, b in zip(previous, other, strict=True)]
    return drawn


@cache
def hangul_font() -> str | None:
    """The family name of an installed font that draws Hangul, or None. Looked up once per process: the glyph
    scan, reached only when no known name is installed, opens every font file (~0.3 s for 70 fonts)."""
    from matplotlib import font_manager, ft2font

    fonts = [f for f in font_manager.fontManager.ttflist if not f.name.startswith(_NOT_HANGUL)]
    for wanted in HANGUL_FONT_NAMES:
        for font in fonts:
            if wanted.lower() in font.name.lower():
                return font.name
    for font in fonts:
        try:
            charmap = ft2font.FT2Font(font.fname).get_charmap()
        except (OSError, RuntimeError, ValueError):
            continue
        if all(code in charmap for code in _HANGUL_PROBES):
            return font.name
    return None


def display_title(title: str, *, fallback: str | None, font: str | None) -> str:
    """`title` as it can be drawn: unchanged with a Hangul `font` or without Hangul; otherwise `fallback`, or the
    title without its non-ASCII characters (whitespace collapsed) when there is no fallback."""
    if font is not None or not _HANGUL.search(title):
        return title
    if fallback is not None:
        return fallback
    return " ".join(title.encode("ascii", "ignore").decode("ascii").split())


def cost_figure(
    days: Sequence[date],
    series: Mapping[str, Sequence[Decimal]],
    *,
    title: str,
    currency_label: str = "USD (estimated)",
    top: int = 6,
    fallback_title: str | None = None,
) -> Figure:
    """The chart as a matplotlib `Figure` on an Agg canvas (what `cost_chart` renders; tests read its texts)."""
    for name, values in series.items():
        if len(values) != len(days):
            raise ValueError(f"series {name!r} has {len(values)} values for {len(days)} days")
    from matplotlib.backends.backend_agg import FigureCanvasAgg
    from matplotlib.figure import Figure
    from matplotlib.font_manager import FontProperties

    family = hangul_font()
    font = FontProperties(family=[family, "DejaVu Sans"]) if family else FontProperties()
    figure = Figure(figsize=(WIDTH_IN, HEIGHT_IN), dpi=DPI, layout="constrained")
    FigureCanvasAgg(figure)
    ax = figure.add_subplot()
    ax.set_title(display_title(title, fallback=fallback_title, font=family), fontproperties=font, fontsize=13)
    ax.set_ylabel(currency_label, fontproperties=font)
    ax.spines[["top", "right"]].set_visible(False)
    ax.grid(axis="y", alpha=0.3)
    ax.set_axisbelow(True)
    ax.set_xticks(range(len(days)), [d.strftime("%m-%d") for d in days], rotation=0 if _labelled(days) else 45)
    drawn = stack(series, top)
    if drawn:
        _draw_bars(ax, days, drawn, font)
    else:
        ax.set(xlim=(-0.6, max(len(days), 1) - 0.4), ylim=(0, 1), yticks=[])  # no scale to show
        ax.text(0.5, 0.5, NO_USAGE, transform=ax.transAxes, ha="center", va="center", color="grey", fontsize=14)
    return figure


def cost_chart(
    days: Sequence[date],
    series: Mapping[str, Sequence[Decimal]],
    *,
    title: str,
    currency_label: str = "USD (estimated)",
    top: int = 6,
    fallback_title: str | None = None,
) -> bytes:
    """PNG bytes of a stacked bar chart of cost per day by model (`series`: display name -> cost per day, one value
    per `days` entry): the `top` models by total in their own colour, the rest as "Other", the day's total above
    each bar (up to 14 bars). No usage at all still renders, with a "no usage" note. Raises ValueError when a
    series' length differs from `days`'. See the module docstring for fonts and `fallback_title`."""
    figure = cost_figure(
        days, series, title=title, currency_label=currency_label, top=top, fallback_title=fallback_title
    )
    buffer = io.BytesIO()
    figure.savefig(buffer, format="png", dpi=DPI, metadata={"Software": None})  # on its Agg canvas
    return buffer.getvalue()


def money(amount: Decimal) -> str:
    """A day's total as written above its bar: "$1,234.56", "<$0.01" for a fraction of a cent."""
    if 0 < amount < Decimal("0.01"):
        return "<$0.01"
    return f"${amount:,.2f}"


def _labelled(days: Sequence[date]) -> bool:
    return len(days) <= MAX_LABELLED_BARS


def _draw_bars(ax: Axes, days: Sequence[date], drawn: dict[str, list[Decimal]], font: FontProperties) -> None:
    from matplotlib import colormaps
    from matplotlib.ticker import FuncFormatter

    palette = colormaps["tab10" if len(drawn) <= 10 else "tab20"]
    positions = range(len(days))
    bottom = [0.0] * len(days)
    for index, (name, values) in enumerate(drawn.items()):
        heights = [float(v) for v in values]
        colour = _OTHER_COLOUR if name == OTHER else palette(index % palette.N)
        ax.bar(positions, heights, bottom=bottom, width=0.8, label=name, color=colour)
        bottom = [b + h for b, h in zip(bottom, heights, strict=True)]
    totals = [sum(day, Decimal(0)) for day in zip(*drawn.values(), strict=True)]
    if _labelled(days):
        for position, total in zip(positions, totals, strict=True):
            if total != 0:
                ax.text(position, float(total), money(total), ha="center", va="bottom", fontsize=8)
    ax.margins(y=0.12)  # bars stick to zero; the headroom is for the totals
    ax.yaxis.set_major_formatter(FuncFormatter(_dollars(float(max(totals)))))
    handles, labels = ax.get_legend_handles_labels()
    legend_font = font.copy()
    legend_font.set_size(9)
    # listed top to bottom as stacked
    ax.legend(
        handles[::-1], labels[::-1], loc="upper left", bbox_to_anchor=(1.01, 1.0), frameon=False, prop=legend_font
    )


def _dollars(peak: float) -> Callable[[float, int | None], str]:
    decimals = 0 if peak >= 100 else 2 if peak >= 0.1 else 4

    def label(value: float, _position: int | None) -> str:
        return f"${value:,.{decimals}f}"

    return label
