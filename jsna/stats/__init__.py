"""Published indicator statistics (PHE / OHID methods), vectorised."""

from jsna.stats.compare import compare
from jsna.stats.dsr import ESP2013, dsr
from jsna.stats.funnels import funnel_limits, funnel_significance
from jsna.stats.isr import isr
from jsna.stats.rates import crude_rate, mean_ci, proportion
from jsna.stats.trend import recent_trend

__all__ = [
    "ESP2013",
    "compare",
    "crude_rate",
    "dsr",
    "funnel_limits",
    "funnel_significance",
    "isr",
    "mean_ci",
    "proportion",
    "recent_trend",
]

# life expectancy and inequality verbs
from jsna.stats.inequality import quantiles, sii  # noqa: E402
from jsna.stats.life_expectancy import life_expectancy  # noqa: E402

__all__ += ["life_expectancy", "quantiles", "sii"]

# gaps in life expectancy by age and cause
from jsna.stats.decomposition import arriaga, arriaga_effects, cause_shares  # noqa: E402

__all__ += ["arriaga", "arriaga_effects", "cause_shares"]
from jsna.stats.healthy_life_expectancy import healthy_life_expectancy, sullivan  # noqa: E402

__all__ += ["healthy_life_expectancy", "sullivan"]
