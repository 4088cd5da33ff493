"""rasd: Arabic news in, structured, geolocated, source-attributed event data out."""
from rasd.runner.pipeline import analyze, analyze_batch

__all__ = ["analyze", "analyze_batch"]
__version__ = "0.1.0"
