"""The digest chart: PNG bytes and size, the "Other" grouping, empty data, the Hangul title fallback."""

from __future__ import annotations

import struct
import zlib
from collections.abc import Iterator
from datetime import date, timedelta
from decimal import Decimal

import pytest
from matplotlib import font_manager
from matplotlib.figure import Figure

from bot.digest import chart
from bot.digest.chart import OTHER, cost_chart, cost_figure, display_title, hangul_font, money, stack

DAYS = [date(2024, 10, 27) + timedelta(days=i) for i in range(14)]
PNG_SIGNATURE = b"\x89PNG\r\n\x1a\n"


def d(*values: str) -> list[Decimal]:
    return [Decimal(v) for v in values]


def flat(value: str, n: int = len(DAYS)) -> list[Decimal]:
    return [Decimal(value)] * n


def chunks(png: bytes) -> Iterator[tuple[bytes, bytes]]:
    """(type, data) of every chunk, checking each CRC, so a truncated or corrupt file fails here."""
    assert png[:8] == PNG_SIGNATURE
    offset = 8
    while offset < len(png):
        (length,) = struct.unpack(">I", png[offset : offset + 4])
        kind, data = png[offset + 4 : offset + 8], png[offset + 8 : offset + 8 + length]
        (crc,) = struct.unpack(">I", png[offset + 8 + length : offset + 12 + length])
        assert zlib.crc32(kind + data) == crc, kind
        yield kind, data
        offset += 12 + length


def size(png: bytes) -> tuple[int, int]:
    kinds = list(chunks(png))
    assert kinds[0][0] == b"IHDR" and kinds[-1][0] == b"IEND"
    width, height = struct.unpack(">II", kinds[0][1][:8])
    return width, height


def texts(figure: Figure) -> list[str]:
    return [t.get_text() for t in figure.axes[0].texts]


def test_chart_is_a_1000_by_500_png_without_a_version_string() -> None:
    series = {"Claude Sonnet 4": d(*[str(i) for i in range(14)]), "Nova Lite": flat("0.5")}
    png = cost_chart(DAYS, series, title="Bedrock cost")
    assert size(png) == (1000, 500)
    kinds = [kind for kind, _ in chunks(png)]
    assert b"IDAT" in kinds
    assert b"Matplotlib" not in png and b"Software" not in png


def test_same_data_gives_the_same_bytes_and_different_data_does_not() -> None:
    series = {"Claude Sonnet 4": flat("1.25"), "Nova Lite": flat("0.5")}
    first = cost_chart(DAYS, series, title="Bedrock cost")
    assert cost_chart(DAYS, series, title="Bedrock cost") == first
    assert cost_chart(DAYS, {**series, "Nova Lite": flat("0.75")}, title="Bedrock cost") != first


def test_stack_keeps_the_top_models_and_sums_the_rest_as_other() -> None:
    series = {
        "small": d("0.01", "0.02", "0"),
        "big": d("5", "5", "5"),
        "mid-b": d("1", "0", "1"),
        "mid-a": d("0", "2", "0"),
        "tiny": d("0", "0", "0.003"),
        "unused": d("0", "0", "0"),
    }
    assert stack(series, 3) == {
        "big": d("5", "5", "5"),
        "mid-a": d("0", "2", "0"),  # ties on total (2) go by name
        "mid-b": d("1", "0", "1"),
        OTHER: d("0.01", "0.02", "0.003"),
    }
    assert list(stack(series, 5)) == ["big", "mid-a", "mid-b", "small", "tiny"]  # no Other, no zero model
    assert stack({"a": d("1"), "b": d("2")}, 1) == {"b": d("2"), OTHER: d("1")}


def test_stack_rejects_bad_input() -> None:
    with pytest.raises(ValueError, match="top"):
        stack({"a": d("1")}, 0)
    with pytest.raises(ValueError, match="one value per day"):
        stack({"a": d("1", "2"), "b": d("1")}, 3)


