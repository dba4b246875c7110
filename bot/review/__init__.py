"""The business review (WBR/QBR) of one scope: figures (service, figures), periods, definitions."""
