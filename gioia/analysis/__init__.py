"""Analyses beyond the structure, as pure computations over loaded evidence (no ORM):
co-occurrence, case × code matrices, saturation, fsQCA calibration, keyword in context."""
