class PaperError(Exception):
    """A position paper that cannot be read; the message is one line, fit to show to its author."""
