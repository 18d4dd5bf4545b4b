"""Regional summaries as files: HTML, Word, PDF and spreadsheets of one `Summary`, and their building.

Every format reads the same `SummaryDocument` (document.py), so each shows the same figures,
hides the same small cells and words them the same way; build.py turns a `Report` request
into a stored file.
"""
