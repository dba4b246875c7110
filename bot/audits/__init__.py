"""Getting QA audits in: reading exports, checking rows, classifying outcomes."""
