"""Turning source documents into the reviewed Markdown corpus."""