def test_figure_draws_the_stack_with_a_legend_totals_and_day_labels() -> None:
    series = {name: flat(str(i + 1)) for i, name in enumerate("ABCDEFGH")}  # H is the largest
    series["A"] = [Decimal("0.004"), *flat("1", 13)]
    figure = cost_figure(DAYS, series, title="Bedrock cost", top=6)
    ax = figure.axes[0]
    legend = ax.get_legend()
    assert legend is not None
    assert [t.get_text() for t in legend.get_texts()] == [OTHER, "C", "D", "E", "F", "G", "H"]  # top of stack first
    assert [t.get_text() for t in ax.get_xticklabels()][:3] == ["10-27", "10-28", "10-29"]
    assert texts(figure)[:2] == ["$35.00", "$36.00"]  # 1..8 summed, but A's first day is 0.004
    assert ax.yaxis.get_major_formatter()(20, 0) == "$20.00"
    assert ax.get_title() == "Bedrock cost"


def test_more_than_fourteen_days_have_no_totals() -> None:
    days = [date(2024, 10, 1) + timedelta(days=i) for i in range(30)]
    figure = cost_figure(days, {"A": flat("1", 30)}, title="t")
    assert texts(figure) == []
    assert size(cost_chart(days, {"A": flat("1", 30)}, title="t")) == (1000, 500)


@pytest.mark.parametrize("series", [{}, {"Nova Lite": flat("0")}], ids=["empty", "all-zero"])
def test_no_usage_still_renders_with_a_note(series: dict[str, list[Decimal]]) -> None:
    assert texts(cost_figure(DAYS, series, title="Bedrock cost")) == ["no usage"]
    assert size(cost_chart(DAYS, series, title="Bedrock cost")) == (1000, 500)
    assert size(cost_chart([], {}, title="Bedrock cost")) == (1000, 500)


def test_mismatched_lengths_raise() -> None:
    with pytest.raises(ValueError, match="'Nova Lite' has 13 values for 14 days"):
        cost_chart(DAYS, {"Claude": flat("1"), "Nova Lite": flat("1", 13)}, title="t")


def test_money() -> None:
    assert money(Decimal("1234.567")) == "$1,234.57"
    assert money(Decimal("0.004")) == "<$0.01"
    assert money(Decimal("0")) == "$0.00"


def test_display_title_falls_back_only_for_hangul_without_a_font() -> None:
    title = "Bedrock 일일 비용 — 14 days"
    assert display_title(title, fallback="Daily cost", font=None) == "Daily cost"
    assert display_title(title, fallback=None, font=None) == "Bedrock 14 days"
    assert display_title(title, fallback="Daily cost", font="NanumGothic") == title
    assert display_title("Cost — 14 days", fallback="Daily cost", font=None) == "Cost — 14 days"


def test_figure_uses_the_fallback_title_when_no_font_draws_hangul(monkeypatch: pytest.MonkeyPatch) -> None:
    monkeypatch.setattr(chart, "hangul_font", lambda: None)
    figure = cost_figure(DAYS, {}, title="Bedrock 일일 비용", fallback_title="Bedrock daily cost")
    assert figure.axes[0].get_title() == "Bedrock daily cost"
    monkeypatch.setattr(chart, "hangul_font", lambda: "NanumGothic")
    figure = cost_figure(DAYS, {}, title="Bedrock 일일 비용", fallback_title="Bedrock daily cost")
    assert figure.axes[0].get_title() == "Bedrock 일일 비용"
    assert figure.axes[0].title.get_fontfamily()[0] == "NanumGothic"


@pytest.fixture
def fonts(monkeypatch: pytest.MonkeyPatch) -> Iterator[list[font_manager.FontEntry]]:
    """The font list `hangul_font` scans, starting with the fonts bundled with matplotlib (none draws Hangul)."""
    bundled = [f for f in font_manager.fontManager.ttflist if "mpl-data" in f.fname]
    assert any(f.name.startswith("DejaVu") for f in bundled)
    assert any(f.name.startswith("Last Resort") for f in bundled)  # claims every code point
    monkeypatch.setattr(font_manager.fontManager, "ttflist", bundled)
    hangul_font.cache_clear()
    yield bundled
    hangul_font.cache_clear()


def test_bundled_fonts_draw_no_hangul_not_even_last_resort(fonts: list[font_manager.FontEntry]) -> None:
    assert hangul_font() is None


def test_a_known_hangul_font_name_is_found(fonts: list[font_manager.FontEntry]) -> None:
    fonts.append(font_manager.FontEntry(fname="/nonexistent/NanumGothic.ttf", name="NanumGothic"))
    assert hangul_font() == "NanumGothic"
