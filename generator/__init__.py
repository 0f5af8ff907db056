"""Static briefing-site generator: YAML briefings → validated model → Markdown → MkDocs."""

from .diagnostics import Diagnostic, Report
from .model import Briefing
from .pipeline import load

__all__ = ["Briefing", "Diagnostic", "Report", "load"]
__version__ = "0.1.0"
