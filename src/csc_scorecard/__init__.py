"""csc-scorecard: children's social care performance management."""

__version__ = "0.1.0"
