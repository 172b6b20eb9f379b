"""lowlat reference trading engine: feed handler, strategy, risk, journal and venue gateway."""

__version__ = "0.1.0"
