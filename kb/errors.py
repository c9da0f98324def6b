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


def os_error_reason(exc: OSError) -> str:
    """An OSError in words a maintainer can act on (disk full, read-only, permission denied)."""
    import errno

    reasons = {
        errno.ENOSPC: "the disk is full",
        errno.EDQUOT: "the disk quota is exceeded",
        errno.EROFS: "the folder is on a read-only file system",
        errno.EACCES: "permission denied",
        errno.EPERM: "permission denied",
    }
    reason = reasons.get(exc.errno or 0, exc.strerror or str(exc))
    return f"{reason} ({exc.filename})" if exc.filename else reason
