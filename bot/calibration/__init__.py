"""Calibration sessions: everyone judges the same items blind; agreement shows where policy splits the room."""
