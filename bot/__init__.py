"""eventbot: a Matrix bot for community events."""

__version__ = "0.1.0"
