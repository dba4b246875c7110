"""Running it like a service: /healthz, /readyz and /metrics, each process's metrics, and JSON logs."""
