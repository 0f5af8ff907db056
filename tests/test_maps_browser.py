"""The maps as a reader's browser draws them: the basemap loads, the markers sit
on it, and no two labels overlap with real fonts, at desktop and phone widths."""

from __future__ import annotations

from collections.abc import Iterator
from typing import Any

import pytest
from publish_helpers import playwright_chromium, serve
from site_helpers import build, copy_project

PAGES = ["", "situation/2024-12-06-rebels-within-5km-of-homs/", "places/homs/"]

pytestmark = pytest.mark.slow

# Every label's box on the screen, whether the basemap loaded, and the image's and
# the overlay's boxes (they must coincide for the markers to sit on the land).
MEASURE = """() => {
  const fig = document.querySelector('.bf-map');
  if (!fig) return null;
  const img = fig.querySelector('img.bf-map-base');
  const svg = fig.querySelector('svg.bf-map-overlay');
  const box = (e) => { const r = e.getBoundingClientRect();
    return [r.left, r.top, r.right, r.bottom]; };
  return {
    loaded: img.complete && img.naturalWidth > 0,
    img: box(img), svg: box(svg),
    labels: [...svg.querySelectorAll('text')].filter(t => t.textContent.trim())
      .map(t => [t.textContent, box(t)]),
  };
}"""


@pytest.fixture(scope="module")
def site(tmp_path_factory: pytest.TempPathFactory) -> Iterator[str]:
    project = copy_project(tmp_path_factory.mktemp("maps") / "project")
    result = build(project)
    assert result.returncode == 0, result.stdout
    with serve(project / "site") as (url, _requested):
        yield url


@pytest.fixture(scope="module")
def browser() -> Iterator[Any]:
    with playwright_chromium() as launched:
        yield launched


def _apart(a: list[float], b: list[float]) -> bool:
    return a[2] <= b[0] or b[2] <= a[0] or a[3] <= b[1] or b[3] <= a[1]


@pytest.mark.parametrize("width", [1280, 390])
@pytest.mark.parametrize("page", PAGES)
def test_labels_never_overlap_and_the_basemap_sits_under_the_markers(
    site: str, browser: Any, page: str, width: int
) -> None:
    tab = browser.new_page(viewport={"width": width, "height": 900})
    try:
        tab.goto(site + page)
        tab.wait_for_load_state("load")
        measured = tab.evaluate(MEASURE)
    finally:
        tab.close()
    assert measured is not None, f"no map on /{page}"
    assert measured["loaded"], "the basemap image did not load"
    assert measured["img"] == pytest.approx(measured["svg"], abs=1.0)
    labels = measured["labels"]
    assert labels
    for i, (name_a, box_a) in enumerate(labels):
        for name_b, box_b in labels[i + 1 :]:
            assert _apart(box_a, box_b), f"{name_a!r} overlaps {name_b!r} at {width} px"
        assert box_a[0] >= measured["svg"][0] - 1 and box_a[2] <= measured["svg"][2] + 1, name_a
