"""Safeguarding-procedures knowledge base: cited passages, hybrid search, threshold levels."""

__version__ = "0.1.0"
