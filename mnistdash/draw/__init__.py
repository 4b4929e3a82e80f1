"""The Draw page's core: reading one digit live, the headline, strokes, in-browser models, counterfactuals."""
