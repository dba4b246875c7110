"""Disputes: vendors contest an audit, QA decides, and every figure uses the final verdict."""
