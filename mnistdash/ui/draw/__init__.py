"""The Draw page's parts: the canvas component, reading an upload or a number, the headline, the maps, the timeline, the counterfactual and the digit check."""
