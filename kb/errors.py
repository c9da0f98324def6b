"""Errors a maintainer can act on: each names the file and the reason."""


class KBError(Exception):
    """Base class for knowledge-base errors shown to users."""


class CorpusError(KBError):
    """A corpus file cannot be read or is invalid; the message names the file."""


class IndexMissingError(KBError):
    """No built index at the configured location."""


class UnknownPassageError(KBError):
    """A passage id that the index does not hold."""


class InputFileError(KBError, ValueError):
    """A file given on the command line cannot be read or has a bad line; names file and line."""


class UnknownAreaError(KBError, ValueError):
    """An area with no levels-of-need framework (a ValueError too, for callers that catch that)."""
