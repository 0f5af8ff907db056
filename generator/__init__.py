"""Static briefing-site generator: YAML briefings → validated model → Markdown → MkDocs."""

from .diagnostics import BriefingError, Diagnostic, Report
from .model import Briefing
from .pipeline import load

__all__ = ["Briefing", "BriefingError", "Diagnostic", "Report", "load"]
__version__ = "0.1.0"
