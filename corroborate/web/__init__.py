"""The thin web layer: blueprints that render what the domain core computes."""
