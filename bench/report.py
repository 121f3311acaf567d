"""Writing benchmark results into docs/benchmarks.md, one marked section per benchmark."""

from pathlib import Path

BENCHMARKS = Path(__file__).resolve().parent.parent / "docs" / "benchmarks.md"


def write_section(marker: str, title: str, text: str) -> None:
    """Replace the text between <!-- marker --> and <!-- /marker -->, or add the section."""
    document = BENCHMARKS.read_text(encoding="utf-8") if BENCHMARKS.exists() else "# Benchmarks\n"
    start, end = f"<!-- {marker} -->", f"<!-- /{marker} -->"
    block = f"{start}\n{text}\n{end}"
    if start in document:
        document = (
            document[: document.index(start)] + block + document[document.index(end) + len(end) :]
        )
    else:
        document += f"\n## {title}\n\n{block}\n"
    BENCHMARKS.write_text(document, encoding="utf-8")
