"""Figures and pictures shared by the pages (Plotly figures, PIL panels, weight pictures)."""
