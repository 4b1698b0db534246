"""The version of the calculation method and its parameters that are not factors.

A change to a formula or to one of these parameters is a new method version: the version is
reported with every estimate, beside the factor-set version.
"""

METHOD_VERSION = "2.0"

# Monte Carlo (lca.engine.montecarlo)
DEFAULT_SAMPLES = 1000  # Latin hypercube draws (lca.engine.montecarlo.quantiles)
DEFAULT_SEED = 0
MAX_SAMPLES_PER_REQUEST = 400_000  # profiles x samples in one comparison or batch
LOW_PERCENTILE, HIGH_PERCENTILE = 5.0, 95.0
LOG_SCALE_RATIO = 10.0  # ranges wider than this are drawn on a log scale
MAX_DRIVERS = 8
MIN_DRIVER_SHARE = 0.01

# What the figures' values are (lca.engine.montecarlo, module doc), stated in every response
VALUE_BASIS = ("median inputs: every value is computed with each input at its median (a "
               "factor's value, a given range's value or midpoint), so figures add up and "
               "gwp = energy x factor holds; low and high are the 5th and 95th percentiles of "
               "the Monte Carlo")

# Serving setups no real service runs (lca.model.warnings): a replica larger than one server's
# NVLink/ICI domain (8 accelerators in HGX and DGX servers, as in factors servers.csv), and a
# decode step slower than a second (an answer of a few hundred tokens then takes minutes).
MAX_ACCELERATORS_PER_SERVER = 8
MAX_DECODE_STEP_SECONDS = 1.0
