"""The source library: read seeds, split them into citable passages, locate and search."""
