"""nmo: planner, writer, proofreader and analyst agents for Chinese social-media teams."""

__version__ = "0.1.0"
