"""The Weights page: its four tabs (tabs.py) and its explanations (notes.py)."""
