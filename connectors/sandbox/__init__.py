"""Sandboxes: local stand-ins for banks', AAs' and PSPs' systems, and their synthetic data.

They are outside nijta by design: what they hold is raw, as a real source's data would be.
"""
