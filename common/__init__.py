"""Leaf modules every package may import; they import no project package themselves."""
