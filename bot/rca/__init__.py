"""Root-cause analysis: which errors drive a drop, where they come from, who repeats them."""
