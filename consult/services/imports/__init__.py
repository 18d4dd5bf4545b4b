"""Bringing answers in from files: response tables (our own exports, KoboToolbox and ODK Central
exports) and a focal point's offline questionnaire."""
