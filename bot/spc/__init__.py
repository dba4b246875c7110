"""Statistical process control: control limits for daily proportions and detectors of shifts (pure)."""
