"""Charts and the one-page brief (图表与决策简报) from result folders, in Chinese and English.

    from sim import charts
    folder = charts.load("results/example_city/three_year_plan")
    figure = charts.places_per_1000(folder, language="en")   # a matplotlib Figure; or ax=… to draw into yours
    charts.render(folder, language="zh")                      # every chart → results/…/charts/zh/*.png
    charts.write_brief(folder, language="zh")                 # brief_zh.pdf and brief_zh.png

Every chart reads the folder's tidy tables (never live model objects), takes ``language`` ("zh" or "en")
and ``ax=None`` (or ``axes=None`` where it draws several panels), and returns the figure. Importing this
package registers the bundled Chinese font with matplotlib.
"""

from sim.charts.brief import brief, pages, write_brief
from sim.charts.catalogue import CHARTS, Chart, select
from sim.charts.compare import differences, scenarios
from sim.charts.districts import binding, districts
from sim.charts.maps import LAYERS as MAPS
from sim.charts.maps import map_page, street_map
from sim.charts.money import cumulative_cost, funds, spending
from sim.charts.places import certification, enrolment, places_demand, places_per_1000, staff, street_centres
from sim.charts.render import FORMATS, render, render_maps
from sim.charts.sweep import correlation, morris, sobol, tornado
from sim.charts.words import LANGUAGES
from sim.result_folders import CompareFolder, ResultFolder, RunFolder, SweepFolder, load

__all__ = [
    "CHARTS", "FORMATS", "LANGUAGES", "MAPS", "Chart", "CompareFolder", "ResultFolder", "RunFolder", "SweepFolder",
    "binding", "brief", "certification", "correlation", "cumulative_cost", "differences", "districts", "enrolment",
    "funds", "load", "map_page", "morris", "pages", "places_demand", "places_per_1000", "render", "render_maps",
    "scenarios",
    "select", "sobol", "spending", "staff", "street_centres", "street_map", "tornado", "write_brief",
]
